"""Passing for another member: a display name that reads like theirs, or their avatar under another profile.

Names are compared by their skeleton (Unicode normalisation, case, invisible characters and look-alike letters
folded, runs of spaces as one), avatars by their bytes and, when the bytes differ, by their decoded pixels: the
same picture saved again with other metadata, or in another format without loss, is the same picture.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PIL import Image

from ..images import FORMATS, sniff
from ..lookalikes import skeleton


@dataclass(frozen=True)
class Resemblance:
    """One way a profile passes for another member's."""

    field: str  # name or avatar
    other: str  # the other member's handle
    message: str
    hint: str


def resemblances(name: object, previous_name: object, avatar: object, picture: bytes | None,
                 others: Mapping[str, Mapping], picture_of: Callable[[str], bytes | None]) -> list[Resemblance]:
    """How a profile with this `name` and this `avatar` (whose file holds `picture`) passes for one of `others`
    (handle -> front matter at the base); `picture_of` reads another member's avatar file at the base. A name
    that only keeps reading like the one it had is not looked at: the profile did not just take it."""
    found = []
    if isinstance(name, str) and name.strip() and not same_name(name, str(previous_name or "")):
        for other, fields in sorted(others.items()):
            if isinstance(fields.get("name"), str) and same_name(fields["name"], name):
                found.append(Resemblance("name", other, f"'{name}' reads like '{fields['name']}', the name of {other}'s profile",
                                         "use the name people know you by, told apart from theirs (an initial, a second "
                                         "name), or ask the committee to add this profile"))
    if picture is None:
        return found  # no avatar, or a missing or unsafe file: the graph and the identity rules report it
    digest, size, pixels = byte_digest(picture), image_size(picture), None
    for other, fields in sorted(others.items()):
        theirs = fields.get("avatar")
        data = picture_of(theirs) if isinstance(theirs, str) and theirs else None
        if data is None:
            continue
        same = byte_digest(data) == digest
        if not same and size is not None and image_size(data) == size:
            # Decoding is the costly part: only for pictures of the very same size, and one's own once.
            pixels = pixels or pixel_digest(picture)
            same = pixels is not None and pixel_digest(data) == pixels
        if same:
            found.append(Resemblance("avatar", other, f"'{avatar}' is the same picture as the avatar of {other} ('{theirs}')",
                                     "use a picture of your own, or remove 'avatar:' to get initials"))
    return found


#: Characters that show nothing and are no format character (Unicode Cf, which the skeleton drops): Unicode's
#: default-ignorable letters and marks (the combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
#: Mongolian and other variation selectors) and the braille blank, which shows as a space. 'Bob\u3164 Martin' is
#: 'Bob Martin' on every page.
SHOWS_NOTHING = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


def name_keys(name: str) -> tuple[str, str]:
    """What a display name looks like, reduced twice: as written, and with its case folded first (the skeleton reads
    a capital I as l, so 'MARTIN' and 'Martin' differ as written)."""
    shown = SHOWS_NOTHING.sub("", unicodedata.normalize("NFKC", str(name)).replace("\u2800", " "))
    spaced = " ".join(shown.split())
    return skeleton(spaced), skeleton(spaced.casefold())


def same_name(a: str, b: str) -> bool:
    """True when two display names can be mistaken for each other."""
    return any(x == y for x, y in zip(name_keys(a), name_keys(b), strict=True))


def byte_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header alone, or None when `data` is not a PNG, JPEG or WebP image."""
    image = _open(data)
    if image is None:
        return None
    with image:
        return image.size


def pixel_digest(data: bytes) -> str | None:
    """A digest of the decoded picture (size and RGBA pixels), or None when it cannot be decoded safely."""
    image = _open(data)
    if image is None:
        return None
    try:
        with warnings.catch_warnings(), image:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            rgba = image.convert("RGBA")
            digest = hashlib.sha256(f"{rgba.width}x{rgba.height}:".encode())
            digest.update(rgba.tobytes())
            return digest.hexdigest()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def _open(data: bytes) -> Image.Image | None:
    fmt = sniff(data[:1024])
    if fmt not in FORMATS:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=[fmt])
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None

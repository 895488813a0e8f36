"""Images attached to a "send a text" issue: fetched only from GitHub's user-content hosts, bounded in number and
size, checked for what they are, re-encoded without their metadata (location, camera, comments) and written under
content/media/submissions/, the text pointing at them instead of GitHub."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from PIL import Image, ImageOps

from .images import FORMATS, MAX_IMAGE_PIXELS, sniff

#: Where GitHub keeps what people attach to issues (and where those addresses redirect to).
USER_CONTENT_HOSTS = frozenset({"user-images.githubusercontent.com", "private-user-images.githubusercontent.com",
                                "objects.githubusercontent.com"})
ATTACHMENTS_PATH = "/user-attachments/assets/"  # on github.com
MAX_IMAGES = 10
MEDIA_FOLDER = "media/submissions"
# A Markdown image, or the <img> GitHub writes when a picture is dropped into the form (bounded: linear time).
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\(\s*(https://[^\s)]{1,2000})\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>\n]{0,2000}?\bsrc=\"(https://[^\"\s]{1,2000})\"[^>\n]{0,2000}>", re.IGNORECASE)
_ALT = re.compile(r"\balt=\"([^\"\n]{0,300})\"", re.IGNORECASE)
_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


def is_user_content(url: str, hosts: frozenset[str] = USER_CONTENT_HOSTS) -> bool:
    """An https address on GitHub's user-content hosts (or an attachment on github.com): nothing else is fetched."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.username or parts.password or parts.port not in (None, 443):
        return False
    host = (parts.hostname or "").lower()
    return host in hosts or (host == "github.com" and parts.path.startswith(ATTACHMENTS_PATH))


@dataclass
class Attached:
    """The text with its pictures pointing at the portal's copies, the copies, and what was left out and why."""

    text: str
    files: dict[str, bytes] = field(default_factory=dict)  # path under content/ -> bytes
    notes: list[str] = field(default_factory=list)


Fetch = Callable[[str, int], bytes]


def import_images(text: str, item_relpath: str, number: int, max_bytes: int, fetch: Fetch | None = None,
                  hosts: frozenset[str] = USER_CONTENT_HOSTS) -> Attached:
    """Copy the pictures `text` shows from GitHub's user-content hosts into content/media/submissions/ and point
    the text at them (relative to `item_relpath`, a path under content/); other addresses are left as written."""
    fetch = fetch or (lambda url, limit: download(url, limit, hosts))
    result = Attached(text)
    found: list[tuple[str, str, str]] = []  # (whole reference, alt, url)
    for match in _MARKDOWN_IMAGE.finditer(text):
        found.append((match.group(0), match.group(1), match.group(2)))
    for match in _HTML_IMAGE.finditer(text):
        alt = _ALT.search(match.group(0))
        found.append((match.group(0), alt.group(1) if alt else "", match.group(1)))
    depth = item_relpath.count("/")
    replacements: dict[str, str] = {}
    for whole, alt, url in found:
        if whole in replacements or not is_user_content(url, hosts):
            continue
        if len(result.files) >= MAX_IMAGES:
            result.notes.append(f"{url}: more than {MAX_IMAGES} pictures, left out")
            continue
        try:
            data, kind = clean(fetch(url, max_bytes), max_bytes)
        except (ValueError, OSError) as exc:
            result.notes.append(f"{url}: {exc}, left out")
            replacements[whole] = ""
            continue
        name = f"{MEDIA_FOLDER}/issue-{int(number)}-{len(result.files) + 1}{_SUFFIX[kind]}"
        result.files[name] = data
        alt_text = " ".join(alt.replace("[", "").replace("]", "").split()) or "picture"
        replacements[whole] = f"![{alt_text}]({'../' * depth}{name})"
    for whole, new in replacements.items():
        result.text = result.text.replace(whole, new)
    return result


def download(url: str, limit: int, hosts: frozenset[str] = USER_CONTENT_HOSTS, timeout: float = 30.0) -> bytes:
    """The bytes at `url`, at most `limit`; every redirect must stay on the user-content hosts."""
    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if not is_user_content(newurl, hosts):
                raise ValueError(f"redirected off GitHub's user-content hosts ({urlsplit(newurl).hostname})")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    if not is_user_content(url, hosts):
        raise ValueError("not on GitHub's user-content hosts")
    opener = urllib.request.build_opener(Redirects)
    request = urllib.request.Request(url, headers={"User-Agent": "agora-press", "Accept": "image/*"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except (urllib.error.URLError, TimeoutError) as exc:
        raise ValueError(f"cannot download it ({getattr(exc, 'reason', exc)})") from None
    if len(data) > limit:
        raise ValueError(f"larger than {limit // 1024} KiB")
    return data


def clean(data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """The picture re-encoded from its pixels alone (turned upright first): no EXIF, GPS, XMP, ICC or comment
    survives. PNG, JPEG and WebP only, judged by the bytes; bounded in size and in pixels."""
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes // 1024} KiB")
    kind = sniff(data[:1024])
    if kind not in FORMATS:
        raise ValueError("not a PNG, JPEG or WebP picture")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise ValueError("too many pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                upright = ImageOps.exif_transpose(image)
                mode = "RGBA" if "A" in upright.getbands() or upright.mode == "P" else "RGB"
                pixels = upright.convert(mode)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, SyntaxError, OSError) as exc:
            raise ValueError(f"not a readable picture ({exc})") from None
    bare = Image.new(pixels.mode, pixels.size)
    bare.paste(pixels)  # a new image: none of the original's info (EXIF, ICC, text chunks) comes along
    out = io.BytesIO()
    if kind == "JPEG":
        bare.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif kind == "WEBP":
        bare.save(out, "WEBP", quality=85, method=6)
    else:
        bare.save(out, "PNG", optimize=True)
    return out.getvalue(), kind

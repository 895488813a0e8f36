"""Images from contributors: checked for what they really are, and avatars resized reproducibly."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from PIL import Image, ImageOps

#: Largest picture Agora decodes; a small file can declare a huge canvas (a decompression bomb).
MAX_IMAGE_PIXELS = 25_000_000
# Pillow's own guard, for every image this process opens: its default (89 million) is too generous.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

#: Formats accepted from contributors, by the bytes a file starts with (never by its name).
FORMATS = ("PNG", "JPEG", "WEBP")
_SUFFIXES = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",)}
FORMAT_NAMES = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF", "AVIF": "AVIF", "SVG": "SVG"}
AVATAR_SIZES = (64, 128, 256)
#: Fixed encoder settings: the same source gives the same bytes on every build.
_WEBP = {"quality": 85, "method": 6, "lossless": False, "exact": False}


def sniff(head: bytes) -> str | None:
    """The format a file's first bytes announce: PNG, JPEG, WEBP, SVG, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) or b"<svg" in text:
        return "SVG"
    return None


def check_image(path: Path, max_bytes: int) -> str | None:
    """Why the file at `path` is not an acceptable PNG, JPEG or WebP image, or None when it is."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return "is not a regular file"
    size = path.stat().st_size
    if size > max_bytes:
        # Checked before reading, so a huge file costs nothing.
        return f"is {_kib(size)} KiB, over the limit of {_kib(max_bytes)} KiB"
    with open(path, "rb") as handle:
        head = handle.read(1024)
    found = sniff(head)
    if found == "SVG":
        return "is an SVG image, which can carry scripts; use a PNG, JPEG or WebP image"
    if found is None:
        return "is not a PNG, JPEG or WebP image (its first bytes say otherwise)"
    suffix = path.suffix.lower()
    known = {s for names in _SUFFIXES.values() for s in names}
    if suffix in known and suffix not in _SUFFIXES[found]:
        return f"is a {FORMAT_NAMES[found]} image named '{suffix}'; rename it to '{_SUFFIXES[found][0]}'"
    return _decode(path, found)


def _decode(path: Path, fmt: str) -> str | None:
    """Decode the whole picture once: a damaged, truncated or oversized image fails here."""
    return open_image(path, fmt, load=True, verify=True)


def open_image(path: Path, fmt: str, *, load: bool, verify: bool = False) -> str | None:
    """Open `path` with Pillow as `fmt` only; why it fails (too many pixels, a bomb, damage) or None.

    Without `load` only the header is read: cheap enough for every image of a big portal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if verify:
                with Image.open(path, formats=[fmt]) as image:
                    image.verify()
            with Image.open(path, formats=[fmt]) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height * frames > MAX_IMAGE_PIXELS:
                    many = f" ({frames} frames)" if frames > 1 else ""
                    return f"is {width}×{height} pixels{many}, over the limit of {MAX_IMAGE_PIXELS:,} pixels"
                if load:
                    image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"declares more than {MAX_IMAGE_PIXELS:,} pixels (a decompression bomb?)"
    except Exception as exc:  # Pillow raises many types for damaged files; each means "not an image"
        return f"is damaged or not really a {FORMAT_NAMES.get(fmt, fmt)} image ({type(exc).__name__})"
    return None


def _kib(size: int) -> int:
    return -(-size // 1024)


def resize_avatar(src: Path, dest_dir: Path, sizes: tuple[int, ...] = AVATAR_SIZES, *, stem: str = "avatar") -> list[str]:
    """Square WebP copies of a checked image, one per size (`avatar-64.webp`...); return their file names.

    Metadata (EXIF with its GPS position, ICC, XMP) is dropped: only pixels are written."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(src, formats=list(FORMATS)) as opened:
            opened.seek(0)  # the first frame of an animation: an avatar holds still
            # Orientation is metadata too: apply it before the metadata is thrown away.
            upright = ImageOps.exif_transpose(opened)
            picture = _in_srgb(upright, opened.info.get("icc_profile"))
    mode = "RGBA" if picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info else "RGB"
    picture = picture.convert(mode)
    written = []
    for size in sorted(set(sizes)):
        fitted = ImageOps.fit(picture, (size, size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
        # A fresh image from raw pixels carries no info dict, so nothing but pixels can reach the file.
        bare = Image.frombytes(mode, fitted.size, fitted.tobytes())
        name = f"{stem}-{size}.webp"
        tmp = dest_dir / f".{name}.tmp"
        bare.save(tmp, "WEBP", **_WEBP)
        os.replace(tmp, dest_dir / name)
        written.append(name)
    return written


def _in_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The image converted to sRGB when it carries another colour profile, so dropping the profile keeps its colours."""
    if not icc or image.mode not in {"RGB", "RGBA"}:
        return image.copy()
    try:
        from PIL import ImageCms  # needs Pillow built with LittleCMS

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except Exception:  # an unreadable profile: the pixels as they are are the best guess
        return image.copy()

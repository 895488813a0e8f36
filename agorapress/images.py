"""Images from contributors: checked for what they really are, then re-encoded reproducibly (metadata gone, upright,
in sRGB, in several widths and formats): the one pipeline every raster image of a portal goes through."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, features

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


#: Widths (CSS pixels at 1x) a picture is published in; a narrower source stops at its own width.
WIDTHS = (480, 960, 1600)
#: Fixed encoder settings per output format: the same pixels give the same bytes on every build.
ENCODERS: dict[str, dict] = {
    "WEBP": {"quality": 80, "method": 4, "exact": False},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"},
    # zlib level 4, the first with lazy matching: 80 % of level 6's time for 1 to 2 % more bytes (the Rust blog's
    # screenshots and charts, the demo's photos), where level 3 leaves 20 % more on photos and Pillow's exhaustive
    # `optimize` takes four times level 6's time for 1 % less.
    "PNG": {"compress_level": 4},
    # One thread: the encoder's output must not depend on how the work was split.
    "AVIF": {"quality": 60, "speed": 8, "max_threads": 1},
}
#: WebP behind AVIF in <picture>: fetched only by a browser without AVIF, so encoded for speed. Measured at 960 px:
#: method 2 takes half the time of method 4 for 3 % more bytes (47 of the Rust blog's pictures) to 15 % (the demo's
#: photos). When this Pillow writes no AVIF, WebP is what browsers fetch, and gets method 4.
WEBP_BEHIND_AVIF = {**ENCODERS["WEBP"], "method": 2}
SUFFIX = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png", "AVIF": "avif"}
MIME = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "AVIF": "image/avif"}
#: What a source is published as besides WebP (a GIF holds still as a PNG: its first frame).
ORIGINAL_AS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG", "AVIF": "AVIF"}
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112


class ImageRejected(Exception):
    """A picture the pipeline cannot publish: damaged, truncated, too big, or not what its name says."""


class ImageTooLarge(ImageRejected):
    """A picture with more pixels than the portal's limit."""


@dataclass(frozen=True)
class Facts:
    """What a source picture's header says: its size once upright, its format, and whether it carried a location."""

    width: int
    height: int
    format: str
    located: bool


def can_write_avif() -> bool:
    """Whether this Pillow was built with an AVIF encoder."""
    try:
        return bool(features.check("avif"))
    except Exception:  # an older Pillow that does not know the feature's name
        return False


def output_formats(source_format: str, avif: bool | None = None) -> tuple[str, ...]:
    """The formats a source is published in, smallest-first as <source> elements list them: AVIF (when this Pillow
    writes it), WebP, then the source's own format (the fallback every browser shows)."""
    avif = can_write_avif() if avif is None else avif
    original = ORIGINAL_AS[source_format]
    chosen = (["AVIF"] if avif else []) + ["WEBP", original]
    return tuple(dict.fromkeys(chosen))


def widths_for(width: int) -> tuple[int, ...]:
    """The widths a picture `width` pixels wide is published in: the standard ones below it, then its own (capped)."""
    top = min(width, WIDTHS[-1])
    return (*(w for w in WIDTHS if w < top), top)


def facts(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> Facts:
    """Read a picture's header only (cheap): size after EXIF orientation, format, location. ImageRejected if unreadable."""
    fmt = _sniff_any(data[:64])
    try:
        with _guarded(max_pixels):
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                _refuse_oversized(width * height * getattr(image, "n_frames", 1), max_pixels)
                # Pillow decodes a whole PNG to find metadata written after its pixels; most have none there.
                exif = Image.Image.getexif(image) if fmt == "PNG" and not _png_tail_metadata(data) else image.getexif()
                located = bool(exif.get_ifd(_GPS_IFD)) or _GPS_IFD in exif
                if exif.get(_ORIENTATION) in (5, 6, 7, 8):
                    width, height = height, width
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(f"declares more than {max_pixels:,} pixels (a decompression bomb?)") from None
    except Exception as exc:
        raise ImageRejected(f"is damaged or not really a {FORMAT_NAMES.get(fmt, fmt)} image ({type(exc).__name__})") from None
    return Facts(width, height, fmt, located)


#: PNG chunks that may carry EXIF or XMP (orientation, location): after the pixels, Pillow reads them only by decoding.
_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt"})


def _png_tail_metadata(data: bytes) -> bool:
    """Whether a PNG has a metadata chunk after its first pixel chunk (or chunks this walk cannot follow): one step
    per chunk, never decompressing anything."""
    offset, pixels = 8, False
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8]
        if kind == b"IEND":
            return False
        if kind == b"IDAT":
            pixels = True
        elif pixels and kind in _PNG_METADATA:
            return True
        offset += 12 + length
    return True


def decodes(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Decode the whole first frame of `data` (JPEG at a reduced scale: every byte is still read): ImageRejected when
    it is damaged or truncated. What `agora check` runs, so that what it accepts the build can encode."""
    fmt = _sniff_any(data[:64])
    try:
        with _guarded(max_pixels):
            with Image.open(io.BytesIO(data), formats=[fmt]) as opened:
                _refuse_oversized(opened.size[0] * opened.size[1], max_pixels)
                if fmt == "JPEG":
                    opened.draft("RGB", (max(1, opened.size[0] // 8), max(1, opened.size[1] // 8)))
                opened.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(f"declares more than {max_pixels:,} pixels (a decompression bomb?)") from None
    except Exception as exc:  # Pillow raises many types for damaged or truncated files
        raise ImageRejected(f"is damaged or truncated ({type(exc).__name__}: {exc})") from None


def renditions(data: bytes, widths: tuple[int, ...], formats: tuple[str, ...],
               max_pixels: int = MAX_IMAGE_PIXELS) -> dict[tuple[int, str], bytes]:
    """Decode `data` once and encode it at every width in every format: {(width, format): bytes}.

    Orientation is applied first (it is metadata too), colours are converted to sRGB, then only pixels are kept:
    no EXIF (camera, GPS position), XMP, ICC profile or comment can reach a published file."""
    picture = upright(data, max_pixels)
    mode = picture.mode
    out: dict[tuple[int, str], bytes] = {}
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        sized = picture if width == picture.width else picture.resize((width, height), Image.Resampling.LANCZOS)
        bare = Image.frombytes(mode, sized.size, sized.tobytes())
        for name in formats:
            target = bare.convert("RGB") if name == "JPEG" and mode == "RGBA" else bare
            buffer = io.BytesIO()
            target.save(buffer, name, **(WEBP_BEHIND_AVIF if name == "WEBP" and "AVIF" in formats else ENCODERS[name]))
            out[(width, name)] = buffer.getvalue()
    return out


def upright(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """The first frame of `data`, turned by its EXIF orientation, in sRGB, as RGB or RGBA pixels with no metadata."""
    fmt = _sniff_any(data[:64])
    try:
        with _guarded(max_pixels):
            with Image.open(io.BytesIO(data), formats=[fmt]) as opened:
                _refuse_oversized(opened.size[0] * opened.size[1], max_pixels)
                opened.seek(0)  # the first frame of an animation
                turned = ImageOps.exif_transpose(opened)
                picture = _in_srgb(turned, opened.info.get("icc_profile"))
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(f"declares more than {max_pixels:,} pixels (a decompression bomb?)") from None
    except Exception as exc:  # Pillow raises many types for damaged or truncated files
        raise ImageRejected(f"is damaged or truncated ({type(exc).__name__}: {exc})") from None
    alpha = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
    mode = "RGBA" if alpha else "RGB"
    converted = picture.convert(mode)
    # A fresh image from raw pixels carries no info dict: nothing but pixels can reach a file made from it.
    return Image.frombytes(mode, converted.size, converted.tobytes())


def scaled_height(facts: Facts, width: int) -> int:
    """The height of the rendition `width` pixels wide (as `renditions` makes it)."""
    return max(1, round(facts.height * width / facts.width))


def _sniff_any(head: bytes) -> str:
    found = sniff(head)
    if found is None and head.startswith((b"GIF87a", b"GIF89a")):
        found = "GIF"
    if found is None and len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in {b"avif", b"avis"}:
        found = "AVIF"
    if found is None or found == "SVG":
        raise ImageRejected("is not a PNG, JPEG, WebP, GIF or AVIF image (its first bytes say otherwise)")
    return found


def _refuse_oversized(pixels: int, max_pixels: int) -> None:
    if pixels > max_pixels:
        raise ImageTooLarge(f"has {pixels:,} pixels, over the limit of {max_pixels:,}")


class _guarded:
    """Pillow's decompression-bomb warning raised as an error, and truncated files refused (never padded grey)."""

    def __init__(self, max_pixels: int):
        self.max_pixels = max_pixels

    def __enter__(self):
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return self

    def __exit__(self, *exc):
        return self._warnings.__exit__(*exc)

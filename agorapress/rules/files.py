"""Files under content/: what they really are, how big and how many, and names that are safe as URLs.

Rule ids (documented for readers in rules/catalogue.py):

- ``svg-refused`` (error): an ``.svg`` file anywhere under content/: SVG can carry scripts.
- ``not-an-image`` (error): a file under content/media/ named as an image whose first bytes say it is
  something else (or another format than its name), or that is damaged; an image that declares more pixels
  than Agora decodes (a decompression bomb).
- ``image-too-large`` (error): an image over ``moderation.max_image_kb``.
- ``file-type`` (error): a PDF, audio, video, text or CSV file under content/media/ whose bytes do not
  match its name.
- ``file-too-large`` (error): another media file over the media limit (20 MiB unless configured).
- ``too-many-files`` (error): content/ holds more files than the limit (5,000 unless configured).
- ``file-name`` (error): a file or folder name that is hidden, has spaces or characters other than ASCII
  letters, digits, '.', '_' and '-', or a Markdown file whose name is not a lowercase slug (when it sets no
  ``slug:``): the name becomes a URL. Also a name Windows reserves (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to
  LPT9, whatever the case and the extension) or one ending with a dot, which a Windows checkout cannot hold; and
  two names that differ only by case (``Photo.jpg`` and ``photo.jpg``), one file on macOS and Windows.
- ``missing-file`` (error): an interviewee ``photo``, or the theme's ``logo`` in site_config.yaml, that is not
  an image under content/media/.

Sizes are checked before any byte is read; images are identified by their bytes, never by their name. The
check of every file reads only headers; ``agora check --base`` decodes the images a pull request changes.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from pathlib import Path

from ..config import CONFIG_FILE
from ..content.kinds import KINDS, MEDIA_FOLDER
from ..content.loader import CONTENT_DIR
from ..graph import SiteGraph
from ..images import FORMAT_NAMES, check_image, open_image, sniff
from ..problems import Problem
from ..schema import _SLUG, MAX_SLUG
from .sources import config_lines

#: Image formats accepted under media/, by suffix.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".gif": "GIF", ".avif": "AVIF"}
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Device names Windows keeps in every folder, with any extension ('con.md', 'aux.png') and in any case.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})


def check_files(graph: SiteGraph) -> list[Problem]:
    """Walk content/ once (links are not followed: the loader refuses them) and look at every file."""
    if graph.root is None:
        return []
    content = Path(graph.root) / CONTENT_DIR
    moderation = graph.config.moderation
    image_limit = moderation.max_image_kb * 1024
    media_limit = moderation.max_media_kb * 1024
    problems: list[Problem] = []
    relpaths = content_files(graph)
    problems += count_problems(len(relpaths), moderation.max_files)
    problems += case_problems(relpaths)
    slugged = {item.relpath for item in graph.items if getattr(item.meta, "slug", None)}
    for rel in relpaths:
        display = f"{CONTENT_DIR}/{rel}"
        problems += name_problems(rel, has_slug=rel in slugged)
        if rel.lower().endswith((".svg", ".svgz")):
            problems.append(Problem(display, 0, "svg-refused", "", "SVG images are refused: they can carry scripts",
                                    "export the picture as PNG or WebP and link to that file"))
        elif rel.startswith(f"{MEDIA_FOLDER}/") and rel in graph.static:
            problems += media_problems(content / rel, display, image_limit, media_limit)
    problems += _interviewee_photos(graph)
    problems += _theme_logo(graph)
    return problems


def content_files(graph: SiteGraph) -> list[str]:
    """Every regular file under content/ (the loader's walk: links and ignored names left out)."""
    return graph.files


def count_problems(count: int, limit: int) -> list[Problem]:
    if count <= limit:
        return []
    return [Problem(CONTENT_DIR, 0, "too-many-files", "", f"{count} files, over the limit of {limit}",
                    "remove files nobody links to, or ask the committee to raise moderation.max_files")]


def name_problems(rel: str, has_slug: bool = False) -> list[Problem]:
    """Problems with the names along `rel` (a path under content/)."""
    display = f"{CONTENT_DIR}/{rel}"
    parts = rel.split("/")
    # A profile's name is its handle: the graph's 'handle' rule says what else is wrong with it.
    profile = parts[0] == "contributors" and rel.endswith(".md")
    for index, part in enumerate(parts):
        what = "folder" if index < len(parts) - 1 else "file"
        if part.split(".", 1)[0].lower() in WINDOWS_RESERVED or part.endswith("."):
            why = "ends with a dot" if part.endswith(".") else f"is a device name on Windows ({part.split('.', 1)[0].upper()})"
            return [Problem(display, 0, "file-name", "", f"the {what} name '{part}' {why}: a Windows checkout cannot hold it",
                            "rename it, e.g. my-text.md")]
        if not profile and not _SAFE_NAME.fullmatch(part):
            why = "is hidden (starts with a dot)" if part.startswith(".") else \
                "has characters other than ASCII letters, digits, '.', '_' and '-'"
            return [Problem(display, 0, "file-name", "", f"the {what} name '{part}' {why}",
                            "rename it with lowercase ASCII letters, digits and hyphens, e.g. my-text.md")]
    if profile:
        return []
    top, stem = parts[0], posixpath.splitext(parts[-1])[0]
    if rel.endswith(".md") and top in KINDS and not has_slug and not _SLUG.match(stem):
        return [Problem(display, 0, "file-name", "", f"'{stem}' becomes the URL of this item but is not a slug",
                        f"rename the file {_slugish(stem)}.md (lowercase letters, digits, hyphens, at most {MAX_SLUG}) "
                        "or set 'slug:'")]
    return []


def case_problems(relpaths: list[str]) -> list[Problem]:
    """Files and folders whose names differ only by case: one on macOS and Windows checkouts, and one URL."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for rel in relpaths:
        parts = rel.split("/")
        for end in range(1, len(parts) + 1):
            prefix = "/".join(parts[:end])
            spellings[prefix.lower()].add(prefix)
    problems, reported = [], set()
    for rel in relpaths:  # sorted: a folder's problem goes on its first file
        parts = rel.split("/")
        for end in range(1, len(parts) + 1):
            prefix = "/".join(parts[:end])
            others = sorted(spellings[prefix.lower()] - {prefix})
            if others and prefix not in reported:
                reported.add(prefix)
                what = "file" if end == len(parts) else "folder"
                problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "file-name", "",
                                        f"the {what} '{prefix}' differs from '{others[0]}' only by case: they are one "
                                        f"{what} on macOS and Windows, and one address on the site",
                                        "rename one of them, or merge them: names are best in lowercase"))
                break
    return problems


def _slugish(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "my-text"


def media_problems(path: Path, display: str, image_limit: int, media_limit: int, *, deep: bool = False) -> list[Problem]:
    """What is wrong with one file under media/; `deep` decodes images whole (slower: for a PR's new files)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_FORMATS:
        found = inspect_image(path, image_limit, deep=deep)
        if found is None:
            return []
        rule, reason = found
        hint = ("make it smaller: 1600 pixels wide at 80 % quality is plenty for a web page" if rule == "image-too-large"
                else "export it again as PNG, JPEG or WebP (no SVG), and give it the matching extension")
        return [Problem(display, 0, rule, "", f"'{path.name}' {reason}", hint)]
    size = path.stat().st_size
    if size > media_limit:
        size_kib, limit_kib = -(-size // 1024), media_limit // 1024
        return [Problem(display, 0, "file-too-large", "", f"{size_kib} KiB is over the limit of {limit_kib} KiB",
                        "link to a video or audio host instead, or ask the committee to raise the media limit")]
    reason = _other_media(path, suffix)
    if reason:
        return [Problem(display, 0, "file-type", "", f"'{path.name}' {reason}",
                        "upload the real file, with the extension of its type")]
    return []


def inspect_image(path: Path, max_bytes: int, *, deep: bool = False) -> tuple[str, str] | None:
    """(rule id, why) when `path` is not an acceptable image for its name, else None: size first, then its
    bytes, then its header (or the whole picture when `deep`)."""
    size = path.stat().st_size
    if size > max_bytes:
        return "image-too-large", f"is {-(-size // 1024)} KiB, over the limit of {max_bytes // 1024} KiB"
    reason = _image_reason(path, max_bytes, deep)
    return ("not-an-image", reason) if reason else None


def _image_reason(path: Path, max_bytes: int, deep: bool) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(1024)
    found = sniff_media(head)
    expected = IMAGE_FORMATS[path.suffix.lower()]
    if found == "SVG":
        return "is an SVG image, which can carry scripts"
    if found is None:
        return "is not an image (its first bytes say otherwise)"
    if found != expected:
        return f"is a {FORMAT_NAMES[found]} image named '{path.suffix}'"
    if deep and found in {"PNG", "JPEG", "WEBP"}:
        return check_image(path, max_bytes)
    return open_image(path, found, load=deep)


def sniff_media(head: bytes) -> str | None:
    """The image format announced by a file's first bytes: PNG, JPEG, WEBP, GIF, AVIF, SVG or None."""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in {b"avif", b"avis"}:
        return "AVIF"
    return sniff(head)


def _other_media(path: Path, suffix: str) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(64)
    if suffix in {".txt", ".csv"}:
        data = path.read_bytes()
        if b"\x00" in data:
            return "is not text (it holds NUL bytes)"
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "is not UTF-8 text"
        return None
    matches = {
        ".pdf": head.startswith(b"%PDF-"),
        ".mp3": head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0),
        ".ogg": head.startswith(b"OggS"),
        ".mp4": head[4:8] == b"ftyp",
        ".webm": head.startswith(b"\x1a\x45\xdf\xa3"),
    }
    if suffix in matches and not matches[suffix]:
        return f"is not a {suffix[1:].upper()} file (its first bytes say otherwise)"
    return None


def _is_media_image(graph: SiteGraph, path: str) -> bool:
    target = posixpath.normpath(path.removeprefix("/").removeprefix(f"{CONTENT_DIR}/"))
    return target.startswith(f"{MEDIA_FOLDER}/") and target in graph.static and \
        posixpath.splitext(target)[1].lower() in IMAGE_FORMATS


def _theme_logo(graph: SiteGraph) -> list[Problem]:
    logo = graph.config.theme.options.logo
    if not logo or _is_media_image(graph, logo):
        return []
    line = config_lines(graph).line_of(("theme", "options", "logo"))
    return [Problem(CONFIG_FILE, line, "missing-file", "theme.options.logo", f"'{logo}' is not an image under {CONTENT_DIR}/{MEDIA_FOLDER}/",
                    f"put a square PNG, JPEG or WebP image in {CONTENT_DIR}/{MEDIA_FOLDER}/ and give its path, e.g. media/logo.png")]


def _interviewee_photos(graph: SiteGraph) -> list[Problem]:
    problems = []
    for item in graph.items:
        interviewee = getattr(item.meta, "interviewee", None)
        photo = interviewee.photo if interviewee is not None else None
        if not photo:
            continue
        if not _is_media_image(graph, photo):
            problems.append(Problem(item.path, item.line_of("interviewee", "photo"), "missing-file", "interviewee.photo",
                                    f"'{photo}' is not an image under {CONTENT_DIR}/{MEDIA_FOLDER}/",
                                    f"put the photo in {CONTENT_DIR}/{MEDIA_FOLDER}/ and give its path, e.g. media/portrait.jpg"))
    return problems


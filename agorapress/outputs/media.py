"""The portal's media as the site publishes them: which files are in use (and by whom), which may be published
now (the embargo), and every raster image re-encoded in its widths and formats, cached by content hash.

A file under content/media/ is published when a published item uses it (its cover, its interviewee's photo, a
link or image in its body, a profile's body) or when the theme shows it (the logo). A file used only by drafts or
scheduled items waits for them; a file nobody uses is never published (`agora check` says so).

Every raster image goes through `images.renditions`: its own address (`media/photo.jpg`) holds a clean copy at the
largest width, and `media/_r/photo.jpg-<width>.<ext>` the other widths and formats. No name under content/ may start
with '_' (rules/files.py), so these names never meet a contributor's file.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..content.kinds import MEDIA_FOLDER
from ..content.loader import CONTENT_DIR, Item
from ..graph import SiteGraph
from ..images import (
    MAX_IMAGE_PIXELS,
    MIME,
    SUFFIX,
    Facts,
    ImageRejected,
    facts,
    output_formats,
    renditions,
    scaled_height,
    widths_for,
)

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")
RENDITIONS_FOLDER = f"{MEDIA_FOLDER}/_r"
#: Changes whenever the encoders' settings or the pipeline change: cached renditions of older settings are not reused.
PIPELINE_VERSION = "3"


@dataclass(frozen=True)
class Source:
    """One published width of a picture in one format."""

    url: str  # relative to the site root
    width: int
    height: int


@dataclass
class Picture:
    """A raster image as pages show it: its fallback file and size, and every format's widths for `srcset`."""

    path: str  # media/photo.jpg, relative to the site root
    width: int
    height: int
    located: bool
    formats: dict[str, list[Source]] = field(default_factory=dict)  # format -> widths, narrowest first

    @property
    def fallback(self) -> Source:
        """The source's own format at its largest width: the `src` every browser shows."""
        return self.formats[list(self.formats)[-1]][-1]

    def srcset(self, fmt: str, prefix: str = "") -> str:
        return ", ".join(f"{prefix}{s.url} {s.width}w" for s in self.formats[fmt])

    def sources(self) -> list[tuple[str, list[Source]]]:
        """(MIME type, widths) of the formats before the fallback, for <source> elements."""
        names = list(self.formats)
        return [(MIME[name], self.formats[name]) for name in names[:-1]]

    def fallback_format(self) -> str:
        return list(self.formats)[-1]


def rendition_name(path: str, width: int, fmt: str, largest: int, fallback: str) -> str:
    """Where one width of one format of `path` is published: the source's address for its largest fallback."""
    if width == largest and fmt == fallback:
        return path
    rest = path.removeprefix(f"{MEDIA_FOLDER}/")
    return f"{RENDITIONS_FOLDER}/{rest}-{width}.{SUFFIX[fmt]}"


def _body_targets(item: Item) -> Iterator[str]:
    for link in item.local_links:
        yield posixpath.normpath(link.target)


def uses(graph: SiteGraph) -> dict[str, list[Item]]:
    """Every file under media/ that some item uses, with the items that use it (sorted by path)."""
    found: dict[str, set[str]] = defaultdict(set)
    for item in graph.items:
        targets = list(_body_targets(item))
        for value in (getattr(item.meta, "image", None),
                      getattr(getattr(item.meta, "interviewee", None), "photo", None)):
            if value:
                targets.append(value)
        for target in targets:
            if target.startswith(f"{MEDIA_FOLDER}/"):
                found[target].add(item.relpath)
    return {path: sorted((graph.by_path[p] for p in paths), key=lambda i: i.relpath)
            for path, paths in sorted(found.items())}


def theme_media(graph: SiteGraph) -> set[str]:
    """Media the theme shows on every page (the logo)."""
    logo = graph.config.theme.options.logo
    return {logo} if logo else set()


def publishable(graph: SiteGraph) -> list[str]:
    """The files of media/ this build publishes: those a published item or the theme uses, sorted."""
    used = uses(graph)
    chosen = theme_media(graph) | {path for path, items in used.items() if any(graph.is_published(i) for i in items)}
    return sorted(path for path in chosen if path in set(graph.static))


def unused(graph: SiteGraph) -> list[str]:
    """The files of media/ nobody uses (never published)."""
    used = set(uses(graph)) | theme_media(graph)
    return [path for path in graph.static if path.startswith(f"{MEDIA_FOLDER}/") and path not in used]


def is_raster(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in RASTER_SUFFIXES


class MediaLibrary:
    """The pictures of one build: their facts read from headers (cheap, on demand), their renditions encoded once
    per content (kept in the portal's cache folder under the digest of the bytes and the pipeline's settings)."""

    def __init__(self, graph: SiteGraph, cache=None, avif: bool | None = None):
        self.graph = graph
        self.root = Path(graph.root) if graph.root is not None else None
        self.cache = cache
        self.avif = avif
        self.max_pixels = min(MAX_IMAGE_PIXELS, graph.config.moderation.max_image_pixels)
        self._pictures: dict[str, Picture | None] = {}

    @cached_property
    def published(self) -> frozenset[str]:
        return frozenset(publishable(self.graph))

    def _bytes(self, path: str) -> bytes:
        assert self.root is not None
        return (self.root / CONTENT_DIR / path).read_bytes()

    def picture(self, path: str | None) -> Picture | None:
        """The published picture at `path` ('media/x.jpg'), or None (not a raster image this build publishes)."""
        if not path or path not in self.published or not is_raster(path):
            return None
        if path not in self._pictures:
            try:
                self._pictures[path] = self._describe(path, facts(self._bytes(path), self.max_pixels))
            except (ImageRejected, OSError):
                self._pictures[path] = None
        return self._pictures[path]

    def _describe(self, path: str, found: Facts) -> Picture:
        widths = widths_for(found.width)
        formats = output_formats(found.format, self.avif)
        fallback, largest = formats[-1], widths[-1]
        picture = Picture(path, largest, scaled_height(found, largest), found.located)
        for fmt in formats:
            picture.formats[fmt] = [Source(rendition_name(path, w, fmt, largest, fallback), w, scaled_height(found, w))
                                    for w in widths]
        return picture

    def files(self, path: str) -> dict[str, bytes]:
        """Every published file of the picture at `path`: {address: bytes}. ImageRejected when it cannot be read."""
        data = self._bytes(path)
        found = facts(data, self.max_pixels)
        picture = self._describe(path, found)
        widths = tuple(s.width for s in picture.formats[picture.fallback_format()])
        formats = tuple(picture.formats)
        digest = hashlib.sha256(data).hexdigest()
        key = f"{PIPELINE_VERSION}:{widths}:{formats}".encode()
        names = {(s.width, fmt): s.url for fmt in formats for s in picture.formats[fmt]}
        cached = {spec: self._cached(digest, key, spec) for spec in names}
        if any(value is None for value in cached.values()):
            cached = renditions(data, widths, formats, self.max_pixels)
            for spec, value in cached.items():
                self._keep(digest, key, spec, value)
        return {names[spec]: cached[spec] for spec in sorted(names, key=lambda s: names[s])}

    def _cache_name(self, digest: str, key: bytes, spec: tuple[int, str]) -> str:
        settings = hashlib.sha256(key + repr(spec).encode()).hexdigest()[:16]
        return f"media-{digest[:32]}-{settings}"

    def _cached(self, digest: str, key: bytes, spec: tuple[int, str]) -> bytes | None:
        return self.cache.read(self._cache_name(digest, key, spec)) if self.cache is not None else None

    def _keep(self, digest: str, key: bytes, spec: tuple[int, str], value: bytes) -> None:
        if self.cache is not None:
            self.cache.write(self._cache_name(digest, key, spec), value)

"""What moderation rules read besides the graph: every text field of an item, and the lines of a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from .. import yamlstrict
from ..config import CONFIG_FILE
from ..content.loader import CONTENT_DIR, Item
from ..content.source import normalise_newlines
from ..graph import SiteGraph
from ..yamlstrict import dotted

FieldPath = tuple[str | int, ...]


def text_fields(meta: BaseModel) -> Iterator[tuple[FieldPath, str]]:
    """Every string of the front matter with its path, as the contributor wrote the keys ('from', not 'term_from')."""
    yield from _walk(meta.model_dump(by_alias=True, exclude_none=True), ())


def _walk(value: object, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))


def field_name(path: FieldPath) -> str:
    return dotted(path)


def source_lines(graph: SiteGraph, relpath: str) -> list[str]:
    """The lines of a file under content/, decoded as the loader decoded it; empty when it cannot be read.

    The loader has already refused bad encodings and oversized files, so this never reports: it reads."""
    if graph.root is None:
        return []
    path = Path(graph.root) / CONTENT_DIR / relpath
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    return normalise_newlines(raw.decode("utf-8-sig", errors="replace")).split("\n")


def field_at_line(item: Item, line: int) -> str:
    """The front-matter field written on `line` of the item's file ('' for the body or an unknown line)."""
    if line >= item.body_line:
        return ""
    best: FieldPath = ()
    for path, at in item.lines.items():
        # The deepest field starting on that line names it best: 'location.name' rather than 'location'.
        if at == line and len(path) > len(best):
            best = path
    return dotted(tuple(part for part in best))


def config_lines(graph: SiteGraph) -> yamlstrict.YamlDocument:
    """site_config.yaml read again for its line numbers (the config model keeps values only)."""
    path = graph.root / CONFIG_FILE if graph.root is not None else None
    try:
        return yamlstrict.load(path.read_text(encoding="utf-8-sig")) if path else yamlstrict.YamlDocument(None)
    except (OSError, UnicodeDecodeError):
        return yamlstrict.YamlDocument(None)

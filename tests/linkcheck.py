"""An offline link checker for a built site: every relative link, image, stylesheet and script resolves."""

from __future__ import annotations

import posixpath
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


@cache
def _parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def _ids(path: Path) -> set[str]:
    return {element.get("id") for element in _parse(path).iter() if element.get("id")}


def _target(site: Path, page: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    base = posixpath.dirname(page.relative_to(site).as_posix())
    rel = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else page.relative_to(site).as_posix()
    if rel.startswith(".."):
        return None
    target = site / rel
    if target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    """'page: url' for every relative reference that points at nothing (or at a missing #fragment)."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for element in _parse(page).iter():
            attribute = _ATTRIBUTES.get(element.tag)
            url = element.get(attribute) if attribute else None
            if not url or urlsplit(url).scheme or url.startswith("//"):
                continue
            target = _target(site, page, url)
            if target is None or not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
                continue
            fragment = urlsplit(url).fragment
            if fragment and target.suffix == ".html" and unquote(fragment) not in _ids(target):
                broken.append(f"{page.relative_to(site)}: {url} (no such anchor)")
    return broken

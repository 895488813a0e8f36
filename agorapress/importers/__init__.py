"""`agora import`: another site's posts, pages, authors and images as a portal's files, every old address kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .model import Note, Site
from .sources import SourceTree
from .writer import PortalWriter, Report

KINDS = ("pelican", "jekyll", "hugo", "zola", "wordpress", "feed")


def read_source(kind: str, source: Path) -> tuple[Site, SourceTree]:
    """The site at `source` (a folder; for wordpress and feed, a file), read by the reader of `kind`."""
    if kind in {"wordpress", "feed"}:
        tree = SourceTree(source.parent)
        if kind == "wordpress":
            from .wordpress import read_wordpress
            return read_wordpress(tree, source.name), tree
        from .feed import read_feed
        return read_feed(tree, source.name), tree
    from .generators import READERS
    tree = SourceTree(source)
    return READERS[kind](tree), tree


def run_import(kind: str, source: Path, into: Path, progress: Callable[[int, int], None] | None = None,
               site_url: str | None = None) -> Report:
    """Read the source, then write (or update) the portal's files; what could not be converted is in the notes.
    `site_url` is the old site's address when its configuration does not say (links to it become local)."""
    site, tree = read_source(kind, source)
    if site_url:
        site.url = site_url.rstrip("/")
    return PortalWriter(into, kind, tree, site, progress).write()


__all__ = ["KINDS", "Note", "Report", "read_source", "run_import"]

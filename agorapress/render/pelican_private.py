"""Pelican's private or undocumented parts that Agora still relies on, each with its reason.

Everything else goes through Pelican's public seams: plugin `register()`, signals (`get_writer`, `get_generators`,
`readers_init`, `generator_init`, `article_generator_pretaxonomy`, `article_generator_finalized`, `initialized`,
`finalized`, `all_generators_finalized`), settings, and Generator and Writer subclasses. pyproject.toml accepts the
Pelican versions the test suite runs on; tests/test_pelican_private.py checks every entry below against the
installed Pelican and fails with its words when one is gone, so an upgrade says what to rework instead of breaking a
build halfway.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass


@dataclass(frozen=True)
class Reliance:
    """One private part: where it is (`module:Class`), what Agora needs of it (an attribute, or a piece of its
    source that shows the behaviour relied on), who relies on it and why."""

    where: str
    needs: str
    used_by: str
    why: str
    in_source_of: str = ""  # a method whose source must contain `needs` (behaviour, not a name)

    def holds(self) -> bool:
        module, _, name = self.where.partition(":")
        target = importlib.import_module(module)
        for part in name.split("."):
            target = getattr(target, part, None)
            if target is None:
                return False
        if self.in_source_of:
            method = getattr(target, self.in_source_of, None)
            return method is not None and self.needs in inspect.getsource(method)
        return hasattr(target, self.needs)


RELIANCES = [
    Reliance("pelican.writers:Writer", "_open_w", "render/writer.py ShardWriter",
             "every page's bytes pass through it: the shard writer writes them whole then renames the file (never into "
             "a file shared with the last output), links an unchanged page from the last output, and hands the bytes "
             "to the search index"),
    Reliance("pelican.writers:Writer", "self._written_files", "render/writer.py ShardWriter",
             "Pelican's own rule that a page written twice in one build is an error (or an override) is kept",
             in_source_of="__init__"),
    Reliance("pelican.writers:Writer", "self._overridden_files", "render/writer.py ShardWriter",
             "the same rule, for the pages a plugin overrides", in_source_of="__init__"),
    Reliance("pelican.readers:Readers", "self.disabled_readers", "render/core/__init__.py _forget_replaced_readers",
             "without Python-Markdown installed, Pelican keeps its Markdown reader as disabled and warns on every .md "
             "file, although Agora's reader reads them; the warning would fail the build", in_source_of="__init__"),
    Reliance("pelican.readers:Readers", "get_cached_data", "render/core/__init__.py _forget_replaced_readers",
             "Pelican's content cache, switched off, still stats every file twice per read: replaced by no-ops"),
    Reliance("pelican.readers:Readers", "cache_data", "render/core/__init__.py _forget_replaced_readers",
             "the same, for storing"),
    Reliance("pelican.generators:CachingGenerator", "get_cached_data", "render/core/__init__.py _forget_replaced_readers",
             "the generators that cache stat every article again before reading it, cache off: replaced by no-ops"),
    Reliance("pelican.generators:CachingGenerator", "cache_data", "render/core/__init__.py _forget_replaced_readers",
             "the same, for storing"),
    Reliance("pelican.generators:ArticlesGenerator", "[article for article in self.dates if article in articles]",
             "render/core/__init__.py _Members",
             "each listing picks its dates with this scan, once per article of the portal: the section, tag and author "
             "lists are given a set lookup for `in` (seconds per render process at 10,000 items)",
             in_source_of="generate_tags"),
    Reliance("pelican.generators:ArticlesGenerator", "signals.article_generator_pretaxonomy.send(self)",
             "render/core/__init__.py _order_articles",
             "the article lists are sorted in place (newest first, then by path) before the listings are made from "
             "them: Pelican reads files from a set, so equal dates would otherwise come in any order",
             in_source_of="generate_context"),
    Reliance("pelican.readers:Readers", "read_file", "render/live.py render_item",
             "agora serve re-reads one saved item through the last build's generator and swaps it into the "
             "generator's lists (articles, pages) to render its page at once"),
]


def missing() -> list[Reliance]:
    """The reliances the installed Pelican no longer meets."""
    return [reliance for reliance in RELIANCES if not reliance.holds()]

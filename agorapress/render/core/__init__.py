"""Agora's core Pelican plugin: the Markdown reader over the site graph, the shard writer, the people pages (wall,
profiles, badges) and the theme's fixed pages."""

from __future__ import annotations

from pelican import signals

from ..writer import ShardWriter
from .generators import ContributorsGenerator, ThemePagesGenerator
from .reader import AgoraReader


def _writer(pelican) -> type:
    # Pelican's public seam for a writer: it makes one with (output path, settings=...).
    return ShardWriter


def _add_reader(readers) -> None:
    # Agora's reader replaces Pelican's Markdown reader for .md files.
    readers.reader_classes["md"] = AgoraReader


def _forget_replaced_readers(generator) -> None:
    # Without Python-Markdown installed, Pelican keeps its own Markdown reader as "disabled" for .md and
    # warns on every .md file that it cannot read it, although Agora's reader reads them.
    readers = getattr(generator, "readers", None)
    if readers is None:
        return
    for extension in list(readers.disabled_readers):
        if extension in readers.readers:
            del readers.disabled_readers[extension]
    if not generator.settings.get("CACHE_CONTENT"):
        # Pelican's content cache, off, still stats every file twice per read to compare stamps it never keeps: in
        # its readers, and again in the generators that cache (two of every article's stats, a second at 10,000).
        for cacher in (readers, generator):
            if hasattr(cacher, "get_cached_data"):
                cacher.get_cached_data = lambda filename, default=None: default
                cacher.cache_data = lambda filename, data: None


def _order_articles(generator) -> None:
    # Pelican collects files in a set, so items of the same date come in an order that changes from
    # one process to the next; a total order (newest first, then by path) keeps every list stable.
    for name in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations"):
        contents = getattr(generator, name, None)
        if contents:
            contents.sort(key=lambda content: content.source_path)
            contents.sort(key=lambda content: content.date, reverse=True)


class _Members(list):
    """A section's, tag's or author's articles, whose `in` is a set lookup: Pelican picks each listing's
    dates with `[a for a in self.dates if a in articles]`, a scan of the list for every article of the
    portal (seconds per render process at 10,000 items). Pelican's content objects compare by identity,
    so this is the same test. The lists are not changed after the generator's context is made."""

    __slots__ = ("_ids",)

    def __init__(self, articles) -> None:
        super().__init__(articles)
        self._ids = frozenset(map(id, self))

    def __contains__(self, value) -> bool:
        return id(value) in self._ids


def _index_listings(generator) -> None:
    tags = getattr(generator, "tags", None)
    if isinstance(tags, dict):
        for tag in list(tags):
            tags[tag] = _Members(tags[tag])
    for name in ("categories", "authors"):
        pairs = getattr(generator, name, None)
        if isinstance(pairs, list):
            pairs[:] = [(key, _Members(articles)) for key, articles in pairs]


def _add_generators(pelican):
    return [ContributorsGenerator, ThemePagesGenerator]


def register() -> None:
    signals.get_writer.connect(_writer)
    signals.readers_init.connect(_add_reader)
    signals.generator_init.connect(_forget_replaced_readers)
    signals.get_generators.connect(_add_generators)
    signals.article_generator_pretaxonomy.connect(_order_articles)
    signals.article_generator_finalized.connect(_index_listings)

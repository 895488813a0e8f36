"""Site search: the /search/ page and the Pagefind index of the site.

Every rendering process keeps a copy of the searchable pages it writes, as Pagefind reads them (see
index.py). Pagefind's service starts with the first rendering process and is handed each page once it
is written, so it runs beside the rendering; the build waits for it when it finalises.
"""

from __future__ import annotations

from pelican import signals

from ..context import context_of
from ..shards import pages_written, rendering_ended
from .index import COPIES_DIR, Indexes, Searchable, SearchCopies, reusable, search_parts, searchable_pages
from .page import SearchPageGenerator


def _add_generators(pelican):
    return [SearchPageGenerator]


def _install(pelican) -> None:
    # Every rendering process: base.html marks the <main> of the pages the index takes, and the writer hands
    # those pages to the copies Pagefind reads. The first process runs Pagefind, from now on.
    context = context_of(pelican.settings)
    if context is None:
        return
    order = searchable_pages(context.graph)
    pelican.settings["JINJA_GLOBALS"]["search"] = Searchable(order)
    if context.scratch is None or not order:  # agora serve's re-render of one page makes no index
        return
    # An incremental build renders only the pages of its plan: the others are the last output's, read from there.
    plan = context.plan
    kept = frozenset(name for name in order if not plan.renders(name)) if plan is not None else frozenset()
    copies = SearchCopies(context.scratch / COPIES_DIR, context.output, order, context.previous, kept)
    context.on_write.append(copies)
    if context.shard == 0:
        # A part none of whose pages is rendered again is the last output's (see index.py: the parts are the same).
        parts = search_parts(order)
        reused = [folder for folder, names in parts if kept.issuperset(names) and reusable(context.previous, folder)]
        context.indexing = Indexes(copies, [part for part in parts if part[0] not in reused], reused)


def _pages_written(context) -> None:
    running = context.indexing
    if running is not None:
        # A page with no copy by now was written some other way, or not at all: the index can be finished while
        # the build writes the rest.
        running.finish_soon(after=context.others_ended)


def _finish(pelican) -> None:
    # finalized: every page of this build is in the staging folder, which is swapped in only afterwards.
    context = context_of(pelican.settings)
    running, context.indexing = context.indexing, None
    if running is not None:
        running.finish()


def _stop(pelican) -> None:
    # The rendering ended without finalising (a template failed, a process crashed): no index, no service left.
    context = context_of(pelican.settings)
    running = context.indexing if context is not None else None
    if running is not None:
        context.indexing = None
        running.stop()


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)
    pages_written.connect(_pages_written)
    signals.finalized.connect(_finish)
    rendering_ended.connect(_stop)

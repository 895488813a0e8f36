"""Site search: the /search/ page and the Pagefind index of the site.

Every rendering process keeps a copy of the searchable pages it writes, as Pagefind reads them (see
index.py). Pagefind's service starts with the first rendering process and is handed each page once it
is written, so it runs beside the rendering; the build waits for it when it finalises.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from ..shards import ON_WRITE, PLAN, pages_written, rendering_ended
from .index import COPIES_DIR, Indexing, Searchable, SearchCopies, searchable_pages
from .page import SearchPageGenerator


def _add_generators(pelican):
    return [SearchPageGenerator]


def _install(pelican) -> None:
    # Every rendering process: base.html marks the <main> of the pages the index takes, and the writer hands
    # those pages to the copies Pagefind reads. The first process runs Pagefind, from now on.
    portal = pelican.settings.get("AGORA_PORTAL")
    if portal is None:
        return
    order = searchable_pages(portal.graph)
    pelican.settings["JINJA_GLOBALS"]["search"] = Searchable(order)
    scratch = pelican.settings.get("AGORA_SCRATCH")  # a build's, never agora serve's re-render of one page
    if scratch is None or not order:
        return
    previous = pelican.settings.get("AGORA_PREVIOUS_OUTPUT")
    # An incremental build renders only the pages of its plan: the others are the last output's, read from there.
    plan = pelican.settings.get(PLAN)
    kept = frozenset(name for name in order if not plan.renders(name)) if plan is not None else frozenset()
    copies = SearchCopies(Path(scratch, COPIES_DIR), Path(pelican.settings["OUTPUT_PATH"]), order,
                          Path(previous) if previous else None, kept)
    pelican.settings[ON_WRITE] = (*pelican.settings.get(ON_WRITE, ()), copies)
    if getattr(pelican, "shard", 0) == 0:
        pelican.agora_search = Indexing(copies)


def _pages_written(pelican) -> None:
    running = getattr(pelican, "agora_search", None)
    if running is not None:
        running.copies.written.set()  # a page with no copy by now was written some other way, or not at all


def _finish(pelican) -> None:
    # finalized: every page of this build is in the staging folder, which is swapped in only afterwards.
    running = getattr(pelican, "agora_search", None)
    pelican.agora_search = None
    while running is not None:
        running = running.finish()


def _stop(pelican) -> None:
    # The rendering ended without finalising (a template failed, a process crashed): no index, no service left.
    running = getattr(pelican, "agora_search", None)
    pelican.agora_search = None
    if running is not None:
        running.stop()


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)
    pages_written.connect(_pages_written)
    signals.finalized.connect(_finish)
    rendering_ended.connect(_stop)

"""Site search: the /search/ page and the Pagefind index of the site.

Pagefind starts as soon as every item and profile page is written (the engine's `pages_written`)
and runs beside the rest of the build; the build waits for it when it finalises.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from ...engine.parallel import pages_written
from .index import Searchable, searchable_pages, start_index
from .page import SearchPageGenerator


def _add_generators(pelican):
    return [SearchPageGenerator]


def _install(pelican) -> None:
    # Every rendering process: base.html marks the <main> of the pages the index takes.
    portal = pelican.settings.get("AGORA_PORTAL")
    if portal is not None:
        pelican.settings["JINJA_GLOBALS"]["search"] = Searchable(searchable_pages(portal.graph))


def _start(pelican) -> None:
    portal = pelican.settings.get("AGORA_PORTAL")
    if portal is not None:
        pelican.agora_search = start_index(Path(pelican.settings["OUTPUT_PATH"]), searchable_pages(portal.graph))


def _finish(pelican) -> None:
    # finalized: every page of this build is in the staging folder, which is swapped in only afterwards.
    if not hasattr(pelican, "agora_search"):
        _start(pelican)  # the pages-written mark never came (a shard failed): index now, the build reports why
    running = getattr(pelican, "agora_search", None)
    pelican.agora_search = None
    if running is not None:
        running.finish()


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)
    pages_written.connect(_start)
    signals.finalized.connect(_finish)

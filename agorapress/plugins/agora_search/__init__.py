"""Site search: the /search/ page and, once every page is written, the Pagefind index of the site."""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from .index import index_site, searchable_pages
from .page import SearchPageGenerator


def _add_generators(pelican):
    return [SearchPageGenerator]


def _index(pelican) -> None:
    # finalized: every page of this build is in the staging folder, which is swapped in only afterwards.
    portal = pelican.settings.get("AGORA_PORTAL")
    if portal is not None:
        index_site(Path(pelican.settings["OUTPUT_PATH"]), searchable_pages(portal.graph))


def register() -> None:
    signals.get_generators.connect(_add_generators)
    signals.finalized.connect(_index)

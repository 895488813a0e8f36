"""Syndication and discovery: feeds of every kind, the feeds page, sitemap, robots.txt and page metadata."""

from __future__ import annotations

from pelican import signals

from ...text import tag_slug
from .discovery import Discovery
from .generator import FeedsGenerator, write_sitemap


def _install(pelican) -> None:
    # Runs in every rendering process before any template exists, so every page sees `discovery`.
    settings = pelican.settings
    portal = settings.get("AGORA_PORTAL")
    if portal is None:
        return
    view = settings["JINJA_GLOBALS"]["agora"]
    settings["JINJA_GLOBALS"]["discovery"] = Discovery(portal, view, tag_slug)


def _add_generators(pelican):
    return [FeedsGenerator]


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)
    signals.finalized.connect(write_sitemap)

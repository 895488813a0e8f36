"""Discovery: what every page tells machines about itself (its feeds, canonical address, Open Graph, JSON-LD), and the
feeds page. The feeds themselves are written by the build (build/outputs.py), outside Pelican."""

from __future__ import annotations

from pelican import signals

from ...text import tag_slug
from ..context import context_of
from .discovery import Discovery
from .generator import FeedsPageGenerator


def _install(pelican) -> None:
    # Runs in every rendering process before any template exists, so every page sees `discovery`.
    context = context_of(pelican.settings)
    if context is None:
        return
    context.discovery = Discovery(context.portal, context.view, tag_slug)
    pelican.settings["JINJA_GLOBALS"]["discovery"] = context.discovery


def _add_generators(pelican):
    return [FeedsPageGenerator]


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)

"""The people's editorial committee on the portal: /committee/, the call for contributions /board/, "write for us" links."""

from __future__ import annotations

from pelican import signals

from ...committee.pages import CommitteePages
from ..context import context_of
from .generator import CommitteeGenerator


def _install(pelican) -> None:
    # Runs in every rendering process before any template exists, so every page (the home page's open
    # topics, the "write for us" page) sees `committee`.
    context = context_of(pelican.settings)
    if context is not None:
        pelican.settings["JINJA_GLOBALS"]["committee"] = CommitteePages(context.graph)


def _add_generators(pelican):
    return [CommitteeGenerator]


def register() -> None:
    signals.initialized.connect(_install)
    signals.get_generators.connect(_add_generators)

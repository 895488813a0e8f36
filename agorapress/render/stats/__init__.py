"""The community stats page, /stats/: monthly activity, items by section and top tags, as inline SVG charts and tables."""

from __future__ import annotations

from pelican import signals

from .generator import StatsGenerator


def _add_generators(pelican):
    return [StatsGenerator]


def register() -> None:
    signals.get_generators.connect(_add_generators)

"""Events: the portal's calendar and one calendar file per event, beside the event pages."""

from __future__ import annotations

from pelican import signals

from .generator import CalendarsGenerator


def _add_generators(pelican):
    return [CalendarsGenerator]


def register() -> None:
    signals.get_generators.connect(_add_generators)

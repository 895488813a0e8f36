"""Agora's core Pelican plugin: the Markdown reader over the site graph, the people pages (wall, profiles, badges)."""

from __future__ import annotations

from pelican import signals

from .generators import ContributorsGenerator, ThemePagesGenerator
from .reader import AgoraReader


def _add_reader(readers) -> None:
    # Agora's reader replaces Pelican's Markdown reader for .md files.
    readers.reader_classes["md"] = AgoraReader


def _add_generators(pelican):
    return [ContributorsGenerator, ThemePagesGenerator]


def register() -> None:
    signals.readers_init.connect(_add_reader)
    signals.get_generators.connect(_add_generators)

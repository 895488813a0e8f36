"""Pure partials (a listing's cards) rendered once per item and page depth instead of once per listing."""

from __future__ import annotations

from pelican import signals

from ...engine.fragments import install


def _install(generator) -> None:
    install(generator.env)


def register() -> None:
    signals.generator_init.connect(_install)

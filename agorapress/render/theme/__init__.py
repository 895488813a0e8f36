"""The reader's interface: message catalogues for the theme's templates (jinja2.ext.i18n)."""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from ..context import context_of
from .translations import install


def _install_translations(generator) -> None:
    # Every generator, Agora's own included, gets the catalogues: the portal's own theme folder first, so
    # its messages win over the shipped theme's.
    settings = generator.settings
    context = context_of(settings)
    themes = [Path(settings["THEME"])]
    if context is not None:
        portal = context.portal
        own = portal.root / "themes" / portal.config.theme.name
        if own != themes[0]:
            themes.insert(0, own)
    install(generator.env, themes, settings["DEFAULT_LANG"])


def register() -> None:
    signals.generator_init.connect(_install_translations)

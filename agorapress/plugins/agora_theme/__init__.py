"""The reader's interface: message catalogues for the theme's templates (jinja2.ext.i18n)."""

from __future__ import annotations

from pelican import signals

from .translations import install


def _install_translations(generator) -> None:
    # Every generator, Agora's own included, gets the catalogue of the portal's language.
    portal = generator.settings.get("AGORA_PORTAL")
    language = portal.config.site.language if portal is not None else generator.settings["DEFAULT_LANG"]
    install(generator.env, language)


def register() -> None:
    signals.generator_init.connect(_install_translations)

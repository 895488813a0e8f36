"""Gettext translations for the theme, by language."""

from __future__ import annotations

from jinja2 import Environment


def install(env: Environment, language: str) -> None:
    """Give `env` the `_`, `gettext` and `ngettext` of `language` (new-style: `_("%(n)s items", n=3)`)."""
    env.install_null_translations(newstyle=True)

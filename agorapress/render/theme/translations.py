"""Gettext catalogues of the theme's interface, by language; each page gets that of its language (view.page_language).

Message ids are English; a catalogue is `translations/<lang>/LC_MESSAGES/messages.po` in the theme, and a
portal's own `themes/<name>/translations/` adds to it (its messages win). The .po files are compiled in
memory with Babel: no .mo file is committed or written.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from ..view import page_language

DOMAIN = "messages"


def catalogue_path(theme: Path, language: str) -> Path:
    return theme / "translations" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    """The .po file at `path` (translations/<lang>/LC_MESSAGES/messages.po), in the language of its folder."""
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


def _compile(path: Path) -> Translations:
    catalog = read_catalogue(path)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses nobody checked: they stay out, and the English text shows instead.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@lru_cache(maxsize=64)
def _catalogue(themes: tuple[Path, ...], language: str, stamps: tuple[int, ...]) -> stdlib_gettext.NullTranslations:
    # `stamps` (modification times) is only part of the key: `agora serve` picks up an edited catalogue.
    merged: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()
    for code in _candidates(language):
        found = [catalogue_path(theme, code) for theme in themes if catalogue_path(theme, code).is_file()]
        if not found:
            continue
        # Translations.merge lets the merged-in catalogue win: start from the last theme, end with the first.
        merged = _compile(found[-1])
        for path in reversed(found[:-1]):
            merged.merge(_compile(path))
        break
    return merged


def _candidates(language: str) -> list[str]:
    """'fr-CA' -> ['fr_CA', 'fr']: the regional catalogue first, then the language's."""
    parts = language.replace("-", "_").split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def catalogue(themes: Iterable[Path], language: str) -> stdlib_gettext.NullTranslations:
    """The merged catalogue of `language` over `themes` (first one wins); English ids when there is none."""
    ordered = tuple(themes)
    stamps = tuple(
        catalogue_path(theme, code).stat().st_mtime_ns if catalogue_path(theme, code).is_file() else 0
        for theme in ordered for code in _candidates(language)
    )
    return _catalogue(ordered, language, stamps)


def install(env: Environment, themes: Iterable[Path], default: str) -> None:
    """Give `env` `_`, `gettext` and `ngettext` (new-style: `_("%(n)s items", n=3)`) in each page's language."""
    ordered = tuple(themes)
    # One lookup per language and environment: `_()` runs thousands of times a build, the files' stat once.
    # A new build (and so `agora serve` after an edit) makes new environments, which see an edited catalogue.
    chosen: dict[str, stdlib_gettext.NullTranslations] = {}

    def of(context: Context) -> stdlib_gettext.NullTranslations:
        language = page_language(context, default)
        if language not in chosen:
            chosen[language] = catalogue(ordered, language)
        return chosen[language]

    # What jinja2.ext.i18n installs with newstyle=True (the text is Markup when autoescaping, and always a
    # %-format, so "%%" is a percent sign), in one call where the extension makes three: `_()` is the
    # most called function of a build.
    @pass_context
    def gettext(context: Context, message: str, /, **variables) -> str:
        text = of(context).gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int, /, **variables) -> str:
        variables.setdefault("num", n)
        text = of(context).ngettext(singular, plural, n)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    env.newstyle_gettext = True
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)

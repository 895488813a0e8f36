"""Dates, times and languages as a page says them: in the page's language (its item's, else the portal's)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ...schema import babel_locale

#: Context variables that carry the content a page is about, in the order they are looked for (what
#: `page_language` reads: a memoised partial must count them in its key, see render/fragments.py).
CONTENT_VARIABLES = ("article", "page")


def page_language(context: Context, default: str) -> str:
    """The language of the page being rendered: that of its item (`lang` in front matter), else the portal's."""
    for name in CONTENT_VARIABLES:
        lang = getattr(context.get(name), "lang", None)
        if isinstance(lang, str) and lang:
            return lang
    return default


# Babel formats are worth caching: the same dates come back on every list, card and feed of a build.
# Babel formats are worth caching: the same dates come back on every list, card and feed of a build.
@lru_cache(maxsize=8192)
def _format_date(moment: date, form: str, locale: str) -> str:
    return format_date(moment, format=form, locale=babel_locale(locale))


@lru_cache(maxsize=8192)
def _format_time(moment: datetime, locale: str) -> str:
    return format_time(moment, format="short", locale=babel_locale(locale))


@lru_cache(maxsize=8192)
def _format_datetime(moment: datetime, form: str, locale: str) -> str:
    return format_datetime(moment, format=form, locale=babel_locale(locale))


class DatesView:
    """`agora.date(...)`, `agora.time(...)`, `agora.language()`...: needs `self.locale` (the portal's language)."""

    def day(self, moment: date | datetime, form: str = "long", locale: str | None = None) -> str:
        """A date in words for Python callers, in `locale` (default: the portal's language)."""
        day = moment.date() if isinstance(moment, datetime) else moment
        return _format_date(day, form, locale or self.locale)

    @pass_context
    def date(self, context: Context, moment: date | datetime | None, form: str = "long") -> str:
        """A date in words, in the page's language ('22 novembre 2026'); a datetime is taken at its own offset."""
        return "" if moment is None else self.day(moment, form, page_language(context, self.locale))

    @pass_context
    def time(self, context: Context, moment: datetime) -> str:
        return _format_time(moment, page_language(context, self.locale))

    @pass_context
    def datetime(self, context: Context, moment: datetime, form: str = "long") -> str:
        return _format_datetime(moment, form, page_language(context, self.locale))

    @pass_context
    def language(self, context: Context) -> str:
        """The language of the page being rendered (its item's, else the portal's)."""
        return page_language(context, self.locale)

    @pass_context
    def lang_attr(self, context: Context, lang: str | None) -> Markup:
        """' lang="en"' for text in another language than the page's, so screen readers switch voice; else nothing."""
        if not lang or lang == page_language(context, self.locale):
            return Markup("")
        return Markup(' lang="%s"') % escape(lang)

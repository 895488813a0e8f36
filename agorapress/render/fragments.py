"""Partials rendered once per distinct set of values: a card included on every listing an item is on.

A listed partial (`PURE_PARTIALS`) must be a function of the variables it names and nothing else: its HTML
is then kept per value of each variable it (or a partial it includes) reads, and reused. Strings, numbers
and None are compared by value and type, lists by the identity of the list and of each element, a dict
of such values by value, anything else by identity (the object is kept alive with the entry, so its id
is never reused). `SITEURL` and `localsiteurl` differ with a page's depth, so a card on a tag page and
on a section page are two entries. The page's `article` or `page` is read behind the template's back
only for the page's language (view.page_language), which is part of every key: the site header is
rendered once per depth and language, not once per page. A partial that includes one by a computed
name, or that cannot be parsed again, is never memoised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2 import meta

from .view import page_language

#: Partials of the shipped theme that read only the variables they name (checked by the byte-identity tests).
PURE_PARTIALS = frozenset({"partials/card.html", "partials/site_header.html", "partials/site_footer.html",
                           "partials/avatar.html"})
#: Read by Pelican's content objects behind the templates' back (links in a summary follow the page's depth),
#: by the i18n extension's `_()` when a build puts translations in the context, and by the page-language
#: lookups (`_()`, `agora.date`, `agora.language`: view.page_language reads the page's `article` or `page`).
_ALWAYS = ("SITEURL", "localsiteurl", "gettext", "ngettext", "pgettext", "npgettext")
_BY_VALUE = (str, int, float, bool, type(None))


class FragmentTemplate(jinja2.Template):
    """A template that memoises its output when it is one of `PURE_PARTIALS`."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # noqa: A002 - Jinja's own signature
        template = super().from_code(environment, code, globals, uptodate)
        if template.name in PURE_PARTIALS:
            names = _free_variables(environment, template.name, set())
            if names is not None:
                template.root_render_func = _memoised(template.root_render_func, tuple(dict.fromkeys([*sorted(names), *_ALWAYS])))
        return template


def install(env: jinja2.Environment) -> None:
    """Make `env` compile listed partials as FragmentTemplate (before any template is loaded)."""
    env.template_class = FragmentTemplate


def _free_variables(env: jinja2.Environment, name: str, seen: set[str]) -> set[str] | None:
    """What `name` and the partials it includes read from their context; None when that cannot be known."""
    if name in seen:
        return set()
    seen.add(name)
    try:
        source, _, _ = env.loader.get_source(env, name)
        ast = env.parse(source)
    except jinja2.TemplateError:
        return None
    names = set(meta.find_undeclared_variables(ast))
    for included in meta.find_referenced_templates(ast):
        inner = _free_variables(env, included, seen) if included is not None else None
        if inner is None:
            return None
        names |= inner
    return names


def _memoised(render: Callable, names: tuple[str, ...]) -> Callable:
    cache: dict[tuple, tuple[str, list[Any]]] = {}

    def root(context) -> Iterator[str]:
        values = [context.resolve_or_missing(name) for name in names]
        # What the page-language lookups read behind the template's back (a partial that names `article`
        # or `page` itself is kept per content object too, by its names).
        values.append(page_language(context, ""))
        key = tuple(_key(v) for v in values)
        hit = cache.get(key)
        if hit is None:
            # Keeps the objects behind the ids alive (a list's elements too), so no id is reused while cached.
            kept = [tuple(v) if isinstance(v, (list, tuple)) else v for v in values]
            hit = cache[key] = ("".join(render(context)), kept)
        yield hit[0]

    return root


def _key(value: Any) -> tuple:
    if isinstance(value, _BY_VALUE):
        return type(value), value
    if isinstance(value, (list, tuple)):
        # By its elements: `agora serve` swaps an edited item into the same list (the footer's `pages`).
        return type(value), id(value), tuple(map(id, value))
    if isinstance(value, dict) and all(isinstance(v, _BY_VALUE) for v in value.values()):
        # A literal made in the template, like the byline's {"handle": ...}: new on every page, same value.
        return type(value), tuple(sorted((str(k), type(v), v) for k, v in value.items()))
    return type(value), id(value)


def _install(generator) -> None:
    install(generator.env)


def register() -> None:
    """A Pelican plugin: pure partials (a listing's cards) rendered once per item and page depth, not per listing."""
    from pelican import signals

    signals.generator_init.connect(_install)

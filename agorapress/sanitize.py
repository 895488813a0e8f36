"""HTML from contributors cleaned with nh3 on an explicit allowlist, for portals that let Markdown carry raw HTML."""

from __future__ import annotations

import functools
import re

import nh3

#: Elements a contributor's HTML may keep: text structure only. Everything else is dropped, keeping its
#: text; script and style are dropped with their content. No iframe, form, object, embed, style, svg, math.
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})

#: Elements removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

#: Attributes per element ("*": any element). No event handler, no style (but for table alignment), no target.
ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "details": {"open"},
}

#: Attributes limited to a few values; a task-list checkbox is the only form control, and it is inert.
ATTRIBUTE_VALUES = {
    "input": {"checked": {"", "checked"}},
}

#: Class names the Markdown pipeline itself writes; a contributor cannot borrow the theme's classes.
CLASSES = {
    "section": {"qa", "footnotes"},
    "h2": {"qa-question"},
    "div": {"qa-answer"},
    "ul": {"contains-task-list"},
    "ol": {"footnotes-list"},
    "li": {"task-list-item", "footnote-item"},
    "input": {"task-list-item-checkbox"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "ugc noopener"
#: Only alignment survives in a style attribute (Markdown tables write text-align).
STYLE_PROPERTIES = frozenset({"text-align"})
_ID = re.compile(r"^[a-z0-9][a-z0-9_:.-]{0,79}$")
# Only 'class' (allowlisted values) and 'checked' survive on an input: no quote or '>' can hide in it.
_INPUT = re.compile(r"<input\b([^>]*)>")
#: Ids the default theme gives its own elements (skip link target, search form): content may not take them.
THEME_IDS = frozenset({"main", "search-config", "search-form", "search-q", "search-results", "search-section", "search-status"})


def _filter_attribute(tag: str, attribute: str, value: str, id_mark: str = "") -> str | None:
    # Ids come from heading anchors and footnotes; anything else could clobber names the page relies on. With a mark,
    # only the ids the Markdown pipeline wrote (they carry it) are kept: raw HTML keeps none.
    if attribute == "id":
        if id_mark and id_mark not in value:
            return None
        plain = value.replace(id_mark, "") if id_mark else value
        if not _ID.match(plain) or plain in THEME_IDS:
            return None
    return value


def clean(html: str, id_mark: str = "") -> str:
    """`html` with only the allowlisted elements, attributes, classes and URL schemes left; with `id_mark`, only the
    ids that hold it (the caller takes the mark out after)."""
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=functools.partial(_filter_attribute, id_mark=id_mark) if id_mark else _filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        tag_attribute_values={tag: {name: set(vs) for name, vs in spec.items()} for tag, spec in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES),
        allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
        filter_style_properties=set(STYLE_PROPERTIES),
    )
    return _INPUT.sub(_checkbox, cleaned)


def _checkbox(match: re.Match[str]) -> str:
    """Any input left becomes a disabled checkbox, written one way. (nh3 can add attributes itself, but in an
    order that changes from one process to the next, and the output must be byte-reproducible.)"""
    attributes = match.group(1)
    css = ' class="task-list-item-checkbox"' if "task-list-item-checkbox" in attributes else ""
    checked = ' checked="checked"' if "checked" in attributes.replace("task-list-item-checkbox", "") else ""
    return f'<input{css}{checked} disabled="disabled" type="checkbox">'

"""HTML from contributors cleaned with nh3 on an explicit allowlist: the subset of HTML GitHub's Markdown preview
keeps (`moderation.html: github`), so a contributor sees on the portal what they saw on GitHub.

Only bodies that hold raw HTML are cleaned (content/markdown.py): what the Markdown renderer writes itself is
escaped already. content/rawhtml.py reports, with its line, what this cleaning removes."""

from __future__ import annotations

import functools
import re

import nh3
from pygments.token import STANDARD_TYPES

#: Elements a contributor's HTML may keep: GitHub's list (text structure, details/summary, images). Everything else
#: is dropped, keeping its text; script and style are dropped with their content. No iframe, form, object, embed,
#: style, svg, math, video: GitHub's preview does not show them either.
TAGS = frozenset({
    "a", "abbr", "b", "bdo", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strike",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "wbr",
})

#: Elements removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

#: Attributes per element ("*": any element). No event handler, no style (but for table alignment), no target.
ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir", "aria-label", "aria-hidden"},
    "a": {"href", "hreflang", "data-pagefind-ignore"},
    "img": {"src", "alt", "width", "height", "loading", "align"},
    "p": {"align"},
    "div": {"align"},
    "h1": {"align"}, "h2": {"align"}, "h3": {"align"}, "h4": {"align"}, "h5": {"align"}, "h6": {"align"},
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
    "div": {"qa-answer", "highlight"},
    "span": {"visually-hidden", "code-lang", *(name for name in STANDARD_TYPES.values() if name)},
    "ul": {"contains-task-list"},
    "ol": {"footnotes-list"},
    "li": {"task-list-item", "footnote-item"},
    "input": {"task-list-item-checkbox"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref", "heading-anchor"},
    "hr": {"footnotes-sep"},
}

#: Schemes people link to (IANA's permanent ones in use, and the common provisional ones): none can run script.
#: content/schemes.py reads links with the same list (an address of another scheme gets a did-you-mean).
URL_SCHEMES = frozenset({
    "http", "https", "mailto", "irc", "ircs", "irc6", "ftp", "ftps", "sftp", "tel", "sms", "xmpp", "matrix", "geo",
    "gemini", "gopher", "news", "nntp", "snews", "ssh", "git", "svn", "magnet", "bitcoin", "webcal", "urn", "doi",
    "tag", "ws", "wss", "rtsp", "sip", "sips", "facetime", "callto", "skype", "maps", "ipfs", "ipns", "dat",
    "hyper", "mumble", "teamspeak", "steam", "spotify", "zoommtg", "slack", "discord", "signal", "tg", "whatsapp",
    "feed", "itms-apps", "market", "openpgp4fpr", "nostr", "ldap", "ldaps", "info", "cid",
    "mid", "dns", "acct", "im", "pres", "coap", "coaps", "mqtt", "vnc", "rdp", "telnet", "jabber", "aim", "ymsgr",
})
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


def clean(html: str, id_mark: str = "", schemes: frozenset[str] = frozenset()) -> str:
    """`html` with only the allowlisted elements, attributes, classes and URL schemes (and `schemes`: those of the
    Markdown's own links) left; with `id_mark`, only the ids that hold it (the caller takes the mark out after)."""
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=functools.partial(_filter_attribute, id_mark=id_mark) if id_mark else _filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        tag_attribute_values={tag: {name: set(vs) for name, vs in spec.items()} for tag, spec in ATTRIBUTE_VALUES.items()},
        url_schemes=set(URL_SCHEMES | schemes),
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

"""Anchors of headings: an id on every heading (levels 1 to 6), unique on its page, and a link to it.

The rules (docs/authors/anchors.md says them to contributors): the id is the heading's text as a slug (text.slugify:
ASCII, lowercase, hyphens: 'Café & vélo !' -> 'cafe-velo'), 'section' when nothing is left; a second heading of
the same slug gets '-1', the next '-2'...; `## Title {#my-id}` pins the id 'my-id' (letters, digits, '-', '_',
starting with a letter), so that deep links survive an edit of the title. Ids the theme uses around a body, and
those of footnotes, are never taken."""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml

from ..text import slugify
from .notes import NoteBook

#: Ids the theme's pages already use around a body (the page's <main>, its sections' titles, the profile's
#: groups): a heading never takes one. tests/test_untrusted_links.py reads the theme's templates to keep this whole.
THEME_IDS = frozenset({
    "main", "theme-toggle", "badges-title", "contributions-title", "new-members-title", "open-topics-title",
    "roles-title", "write-links-title", "topics_claimed", "written", "interviews_conducted", "interviews_given",
    "events_organised", "corrections-title",
})
#: Ids of the footnotes plugin (fn1, fnref1, fnref1:2).
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")
#: The typographer's quotes, as the author typed them ('aujourd’hui' keeps the anchor 'aujourd-hui').
_TYPED_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "‚": "'"})
#: `{#custom-id}` at the end of a heading.
_PINNED = re.compile(r"[ \t]*\{#([A-Za-z][A-Za-z0-9_-]{0,79})\}[ \t]*$")
#: The words of the heading link for screen readers, per page language.
LINK_LABELS = {"fr": "Lien vers cette section", "en": "Link to this section", "de": "Link zu diesem Abschnitt",
               "es": "Enlace a esta sección", "it": "Link a questa sezione"}


def link_label(lang: str) -> str:
    return LINK_LABELS.get(lang.split("-")[0].lower(), LINK_LABELS["en"])


def _pin(inline) -> str | None:
    """The id `{#id}` pins at the end of a heading, taken out of its text, or None."""
    children = inline.children or []
    last = children[-1] if children else None
    if last is None or last.type != "text":
        return None
    match = _PINNED.search(last.content)
    if match is None:
        return None
    last.content = last.content[: match.start()]
    inline.content = _PINNED.sub("", inline.content)
    return match.group(1)


def anchor_headings(state) -> None:
    """An id for each heading: pinned ones first (so an automatic slug never takes a pinned id), then slugs made
    unique with -1, -2... in linear time (counting up from 1 for every duplicate never finished on 100,000 equal
    headings)."""
    tokens = state.tokens
    env = state.env
    mark = env.get("id_mark", "")  # see markdown.render: raw HTML keeps no id of its own
    notes: NoteBook = env["notebook"]
    headings = [index for index, token in enumerate(tokens) if token.type == "heading_open"]
    taken = set(THEME_IDS)
    pinned: dict[int, str] = {}
    for index in headings:
        wanted = _pin(tokens[index + 1])
        if wanted is None:
            continue
        if wanted in taken or _FOOTNOTE_ID.fullmatch(wanted):
            notes.add(env["line"](tokens[index]), "heading-id", f"the anchor '{wanted}' is already used on this page",
                      "give each heading its own {#id}")
            continue
        taken.add(wanted)
        pinned[index] = wanted
    following: dict[str, int] = {}  # a base slug -> the next suffix worth trying for it
    for index in headings:
        candidate = pinned.get(index)
        if candidate is None:
            inline = tokens[index + 1]
            title = "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))
            # Smart quotes are the typographer's, not the author's: the slug reads them as the quotes typed.
            base = slugify(title.translate(_TYPED_QUOTES)) or "section"
            number = following.get(base, 0)
            candidate = base if number == 0 else f"{base}-{number}"
            # An id is passed over at most twice: once for its own slug, once for the slug it adds a number to.
            while candidate in taken or _FOOTNOTE_ID.fullmatch(candidate):
                number += 1
                candidate = f"{base}-{number}"
            following[base] = number + 1
            taken.add(candidate)
        tokens[index].attrSet("id", mark + candidate)


def render_heading_close(self, tokens, idx, options, env) -> str:
    """The heading's closing tag, after a visible link to the heading ('#'), named for screen readers. The search
    index skips it (data-pagefind-ignore)."""
    level = tokens[idx].tag
    opening = tokens[idx - 2] if idx >= 2 else None  # heading_open, inline, heading_close
    anchor = str(opening.attrGet("id") or "") if opening is not None and opening.type == "heading_open" else ""
    if not anchor:
        return f"</{level}>\n"
    label = escapeHtml(link_label(env.get("lang", "en")))
    return (f' <a class="heading-anchor" href="#{escapeHtml(anchor)}" data-pagefind-ignore="">'
            f'<span aria-hidden="true">#</span><span class="visually-hidden">{label}</span></a></{level}>\n')

"""Headings keep their old anchors: where the source's rule made another id than Agora's, the heading is written
with its old id pinned (`## Title {#old-id}`), so deep links into old posts still land on the heading."""

from __future__ import annotations

import re
import unicodedata

from ..text import slugify
from .markup import outside_code

_ATX = re.compile(r"^( {0,3})(#{1,6})([ \t]+)(.*)$")  # the text's trailing blanks are stripped in code: linear
_EXPLICIT = re.compile(r"\{#[^}\s]+\}\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|!?\[([^\]]*)\]\[[^\]]*\]")
_TAG = re.compile(r"<[^>]*>")
#: Levels that get an id in Agora (content/markdown.py ANCHORED_LEVELS).
AGORA_LEVELS = {2, 3, 4}


def plain(heading: str) -> str:
    """The text a generator slugs: links and images as their text, no code marks, emphasis or HTML tags."""
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), heading)
    text = _TAG.sub("", text)
    return re.sub(r"[`*~]|(?<!\w)_|_(?!\w)", "", text).strip()


def _without_closing(text: str) -> str:
    """'Title ##' -> 'Title': an ATX heading's optional closing marks (after a blank)."""
    bare = text.rstrip("#")
    return bare.rstrip(" \t") if bare != text and (not bare or bare[-1] in " \t") else text


def _zola(text: str) -> str:
    # Zola's default (slugify.anchors = "on"): the slug crate, ASCII transliteration, '-' between words.
    return slugify(text)


def _github(text: str) -> str:
    # Hugo's Goldmark default (autoHeadingIDType "github"): lowercase, letters, digits, '_' and '-' kept, a space
    # becomes '-', anything else goes.
    out = []
    for char in text.strip().lower():
        if char == " ":
            out.append("-")
        elif char in "-_" or unicodedata.category(char)[0] in "LN":
            out.append(char)
    return "".join(out)


def _kramdown(text: str) -> str:
    # Jekyll's kramdown auto_ids: leading non-letters dropped, then all but ASCII letters, digits, spaces and '-'.
    value = re.sub(r"^[^a-zA-Z]+", "", text)
    value = re.sub(r"[^a-zA-Z0-9 -]", "", value).replace(" ", "-").lower()
    return value or "section"


RULES = {"zola": _zola, "github": _github, "kramdown": _kramdown}


def pin_headings(body: str, rule: str | None) -> str:
    """`body` with `{#old}` after each heading whose id under the source's `rule` differs from Agora's."""
    if rule not in RULES:
        return body
    slug_of = RULES[rule]
    old_seen: dict[str, int] = {}
    new_seen: dict[str, int] = {}

    def unique(base: str, seen: dict[str, int]) -> str:
        count = seen.get(base, 0)
        seen[base] = count + 1
        return base if count == 0 else f"{base}-{count}"

    def heading(line: str) -> str:
        match = _ATX.match(line)
        if not match:
            return line
        indent, marks, space, text = match.groups()
        text = _without_closing(text.rstrip(" \t"))
        if _EXPLICIT.search(text) or not text.strip():
            return line  # an id the author chose: the source kept it, so does Agora
        title = plain(text)
        old = unique(slug_of(title), old_seen) if slug_of(title) else ""
        new = unique(slugify(title) or "section", new_seen) if len(marks) in AGORA_LEVELS else ""
        if not old or old == new or not re.fullmatch(r"[\w-]+", old):
            return line
        return f"{indent}{marks}{space}{text} {{#{old}}}"

    return outside_code(body, lambda block: "\n".join(heading(line) for line in block.split("\n")))

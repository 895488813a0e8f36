"""Content safety across the graph: invisible characters, look-alike names, images without alt text, refused URLs, raw HTML.

Rule ids (documented for readers in rules/catalogue.py):

- ``invisible-character`` (error): a bidi control, zero-width or other invisible formatting character
  (Unicode category Cf) in a front-matter field: it can reverse or hide text, or make one name pass for
  another. Names, logins, handles, URLs and paths refuse every one of them; free text (titles, summaries,
  alt text...) keeps only the zero-width joiner and non-joiner, which emoji and some scripts need. In a
  body, bidi controls are a warning for reviewers.
- ``mixed-script`` (warning): a word of a member's or interviewee's name mixes scripts with look-alike
  letters ('Аna' with a Cyrillic A); a name written in two scripts, word by word, is fine.
- ``image-alt-missing`` (error): a Markdown image without alt text, or an interviewee photo without
  ``photo_alt``.
- ``too-many-brackets`` (warning): past 10,000 '[' in a body (markdown.MAX_BRACKETS), the paragraphs that
  would add more are shown as plain text instead of being read for links.
- ``too-many-links`` (warning): past a budget of addresses (four times the body's length: markdown.link_budget), the
  paragraphs whose links or images would repeat more (a long reference used thousands of times) are shown as plain text.

Links and raw HTML (unsafe-url, raw-html, html-removed...) are rules/links.py's.
"""

from __future__ import annotations

import html
import re

from ..content.loader import CONTENT_DIR, Item
from ..graph import SiteGraph
from ..lookalikes import describe, invisible_characters, mixes_scripts
from ..problems import Problem
from .sources import field_name, source_lines, text_fields

#: Joiners that emoji sequences and scripts such as Persian or Devanagari need inside words.
TEXT_JOINERS = frozenset({"\u200c", "\u200d"})
#: Bidi embeddings, overrides and isolates: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")
#: Fields (last key) that name someone or point somewhere: no invisible character at all.
STRICT_FIELDS = frozenset({"name", "github", "handle", "url", "online", "registration", "image", "avatar", "photo", "slug"})
#: Fields whose value is a person's name, checked for look-alike letters from mixed scripts.
NAME_FIELDS = {"contributors": [("name",)], "interviews": [("interviewee", "name")]}
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def check_safety(graph: SiteGraph) -> list[Problem]:
    """The board, line by line (each item is checked by item_safety)."""
    return _invisible_in_board(graph)


def item_safety(item: Item, graph: SiteGraph) -> list[Problem]:
    """One item, field by field, then its body. Reads only the item, its file and the config (see rules.memo)."""
    problems: list[Problem] = []
    problems += _invisible_in_fields(item)
    problems += _mixed_script_names(item)
    problems += _missing_alt(item)
    problems += _flattened(item)
    text = _visible_text(item.html)
    lines = source_lines(graph, item.relpath) if _needs_lines(item, text, graph) else []
    problems += _bidi_in_body(item, lines)
    return problems


def _flattened(item: Item) -> list[Problem]:
    problems = _repeated(item)
    if not item.flattened:
        return problems
    more = f" ({len(item.flattened) - 1} more paragraph(s) after it)" if len(item.flattened) > 1 else ""
    return problems + [Problem(item.path, item.flattened[0], "too-many-brackets", "", "the text holds more '[' than a "
                               f"page can read as links: this paragraph is shown as plain text{more}",
                               "write fewer brackets, or put the text in a code block (```)", severity="warning")]


def _repeated(item: Item) -> list[Problem]:
    repeated = getattr(item, "repeated", [])
    if not repeated:
        return []
    more = f" ({len(repeated) - 1} more paragraph(s) after it)" if len(repeated) > 1 else ""
    return [Problem(item.path, repeated[0], "too-many-links", "", "the links of this text repeat more addresses than a "
                    f"page can hold: this paragraph is shown as plain text{more}",
                    "write each address where it is used, or link to it less often", severity="warning")]


#: Letters and marks that show nothing though they are no format character: a name, a login, a handle or an address
#: never needs one ('Bob\u3164 Martin' reads 'Bob Martin'). Variation selectors are left to free text (emoji need them).
BLANK_LETTERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800]")


def refused_invisibles(value: str, strict: bool) -> list[str]:
    """The invisible characters `value` may not carry, described: all of them when `strict`, else all but the joiners."""
    found = [describe(char) for char in invisible_characters(value) if strict or char not in TEXT_JOINERS]
    if strict and not value.isascii():
        found += [describe(char) for char in dict.fromkeys(BLANK_LETTERS.findall(value))]
    return found


def _invisible_in_fields(item: Item) -> list[Problem]:
    problems = []
    for path, value in text_fields(item.meta):
        last = next((part for part in reversed(path) if isinstance(part, str)), "")
        found = refused_invisibles(value, strict=last in STRICT_FIELDS)
        if found:
            problems.append(Problem(item.path, item.line_of(*path), "invisible-character", field_name(path),
                                    f"contains invisible character(s) {', '.join(found)}",
                                    "retype the text without them: they can reverse or hide what readers see"))
    return problems


def _invisible_in_board(graph: SiteGraph) -> list[Problem]:
    if graph.board is None:
        return []
    problems = []
    for number, line in enumerate(source_lines(graph, "board.yaml"), start=1):
        found = refused_invisibles(line, strict=False)
        if found:
            problems.append(Problem(f"{CONTENT_DIR}/board.yaml", number, "invisible-character", "",
                                    f"contains invisible character(s) {', '.join(found)}", "retype the text without them"))
    return problems


def _mixed_script_names(item: Item) -> list[Problem]:
    problems = []
    for path in NAME_FIELDS.get(item.kind, []):
        value = item.meta
        for part in path:
            value = getattr(value, part, None)
        # Word by word: 'Ken 健' is a name written in two scripts, 'Аna' is one word made to look Latin.
        if isinstance(value, str) and any(mixes_scripts(word) for word in value.split()):
            problems.append(Problem(item.path, item.line_of(*path), "mixed-script", field_name(path),
                                    f"'{value}' mixes alphabets with letters that look alike",
                                    "write the name in one alphabet, so nobody can mistake it for another member's",
                                    severity="warning"))
    return problems


def _missing_alt(item: Item) -> list[Problem]:
    problems = [Problem(item.path, line, "image-alt-missing", "", "an image has no alt text",
                        "describe it between the brackets: ![a red bicycle by the canal](../media/bike.jpg)")
                for line in item.images_without_alt]
    interviewee = getattr(item.meta, "interviewee", None)
    if interviewee is not None and interviewee.photo and not interviewee.photo_alt:
        problems.append(Problem(item.path, item.line_of("interviewee", "photo"), "image-alt-missing", "interviewee.photo_alt",
                                "required when interviewee.photo is set", "describe the photo for people who cannot see it"))
    return problems


def _visible_text(rendered: str) -> str:
    """The body as a reader sees it, without code (where an example of anything may stand)."""
    return html.unescape(_TAG.sub(" ", _CODE.sub(" ", rendered)))


def _needs_lines(item: Item, text: str, graph: SiteGraph) -> bool:
    # Reading the file again is only worth it to place a problem on its line.
    return bool(_BIDI.search(item.html))


def _bidi_in_body(item: Item, lines: list[str]) -> list[Problem]:
    """One warning, on the first line that has a bidi control, naming the others: a file of 100,000 such lines is
    one line in the report, not 100,000."""
    numbers = [number for number in range(item.body_line, len(lines) + 1) if _BIDI.search(lines[number - 1])]
    if not numbers:
        return []
    chars = dict.fromkeys(char for number in numbers for char in _BIDI.findall(lines[number - 1]))
    where = f" ({lines_in_words(numbers)})" if len(numbers) > 1 else ""
    return [Problem(item.path, numbers[0], "invisible-character", "",
                    f"the text contains {', '.join(describe(char) for char in chars)}{where}",
                    "bidi controls can make a line read differently from what it says; remove them unless needed",
                    severity="warning")]


def lines_in_words(numbers: list[int], shown: int = 10) -> str:
    """'lines 4, 9', or the first ten and 'and 1,203 more': a message never grows with the file."""
    more = f" and {len(numbers) - shown:,} more" if len(numbers) > shown else ""
    return f"lines {', '.join(str(number) for number in numbers[:shown])}{more}"

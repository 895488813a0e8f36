"""Markdown as text: the parts outside fenced code, and every link target in them (inline, reference, raw HTML),
rewritten by a function; what is written inside inline code or an HTML comment is no link, and stays as written.
Each pattern runs in linear time on hostile text (no nested repeats)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE = re.compile(r"(\]\(\s*)(<[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)")
#: A reference definition (not a footnote's); its address may be on the next line, as CommonMark allows. Nothing but
#: a title may follow the address on its line: '[Edit]: Fixed a typo.' is a sentence, not a definition.
_REFERENCE = re.compile(r"^( {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(?:\n[ \t]*)?)(<[^<>\n]*>|\S+)"
                        r"(?=[ \t]*$|[ \t]+[\"'(])", re.MULTILINE)
_HTML_ATTRIBUTE = re.compile(r"""(\s(?:src|href)\s*=\s*)("[^"\n]*"|'[^'\n]*')""", re.IGNORECASE)
_TICKS_OR_COMMENT = re.compile(r"`+|<!--")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")


def code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (its fences included)."""
    flags = []
    fence = ""
    for line in lines:
        match = _FENCE.match(line)
        if fence:
            flags.append(True)
            closing = match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
            if closing and not line.strip()[len(match.group(1)):].strip():
                fence = ""
        elif match and not (match.group(1)[0] == "`" and "`" in line.strip()[len(match.group(1)):]):
            fence = match.group(1)
            flags.append(True)
        else:
            flags.append(False)
    return flags


def outside_code(body: str, change: Callable[[str], str]) -> str:
    """`body` with `change` applied to each run of lines outside fenced code blocks (code is kept as it is)."""
    lines = body.split("\n")
    out: list[str] = []
    prose: list[str] = []
    for line, code in zip(lines, code_lines(lines), strict=True):
        if code:
            if prose:
                out.append(change("\n".join(prose)))
                prose = []
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(change("\n".join(prose)))
    return "\n".join(out)


def verbatim(text: str) -> list[tuple[int, int]]:
    """The spans of `text` (start, end) that hold no link: inline code (a run of backticks to the next run of the
    same length in its paragraph, as CommonMark reads it) and HTML comments (`<!--` to the next `-->`), in order.
    Linear: each run of backticks finds its closing run through the list of runs of its length."""
    paragraphs = [match.start() for match in _BLANK_LINE.finditer(text)]
    marks = [(match.start(), match.end()) for match in _TICKS_OR_COMMENT.finditer(text)]
    runs_of: dict[int, list[int]] = {}  # the start of each run of backticks, by its length (a run may close a span)
    for start, end in marks:
        if text[start] == "`":
            runs_of.setdefault(end - start, []).append(start)
    spans: list[tuple[int, int]] = []
    reached = 0
    unclosed = False  # a comment no '-->' closes: none after it is closed either (and none is looked for again)
    for start, end in marks:
        if start < reached:
            continue
        if text[start] == "<":
            close = -1 if unclosed else text.find("-->", end)
            if close >= 0:
                spans.append((start, close + 3))
                reached = close + 3
            unclosed = close < 0
            continue
        opening = start + _escaped(text, start)  # '\``' is a backtick shown, then a run of one
        runs = runs_of[end - start] if opening == start else runs_of.get(end - opening, [])
        following = bisect_right(runs, start)  # a closing run is never escaped: in code a backslash is text
        closing = runs[following] if following < len(runs) else None
        if opening < end and closing is not None \
                and bisect_right(paragraphs, start) == bisect_right(paragraphs, closing):
            spans.append((opening, closing + end - opening))
            reached = closing + end - opening
        else:
            reached = end  # a run with no closing run is text
    return spans


def _escaped(text: str, position: int) -> int:
    """1 when the character at `position` is escaped by a backslash (an odd number of them before it), else 0."""
    count = 0
    while position - count > 0 and text[position - count - 1] == "\\":
        count += 1
    return count % 2


def _outside(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether `start`..`end` overlaps none of `spans` (code spans bind before links do, in CommonMark)."""
    index = bisect_right(starts, end - 1) - 1
    return index < 0 or spans[index][1] <= start


def rewrite_links(body: str, resolve: Callable[[str], str | None]) -> str:
    """Every link and image target outside code and comments passed through `resolve` (None keeps it as it is)."""

    def target(value: str) -> str:
        bare = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        new = resolve(bare)
        if new is None:
            return value
        return f"<{new}>" if " " in new else new

    def attribute(m: re.Match) -> str:
        quote = m.group(2)[0]
        new = resolve(m.group(2)[1:-1])
        return m.group(0) if new is None else f"{m.group(1)}{quote}{new}{quote}"

    def linked(pattern: re.Pattern, text: str, change: Callable[[re.Match], str]) -> str:
        spans = verbatim(text)
        starts = [start for start, _ in spans]
        return pattern.sub(lambda m: change(m) if _outside(spans, starts, m.start(), m.end()) else m.group(0), text)

    def prose(text: str) -> str:
        text = linked(_INLINE, text, lambda m: m.group(1) + target(m.group(2)))
        text = linked(_REFERENCE, text, lambda m: m.group(1) + target(m.group(2)))
        return linked(_HTML_ATTRIBUTE, text, attribute)

    return outside_code(body, prose)


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def prose_only(body: str) -> str:
    """`body` with the lines of fenced code blanked: the same line numbers, nothing inside code to find."""
    lines = body.split("\n")
    return "\n".join("" if code else line for line, code in zip(lines, code_lines(lines), strict=True))


def link_lines(body: str) -> dict[str, int]:
    """The line of the first appearance of each link target of `body` (as the rewrite reads them), in one pass."""
    found: list[tuple[int, str]] = []
    for pattern, group in ((_INLINE, 2), (_REFERENCE, 2), (_HTML_ATTRIBUTE, 2)):
        for match in pattern.finditer(body):
            value = match.group(group)
            bare = value[1:-1] if value[:1] in "<\"'" and len(value) > 1 else value
            found.append((match.start(group), bare))
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for position, target in sorted(found):
        line += body.count("\n", counted, position)
        counted = position
        lines.setdefault(target, line)
    return lines

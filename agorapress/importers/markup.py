"""Markdown as text: the parts outside fenced code, and every link target in them (inline, reference, raw HTML),
rewritten by a function. Each pattern runs in linear time on hostile text (no nested repeats)."""

from __future__ import annotations

import re
from collections.abc import Callable

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE = re.compile(r"(\]\(\s*)(<[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)")
_REFERENCE = re.compile(r"^( {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.MULTILINE)  # not a footnote
_HTML_ATTRIBUTE = re.compile(r"""(\s(?:src|href)\s*=\s*)("[^"\n]*"|'[^'\n]*')""", re.IGNORECASE)


def _code_lines(lines: list[str]) -> list[bool]:
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
    for line, code in zip(lines, _code_lines(lines), strict=True):
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


def rewrite_links(body: str, resolve: Callable[[str], str | None]) -> str:
    """Every link and image target outside code passed through `resolve` (None keeps it as it is)."""

    def target(value: str) -> str:
        bare = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        new = resolve(bare)
        if new is None:
            return value
        return f"<{new}>" if " " in new else new

    def prose(text: str) -> str:
        text = _INLINE.sub(lambda m: m.group(1) + target(m.group(2)), text)
        text = _REFERENCE.sub(lambda m: m.group(1) + target(m.group(2)), text)

        def attribute(m: re.Match) -> str:
            quote = m.group(2)[0]
            new = resolve(m.group(2)[1:-1])
            return m.group(0) if new is None else f"{m.group(1)}{quote}{new}{quote}"

        return _HTML_ATTRIBUTE.sub(attribute, text)

    return outside_code(body, prose)


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def prose_only(body: str) -> str:
    """`body` with the lines of fenced code blanked: the same line numbers, nothing inside code to find."""
    lines = body.split("\n")
    return "\n".join("" if code else line for line, code in zip(lines, _code_lines(lines), strict=True))

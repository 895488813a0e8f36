"""kramdown's own syntax, which Jekyll sites write and a portal would show as text: what it publishes is kept, what
it hides stays hidden.

- `{::comment}...{:/comment}` is dropped (kramdown publishes none of it), `{::options /}` too; what
  `{::nomarkdown}...{:/}` holds is kept; after a tag that nothing ends, the text is kept, as kramdown keeps it.
- Attribute lists (`{: .notice}` under a paragraph, `{:target="_blank"}` after a link, `{:name: ...}` definitions)
  are dropped: the theme styles the page. An `{: #id}` under a heading becomes the heading's `{#id}`, so that links
  to the old anchor still land.
- The table of contents marker (`* TOC` then `{:toc}`) is dropped, and abbreviation definitions (`*[HTML]: ...`).

Outside fenced code and inline code only (there it is text); each pattern is bounded and each search starts where
the last one ended: linear time."""

from __future__ import annotations

import re
from bisect import bisect_right

from .markup import outside_code, verbatim

_EXTENSION = re.compile(r"\{::(comment|nomarkdown|options)\b[^{}\n]{0,500}?(/)?\}")
_END = {"comment": re.compile(r"\{:/(?:comment)?\}"), "nomarkdown": re.compile(r"\{:/(?:nomarkdown)?\}")}
_BLOCK_ATTRIBUTES = re.compile(r" {0,3}\{:(?!:)([^{}\n]{0,500})\}[ \t]*")
_SPAN_ATTRIBUTES = re.compile(r"(?<=[)\]*_`])\{:(?!:)[^{}\n]{0,500}\}")
_HEADING = re.compile(r" {0,3}#{1,6}[ \t]")
_TOC_ITEM = re.compile(r" {0,3}(?:[*+-]|1\.)[ \t]+[^\n]{0,200}")
_ABBREVIATION = re.compile(r" {0,3}\*\[[^\]\n]{1,200}\]:[^\n]*")
_DEFINITION = re.compile(r"[\w-]+:")  # {:name: .class} defines a list for others to use
_ID = re.compile(r"(?:^|\s)#([\w-]+)")


def convert(body: str) -> str:
    """The body with kramdown's extensions and attribute lists resolved (see the module's text)."""
    return outside_code(body, _prose)


def _prose(text: str) -> str:
    text = _extensions(text)
    spans = verbatim(text)
    starts = [start for start, _ in spans]
    return _lines(_SPAN_ATTRIBUTES.sub(lambda m: m.group(0) if _inside(spans, starts, m.start()) else "", text))


def _inside(spans: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    """Whether `position` is in inline code or an HTML comment, where kramdown's syntax is text."""
    index = bisect_right(starts, position) - 1
    return index >= 0 and position < spans[index][1]


def _extensions(text: str) -> str:
    out: list[str] = []
    position = 0
    unended: set[str] = set()  # the kinds nothing ends after a point: nor after any later one (no search again)
    spans = verbatim(text)
    starts = [start for start, _ in spans]
    while True:
        found = _EXTENSION.search(text, position)
        while found is not None and _inside(spans, starts, found.start()):
            found = _EXTENSION.search(text, found.end())
        if found is None:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:found.start()])
        kind, closed = found.group(1), found.group(2)
        if kind == "options" or closed:
            position = found.end()
            continue
        end = None if kind in unended else _END[kind].search(text, found.end())
        if end is None:
            unended.add(kind)
        if end is None:
            position = found.end()  # kramdown keeps the text after a tag nothing ends (and warns)
        elif kind == "comment":
            position = end.end()
        else:
            out.append(text[found.end():end.start()])  # published as written
            position = end.end()


def _lines(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        if _ABBREVIATION.fullmatch(line):
            continue
        attributes = _BLOCK_ATTRIBUTES.fullmatch(line)
        if attributes is None:
            out.append(line)
            continue
        content = attributes.group(1).strip()
        previous = out[-1] if out else ""
        if content == "toc" or content.startswith("toc "):
            if _TOC_ITEM.fullmatch(previous):
                out.pop()
            continue
        anchor = _ID.search(content)
        if anchor and not _DEFINITION.match(content) and _HEADING.match(previous) and "{#" not in previous:
            out[-1] = f"{previous.rstrip()} {{#{anchor.group(1)}}}"
    return "\n".join(out)

"""Jekyll's Liquid in a post's body, as far as an import can take it without running a template.

Jekyll runs Liquid over the whole file before Markdown sees it. What has one meaning whatever the template is
converted: `{{ site.x }}` and `{{ page.x }}` (scalars of `_config.yml` and of the front matter), string literals
through the URL filters, `{% link %}` and `{% post_url %}` (marked for the writer to resolve), `{% highlight %}`
blocks (fenced code), `{% comment %}` blocks (removed: Jekyll publishes none of it). What `{% raw %}` holds is text,
kept as written. Anything else (loops, includes, variables of a loop) stays as written and is listed with its line.
Every pattern is bounded and every search starts where the last one ended: linear time on hostile text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .markup import code_lines
from .writer import SOURCE_LINK

_OPEN_BLOCK = re.compile(r"\{%-?\s*(raw|comment)\s*-?%\}")
_CLOSE_BLOCK = {"raw": re.compile(r"\{%-?\s*endraw\s*-?%\}"), "comment": re.compile(r"\{%-?\s*endcomment\s*-?%\}")}
#: An output ({{ expression }}: group 1) or a tag ({% name ... %}: group 2 its name).
_TEMPLATE = re.compile(r"\{\{-?\s*([^\n{}]{0,500}?)\s*-?\}\}|\{%-?\s*(\w+)[^\n{}]{0,500}?-?%\}")
#: The site's address written before a link tag, which gives an address from the site's root already.
_PREFIXED_LINK = re.compile(r"(?:\{\{-?\s*site\.(?:base)?url\s*-?\}\})+(?=\{%-?\s*(?:link|post_url)\s)")
_LINK = re.compile(r"\{%-?\s*link\s+([\w./-]+)\s*-?%\}")
_POST_URL = re.compile(r"\{%-?\s*post_url\s+/?([\w./-]+)\s*-?%\}")
_HIGHLIGHT = re.compile(r"^[ \t]*\{%-?\s*highlight\s+(\w[\w+-]*)[^%\n]{0,200}-?%\}[ \t]*$"
                        r"|^[ \t]*\{%-?\s*endhighlight\s*-?%\}[ \t]*$", re.MULTILINE)
_STRING = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)')\s*$""")
_PATH = re.compile(r"\s*((?:site|page)(?:\.[A-Za-z_][\w-]*)+)\s*$")
_FILTER = re.compile(r"""\s*(\w+)\s*(?::\s*("[^"]*"|'[^']*'|[\w.-]+)\s*)?$""")
#: What Jekyll itself sets on `site` and `page`, which neither _config.yml nor the front matter says.
_JEKYLL_SETS = {
    "site": frozenset({"time", "pages", "posts", "related_posts", "static_files", "html_pages", "html_files",
                       "collections", "data", "documents", "categories", "tags"}),
    "page": frozenset({"content", "excerpt", "date", "id", "categories", "collection", "tags", "dir", "name", "path",
                       "next", "previous", "slug", "ext", "output"}),
}
#: The tags converted here; any other is listed as template code not converted.
CONVERTED_TAGS = frozenset({"raw", "endraw", "comment", "endcomment", "link", "post_url", "highlight", "endhighlight"})


@dataclass
class Liquid:
    """What a post's Liquid can see: the site's configuration and the page's front matter (with its url)."""

    site: dict
    page: dict
    post_file: Callable[[str], str | None] = field(default=lambda name: None)  # post_url's name -> source path

    def value(self, expression: str) -> str | None:
        """The text `{{ expression }}` makes, or None when it cannot be known without running the template."""
        pieces = _split_filters(expression)
        if pieces is None:
            return None
        value = self._operand(pieces[0])
        for piece in pieces[1:]:
            if value is None:
                return None
            match = _FILTER.match(piece)
            if match is None:
                return None
            name, argument = match.group(1), match.group(2)
            operand = self._operand(argument) if argument is not None else None
            if name == "relative_url" and argument is None:
                value = self._relative(value)
            elif name == "absolute_url" and argument is None:
                value = value if _absolute(value) else str(self.site.get("url") or "").rstrip("/") + self._relative(value)
            elif name in {"prepend", "append"} and operand is not None:
                value = operand + value if name == "prepend" else value + operand
            else:
                return None
        return value

    def _relative(self, value: str) -> str:
        if _absolute(value):
            return value
        base = "/" + str(self.site.get("baseurl") or "").strip("/")
        return (base.rstrip("/") + "/" + value.lstrip("/")) if value else base

    def _operand(self, text: str) -> str | None:
        literal = _STRING.match(text)
        if literal:
            return literal.group(1) if literal.group(1) is not None else literal.group(2)
        path = _PATH.match(text)
        if path is None:
            return None
        root, *keys = path.group(1).split(".")
        value: object = self.site if root == "site" else self.page
        if keys[0] not in value and keys[0] in _JEKYLL_SETS[root]:
            return None  # Jekyll's own (the build's time, the page's content): unknown here, listed
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        if value is None:
            return ""  # Liquid writes nothing for what is not set
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, (str, int, float)) else None

    def convert(self, body: str) -> tuple[str, list[tuple[int, str]]]:
        """The body with its Liquid converted, and each piece of template code left as written: (line in the body,
        the code)."""
        out: list[str] = []
        left: list[tuple[int, str]] = []
        in_code = code_lines(body.split("\n"))  # template code in fenced code is not listed
        line, counted = 1, 0
        for kind, start, end in blocks(body):
            if kind == "raw":
                out.append(body[start:end])
            elif kind == "text":
                line += body.count("\n", counted, start)  # counted on from the last block: linear time
                counted = start
                out.append(self._text(body[start:end], line, in_code, left))
        left.sort()
        return "".join(out), left

    def _text(self, text: str, first_line: int, in_code: list[bool], left: list[tuple[int, str]]) -> str:
        """`text` (from line `first_line` of the body) converted; what is left as written goes to `left`. None of the
        substitutions before the last pass adds or removes a line, so the lines counted there are the body's."""
        text = _PREFIXED_LINK.sub("", text)
        text = _LINK.sub(lambda m: SOURCE_LINK + m.group(1), text)
        text = _POST_URL.sub(lambda m: SOURCE_LINK + (self.post_file(m.group(1)) or f"_posts/{m.group(1)}"), text)
        line, counted = first_line, 0

        def converted(match: re.Match) -> str:
            nonlocal line, counted
            value = self.value(match.group(1)) if match.group(1) is not None else \
                match.group(0) if match.group(2) in CONVERTED_TAGS else None
            if value is None:
                line += text.count("\n", counted, match.start())  # counted on from the last one: linear time
                counted = match.start()
                if not in_code[line - 1]:
                    left.append((line, match.group(0)[:80]))
                return match.group(0)
            return value

        text = _TEMPLATE.sub(converted, text)
        return _HIGHLIGHT.sub(lambda m: f"```{m.group(1)}" if m.group(1) else "```", text)


def blocks(body: str) -> list[tuple[str, int, int]]:
    """The body cut into ("text" | "raw" | "comment", start, end), the block tags left out; a block its end tag does
    not close runs to the end of the body."""
    found: list[tuple[str, int, int]] = []
    position = 0
    while True:
        opening = _OPEN_BLOCK.search(body, position)
        if opening is None:
            found.append(("text", position, len(body)))
            return found
        found.append(("text", position, opening.start()))
        kind = opening.group(1)
        closing = _CLOSE_BLOCK[kind].search(body, opening.end())
        if closing is None:
            found.append((kind, opening.end(), len(body)))
            return found
        found.append((kind, opening.end(), closing.start()))
        position = closing.end()


def _split_filters(expression: str) -> list[str] | None:
    """`a | f: 'x|y' | g` as ['a', "f: 'x|y'", 'g'] (a bar inside quotes is no filter's)."""
    pieces, current, quote = [], [], ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "|":
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    if quote:
        return None
    pieces.append("".join(current))
    return pieces


def _absolute(value: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|//", value))


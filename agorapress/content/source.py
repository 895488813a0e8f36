"""Reading one source file: size and encoding checks, then front matter split from the body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import yamlstrict
from ..problems import Problem

#: Unicode category Cc is exactly these 65 code points, less the allowed tab and line feed.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Source:
    """The decoded text of a file, its front matter as data with lines, and its body."""

    relpath: str  # path under content/, posix
    text: str
    doc: yamlstrict.YamlDocument
    body: str
    body_line: int


def normalise_newlines(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line ends as '\n': the lines a contributor's editor shows."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(raw: bytes, display: str, problems: list[Problem]) -> str | None:
    """UTF-8 (a BOM, CRLF and CR line ends accepted); invalid bytes and control characters are errors with a position."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(display, line, "encoding", "", f"invalid UTF-8 byte at column {column}", "save the file as UTF-8"))
        return None
    text = normalise_newlines(text)
    if not _CONTROLS.search(text):
        return text  # the usual case, found in C: the scan below is only to place each one
    for number, line_text in enumerate(text.split("\n"), start=1):
        # One problem per line, at its first control character: a line of 500,000 of them is one line of the report.
        found = list(_CONTROLS.finditer(line_text))
        if found:
            first = found[0]
            more = f" (and {len(found) - 1:,} more on this line)" if len(found) > 1 else ""
            problems.append(Problem(display, number, "control-character", "",
                                    f"control character U+{ord(first.group()):04X} at column {first.start() + 1}{more}",
                                    "delete it"))
    return text


def split_front_matter(text: str, relpath: str, display: str, problems: list[Problem]) -> Source | None:
    """`---` YAML `---` then Markdown; the YAML keeps its file line numbers."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(display, 1, "front-matter", "", "the file must start with a '---' line opening the front matter",
                                "put the fields between two '---' lines at the top; see 'agora new'"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in {"---", "..."})
    except StopIteration:
        problems.append(Problem(display, 1, "front-matter", "", "the front matter is never closed", "add a '---' line after the last field"))
        return None
    doc = yamlstrict.load("\n".join(lines[1:end]), first_line=2)
    for issue in doc.issues:
        problems.append(Problem(display, issue.line, issue.rule, issue.field, issue.message, issue.hint))
    if doc.data is None and not doc.issues:
        doc.data = {}
    return Source(relpath, text, doc, "\n".join(lines[end + 1 :]), end + 2)

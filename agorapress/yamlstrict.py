"""Strict, safe YAML: no aliases, no duplicate keys, no silent type changes, a line for every field.

The data is built from libyaml's events in one loop, never by its composer: the composer recurses once per level
of nesting in C, and a 512 KiB file of '[' is 500,000 levels (it crashed the process); libyaml also spends time
proportional to the depth on every token. So reading stops at the first collection nested deeper than MAX_DEPTH,
with a problem on that line, and the cost of a file stays proportional to its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is much faster; the pure-Python parser gives the same events.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]

#: Collections inside collections: front matter needs 4 (interviewee.links[0].url), a config 5.
MAX_DEPTH = 20
#: Digits in a number: more is never a count, a capacity or a coordinate (and Python refuses to print
#: an int of more than 4,300 digits).
MAX_DIGITS = 30

# Every pattern below runs on text a contributor wrote, in full (fullmatch) and in linear time: each repeat is
# possessive (`*+`, `++`), so no repeat ever gives characters back to try another split of the same text.
_NULL = re.compile(r"~|null|Null|NULL")
_TRUE_FALSE = re.compile(r"true|True|TRUE|false|False|FALSE")
_YAML11_BOOL = re.compile(r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*+)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]++\.[0-9]*+|\.[0-9]++)(?:[eE][-+]?[0-9]++)?")
# Numbers YAML 1.1 reads differently from what they look like: 012 (octal), 0x1F, 0b101, 1_000, .inf.
_ODD_NUMBER = re.compile(
    r"[-+]?(?:0[0-9_]++|0[xX][0-9a-fA-F_]++|0[oO]?[0-7_]++|0b[01_]++|[0-9][0-9]*+_[0-9_]*+"
    r"|\.(?:inf|Inf|INF|nan|NaN|NAN))"
)
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*+(?::[0-5]?[0-9](?![0-9]))++(?:\.[0-9_]*+)?")
#: Unicode category Cc less tab and line feed: a YAML escape ("\0", "\e", "\x1b") writes them where the file cannot.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {0x00: "null", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x0D: "carriage return",
                  0x1B: "escape", 0x7F: "delete", 0x85: "next line"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class YamlIssue:
    """A problem in the YAML text itself, at a 1-based line of the file."""

    line: int
    field: str
    message: str
    hint: str
    rule: str = "yaml-syntax"


@dataclass
class YamlDocument:
    """Plain Python data, the file line of every field, and what was wrong."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)

    def line_of(self, path: Path_, default: int = 0) -> int:
        """The line of a field, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), default)


def dotted(path: Path_) -> str:
    """`('location', 'geo', 'lat')` -> `location.geo.lat`; list indexes as `[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load(text: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML text whose first line is line `first_line` of its file."""
    doc = YamlDocument(data=None)
    builder = _Builder(doc, first_line)
    parser = _Loader(text)
    try:
        while not builder.feed(parser.get_event()):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        message, hint = _syntax(exc.problem or "", exc.context or "", text, mark)
        doc.issues.append(YamlIssue(line, "", message, hint))
        doc.data = None
    except yaml.YAMLError as exc:
        doc.issues.append(YamlIssue(first_line, "", f"YAML error: {exc}", "check the YAML syntax"))
        doc.data = None
    finally:
        parser.dispose()
    return doc


def _syntax(problem: str, context: str, text: str, mark) -> tuple[str, str]:
    """PyYAML's (or libyaml's) account of a syntax error, told in the words of someone writing front matter:
    what is wrong on the line and how to write it instead. The library's own wording never reaches them."""
    source = text.split("\n")[mark.line] if mark is not None and mark.line < text.count("\n") + 1 else ""
    column = mark.column if mark is not None else 0
    at = source[column] if column < len(source) else ""
    if at == "\t" or ("cannot start any token" in problem and "\t" in source[: column + 1]):
        where = source.index("\t") + 1
        return (f"a tab character (column {where}): YAML lines up fields with spaces only",
                "replace the tab with spaces, two for each level")
    if "cannot start any token" in problem:
        return (f"a value cannot start with '{at}'" if at.strip() else "a character YAML cannot read here",
                f"put the value in double quotes, e.g. key: \"{at}...\"" if at.strip() else "quote the value")
    if "mapping values are not allowed" in problem:
        return "a value holds ': ' (colon and space) without quotes", "the whole value must be quoted: key: \"a: b\""
    if "another document" in problem:
        return "a second '---' or '...' line inside the fields", "keep one document: remove the '---' or '...' line"
    if "quoted scalar" in context:
        return "a quote is opened and not closed", "close the quote on the same line, or remove it"
    if "flow sequence" in context or "flow mapping" in context:
        opening, closing = ("[", "]") if "sequence" in context else ("{", "}")
        return f"a '{opening}' is opened and not closed", f"close it with '{closing}' on the same line"
    if "block" in problem or "block" in context or "expected ':'" in problem or "expected key" in problem:
        return ("this line does not line up with the fields around it, or is not 'key: value'",
                "indent the fields of one level by the same number of spaces, each as 'key: value'")
    return "this line cannot be read as 'key: value' fields", "check the indentation and quote values with special characters"


class _Frame:
    """A mapping or a list being filled, where it sits, and (for a mapping) the key whose value comes next."""

    __slots__ = ("value", "path", "key")

    def __init__(self, value: dict | list, path: Path_, key: str | object | None):
        self.value = value
        self.path = path
        # A mapping's: None when a key comes next, the key whose value comes next, or _DROP (that value is not kept).
        # A list's: always _LIST.
        self.key = key


_DROP, _LIST = object(), object()
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_NODES = {yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent}


class _Builder:
    """Plain data from the event stream, one event at a time; `feed` says when to stop reading."""

    def __init__(self, doc: YamlDocument, first_line: int):
        self.doc = doc
        self.first_line = first_line
        self.stack: list[_Frame] = []
        self.skipping = 0  # depth inside a collection whose content is not kept (a refused key, a dropped value)
        self.documents = 0

    def line(self, event: yaml.Event) -> int:
        return self.first_line + event.start_mark.line

    def issue(self, event: yaml.Event, path: Path_, message: str, hint: str, rule: str) -> None:
        self.doc.issues.append(YamlIssue(self.line(event), dotted(path), message, hint, rule))

    def feed(self, event: yaml.Event) -> bool:
        kind = type(event)
        if kind in _NODES:
            if self.skipping:
                if kind is not yaml.ScalarEvent and kind is not yaml.AliasEvent:
                    self.skipping += 1
                    return self.too_deep(event)
                return False
            top = self.stack[-1] if self.stack else None
            if top is None:
                path: Path_ = ()
                self.doc.lines[()] = self.line(event)
            elif top.key is None:  # only a mapping waits for a key
                return self.key(event, top)
            elif top.key is _LIST:
                path = top.path + (len(top.value),)
                self.doc.lines[path] = self.line(event)
            else:
                key, top.key = top.key, None
                if key is _DROP:
                    return self.skip(event)
                path = top.path + (key,)
            return self.node(event, path)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            if self.skipping:
                self.skipping -= 1
            else:
                frame = self.stack.pop()
                self.place(frame.path, frame.value)
            return False
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.doc.issues.append(YamlIssue(self.line(event), "", *_syntax("another document", "", "", None)))
                self.doc.data = None
                return True
            return False
        if kind is yaml.StreamEndEvent:
            if self.documents == 0:
                self.doc.data = {}  # an empty text: no field at all, and a missing one is reported on its first line
                self.doc.lines[()] = self.first_line
            return True
        return False  # the stream's start, a document's end

    def node(self, event: yaml.Event, path: Path_) -> bool:
        """A value starts at `path`: a scalar is placed at once, a collection when it ends."""
        if isinstance(event, yaml.AliasEvent):
            # The alias sits on the line of its key (the mark would be the anchor's).
            line = self.doc.lines.get(path, self.line(event))
            self.doc.issues.append(YamlIssue(line, dotted(path), "anchors and aliases are not allowed",
                                             "write the value out in full", "yaml-alias"))
            self.place(path, None)
            return False
        if event.tag not in (None, "!") and event.tag not in _STANDARD_TAGS:
            self.issue(event, path, f"YAML tag '{event.tag}' is not allowed", "remove the tag", "yaml-tag")
            self.place(path, None)
            return self.skip(event)
        if isinstance(event, yaml.ScalarEvent):
            self.place(path, self.scalar(event, path))
            return False
        if len(self.stack) >= MAX_DEPTH:
            return self.too_deep(event, force=True)
        if isinstance(event, yaml.MappingStartEvent):
            self.stack.append(_Frame({}, path, None))
        else:
            self.stack.append(_Frame([], path, _LIST))
        return False

    def key(self, event: yaml.Event, frame: _Frame) -> bool:
        """A key of `frame`'s mapping: a plain word, given once; otherwise its value is dropped."""
        frame.key = _DROP
        if isinstance(event, yaml.AliasEvent):
            self.issue(event, frame.path, "anchors and aliases are not allowed", "write the key out in full", "yaml-alias")
            return False
        if isinstance(event, yaml.ScalarEvent) and (event.tag == _MERGE_TAG or (event.value == "<<" and not event.style)):
            self.issue(event, frame.path, "merge keys ('<<') are not allowed", "write the keys out in full", "yaml-alias")
            return False
        if not isinstance(event, yaml.ScalarEvent):
            self.issue(event, frame.path, "a key must be a plain word", "use 'name: value'", "yaml-syntax")
            return self.skip(event)
        key = event.value
        child = frame.path + (key,)
        if event.tag not in (None, "!") and event.tag not in _STANDARD_TAGS:
            self.issue(event, frame.path, f"YAML tag '{event.tag}' is not allowed", "remove the tag", "yaml-tag")
            return False
        if key in frame.value:
            first = self.doc.lines.get(child, 0)
            self.issue(event, child, f"duplicate key '{_shown(key)}' (first given on line {first})", "keep one of the two",
                       "yaml-duplicate-key")
            return False
        self.control_characters(event, child, key)
        self.doc.lines[child] = self.line(event)
        frame.key = key
        return False

    def skip(self, event: yaml.Event) -> bool:
        """Leave out the node that starts with `event` (a collection: up to its end)."""
        if isinstance(event, _STARTS):
            self.skipping = 1
            return self.too_deep(event)
        return False

    def too_deep(self, event: yaml.Event, force: bool = False) -> bool:
        depth = len(self.stack) + self.skipping
        if not force and depth <= MAX_DEPTH:
            return False
        path = self.stack[-1].path if self.stack else ()
        self.issue(event, path, f"lists and fields are nested more than {MAX_DEPTH} levels deep here",
                   "write the value flatter: front matter needs a few levels at most", "yaml-too-deep")
        self.doc.data = None
        return True  # reading on would cost time in proportion to the depth, for every token

    def place(self, path: Path_, value: Any) -> None:
        if not self.stack:
            self.doc.data = value
        elif self.stack[-1].key is _LIST:
            self.stack[-1].value.append(value)
        else:
            self.stack[-1].value[path[-1]] = value

    def control_characters(self, event: yaml.ScalarEvent, path: Path_, value: str) -> None:
        found = _CONTROL.search(value)
        if found:
            code = ord(found.group())
            name = f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else ""
            self.issue(event, path, f"control character U+{code:04X}{name} in the text",
                       "delete it: it is usually an escape such as \\0, \\r or \\e between double quotes; "
                       "only tabs and line breaks are allowed", "control-character")

    def scalar(self, event: yaml.ScalarEvent, path: Path_) -> Any:
        value = event.value
        self.control_characters(event, path, value)
        if event.style:  # quoted or block scalar: always text (libyaml gives "" for plain)
            return value
        if value == "" or _NULL.fullmatch(value):
            return None
        if _TRUE_FALSE.fullmatch(value):
            return value.lower() == "true"
        if _INT.fullmatch(value) or _FLOAT.fullmatch(value):
            digits = sum(ch.isdigit() for ch in value)
            if digits > MAX_DIGITS:
                self.issue(event, path, f"a number of {digits} digits is longer than {MAX_DIGITS} digits",
                           'write a smaller number, or quote it ("...") if it is text', "yaml-too-long")
                return value
            return int(value) if _INT.fullmatch(value) else float(value)
        if _YAML11_BOOL.fullmatch(value):
            self.issue(event, path, f"'{value}' is ambiguous: YAML may read it as true/false",
                       f'quote it ("{value}") if it is text, or write true/false', "yaml-ambiguous")
        elif _SEXAGESIMAL.fullmatch(value):
            self.issue(event, path, f"'{_shown(value)}' is ambiguous: YAML 1.1 reads it as a base-60 number",
                       f'quote it ("{_shown(value)}")', "yaml-ambiguous")
        elif _ODD_NUMBER.fullmatch(value):
            self.issue(event, path, f"'{_shown(value)}' is ambiguous: YAML may read it as an octal, hex or special number",
                       f'quote it ("{_shown(value)}") if it is text, or write a plain decimal', "yaml-ambiguous")
        return value


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted in a message: a long one is cut, so a message never grows with the file."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

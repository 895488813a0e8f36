"""Strict, safe YAML: no aliases, no duplicate keys, no silent type changes, a line for every field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is much faster; the pure-Python loader composes the same nodes.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL)$")
_TRUE_FALSE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_ODD_NUMBER = re.compile(
    r"^[-+]?(?:0[0-9_]+|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|[0-9][0-9_]*_[0-9_]*"
    r"|\.(?:inf|Inf|INF|nan|NaN|NAN))$"
)
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


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
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or "invalid YAML"
        doc.issues.append(
            YamlIssue(line, "", f"YAML syntax error: {problem}", _syntax_hint(problem))
        )
        return doc
    except yaml.YAMLError as exc:
        doc.issues.append(YamlIssue(first_line, "", f"YAML error: {exc}", "check the YAML syntax"))
        return doc
    if root is None:
        doc.data = {}
        return doc
    doc.lines[()] = first_line + root.start_mark.line
    doc.data = _Builder(doc, first_line).build(root, ())
    return doc


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "found character '\\t'" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line needs 'key: value'; quote values that span lines"
    return "check indentation and quote values with special characters"


class _Builder:
    def __init__(self, doc: YamlDocument, first_line: int):
        self.doc = doc
        self.first_line = first_line
        self.seen: set[int] = set()

    def issue(self, node: yaml.Node, path: Path_, message: str, hint: str, rule: str) -> None:
        line = self.first_line + node.start_mark.line
        self.doc.issues.append(YamlIssue(line, dotted(path), message, hint, rule))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # The composer hands back the very same node object for an alias.
        if id(node) in self.seen and not isinstance(node, yaml.ScalarNode):
            # The node's mark is where the anchor was; the alias sits on the line of its key.
            line = self.doc.lines.get(path, self.first_line + node.start_mark.line)
            self.doc.issues.append(YamlIssue(line, dotted(path), "anchors and aliases are not allowed",
                                             "write the value out in full", "yaml-alias"))
            return None
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.issue(node, path, f"YAML tag '{node.tag}' is not allowed", "remove the tag", "yaml-tag")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            out = []
            for index, child in enumerate(node.value):
                self.doc.lines[path + (index,)] = self.first_line + child.start_mark.line
                out.append(self.build(child, path + (index,)))
            return out
        return self.build_scalar(node, path)

    def build_mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.issue(key_node, path, "merge keys ('<<') are not allowed", "write the keys out in full", "yaml-alias")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(key_node, path, "a key must be a plain word", "use 'name: value'", "yaml-syntax")
                continue
            key = str(key_node.value)
            child = path + (key,)
            if key in out:
                first = self.doc.lines.get(child, 0)
                self.issue(key_node, child, f"duplicate key '{key}' (first given on line {first})",
                           "keep one of the two", "yaml-duplicate-key")
                continue
            self.doc.lines[child] = self.first_line + key_node.start_mark.line
            out[key] = self.build(value_node, child)
        return out

    def build_scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        value = node.value
        if node.style:  # quoted or block scalar: always text (libyaml gives "" for plain)
            return value
        if value == "" or _NULL.match(value):
            return None
        if _TRUE_FALSE.match(value):
            return value.lower() == "true"
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        if _YAML11_BOOL.match(value):
            self.issue(node, path, f"'{value}' is ambiguous: YAML may read it as true/false",
                       f'quote it ("{value}") if it is text, or write true/false', "yaml-ambiguous")
        elif _SEXAGESIMAL.match(value):
            self.issue(node, path, f"'{value}' is ambiguous: YAML 1.1 reads it as a base-60 number",
                       f'quote it ("{value}")', "yaml-ambiguous")
        elif _ODD_NUMBER.match(value):
            self.issue(node, path, f"'{value}' is ambiguous: YAML may read it as an octal, hex or special number",
                       f'quote it ("{value}") if it is text, or write a plain decimal', "yaml-ambiguous")
        return value

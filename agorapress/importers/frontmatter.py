"""Front matter as the static site generators write it: YAML between '---', TOML between '+++', or Pelican's
'Key: value' lines, each value with its line in the file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from .. import yamlstrict
from .model import Note

_TOML_KEY = re.compile(r"^\s*\[{1,2}\s*([\w.-]+)\s*\]{1,2}\s*$|^\s*([\w-]+)\s*=")
_PELICAN_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_ -]{0,40}):\s*(.*)$")


@dataclass
class Matter:
    """A source file's metadata (keys as written, TOML tables flattened as 'extra.team') and its body."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def read(text: str, file: str, notes: list[Note], pelican_keys: bool = False) -> Matter:
    """The front matter of `text` (none is an empty one). YAML is read strictly (no anchors or aliases: an alias
    bomb costs nothing), TOML with tomllib; an unreadable block is a note and an empty front matter."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence in {"---", "+++"}:
        closing = {fence, "..."} if fence == "---" else {fence}
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closing), None)
        if end is None:
            notes.append(Note(file, 1, f"front matter opened with '{fence}' is never closed: read as text"))
            return Matter(body=text)
        block = "\n".join(lines[1:end])
        matter = _yaml(block, file, notes) if fence == "---" else _toml(block, file, notes)
        matter.body, matter.body_line = "\n".join(lines[end + 1:]), end + 2
        return matter
    if pelican_keys:
        return _pelican(lines)
    return Matter(body=text)


def _yaml(block: str, file: str, notes: list[Note]) -> Matter:
    doc = yamlstrict.load(block, first_line=2)
    for issue in doc.issues:
        if issue.rule != "yaml-ambiguous":  # 'yes' read as text is what the source meant in a title
            notes.append(Note(file, issue.line, f"front matter: {issue.message}"))
    data = doc.data if isinstance(doc.data, dict) else {}
    matter = Matter()
    for key, value in data.items():
        _flatten(matter, str(key), value, doc.lines.get((key,), 1))
    return matter


def _toml(block: str, file: str, notes: list[Note]) -> Matter:
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) + 1 if (m := re.search(r"line (\d+)", str(exc))) else 1
        notes.append(Note(file, line, f"front matter: TOML error ({exc})"))
        return Matter()
    places: dict[str, int] = {}
    table = ""
    for number, text in enumerate(block.split("\n"), start=2):
        match = _TOML_KEY.match(text)
        if match and match.group(1):
            table = match.group(1) + "."
            places.setdefault(match.group(1), number)
        elif match:
            places.setdefault(table + match.group(2), number)
    matter = Matter()
    for key, value in data.items():
        _flatten(matter, key, value, places.get(key, 1), places)
    return matter


def _flatten(matter: Matter, key: str, value: Any, line: int, places: dict[str, int] | None = None) -> None:
    """'extra': {'team': x} is kept as 'extra' and as 'extra.team' (importers ask for either)."""
    matter.data[key] = value
    matter.lines[key] = line
    if isinstance(value, dict) and key in {"extra", "params", "taxonomies"}:
        for sub, inner in value.items():
            name = f"{key}.{sub}"
            matter.data[name] = inner
            matter.lines[name] = (places or {}).get(name, line)


def _pelican(lines: list[str]) -> Matter:
    """Pelican's Markdown reader: 'Key: value' lines up to the first blank line (a value may continue on lines
    indented by four spaces)."""
    matter = Matter()
    last = None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            if not matter.data:
                break
            matter.body, matter.body_line = "\n".join(lines[number:]), number + 1
            return matter
        match = _PELICAN_KEY.match(text)
        if match:
            last = match.group(1).strip().lower()
            matter.data[last], matter.lines[last] = match.group(2).strip(), number
        elif last and text.startswith(("    ", "\t")):
            matter.data[last] += " " + text.strip()
        else:
            break  # no metadata block after all: all of it is the body
    else:
        return Matter(matter.data, matter.lines, "", len(lines) + 1)
    return Matter(body="\n".join(lines))

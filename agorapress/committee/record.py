"""The committee's public record: one entry per pull request decided (merged, or withdrawn unmerged), kept in the
repository (committee/record.yaml) so it outlives any host, validated by `agora check`, shown on the items and
on the committee page.

The record workflow appends an entry after a pull request closes (`agora committee record`); people may correct
it by a pull request like any governance file. Entries are written by hand-made YAML, one flow of fields per
entry, so appending never reformats what is already there and the same decision always reads the same.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from .. import yamlstrict
from ..problems import Problem, did_you_mean
from ..schema import Strict, validate

RECORD_FILE = "committee/record.yaml"
HEADER = """\
# The committee's public record: one entry per pull request decided, appended by the record workflow
# (agora committee record) after it closes. outcome: merged, or withdrawn (closed without merging).
"""


class Entry(Strict):
    """One pull request the committee decided on."""

    pr: int = Field(ge=1, description="Number of the pull request.")
    outcome: Literal["merged", "withdrawn"] = Field(description="merged, or withdrawn (closed without merging).")
    opened: datetime = Field(description="When the pull request was opened (ISO date-time with offset).")
    decided: datetime = Field(description="When it was merged or closed.")
    approved_by: Annotated[list[str], Field(max_length=200)] = Field(
        default_factory=list, description="Handles of the members whose approval counted.")
    files: Annotated[list[str], Field(max_length=5000)] = Field(default_factory=list, description="Files it changed.")


class Record(Strict):
    """committee/record.yaml."""

    decisions: list[Entry] = Field(default_factory=list, description="The decisions, oldest first.")


@dataclass(frozen=True)
class Stats:
    """What the committee page shows of the record."""

    reviewed: list[tuple[str, int]]  # (handle, texts whose merge they approved), most first
    median_hours: float | None  # from opening to decision, over every decision
    withdrawn: int
    merged: int


def read_record(root: Path) -> tuple[Record, list[Problem]]:
    """The record at `root` (empty when there is none), and what is wrong with it, with lines."""
    path = root / RECORD_FILE
    if not path.is_file():
        return Record(), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Record(), [Problem(RECORD_FILE, 1, "record", "", f"cannot be read: {exc}", "write it as UTF-8 YAML")]
    doc = yamlstrict.load(text)
    problems = [Problem(RECORD_FILE, i.line, i.rule, i.field, i.message, i.hint) for i in doc.issues]
    record, found = validate(Record, doc, RECORD_FILE, "record")
    problems += found
    if record is None:
        return Record(), problems
    seen: dict[int, int] = {}
    for index, entry in enumerate(record.decisions):
        line = doc.line_of(("decisions", index))
        if entry.decided.tzinfo is None or entry.opened.tzinfo is None:
            problems.append(Problem(RECORD_FILE, line, "record", f"decisions[{index}]", "a date-time without offset",
                                    "write e.g. 2026-11-20T10:00:00Z"))
        elif entry.decided < entry.opened:
            problems.append(Problem(RECORD_FILE, line, "record", f"decisions[{index}].decided",
                                    f"decided ({entry.decided.isoformat()}) before it was opened",
                                    "correct one of the two dates"))
        if entry.pr in seen:
            problems.append(Problem(RECORD_FILE, line, "record", f"decisions[{index}].pr",
                                    f"pull request #{entry.pr} is already recorded (decisions[{seen[entry.pr]}])",
                                    "keep one entry per pull request"))
        seen.setdefault(entry.pr, index)
    return record, problems


def check_members(root: Path, members: list[str]) -> list[Problem]:
    """The record's problems, and approvals credited to someone who never sat on the committee."""
    record, problems = read_record(root)
    if not problems and record.decisions:
        doc = yamlstrict.load((root / RECORD_FILE).read_text(encoding="utf-8"))
        for index, entry in enumerate(record.decisions):
            for number, handle in enumerate(entry.approved_by):
                if handle not in members:
                    problems.append(Problem(RECORD_FILE, doc.line_of(("decisions", index, "approved_by", number)),
                                            "record", f"decisions[{index}].approved_by[{number}]",
                                            f"'{handle}' never sat on the committee",
                                            did_you_mean(handle, members) or "name a member of committee.members"))
    return problems


def reviews_of(record: Record) -> dict[str, tuple[Entry, ...]]:
    """path -> the merged decisions that changed that file, latest first."""
    found: dict[str, list[Entry]] = {}
    for entry in record.decisions:
        if entry.outcome == "merged":
            for path in entry.files:
                found.setdefault(path, []).append(entry)
    return {path: tuple(sorted(entries, key=lambda e: (e.decided, e.pr), reverse=True))
            for path, entries in sorted(found.items())}


def stats_of(record: Record) -> Stats:
    counts: dict[str, int] = {}
    hours = []
    for entry in record.decisions:
        hours.append((entry.decided - entry.opened).total_seconds() / 3600)
        if entry.outcome == "merged":
            for handle in dict.fromkeys(entry.approved_by):
                counts[handle] = counts.get(handle, 0) + 1
    merged = sum(entry.outcome == "merged" for entry in record.decisions)
    return Stats(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])),
                 statistics.median(hours) if hours else None, len(record.decisions) - merged, merged)


def entry_text(entry: Entry) -> str:
    """One entry as YAML, its strings JSON-quoted (valid YAML, no injection through a file name)."""
    def moment(value: datetime) -> str:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")

    def names(values: list[str]) -> str:
        return "[" + ", ".join(json.dumps(value, ensure_ascii=False) for value in values) + "]"

    return (f"  - pr: {entry.pr}\n    outcome: {entry.outcome}\n    opened: {moment(entry.opened)}\n"
            f"    decided: {moment(entry.decided)}\n    approved_by: {names(entry.approved_by)}\n"
            f"    files: {names(entry.files)}\n")


def append(root: Path, entry: Entry) -> bool:
    """Add `entry` to the record (atomically); False when that pull request is already recorded."""
    record, problems = read_record(root)
    if problems:
        from ..problems import AgoraError, Problems

        raise AgoraError(f"{RECORD_FILE} is not valid; correct it first:\n{Problems(problems).render('text')}")
    if any(existing.pr == entry.pr for existing in record.decisions):
        return False
    path = root / RECORD_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER + "decisions:\n"
    if not record.decisions and "decisions: []" in text:
        text = text.replace("decisions: []", "decisions:")
    text = (text if text.endswith("\n") else text + "\n") + entry_text(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # never a half-written record
    return True

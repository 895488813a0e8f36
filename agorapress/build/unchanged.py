"""A build that finds nothing to do, said without loading the portal.

The build's fingerprint (plan.py) digests every input, which means reading them all, and loading Agora's models,
rules and Markdown renderer first: most of an unchanged build of a ten-year blog. Before any of that, this module
compares the status of every input file with the one recorded by the last build that read them: the same path,
type, size, modification and change times (a change time cannot be set back), inode, in every folder the build
reads and in Agora's own code, with the same Python and Agora. If every one is the same, the clock has not reached
the site's next change, the day is the same (the committee's reminders count days), and the output is still the one
that build left, then nothing changed: the last build's warnings are said again, and nothing is loaded. Anything
else, or a record that is missing or does not verify (it is kept in the authenticated cache), goes the long way,
which decides again from the files' bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import __version__
from ..cache import PortalCache
from ..folders import walk
from ..problems import Problem, Problems
from .audit import survey
from .swap import wait_discarded

RECORD = "unchanged.json"
_PACKAGE = Path(__file__).resolve().parent.parent
#: What the build reads under the portal's root besides its folders (the board, the old in-repository cache).
_ROOT_FILES = ("site_config.yaml", "board.yaml", ".agora-cache")
_ROOT_FOLDERS = ("content", "themes", "plugins", "committee")


def inputs_status(root: Path) -> str:
    """A digest of the status of every file and folder the build reads, and of Agora's code."""
    digest = hashlib.sha256(f"{sys.version}\0{__version__}\0".encode())
    _tree(digest, _PACKAGE, "agora")
    root = Path(root)
    for name in _ROOT_FILES:
        _one(digest, root / name, name)
    for name in _ROOT_FOLDERS:
        _one(digest, root / name, name)
        _tree(digest, root / name, name)
    return digest.hexdigest()


def _one(digest, path: Path, label: str) -> None:
    try:
        info = os.lstat(path)
    except OSError:
        digest.update(f"{label}\0-\n".encode())
        return
    digest.update(f"{label}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0"
                  f"{info.st_ino}\n".encode("utf-8", "surrogateescape"))


def _tree(digest, top: Path, label: str) -> None:
    if top.is_symlink() or not top.is_dir():
        return
    for rel_dir, folders, files in walk(top, enter=lambda entry: entry.name != "__pycache__"):
        for entry in (*folders, *files):
            if entry.name == "__pycache__":
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:  # gone while walked: this status matches no record
                digest.update(f"{label}/{rel_dir}/{entry.name}\0?\n".encode("utf-8", "surrogateescape"))
                continue
            digest.update(f"{label}/{rel_dir}/{entry.name}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\0"
                          f"{info.st_ctime_ns}\0{info.st_ino}\n".encode("utf-8", "surrogateescape"))


def remember(cache: PortalCache, status: str, output: Path, summary: str, next_change: datetime | None,
             now: datetime, tz: str, warnings: list[Problem], items: int, files: int) -> None:
    """What the next build compares with: `status` (inputs_status, taken before this build read anything)."""
    record = {"status": status, "output": str(output), "output_summary": summary,
              "next_change": next_change.isoformat() if next_change else None, "tz": tz,
              "day": now.astimezone(ZoneInfo(tz)).date().isoformat(), "warnings": [asdict(p) for p in warnings],
              "items": items, "files": files}
    cache.write(RECORD, json.dumps(record).encode("utf-8"))


def unchanged(root: Path, output: Path | None, now: datetime, status: str) -> dict | None:
    """The last build's record when nothing changed since it (see the module's docstring), else None. `status`
    is inputs_status(root), taken by the caller."""
    root = Path(root).resolve()
    try:
        cache = PortalCache(root)
        data = cache.read(RECORD)
        record = json.loads(data) if data is not None else None
        if not isinstance(record, dict) or record.get("status") != status:
            return None
        given = Path(os.path.abspath(output or root / "output"))
        if given.is_symlink() or str(given.resolve()) != record["output"]:
            return None
        if record["next_change"] is not None and now >= datetime.fromisoformat(record["next_change"]):
            return None
        if now.astimezone(ZoneInfo(record["tz"])).date().isoformat() != record["day"]:
            return None
        wait_discarded(given)  # the site it replaced still shares its files until deleted (build/swap.py)
        if not given.is_dir() or survey(given).summary != record["output_summary"]:
            return None
        record["warnings"] = Problems([Problem(**fields) for fields in record["warnings"]])
        record["output"] = given.resolve()
        return record
    except Exception:  # noqa: BLE001 - any doubt (an unusable cache, an old record): the long way decides
        return None

"""What a build's output depends on, as one digest: equal digests mean there is nothing to rebuild."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

from .audit import survey
from ..committee.pages import next_change as committee_next_change
from ..content.loader import CONTENT_DIR
from ..people import People
from ..site import Portal
from ..stats import next_change as stats_next_change

_PACKAGE = Path(__file__).resolve().parent.parent


def _tree(digest, root: Path) -> None:
    """Names and bytes of every file under `root` (code, templates, theme assets), in a fixed order."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())


def fingerprints(portal: Portal, drafts: bool, nxt: datetime | None, leave_out: frozenset[str]) -> tuple[str, str]:
    """(fingerprint, key), in one pass over the inputs. The fingerprint digests code, theme, plugins, config, every
    content file, and the clock-dependent state of the graph (`nxt`: the portal's next_change, which the build
    records too); the key digests the same but the content files of `leave_out` (paths under content/)."""
    whole = hashlib.sha256()
    _tree(whole, _PACKAGE)
    for folder in ("themes", "plugins"):
        _tree(whole, portal.root / folder)
    whole.update(portal.config_digest.encode())
    key = whole.copy()
    for rel, value in sorted(portal.digests.items()):
        line = f"{rel}\0{value}\n".encode()
        whole.update(line)
        if rel not in leave_out:
            key.update(line)
    rest = []
    for rel in sorted(portal.graph.static):
        stat = (portal.root / CONTENT_DIR / rel).stat()
        rest.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    # The clock only matters through what it publishes and when that next changes.
    rest.append(f"drafts={drafts}\n")
    rest.append("\n".join(item.relpath for item in portal.graph.published()))
    rest.append(f"\nnext={nxt.isoformat() if nxt else ''}")
    tail = "".join(rest).encode()
    whole.update(tail)
    key.update(tail)
    return whole.hexdigest(), key.hexdigest()


def next_change(portal: Portal) -> datetime | None:
    """The next moment the site changes by itself: an item falls due, an event starts or ends, a
    member stops being new, a committee term turns, a promised topic becomes overdue or a month begins (the
    stats page gains a month)."""
    moments = [portal.graph.next_change(), People.of(portal.graph).next_change(), committee_next_change(portal.graph),
               stats_next_change(portal.graph)]
    return min((m for m in moments if m is not None), default=None)


def output_summary(output: Path) -> str:
    """Files, sizes, modification times and inodes of an output tree, and anything the audit refuses in it: detects
    an output someone changed or deleted by hand, even a page edited to the same size. The same digest as the
    audit's survey of the staging folder it was swapped from."""
    return survey(output).summary

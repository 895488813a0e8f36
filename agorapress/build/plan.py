"""What a build has to do, decided in one place: nothing (unchanged), the edited items' pages (incremental), or all.

**Unchanged.** The fingerprint digests everything the output depends on: Agora's code, the portal's themes and
plugins, the config, every content file, and the clock's effect on the graph (what is published, and when the site
next changes by itself). Equal to the last build's into the same output, and that output as the build left it (the
audit's survey of it: names, sizes, modification times and inodes), there is nothing to render.

**Incremental.** A page shows other items through their outline (title, dates, people, tags, summary, reading
time...: see `content.loader.outline`), never through their body. So when the only files that changed since the
last build are section items or pages whose outline did not change, and nothing else did (the key: the fingerprint
without those files), the output differs from the last one in the changed items' own pages, the feeds that carry
their bodies and the search index, and nowhere else. Such a build renders only what the plan names, and links every
other file of the last output into the staging folder (build/write.py `link_unchanged`). Only a portal that uses the
shipped theme and Agora's plugins as they are gets this: its own templates or plugins may show anything of an item.

The media and the theme's files are the last build's too, unless an edit added or removed a use of a file of
media/ (the published media are recorded with the outlines): the theme, the config, every media file and the
picture encoder (Pillow, and whether it writes AVIF) are in the key, and a picture's renditions follow from them.

**Full**, otherwise, or with `--force`. The test suite builds edited portals both ways and compares every byte.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..committee.pages import next_change as committee_next_change
from ..content.kinds import PAGE_KINDS
from ..content.loader import CONTENT_DIR
from ..images import can_write_avif
from ..outputs.media import publishable
from ..people import People
from ..render.context import Plan
from ..site import Portal
from ..stats import next_change as stats_next_change
from .audit import survey

STATE_FILE = "render-state.pickle"
BUILD_INFO = "build.json"
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Decision:
    """What this build does, and what it will record for the next one."""

    unchanged: bool
    plan: Plan | None  # an incremental build's; None for a full one
    fingerprint: str
    key: str
    next_change: datetime | None  # the next moment the site changes by itself (read by the scheduled deploy)
    files: int  # the last build's count, for an unchanged build


def decide(portal: Portal, people: People, output: Path, drafts: bool, force: bool, trust_output: bool) -> Decision:
    """Unchanged, incremental or full. `trust_output` says that only `agora serve`'s quick renders changed the output
    since the last build (they write the pages of saved items, which an incremental build renders again)."""
    nxt = next_change(portal, people)
    fingerprint, key = fingerprints(portal, drafts, nxt, leave_out=candidates(portal))
    last = read_build_info(portal)
    # Whether the output is the last build's, as it left it: one walk, asked at most once, and only when it matters.
    intact = functools.cache(lambda: output.is_dir() and last.get("output") == str(output)
                             and (trust_output or last.get("output_summary") == survey(output).summary))
    if not force and last.get("fingerprint") == fingerprint and intact():
        return Decision(True, None, fingerprint, key, nxt, last.get("files", 0))
    plan = _incremental(portal, key) if not force and last.get("key") == key and intact() else None
    return Decision(False, plan, fingerprint, key, nxt, 0)


def record(portal: Portal, output: Path, decision: Decision, summary: str, files: int) -> None:
    """What the next build compares with: build.json (also read by the scheduled deploy workflow, at
    `agora cache --path`/build.json) and each candidate's digest and outline."""
    info = {"next_change": decision.next_change.isoformat() if decision.next_change else None,
            "fingerprint": decision.fingerprint, "key": decision.key, "output": str(output),
            "output_summary": summary, "files": files}
    portal.cache.write(BUILD_INFO, (json.dumps(info, indent=2) + "\n").encode("utf-8"))
    kept = candidates(portal)
    outlines = {item.relpath: (portal.digests.get(item.relpath, ""), item.outline)
                for item in portal.graph.items if item.relpath in kept}
    portal.cache.dump_pickle(STATE_FILE, {"key": decision.key, "outlines": outlines, "media": publishable(portal.graph)})


def forget(portal: Portal) -> None:
    """No incremental build after this one (its output is not the one the state describes)."""
    portal.cache.remove(STATE_FILE)


def read_build_info(portal: Portal) -> dict:
    data = portal.cache.read(BUILD_INFO)
    try:
        info = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def candidates(portal: Portal) -> frozenset[str]:
    """The files an incremental build may find changed: section items and pages (paths under content/)."""
    return frozenset(item.relpath for item in portal.graph.items if item.kind in PAGE_KINDS)


def _incremental(portal: Portal, key: str) -> Plan | None:
    """The plan of an incremental build, or None when this build must render everything. `key` digests every input
    but the candidates' files; it is the last build's."""
    state = portal.cache.load_pickle(STATE_FILE)  # a missing, tampered or old state only means a full render
    if not isinstance(state, dict) or state.get("key") != key or _own_templates_or_plugins(portal):
        return None
    before: dict[str, tuple[str, str]] = state.get("outlines", {})
    kept = candidates(portal)
    items = {item.relpath: item for item in portal.graph.items if item.relpath in kept}
    if set(before) != set(items):
        return None
    changed = [item for rel, item in items.items() if before[rel][0] != portal.digests.get(rel)]
    if not changed or any(not item.outline or before[item.relpath][1] != item.outline for item in changed):
        return None
    graph = portal.graph
    pages = {f"{item.url}index.html" for item in changed if graph.is_published(item)}
    return Plan(frozenset(item.relpath for item in changed), frozenset(pages),
                same_static=state.get("media") == publishable(graph))


def _own_templates_or_plugins(portal: Portal) -> bool:
    return (portal.root / "themes").exists() or (portal.root / "plugins").exists() or bool(portal.config.plugins)


def fingerprints(portal: Portal, drafts: bool, nxt: datetime | None, leave_out: frozenset[str]) -> tuple[str, str]:
    """(fingerprint, key), in one pass over the inputs. The fingerprint digests code, theme, plugins, config, every
    content file, and the clock-dependent state of the graph (`nxt`: the portal's next_change, which the build
    records too); the key digests the same but the content files of `leave_out` (paths under content/)."""
    whole = hashlib.sha256()
    _tree(whole, _PACKAGE)
    for folder in ("themes", "plugins", "committee"):  # committee/: the record, shown on every item it reviewed
        _tree(whole, portal.root / folder)
    whole.update(portal.config_digest.encode())
    whole.update(_search_engine().encode())
    whole.update(_picture_encoder().encode())
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


def _search_engine() -> str:
    """Which Pagefind makes the search index: another one (an upgrade, PAGEFIND_BINARY_PATH) renders everything,
    for an incremental build links parts of the last index, and parts of two Pagefinds must never be mixed."""
    from pagefind.service import get_executable  # noqa: PLC0415 - the package is light; Pelican is not loaded

    found = get_executable()
    try:
        info = os.stat(found) if found is not None else None
    except OSError:
        info = None
    return f"pagefind={found}\0{info.st_size if info else ''}\0{info.st_mtime_ns if info else ''}\n"


def _picture_encoder() -> str:
    """Which Pillow encodes the pictures, and whether it writes AVIF: another one re-encodes them (a page lists the
    formats this one writes, and an incremental build links the last build's media)."""
    import PIL  # noqa: PLC0415 - only once the long way decides

    return f"pillow={PIL.__version__}\0avif={can_write_avif()}\n"


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


def next_change(portal: Portal, people: People) -> datetime | None:
    """The next moment the site changes by itself: an item falls due, an event starts or ends, a member stops being
    new, a committee term turns, a promised topic becomes overdue or a month begins (the stats page gains a month)."""
    moments = [portal.graph.next_change(), people.next_change(), committee_next_change(portal.graph),
               stats_next_change(portal.graph)]
    return min((m for m in moments if m is not None), default=None)

"""Rebuilding after edits to the bodies of items: render their pages again and link everything else.

A page shows other items through their outline (title, dates, people, tags, summary, reading time...: see
`content.loader.outline`), never through their body. So when the only files that changed since the last build
are section items or pages whose outline did not change, and nothing else did (code, theme, configuration,
profiles, board, media, the files there are, what is published and when the site next changes by itself), the
output differs from the last one in the changed items' own pages, the feeds that carry their bodies and the
search index, and nowhere else. Such a build renders only what the plan names (in one process: there is little
to share out), while a process of its own links every other file of the last output into the staging folder
(as the writer links unchanged pages anyway); Pagefind indexes every page again, reading the pages nobody
renders from the last output at once. The sitemap is written again too.

Only a portal that uses the shipped theme and Agora's plugins as they are gets this: its own templates or
plugins may show anything of an item, so any of them means a full render. `--force` renders everything too.
The test suite builds edited portals both ways and compares every byte.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..content.kinds import SECTIONS
from ..site import Portal

STATE_FILE = "render-state.pickle"
#: Output folders that are not linked: the search index is made again whole, and Pelican copies static files
#: (the theme's, the portal's media) afresh into every staging folder.
NOT_LINKED = ("pagefind",)


@dataclass(frozen=True)
class Plan:
    """What an incremental build renders: the changed items (paths under content/) and their own pages."""

    items: frozenset[str]
    pages: frozenset[str]  # output files, relative to the output folder

    def renders(self, name: str) -> bool:
        return name in self.pages


def candidates(portal: Portal) -> frozenset[str]:
    """The files an incremental build may find changed: section items and pages (paths under content/)."""
    return frozenset(item.relpath for item in portal.graph.items if item.kind in (*SECTIONS, "pages"))


def plan(portal: Portal, key: str) -> Plan | None:
    """The plan of an incremental build, or None when this build must render everything. `key` digests every
    input but the candidates' files (see fingerprint); it must be the last build's."""
    state = _read_state(portal)
    if state is None or state.get("key") != key or _own_templates_or_plugins(portal):
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
    return Plan(frozenset(item.relpath for item in changed), frozenset(pages))


def record(portal: Portal, key: str) -> None:
    """Keep what the next build compares with: the key, and each candidate's digest and outline."""
    kept = candidates(portal)
    outlines = {item.relpath: (portal.digests.get(item.relpath, ""), item.outline)
                for item in portal.graph.items if item.relpath in kept}
    portal.cache.dump_pickle(STATE_FILE, {"key": key, "outlines": outlines})


def forget(portal: Portal) -> None:
    """No incremental build after this one (its output is not the one the state describes)."""
    portal.cache.remove(STATE_FILE)


def link_unchanged(previous: Path, staging: Path, skip: tuple[str, ...]) -> int:
    """Hard-link every file of the last output into the staging folder, but those under the folders of `skip`
    (and of NOT_LINKED) and those already there; return how many. It runs while the shards render: a file a
    shard wrote first stays, and a shard that writes after it replaces the link (every writer writes a file
    whole then renames it, never into it), so nothing is ever written through a link into the last output."""
    skipped = tuple(f"{folder.strip('/')}/" for folder in (*NOT_LINKED, *skip) if folder.strip("/"))
    linked = 0
    for folder, dirs, files in os.walk(previous):
        rel_dir = os.path.relpath(folder, previous)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if f"{prefix}{d}/" not in skipped]
        if files:
            os.makedirs(os.path.join(staging, rel_dir), exist_ok=True)
        for name in files:
            try:
                os.link(os.path.join(folder, name), os.path.join(staging, rel_dir, name))
            except FileExistsError:
                continue
            linked += 1
    return linked


def _read_state(portal: Portal) -> dict | None:
    state = portal.cache.load_pickle(STATE_FILE)  # a missing, tampered or old state only means a full render
    return state if isinstance(state, dict) else None


def _own_templates_or_plugins(portal: Portal) -> bool:
    return (portal.root / "themes").exists() or (portal.root / "plugins").exists() or bool(portal.config.plugins)

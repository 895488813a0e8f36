"""One build's state for the rendering, in one typed object: what the plugins and the writer read, nothing else.

Pelican hands its plugins the settings dict and nothing more, so the context travels in it under one key
(`CONTEXT`) and every plugin asks for it with `context_of`. It is made once, before the render processes are
forked, so what it computed (the members' histories, the template view) is shared by all of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..people import People
from ..site import Portal

#: The one settings key Agora adds to Pelican's.
CONTEXT = "AGORA_BUILD"

#: Called with (output file name relative to the output folder, its bytes) for every file written, in the process that
#: writes it; bytes are None for a page Pelican wrote again by its own rules (then read it from the output).
OnWrite = Callable[[str, bytes | None], None]


@dataclass(frozen=True)
class Plan:
    """What an incremental build renders (see build/plan.py): the changed items (paths under content/) and their own
    pages; every other file is the last output's."""

    items: frozenset[str]
    pages: frozenset[str]  # output files, relative to the output folder
    #: The media and theme files are the last build's (the edits added or removed no use of a file of media/).
    same_static: bool = False

    def renders(self, name: str) -> bool:
        return name in self.pages


@dataclass
class RenderContext:
    """What one build renders and where: the portal, its members, the staging folder, the last output, the plan."""

    portal: Portal
    people: People
    output: Path  # the staging folder the pages are written to
    previous: Path | None = None  # the last output: a page with the same bytes is linked from it
    plan: Plan | None = None  # an incremental build's: only these pages are rendered
    scratch: Path | None = None  # working files of the build, gone when it ends (a build's, never serve's quick render)
    on_write: list[OnWrite] = field(default_factory=list)
    #: `agora serve`'s: receives this build's generators once they are ready, for the instant render of a saved item.
    live: dict[str, Any] | None = None
    #: The template view (`agora` in templates), made with the context; the feeds plugin's `discovery` (page metadata and
    #: the feed catalogue), made in each rendering process when Pelican starts.
    view: Any = None
    discovery: Any = None
    #: This process's shard (see shards.py): which pages it claims, and what it calls once it has written its
    #: searchable pages (items and profiles). Set in each rendering process before Pelican starts.
    shard: int = 0
    claims: Any = None
    pages_done: Callable[[], None] | None = None
    #: In shard 0, once every page is written: waits until the other rendering processes have ended, or until the
    #: event it is given is set (the build is stopping).
    others_ended: Callable[[threading.Event], None] | None = None
    #: The search index being made, in shard 0 (see render/search).
    indexing: Any = None
    #: The cores the build may use (`--jobs`; None: all of them).
    workers: int | None = None

    @property
    def graph(self):
        return self.portal.graph

    def wrote(self, name: str, data: bytes | None) -> None:
        """Tell every `on_write` callable that `name` was written."""
        for call in self.on_write:
            call(name, data)

    def writes_again(self, relpaths) -> bool:
        """Whether a file made from the items at `relpaths` (paths under content/) is written by this build: always,
        unless it is incremental and none of them changed (a feed of other items' bodies)."""
        return self.plan is None or not self.plan.items.isdisjoint(relpaths)


def context_of(settings: dict[str, Any]) -> RenderContext | None:
    """The build's context, or None when Pelican runs without Agora's build (a portal's own tests of a plugin)."""
    return settings.get(CONTEXT)

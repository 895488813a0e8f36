"""The build, top to bottom: load and check, render with Pelican into a staging folder, then swap it in."""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .audit import ensure_safe_output
from ..memory import frozen_heap
from ..problems import AgoraError, BuildFailed, Problem, Problems
from ..site import Portal, load_portal
from ..render import live as live_module
from ..render import shards as parallel
from ..render.settings import pelican_settings
from . import incremental, swap
from ..render.failures import problem_of
from .fingerprint import fingerprints, next_change, output_summary

BUILD_INFO = "build.json"


@dataclass
class BuildResult:
    """What a build did, for the CLI and the deploy workflow."""

    output: Path
    portal: Portal
    timings: dict[str, float] = field(default_factory=dict)
    files: int = 0
    unchanged: bool = False  # nothing the output depends on changed: nothing was rendered
    rendered: frozenset[str] | None = None  # an incremental build's pages (see incremental.py); None: all of them


def build(root: Path, output: Path | None = None, *, now: datetime | None = None, drafts: bool = False,
          workers: int | None = None, force: bool = False, live: dict | None = None, trust_output: bool = False,
          on_stage: Callable[..., None] = lambda stage, written=None: None) -> BuildResult:
    """Build the portal at `root` into `output`; on any problem the previous output is left untouched.

    When nothing the output depends on has changed since the last build into the same folder (see
    fingerprint.py), nothing is rendered; `force` renders anyway. A `live` dict receives the state
    `agora serve` needs to re-render one page at once (see live.py). `trust_output` says that only those quick
    renders changed the output since the last build (they write the pages of saved items, which an incremental
    build renders again): it is still the last build's output, for the choice of an incremental build.
    `on_stage` is told each stage as it begins; with the rendering comes `written`, whose int() is the number of
    files written so far by every rendering process."""
    started = time.perf_counter()
    on_stage("reading and checking content")
    portal = load_portal(root, now=now, drafts=drafts)
    timings = dict(portal.timings)
    if portal.problems.errors:
        raise BuildFailed(portal.problems)
    given = Path(os.path.abspath(output or portal.root / "output"))  # its last part is checked, not followed
    _refuse_dangerous_output(portal.root, given.resolve())
    swap.ready(given)
    output = given.resolve()
    nxt = next_change(portal)  # reads every member's history: computed once, for the fingerprint and build.json
    digest, key = fingerprints(portal, drafts, nxt, leave_out=incremental.candidates(portal))
    previous = _read_build_info(portal)
    # Whether the output is the last build's, as it left it (one walk, asked at most once).
    intact = functools.cache(lambda: output.is_dir() and previous.get("output") == str(output)
                             and (trust_output or previous.get("output_summary") == output_summary(output)))
    if not force and previous.get("fingerprint") == digest and intact():
        timings["total"] = time.perf_counter() - started
        return BuildResult(output, portal, timings, previous.get("files", 0), unchanged=True)
    plan = incremental.plan(portal, key) if not force and previous.get("key") == key and intact() else None
    staging = swap.stage(output)
    try:
        written = parallel.FilesWritten()
        on_stage(f"rendering {len(portal.graph.published())} items", written)
        mark = time.perf_counter()
        with frozen_heap():
            _render(portal, staging, output, workers, live, plan, written,
                    lambda: on_stage("indexing for search, writing the sitemap", written))
        timings["render"] = time.perf_counter() - mark
        on_stage("publishing the new output")
        mark = time.perf_counter()
        surveyed = ensure_safe_output(staging, previous=output)  # nothing odd is ever published
        swap.swap(staging, output)
        timings["swap"] = time.perf_counter() - mark
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        problem = problem_of(exc, portal.root, staging)
        if problem is None:
            raise
        raise BuildFailed(Problems([problem])) from None
    # The survey of the staging folder is the survey of the output it became: the same files, the same names.
    _write_build_info(portal, nxt, {"fingerprint": digest, "key": key, "output": str(output),
                                    "output_summary": surveyed.summary, "files": surveyed.files})
    incremental.record(portal, key)
    portal.problems.extend(portal.cache.problems())  # a cache that could not be written: a warning, the next build is slower
    timings["total"] = time.perf_counter() - started
    return BuildResult(output, portal, timings, surveyed.files, rendered=plan.pages if plan is not None else None)


def _refuse_dangerous_output(root: Path, output: Path) -> None:
    # The output folder is replaced whole: it must never be the portal or hold its sources.
    if output == root or output in root.parents or (root / "content") in [output, *output.parents]:
        raise AgoraError(f"refusing to build into {output}: it would replace the portal's own files")


def _render(portal: Portal, staging: Path, previous: Path, workers: int | None, live: dict | None,
            plan: incremental.Plan | None, written: parallel.FilesWritten, finishing: Callable[[], None]) -> None:
    # Working files of the build's plugins (the search plugin's copies of the pages for Pagefind), shared by every
    # rendering process and gone when the build ends, whatever happens.
    with tempfile.TemporaryDirectory(prefix="agora-build-", dir=scratch_root()) as scratch:
        settings = pelican_settings(portal, staging, previous)
        settings["AGORA_SCRATCH"] = scratch
        settings[parallel.ON_WRITE] = (written,)
        beside = None
        if plan is not None:
            settings[parallel.PLAN] = plan
            skip = (settings["THEME_STATIC_DIR"], *settings["STATIC_PATHS"])

            def beside() -> None:  # while the shards render: the files they leave alone are the last output's
                incremental.link_unchanged(previous, staging, skip)
        if live is not None:
            # `live` keeps the previous build's state, so saves are still shown at once while this build reads
            # its context; this build's state replaces it once its generators are ready (see live.py).
            settings["AGORA_LIVE"] = {"portal": portal, live_module.PUBLISH_TO: live}
        # An incremental build renders a few pages: a second shard would only build Pelican's context again.
        pages = len(plan.pages) if plan is not None else len(portal.graph.published())
        complaints = parallel.render(settings, pages, workers, beside, finishing)
    if complaints:
        problems = Problems()
        for message in complaints:
            if isinstance(message, Problem):  # a render shard's failure, told as a problem line (see failures.py)
                problems.extend([message])
            else:
                problems.add("(build)", 0, "engine", "", message, "this is a bug in a template or plugin")
        raise BuildFailed(problems)


#: Working files go to memory (/dev/shm) when it has this much room: files created there never touch a disk (on this
#: project's ext4 volume creating a file took 0.2 ms), and the search plugin creates one per searchable page.
SCRATCH_ROOM = 1 << 30


def scratch_root() -> str | None:
    """Where the build's working files go: /dev/shm when it is there, writable and roomy, else the system's temp."""
    try:
        room = os.statvfs("/dev/shm")
    except (OSError, AttributeError):
        return None
    roomy = room.f_bavail * room.f_frsize >= SCRATCH_ROOM
    return "/dev/shm" if roomy and os.access("/dev/shm", os.W_OK | os.X_OK) else None


def _read_build_info(portal: Portal) -> dict:
    data = portal.cache.read(BUILD_INFO)
    try:
        info = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _write_build_info(portal: Portal, nxt: datetime | None, facts: dict) -> None:
    """What the last build was made from, and the next moment the site changes by itself (read by
    the scheduled deploy workflow, at `agora cache --path`/build.json)."""
    info = {"next_change": nxt.isoformat() if nxt else None, **facts}
    portal.cache.write(BUILD_INFO, (json.dumps(info, indent=2) + "\n").encode("utf-8"))

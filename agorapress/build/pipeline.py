"""The build, top to bottom: load → plan → render → outputs → finish. On any problem the last output stays published.

1. **load**: config, content and site graph, every file checked (site.load_portal: what `agora check` runs).
2. **plan**: unchanged, incremental or full (plan.py), for an output folder the build may replace (swap.py).
3. **render**: the pages, with Pelican, on every core (render/), into a staging folder beside the output;
4. **outputs** meanwhile, in a process of their own: feeds, calendars, static files (outputs.py); then the search
   index (render/search) and the sitemap, once every page is written.
5. **finish**: the audit (audit.py) refuses anything odd, the staging folder replaces the output whole, and what
   this build was made from is recorded for the next one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..memory import frozen_heap
from ..people import People
from ..problems import AgoraError, BuildFailed, Problem, Problems
from ..site import Portal, load_portal
from . import plan as planning
from . import swap
from .audit import ensure_safe_output, survey
from .preview import as_preview
from .progress import FilesWritten, OnStage, quiet
from .unchanged import inputs_status
from .unchanged import remember as remember_unchanged
from .write import link_unchanged

if TYPE_CHECKING:
    from ..render.context import RenderContext

#: Working files go to memory (/dev/shm) when it has this much room: files created there never touch a disk (on this
#: project's ext4 volume creating a file took 0.2 ms), and the search plugin creates one per searchable page.
SCRATCH_ROOM = 1 << 30


@dataclass
class BuildResult:
    """What a build did, for the CLI and the deploy workflow."""

    output: Path
    portal: Portal
    timings: dict[str, float] = field(default_factory=dict)
    files: int = 0
    unchanged: bool = False  # nothing the output depends on changed: nothing was rendered
    rendered: frozenset[str] | None = None  # an incremental build's pages (see plan.py); None: all of them


def build(root: Path, output: Path | None = None, *, now: datetime | None = None, drafts: bool = False,
          workers: int | None = None, force: bool = False, live: dict | None = None, trust_output: bool = False,
          on_stage: OnStage = quiet, preview: int | None = None, status: str | None = None) -> BuildResult:
    """Build the portal at `root` into `output`; on any problem the previous output is left untouched.

    `force` renders everything even when nothing changed. A `live` dict receives the state `agora serve` needs to
    re-render one page at once (see render/live.py). `trust_output` says that only those quick renders changed the
    output since the last build: it is still the last build's, for the choice of an incremental build. `on_stage` is
    told each stage as it begins (see progress.py). `preview` (a pull request's number) builds that pull request's
    preview: drafts and scheduled items shown, under previews/pr-N/ of the site's address, marked noindex and
    bannered (see preview.py)."""
    started = time.perf_counter()
    on_stage("reading and checking content")
    drafts = drafts or preview is not None
    # The status of every input before anything is read: recorded with the result, for the next build to find
    # nothing changed without loading anything (unchanged.py). Only the public site's builds are recorded.
    # `status`: the caller's, when it took it already (agora build, before it looked for an unchanged build).
    status = (status or inputs_status(root)) if not drafts else None
    portal = load_portal(root, now=now, drafts=drafts)
    if preview is not None:
        as_preview(portal, preview)
        force = True  # the recorded build was the public site's: never reuse it for a preview
    timings = dict(portal.timings)
    if portal.problems.errors:
        raise BuildFailed(portal.problems)

    given = Path(os.path.abspath(output or portal.root / "output"))  # its last part is checked, not followed
    _refuse_dangerous_output(portal.root, given.resolve())
    swap.ready(given)
    output = given.resolve()
    # Every member's history, read once before the render processes are forked: they all share it.
    people = People(portal.graph)
    decision = planning.decide(portal, people, output, drafts, force, trust_output)
    if decision.unchanged:
        _remember(portal, status, output, decision, None, decision.files)
        timings["total"] = time.perf_counter() - started
        return BuildResult(output, portal, timings, decision.files, unchanged=True)

    # Imported once there is something to render: a build that finds nothing changed never loads Pelican, the
    # feeds' and calendars' libraries (a fifth of an unchanged build of 750 posts was spent importing them).
    from ..render.context import RenderContext  # noqa: PLC0415
    from ..render.failures import problem_of  # noqa: PLC0415
    from .outputs import write_sitemap  # noqa: PLC0415

    staging = swap.stage(output)
    try:
        written = FilesWritten()
        on_stage(f"rendering {len(portal.graph.published())} items", written)
        mark = time.perf_counter()
        with frozen_heap(), tempfile.TemporaryDirectory(prefix="agora-build-", dir=scratch_root()) as scratch:
            context = RenderContext(portal, people, staging, previous=output if output.is_dir() else None,
                                    plan=decision.plan, scratch=Path(scratch), on_write=[written], live=live,
                                    workers=workers)
            _render(context, workers, lambda: on_stage("indexing for search, writing the sitemap", written))
            # A preview is in no sitemap, and robots.txt is read at the site's root only. An incremental build's
            # are the last output's, linked: the same pages, and the dates they list are in the outlines.
            if portal.preview is None and decision.plan is None:
                write_sitemap(context)
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
    planning.record(portal, output, decision, surveyed.summary, surveyed.files)
    _remember(portal, status, output, decision, surveyed.summary, surveyed.files)
    portal.problems.extend(portal.cache.problems())  # a cache that could not be written: a warning, the next build is slower
    timings["total"] = time.perf_counter() - started
    plan = decision.plan
    return BuildResult(output, portal, timings, surveyed.files, rendered=plan.pages if plan is not None else None)


def _remember(portal, status: str | None, output: Path, decision, summary: str | None, files: int) -> None:
    """Record this build for unchanged.py (not a drafts or preview build: the record stays the public site's; a
    build of other kinds into the same folder changes the output, which the record's survey then tells)."""
    if status is None or portal.preview is not None:
        return
    if summary is None:
        summary = survey(output).summary
    remember_unchanged(portal.cache, status, output, summary, decision.next_change, portal.graph.now,
                       str(portal.config.site.tz), portal.problems.warnings, len(portal.graph.published()), files)


def _refuse_dangerous_output(root: Path, output: Path) -> None:
    # The output folder is replaced whole: it must never be the portal or hold its sources.
    if output == root or output in root.parents or (root / "content") in [output, *output.parents]:
        raise AgoraError(f"refusing to build into {output}: it would replace the portal's own files")


def _render(context: RenderContext, workers: int | None, finishing) -> None:
    """The pages with Pelican, and the outputs in a process beside the shards; fails with every complaint."""
    from ..render import live as live_module  # noqa: PLC0415 (see build(): only when rendering)
    from ..render import shards  # noqa: PLC0415
    from ..render.settings import pelican_settings  # noqa: PLC0415
    from .outputs import write_outputs  # noqa: PLC0415

    settings = pelican_settings(context)
    if context.live is not None:
        # `live` keeps the previous build's state, so saves are still shown at once while this build reads its
        # context; this build's state replaces it once its generators are ready (see render/live.py).
        context.live = {"portal": context.portal, live_module.PUBLISH_TO: context.live}
    previous, plan = context.previous, context.plan

    def beside() -> list:
        if plan is not None and previous is not None:
            # An incremental build: the files nobody writes again are the last output's.
            link_unchanged(previous, context.output, skip=() if plan.same_static else ("theme", "media"))
        return write_outputs(context)

    # An incremental build renders a few pages: a second shard would only build Pelican's context again.
    pages = len(plan.pages) if plan is not None else len(context.graph.published())
    complaints = shards.render(settings, context, pages, workers, beside, finishing)
    if complaints:
        problems = Problems()
        for message in complaints:
            if isinstance(message, Problem):  # a failure told as a problem line (see render/failures.py)
                problems.extend([message])
            else:
                problems.add("(build)", 0, "engine", "", message, "this is a bug in a template or plugin")
        raise BuildFailed(problems)


def scratch_root() -> str | None:
    """Where the build's working files go: /dev/shm when it is there, writable and roomy, else the system's temp."""
    try:
        room = os.statvfs("/dev/shm")
    except (OSError, AttributeError):
        return None
    roomy = room.f_bavail * room.f_frsize >= SCRATCH_ROOM
    return "/dev/shm" if roomy and os.access("/dev/shm", os.W_OK | os.X_OK) else None

"""`agora build`: check, then render with Pelican into a staging folder swapped in on success."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..problems import Problems
from .common import FORMATS, emit, parse_now, run


@click.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: output/).")
@click.option("--drafts", is_flag=True, help="Include drafts and scheduled items (previews only, never the public site).")
@click.option("--preview", "preview", type=click.IntRange(min=1), metavar="N",
              help="Build pull request N's preview: under previews/pr-N/ of the site's address, drafts and scheduled "
                   "items shown, a banner on every page, noindex, no sitemap.")
@click.option("--now", help="Pin the clock: what is scheduled and what is upcoming (ISO date-time with offset).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.option("--force", is_flag=True, help="Render even when nothing changed since the last build.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Processes for parsing and rendering (default: one per core).")
@click.option("--profile", is_flag=True, help="Print where the time went, per stage.")
@click.pass_context
def build(ctx: click.Context, output: Path | None, drafts: bool, now: str | None, fmt: str, force: bool,
          jobs: int | None, profile: bool, preview: int | None) -> None:
    """Check, then render the portal; the previous output stays untouched unless the build succeeds."""
    inputs = None  # the status of every input, taken once (build/unchanged.py)
    if not (drafts or force or preview):
        inputs = _said_unchanged(ctx.obj["root"], output, now, fmt, profile)
        if inputs is True:
            return
    from ..build import build as run_build

    console = Console(stderr=True)
    # A spinner on a terminal; CI logs and pipes get only the final line.
    show = console.is_terminal and not os.environ.get("CI")
    progress = Progress()
    with console.status(progress) if show else contextlib.nullcontext() as status:
        def on_stage(stage: str, written=None) -> None:
            progress.stage, progress.written = stage, written
            if status is not None:
                status.update(progress)

        result = run(lambda: run_build(ctx.obj["root"], output, now=parse_now(now), drafts=drafts, workers=jobs,
                                       force=force, on_stage=on_stage, preview=preview, status=inputs),
                                 fmt)
    if profile:
        table = Table("stage", "seconds", title="Where the time went")
        for stage, seconds in result.timings.items():
            table.add_row(stage, f"{seconds:.3f}")
        console.print(table)
    warnings = result.portal.problems.warnings
    if warnings:
        emit(Problems(warnings), fmt)
    items = len(result.portal.graph.published())
    if result.unchanged:
        click.echo(f"Nothing changed since the last build: {result.output} is up to date ({result.timings['total']:.2f}s)", err=True)
        return
    how = "" if result.rendered is None else f" (edited bodies only: {len(result.rendered)} pages rendered, the rest linked)"
    click.echo(f"Built {items} items, {result.files} files into {result.output}{how} in {result.timings['total']:.2f}s", err=True)


def _said_unchanged(root: Path, output: Path | None, now: str | None, fmt: str, profile: bool) -> bool | str | None:
    """Nothing changed since the last build, found from the files' status alone (build/unchanged.py): its warnings
    and the line saying so, as the long way would print them, and True. Otherwise the status taken (the build
    records it: one walk), or None when it could not be taken; the long way decides."""
    from datetime import UTC, datetime

    from ..build.unchanged import inputs_status, unchanged

    started = time.perf_counter()
    clock = parse_now(now) or datetime.now(UTC)
    try:
        status = inputs_status(root)
    except OSError:  # the portal cannot be walked: the long way says why
        return None
    record = unchanged(root, output, clock, status)
    if record is None:
        return status
    seconds = time.perf_counter() - started
    if profile:
        table = Table("stage", "seconds", title="Where the time went")
        table.add_row("unchanged (files' status)", f"{seconds:.3f}")
        Console(stderr=True).print(table)
    if record["warnings"].items:
        emit(record["warnings"], fmt)
    click.echo(f"Nothing changed since the last build: {record['output']} is up to date ({seconds:.2f}s)", err=True)
    return True


class Progress:
    """What the spinner says, drawn again on every refresh: the stage, the files written so far by every rendering
    process while they render, and the seconds since the build began."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stage = "building"
        self.written = None  # while rendering: its int() is the count of files written

    def __rich__(self) -> Text:
        text = Text(f"{self.stage}…")
        if self.written is not None:
            text.append(f" {int(self.written)} files written")
        text.append(f" {time.perf_counter() - self.started:.0f}s", style="dim")
        return text


"""`agora check`: load and validate everything without rendering; the gate every pull request passes."""

from __future__ import annotations

import sys

import click

from .common import FORMATS, emit, in_paths, parse_now, run


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], fmt: str, now: str | None) -> None:
    """Load and validate everything without rendering; report every problem at once.

    With PATHS, only problems in those files or folders are reported (the whole portal is still read,
    so references across files are checked). Exit 0: clean; 1: problems; 2: usage or config error."""
    from ..site import load_portal

    portal = run(lambda: load_portal(ctx.obj["root"], now=parse_now(now)), fmt)
    emit(portal.problems, fmt, paths)
    errors = [p for p in portal.problems.errors if not paths or in_paths(p.path, paths)]
    sys.exit(1 if errors else 0)

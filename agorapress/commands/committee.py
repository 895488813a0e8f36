"""`agora committee codeowners [--check]`: .github/CODEOWNERS written from the committee, or checked against it."""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

import click

from .common import parse_now, run


@click.group()
def committee() -> None:
    """The people's editorial committee: files derived from site_config.yaml."""


@committee.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and show the difference when the file is out of date.")
@click.option("--now", help="Pin the clock (ISO date-time with offset): who sits on the committee that day.")
@click.pass_context
def codeowners(ctx: click.Context, check: bool, now: str | None) -> None:
    """Write .github/CODEOWNERS: each section to its editors and the editor-in-chief, everything else
    to the whole current committee (GitHub logins from the members' profiles).

    With --check (in CI) nothing is written: exit 0 when the file is up to date, 1 with a diff when not."""
    from ..committee.codeowners import CODEOWNERS_FILE

    root: Path = ctx.obj["root"]
    text = run(lambda: _render(root, parse_now(now)))
    path = root / CODEOWNERS_FILE
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current == text:
            click.echo(f"{CODEOWNERS_FILE} is up to date", err=True)
            return
        diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                    f"{CODEOWNERS_FILE} (in the repository)", f"{CODEOWNERS_FILE} (from the committee)")
        click.echo("".join(diff), nl=False)
        click.echo(f"{CODEOWNERS_FILE} is out of date: run `agora committee codeowners` and commit it", err=True)
        sys.exit(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # never a half-written CODEOWNERS
    click.echo(CODEOWNERS_FILE)


def _render(root: Path, now) -> str:
    from ..committee.codeowners import render_codeowners
    from ..committee.terms import current_members, logins_of, today_of
    from ..site import load_portal

    portal = load_portal(root, now=now)
    today = today_of(portal.config, portal.graph.now)
    logins = logins_of(portal.graph.contributors)
    for handle in current_members(portal.config, today):
        if handle not in logins:
            click.echo(f"warning: {handle} has no profile with a GitHub login; written as @{handle}", err=True)
    return render_codeowners(portal.config, logins, today)

"""The `agora` command line: check, build and the other subcommands, with exit codes 0/1/2."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from .problems import AgoraError, BuildFailed, Problems

_FORMATS = click.Choice(["text", "json", "github"])


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("expected an ISO date-time such as 2026-11-22T12:00:00+01:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. 2026-11-22T12:00:00+01:00")
    return moment


def _emit(problems: Problems, fmt: str, paths: tuple[str, ...] = ()) -> None:
    if paths:
        wanted = {str(Path(p)).replace("\\", "/").rstrip("/") for p in paths}
        kept = Problems([p for p in problems if any(p.path == w or p.path.startswith(w + "/") for w in wanted)])
        problems = kept
    text = problems.render(fmt)
    if text:
        click.echo(text)
    if fmt == "text":
        errors, warnings = len(problems.errors), len(problems.warnings)
        summary = "no problems found" if not (errors or warnings) else f"{errors} error(s), {warnings} warning(s)"
        click.echo(summary, err=True)


@click.group()
@click.version_option(package_name="agorapress")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The portal repository (where site_config.yaml is).")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Agora Press: build and guard a community portal kept in Git."""
    ctx.obj = {"root": root}


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], fmt: str, now: str | None) -> None:
    """Load and validate everything without rendering; report every problem at once.

    With PATHS, only problems in those files or folders are reported (the whole portal is still read,
    so references across files are checked)."""
    from .site import load_portal

    portal = _run(lambda: load_portal(ctx.obj["root"], now=_parse_now(now)), fmt)
    _emit(portal.problems, fmt, paths)
    errors = portal.problems.errors
    if paths:
        errors = [p for p in errors if any(p.path.startswith(str(Path(x)).rstrip("/")) for x in paths)]
    sys.exit(1 if errors else 0)


@main.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: output/).")
@click.option("--drafts", is_flag=True, help="Include drafts (for previews; never for the public site).")
@click.option("--now", help="Pin the clock: what is scheduled and what is upcoming (ISO date-time with offset).")
@click.option("--format", "fmt", type=_FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.pass_context
def build(ctx: click.Context, output: Path | None, drafts: bool, now: str | None, fmt: str) -> None:
    """Check, then render the portal; the previous output stays untouched unless the build succeeds."""
    from .engine.build import build as run_build

    result = _run(lambda: run_build(ctx.obj["root"], output, now=_parse_now(now), drafts=drafts), fmt)
    warnings = result.portal.problems.warnings
    if warnings:
        _emit(Problems(warnings), fmt)
    items = len(result.portal.graph.published())
    click.echo(f"Built {items} items, {result.files} files into {result.output} in {result.timings['total']:.2f}s", err=True)


def _run(action, fmt: str):
    try:
        return action()
    except BuildFailed as exc:
        _emit(exc.problems, fmt)
        click.echo(f"build failed: {exc}", err=True)
        sys.exit(exc.exit_code)
    except AgoraError as exc:
        problems = getattr(exc, "problems", None)
        if problems is not None:
            _emit(problems, fmt)
        else:
            click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()

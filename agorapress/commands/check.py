"""`agora check`: load and validate everything without rendering; the gate every pull request passes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import FORMATS, emit, in_paths, parse_now, portal_language, run


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.option("--pr-author", metavar="LOGIN", help="GitHub login of the pull request's author: check who may change what.")
@click.option("--base", metavar="REF", help="Base commit of the pull request: only the files changed since are its own.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Markdown moderation report for the reviewers to this file.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], fmt: str, now: str | None, pr_author: str | None,
          base: str | None, report_path: Path | None) -> None:
    """Load and validate everything without rendering; report every problem at once.

    With PATHS, only problems in those files or folders are reported (the whole portal is still read,
    so references across files are checked). With --pr-author and --base, the changes of a pull request
    are checked too: file modes, and whether its author may make each of them (see the rules reference).
    A pull request that only adds or edits files under content/ has those files checked in full and the
    others for what it can break in them (addresses, handles, translations, identities): their own
    checks passed when they were merged. Any other change (a deletion, the config, the board, a theme)
    has every file checked in full. Exit 0: clean; 1: problems; 2: usage or config error."""
    from ..problems import AgoraError
    from ..site import load_portal

    if bool(pr_author) != bool(base):
        raise click.UsageError("--pr-author and --base go together")
    paths = _portal_paths(Path(ctx.obj["root"]), paths)

    language = portal_language(ctx.obj["root"])

    def load_and_check():
        portal = None
        try:
            changed = _changed_files(ctx.obj["root"], base) if base else None
            portal = load_portal(ctx.obj["root"], now=parse_now(now), bodies=_in_themselves(changed))
            pr = _pull_request(portal, pr_author, base, changed) if base else None
        except AgoraError as exc:
            if report_path is not None:
                # The reviewers still get a report saying why nothing else could be checked.
                _write_report(report_path, portal, [p.translated(language) for p in getattr(exc, "problems", None) or []],
                              None)
            raise
        return portal, pr

    portal, pr = run(load_and_check, fmt, language)
    problems = portal.problems
    if pr is not None:
        problems = _for_pull_request(problems, pr)
    emit(problems, fmt, paths, language)
    if report_path is not None:
        # The report is posted on the pull request: its problems speak the portal's language, like the annotations.
        _write_report(report_path, portal, [p.translated(language) for p in problems], pr)
    errors = [p for p in problems.errors if not paths or in_paths(p.path, paths)]
    sys.exit(1 if errors else 0)


def _portal_paths(root: Path, paths: tuple[str, ...]) -> tuple[str, ...]:
    """PATHS as the problems name them (relative to the portal, with /). A path that does not exist, or lies
    outside content/ (site_config.yaml aside), is a usage error: "no problems found" there would be a lie."""
    from ..config import CONFIG_FILE

    root = root.resolve()
    content = root / "content"
    named = []
    for given in paths:
        # As typed, from the current folder; else from the portal's root (`agora --root X check content/a.md`).
        here = Path(given).resolve()
        where = here if here.exists() or Path(given).is_absolute() else (root / given).resolve()
        if not where.exists():
            raise click.BadParameter(f"'{given}' does not exist", param_hint="PATHS")
        if where != root / CONFIG_FILE and where != content and content not in where.parents:
            raise click.BadParameter(f"'{given}' is outside content/: give files or folders under {content}",
                                     param_hint="PATHS")
        named.append(where.relative_to(root).as_posix())
    return tuple(named)


def _changed_files(root: Path, base: str):
    from ..pr import changed_files

    return changed_files(Path(root).resolve(), base)


def _in_themselves(changed) -> set[str] | None:
    from ..pr import checked_in_themselves

    return checked_in_themselves(changed[1]) if changed is not None else None


def _pull_request(portal, author: str, base: str, changed):
    from ..pr import check_pull_request

    return check_pull_request(portal, author, base, changed)


def _for_pull_request(problems, pr):
    """The portal's problems and the pull request's. Warnings about files it does not touch are left out: they
    were there before it; errors anywhere stay, since a change can break another file (an address taken)."""
    from ..problems import Problems

    kept = [p for p in problems if p.severity == "error" or p.path in pr.paths]
    return Problems([*kept, *pr.problems])


def _write_report(path: Path, portal, problems, pr) -> None:
    from ..report import write_report

    write_report(path, portal, problems, pr)

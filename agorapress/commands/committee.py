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


@committee.command()
@click.option("--github", "from_github", is_flag=True,
              help="Record every pull request of $GITHUB_REPOSITORY closed since the record's latest entry, from "
                   "GitHub's API ($GITHUB_TOKEN, read-only is enough).")
@click.option("--pr", "number", type=click.IntRange(min=1), help="Without --github: the pull request's number.")
@click.option("--outcome", type=click.Choice(["merged", "withdrawn"]), help="Without --github: merged, or "
              "withdrawn (closed without merging).")
@click.option("--opened", help="Without --github: when it was opened (ISO date-time with offset).")
@click.option("--decided", help="Without --github: when it was merged or closed (ISO date-time with offset).")
@click.option("--approved-by", "approved", multiple=True, metavar="HANDLE", help="Without --github: a member "
              "whose approval counted; repeat for each.")
@click.option("--file", "files", multiple=True, metavar="PATH", help="Without --github: a file it changed; "
              "repeat for each.")
@click.pass_context
def record(ctx: click.Context, from_github: bool, number: int | None, outcome: str | None, opened: str | None,
           decided: str | None, approved: tuple[str, ...], files: tuple[str, ...]) -> None:
    """Append decided pull requests to the committee's public record (committee/record.yaml): who approved
    each, when it was opened and decided, what it changed. Run by the record workflow on the default branch;
    a pull request already recorded is left as it is.

    With --github the approvals are counted as `agora review` counts them (members in office that day, not
    the author, nobody recused, on the latest commit); a withdrawn pull request has none."""
    from ..committee.record import RECORD_FILE, Entry, append

    root: Path = ctx.obj["root"]
    if from_github:
        entries = run(lambda: _entries_from_github(root))
    else:
        if not (number and outcome and opened and decided):
            raise click.UsageError("give --github, or --pr, --outcome, --opened and --decided")
        try:
            entries = [Entry(pr=number, outcome=outcome, opened=_moment(opened), decided=_moment(decided),
                             approved_by=list(approved), files=sorted(set(files)))]
        except ValueError as exc:
            raise click.BadParameter(str(exc).splitlines()[0]) from None
    for entry in entries:
        added = run(lambda entry=entry: append(root, entry))
        click.echo(f"{RECORD_FILE}: pull request #{entry.pr} {'recorded' if added else 'was already recorded'}")
    if not entries:
        click.echo(f"{RECORD_FILE}: nothing new to record")


def _moment(text: str):
    from datetime import datetime

    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r}: give a time zone offset, e.g. 2026-11-20T10:00:00Z")
    return value


def _entries_from_github(root: Path) -> list:
    """The record's entries for the pull requests closed since its latest one, oldest first."""
    from ..committee.github_api import GitHubApi, PullRequestRef
    from ..committee.quorum import decide, parse_reviews
    from ..committee.record import Entry, read_record
    from ..committee.recusal import recusals
    from ..committee.terms import logins_of, today_of
    from ..problems import AgoraError, Problems
    from ..revisions import WorkTree, clean
    from ..site import load_portal

    repository = os.environ.get("GITHUB_REPOSITORY", "")
    if not repository:
        raise AgoraError("GITHUB_REPOSITORY is not set: whose pull requests should be recorded?")
    record, problems = read_record(root)
    if problems:
        raise AgoraError(f"the record is not valid; correct it first:\n{Problems(problems).render('text')}")
    known = {entry.pr for entry in record.decisions}
    since = max((entry.decided for entry in record.decisions), default=None)
    api = GitHubApi()
    closed = []
    for data in api.closed_pull_requests(repository):
        try:
            opened, decided = _moment(str(data["created_at"])), _moment(str(data["closed_at"]))
            number = int(data["number"])
        except (KeyError, TypeError, ValueError):
            continue  # not a closed pull request as the API describes one
        if number not in known and (since is None or decided >= since):
            closed.append((decided, number, opened, data))
    portal = load_portal(root) if closed else None
    entries = []
    for decided, number, opened, data in sorted(closed, key=lambda found: (found[0], found[1])):
        user = data.get("user") if isinstance(data.get("user"), dict) else {}
        head = data.get("head") if isinstance(data.get("head"), dict) else {}
        pr = PullRequestRef(repository, number, user.get("login"), head.get("sha"))
        merged = bool(data.get("merged_at"))
        files = sorted({clean(path) for path in api.files(pr)})
        approved: list[str] = []
        if merged:
            texts = WorkTree(root).texts(files)  # the default branch after the merge: the texts as merged
            decision = decide(portal.config, logins_of(portal.graph.contributors), today_of(portal.config, decided),
                              pr.author or "", files, parse_reviews(api.reviews(pr)), pr.head,
                              recused=recusals(files, texts.get, texts.get))
            approved = decision.approved
        entries.append(Entry(pr=number, outcome="merged" if merged else "withdrawn", opened=opened, decided=decided,
                             approved_by=approved, files=files))
    return entries


@committee.command()
@click.option("--open-issue", is_flag=True, help="Open a reminder issue in $GITHUB_REPOSITORY with $GITHUB_TOKEN, "
              "unless an open issue already carries this reminder's marker.")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.pass_context
def remind(ctx: click.Context, open_issue: bool, now: str | None) -> None:
    """Say which seats end within 60 days with no successor elected, and when the committee could no longer
    approve a change; with --open-issue, open (once) an issue asking the committee to hold its election.

    Exit 0 in every case but an error: a reminder is not a failure."""
    root: Path = ctx.obj["root"]
    title, body, marker = run(lambda: _reminder(root, parse_now(now)))
    if not body:
        click.echo("nothing to remind: no seat ends within 60 days without a successor")
        return
    click.echo(body)
    if open_issue:
        run(lambda: _open_once(title, body, marker))


def _reminder(root: Path, now) -> tuple[str, str, str]:
    """(title, body, marker) of the reminder due today, or empty strings."""
    from datetime import timedelta

    from ..committee.terms import WARNING_DAYS, first_deadlock, seat_changes, today_of
    from ..site import load_portal

    portal = load_portal(root, now=now)
    config = portal.config
    today = today_of(config, portal.graph.now)
    horizon = max(WARNING_DAYS)
    ending = [(term, end) for term, end, _ in seat_changes(config, today) if (end - today).days <= horizon]
    deadlock = first_deadlock(config, today + timedelta(days=1), horizon - 1) if first_deadlock(config, today, 0) is None \
        else None
    if not ending and deadlock is None:
        return "", "", ""
    first = min([end for _, end in ending] + ([deadlock[0]] if deadlock else []))
    rule = ("its holder stays in office until a successor is seated (holdover)" if config.committee.on_term_end
            == "holdover" else "the seat lapses (committee.on_term_end: lapse)")
    lines = [f"The committee's calendar in site_config.yaml needs an election (rule: when a term ends, {rule}):", ""]
    for term, end in ending:
        lines.append(f"- {term.handle}'s term as {term.role} ends on {end.isoformat()} "
                     f"({(end - today).days} days), and no successor is elected.")
    if deadlock is not None:
        day, what, needed, size = deadlock
        lines.append(f"- From {day.isoformat()} the committee could not approve {what}: it needs {needed} "
                     f"approvals and {size} member(s) will be in office.")
    lines += ["", "Hold the election, then add the new seats to committee.members in a pull request.", "",
              f"<!-- agora-committee-reminder: {first.isoformat()} -->"]
    marker = f"<!-- agora-committee-reminder: {first.isoformat()} -->"
    return f"Committee: terms end on {first.isoformat()}, time to hold an election", "\n".join(lines), marker


def _open_once(title: str, body: str, marker: str) -> None:
    from ..committee.github_api import GitHubApi
    from ..problems import AgoraError

    repository = os.environ.get("GITHUB_REPOSITORY", "")
    if not repository:
        raise AgoraError("GITHUB_REPOSITORY is not set: which repository should the reminder go to?")
    api = GitHubApi()
    for issue in api.open_issues(repository):
        if isinstance(issue, dict) and marker in str(issue.get("body") or ""):
            click.echo(f"already open: #{issue.get('number')}", err=True)
            return
    created = api.create_issue(repository, title, body)
    click.echo(f"opened #{created.get('number')}", err=True)

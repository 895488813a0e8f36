"""`agora review`: has the committee approved this pull request? Exit 0 when the quorum is met, 1 when not."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..committee.quorum import Decision
from .common import parse_now, run


@click.command()
@click.option("--pr-author", metavar="LOGIN", help="GitHub login of the pull request's author (default: from --github-event).")
@click.option("--changed", "changed", multiple=True, metavar="FILE",
              help="A file the pull request changes, from the repository root; repeat for each (default: from GitHub).")
@click.option("--reviews", "reviews_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The reviews, as JSON from GET /repos/{owner}/{repo}/pulls/{n}/reviews (default: from GitHub).")
@click.option("--head", metavar="SHA", help="The pull request's latest commit: approvals of older commits do not count.")
@click.option("--github-event", "event_path", type=click.Path(dir_okay=False, path_type=Path),
              help="GitHub Actions' event file ($GITHUB_EVENT_PATH): read the reviews (and files) from the API "
                   "with $GITHUB_TOKEN ($GITHUB_API_URL for GitHub Enterprise).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github: workflow annotations and a job summary.")
@click.option("--now", help="Pin the clock (ISO date-time with offset): who sits on the committee that day.")
@click.pass_context
def review(ctx: click.Context, pr_author: str | None, changed: tuple[str, ...], reviews_path: Path | None,
           head: str | None, event_path: Path | None, fmt: str, now: str | None) -> None:
    """Decide whether enough distinct current committee members approved a pull request, by the
    strictest review rule of what it touches, and say who still needs to review.

    Exit 0: the quorum is met; 1: it is not; 2: usage, configuration or GitHub API error."""
    from ..committee.quorum import parse_reviews

    if event_path is None and (reviews_path is None or not pr_author or not changed):
        raise click.UsageError("give --pr-author, --changed FILE (once per file) and --reviews REVIEWS.json, "
                               "or --github-event PATH to read them from GitHub")
    api = pr = None
    if event_path is not None:
        from ..committee.github_api import GitHubApi, read_event

        pr = run(lambda: read_event(event_path))
        pr_author, head = pr_author or pr.author, head or pr.head
        if not pr_author:
            raise click.UsageError("the event names no pull request author: give --pr-author")
        if reviews_path is None or not changed:
            api = run(GitHubApi)
    if reviews_path is not None:
        try:
            data = json.loads(reviews_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise click.BadParameter(f"cannot read {reviews_path}: {exc}", param_hint="--reviews") from None
    else:
        data = run(lambda: api.reviews(pr))
    if not changed:
        changed = tuple(run(lambda: api.files(pr)))
    try:
        reviews = parse_reviews(data)
    except ValueError as exc:
        raise click.BadParameter(f"{reviews_path or 'GitHub'}: {exc}", param_hint="--reviews") from None
    decision, logins = run(lambda: _decide(ctx.obj["root"], parse_now(now), pr_author, changed, reviews, head, api, pr))
    click.echo(render(decision, logins, fmt))
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(render(decision, logins, "markdown") + "\n")
    sys.exit(0 if decision.met else 1)


def _decide(root: Path, now, author: str, changed: tuple[str, ...], reviews, head: str | None, api, pr):
    from ..committee.quorum import decide, people_in
    from ..committee.terms import logins_of, today_of
    from ..site import load_portal

    portal = load_portal(root, now=now)
    logins = logins_of(portal.graph.contributors)
    people: dict[str, set[str]] = {}
    for path in sorted(set(changed)):
        # The file as it is here (in CI: the base branch) and, from GitHub, as the pull request leaves it.
        found = people_in(path, _read(portal.root, path))
        if api is not None and head and path.startswith("content/") and path.endswith(".md"):
            found |= people_in(path, api.text_at(pr, path, head))
        if found:
            people[path] = found
    today = today_of(portal.config, portal.graph.now)
    return decide(portal.config, logins, today, author, changed, reviews, head, people), logins


def _read(root: Path, path: str) -> str | None:
    file = (root / path)
    try:
        inside = file.resolve().is_relative_to(root.resolve())
    except OSError:
        return None
    if not inside or file.is_symlink() or not file.is_file():
        return None  # only files of the repository itself, never through a link
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def render(decision: Decision, logins: dict[str, str], fmt: str) -> str:
    """The decision as text for people, JSON for tools, workflow annotations, or a Markdown summary."""
    if fmt == "json":
        return json.dumps(decision.as_dict(), indent=2, ensure_ascii=False)

    def who(handle: str) -> str:
        return f"{handle} (@{logins[handle]})" if handle in logins else handle

    verdict = "quorum met" if decision.met else "quorum not met"
    head = f"{verdict}: {len(decision.approved)} of {decision.needed} approval(s) counted"
    lines = [f"needs: {r.area} ({len(r.paths)} file(s)): {r.rule}" for r in decision.requirements]
    lines.append("approved by: " + (", ".join(who(h) for h in decision.approved) or "nobody yet"))
    if decision.blocking:
        lines.append("changes requested by: " + ", ".join(who(h) for h in decision.blocking))
    for login, why in decision.not_counted:
        lines.append(f"not counted: {login}: {why}")
    if decision.missing or decision.blocking:
        if decision.missing:
            pool = ", ".join(who(h) for h in decision.could_review) or "nobody on the committee"
            lines.append(f"still needed: {decision.missing} more approval(s), from: {pool}")
        for reason in decision.reasons:
            lines.append(f"why: {reason}")
    if fmt == "github":
        level = "notice" if decision.met else "error"
        detail = "; ".join(lines).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} title={verdict}::{head}; {detail}"
    if fmt == "markdown":
        return "\n".join([f"### {'✅' if decision.met else '⏳'} {head}", "", *[f"- {line}" for line in lines]])
    return "\n".join([head, *[f"  {line}" for line in lines]])

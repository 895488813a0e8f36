"""`agora review`: has the committee approved this pull request, and has everyone it speaks for consented?
Exit 0 when the quorum is met and every consent given, 1 when not.

What the pull request changes is read at two commits: before (the committee, the profiles and each changed file
as the base has them) and after (each changed file at --head). Before is the checked-out tree (in CI, the base
branch: the pull request never chooses its judge), or Git at the merge base with --base. After is Git at --head
when the commit is here, else GitHub's API at that commit.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..committee.quorum import Decision
from .common import parse_now, portal_language, run


@click.command()
@click.option("--pr-author", metavar="LOGIN", help="GitHub login of the pull request's author (default: from --github-event).")
@click.option("--changed", "changed", multiple=True, metavar="FILE",
              help="A file the pull request changes, from the repository root; repeat for each (default: from GitHub).")
@click.option("--reviews", "reviews_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The reviews, as JSON from GET /repos/{owner}/{repo}/pulls/{n}/reviews (default: from GitHub).")
@click.option("--head", metavar="SHA", help="The pull request's latest commit (required; read from --github-event when "
              "given): approvals of other commits do not count, and the pull request's files are read there.")
@click.option("--base", metavar="REF", help="The branch or commit the pull request goes into: the committee, the profiles "
              "and the files before the change are read from Git at its merge base with --head (default: the checked-out "
              "files, which must then be the base branch's).")
@click.option("--github-event", "event_path", type=click.Path(dir_okay=False, path_type=Path),
              help="GitHub Actions' event file ($GITHUB_EVENT_PATH): read the reviews (and files) from the API "
                   "with $GITHUB_TOKEN ($GITHUB_API_URL for GitHub Enterprise).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github: workflow annotations and a job summary.")
@click.option("--now", help="Pin the clock (ISO date-time with offset): who sits on the committee that day.")
@click.pass_context
def review(ctx: click.Context, pr_author: str | None, changed: tuple[str, ...], reviews_path: Path | None,
           head: str | None, base: str | None, event_path: Path | None, fmt: str, now: str | None) -> None:
    """Decide whether enough distinct current committee members approved a pull request, by the
    strictest review rule of what it touches, and whether every member it credits, quotes or takes a
    credit from approved it too (their consent); say who still needs to review.

    Exit 0: the quorum is met and every consent given; 1: not yet; 2: usage, configuration or GitHub API error."""
    from ..committee.quorum import parse_reviews
    from ..revisions import REF, SHA

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
    if not head:
        raise click.UsageError("give --head SHA, the pull request's latest commit: approvals of older commits must not count")
    if not SHA.fullmatch(head):
        raise click.BadParameter(f"{head!r} is not a commit hash (7 to 64 hexadecimal digits)", param_hint="--head")
    if base is not None and not REF.fullmatch(base):
        raise click.BadParameter(f"{base!r} is not a commit or branch name", param_hint="--base")
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
    decision, logins = run(lambda: _decide(Path(ctx.obj["root"]), parse_now(now), pr_author, changed, reviews, head, base,
                                           api, pr))
    # Told in the portal's language (site.language of the checked-out files, the base in CI), like `agora check`.
    language = portal_language(Path(ctx.obj["root"]))
    click.echo(render(decision, logins, fmt, language))
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(render(decision, logins, "markdown", language) + "\n")
    sys.exit(0 if decision.met else 1)


def _decide(root: Path, now, author: str, changed: tuple[str, ...], reviews, head: str, base: str | None, api, pr):
    from ..committee.consent import find_original, names_people, needed_consents
    from ..committee.quorum import decide, people_in
    from ..committee.recusal import recusals
    from ..committee.terms import logins_of, today_of
    from ..config import CONFIG_FILE
    from ..problems import AgoraError
    from ..revisions import Commit, WorkTree, clean, commit_of, merge_base
    from ..site import load_portal

    head_sha = commit_of(root, head)  # the full hash, when the commit is in this clone
    if base is not None:
        base_sha = commit_of(root, base)
        if base_sha is None or head_sha is None:
            missing = f"--base {base}" if base_sha is None else f"--head {head}"
            raise AgoraError(f"{missing}: no such commit here (fetch it: git fetch origin <ref>)")
        common = merge_base(root, base_sha, head_sha)
        if not common:
            raise AgoraError(f"--base {base} and --head {head} have no commit in common: is --base the right branch?")
        before = Commit(root, common)
        config, logins = _committee_at(before)
        today = today_of(config, now)
    else:
        portal = load_portal(root, now=now)
        before, config = WorkTree(root), portal.config
        logins = logins_of(portal.graph.contributors)
        today = today_of(config, portal.graph.now)

    paths = sorted({clean(path) for path in changed})
    readable = [path for path in paths if names_people(path) or _profile(path) or path == CONFIG_FILE]
    old = before.texts(readable)
    if head_sha is not None:
        new = Commit(root, head_sha).texts(readable)
    elif api is not None:
        new = {path: _lf(api.text_at(pr, path, head)) for path in readable}
    elif any(names_people(path) or path == CONFIG_FILE for path in readable):
        raise AgoraError(f"the pull request's files at {head} cannot be read here, so nobody can tell whom it credits: "
                         f"run agora review in a clone that has the commit (git fetch origin {head}), or with --github-event")
    else:
        new = {}
    people = {path: found for path in paths if (found := people_in(path, old.get(path)) | people_in(path, new.get(path)))}
    # The profiles the pull request adds: its author's own, or a member it creates (who consents with that login).
    newcomers = {handle: _github(new.get(path)) for path in readable
                 if (handle := _profile(path)) and old.get(path) is None and handle not in logins and _github(new.get(path))}
    mine = {handle for handle, login in {**newcomers, **logins}.items() if login.casefold() == author.casefold()}
    consents = needed_consents(paths, old.get, new.get, mine, lambda kind, slug: find_original(before, kind, slug))
    recused = recusals(paths, old.get, new.get)
    return decide(config, logins, today, author, changed, reviews, head_sha or head, people, consents, newcomers,
                  recused), logins


def _committee_at(before):
    """The config and the profiles' GitHub logins at the base commit (never from the pull request)."""
    from .. import yamlstrict
    from ..config import CONFIG_FILE, Config
    from ..content.source import split_front_matter
    from ..problems import AgoraError, Problems
    from ..schema import validate

    text = before.text(CONFIG_FILE)
    if text is None:
        raise AgoraError(f"no readable {CONFIG_FILE} in the base commit {before.sha[:12]}")
    doc = yamlstrict.load(text)
    config, problems = validate(Config, doc, CONFIG_FILE, "config")
    if config is None or doc.issues:
        detail = Problems(problems).render("text") if problems else "its YAML cannot be read"
        raise AgoraError(f"{CONFIG_FILE} at the base commit {before.sha[:12]} is not valid:\n{detail}")
    profiles = [path for path in before.files("content/contributors") if _profile(path)]
    logins = {}
    for path, profile in sorted(before.texts(profiles).items()):
        source = split_front_matter(profile, "", "", []) if profile is not None else None
        github = source.doc.data.get("github") if source is not None and isinstance(source.doc.data, dict) else None
        if isinstance(github, str):
            logins[_profile(path)] = github
    return config, logins


def _profile(path: str) -> str | None:
    """The handle of a profile's path (content/contributors/<handle>.md), else None."""
    prefix = "content/contributors/"
    rest = path[len(prefix):] if path.startswith(prefix) else ""
    return rest[:-3] if rest.endswith(".md") and "/" not in rest else None


def _github(text: str | None) -> str:
    from ..content.source import split_front_matter

    source = split_front_matter(text, "", "", []) if text is not None else None
    github = source.doc.data.get("github") if source is not None and isinstance(source.doc.data, dict) else None
    return github if isinstance(github, str) else ""


def _lf(text: str | None) -> str | None:
    return text.replace("\r\n", "\n") if text is not None else None


def render(decision: Decision, logins: dict[str, str], fmt: str, language: str = "en") -> str:
    """The decision as text for people, JSON for tools, workflow annotations, or a Markdown summary; what people
    read is in `language` (the portal's), translated here, line by line (JSON stays in English, for tools)."""
    from ..messages import translate

    if fmt == "json":
        return json.dumps(decision.as_dict(), indent=2, ensure_ascii=False)

    def who(handle: str) -> str:
        return f"{handle} (@{logins[handle]})" if handle in logins else handle

    quorum = not decision.missing and not decision.blocking
    verdict = "quorum met" if decision.met else "consent missing" if quorum else "quorum not met"
    head = f"{verdict}: {len(decision.approved)} of {decision.needed} approval(s) counted"
    if decision.consents:
        head += f", {sum(c.given for c in decision.consents)} of {len(decision.consents)} consent(s) given"
    lines = [f"needs: {r.area} ({len(r.paths)} file(s)): {r.rule}" for r in decision.requirements]
    lines.append("approved by: " + (", ".join(who(h) for h in decision.approved) or "nobody yet"))
    if decision.blocking:
        lines.append("changes requested by: " + ", ".join(who(h) for h in decision.blocking))
    for handle, why in decision.recused:
        lines.append(f"recused: {who(handle)}: {why}")
    for login, why in decision.not_counted:
        lines.append(f"not counted: {login}: {why}")
    for state in decision.consents:
        where = f"{state.path}:{state.line}" if state.line else state.path
        lines.append(f"consent of {state.handle}{f' (@{state.login})' if state.login else ''}: {state.what} ({where}, "
                     f"{state.field}): {'given' if state.given else 'missing'}, {state.handle} {state.why}")
    if not decision.met:
        if decision.missing:
            pool = ", ".join(who(h) for h in decision.could_review) or "nobody on the committee"
            lines.append(f"still needed: {decision.missing} more approval(s), from: {pool}")
        for reason in decision.reasons:
            lines.append(f"why: {reason}")
    verdict, head = translate(verdict, language), translate(head, language)
    lines = [translate(line, language) for line in lines]
    if fmt == "github":
        level = "notice" if decision.met else "error"
        detail = "; ".join(lines).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} title={verdict}::{head}; {detail}"
    if fmt == "markdown":
        return "\n".join([f"### {'✅' if decision.met else '⏳'} {head}", "", *[f"- {line}" for line in lines]])
    return "\n".join([head, *[f"  {line}" for line in lines]])

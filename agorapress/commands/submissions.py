"""`agora submissions ...`: the steps of issues.yml (a "send a text" issue accepted by the committee becomes a pull
request; a report about a text goes to the moderators)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .common import run

#: The label and the command a committee member uses to accept a "send a text" issue.
ACCEPT_LABEL = "accepted"
ACCEPT_COMMAND = re.compile(r"/accept[ \t]*", re.IGNORECASE)
MARKER = "<!-- agora-press:submission -->"
PUBLISHED = "<!-- agora-press:published -->"
_ITEM_NOTE = re.compile(r"<!-- agora-press:item (content/[a-z]+/[a-z0-9][a-z0-9-]{0,200}\.md) -->")


@click.group()
def submissions() -> None:
    """Texts sent through the issue forms (docs/developers/previews.md)."""


@submissions.command()
@click.option("--event", "event_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repository", required=True, help="owner/name")
def accepted(event_path: Path, repository: str) -> None:
    """number=N and accepted_by=LOGIN when the event is a committee member (write access, asked to the API)
    labelling a "send a text" issue 'accepted' or commenting '/accept' on it; number= empty otherwise: the issue
    alone, or anyone else, never makes a pull request."""
    from ..previews import TRUSTED_PERMISSIONS, Api, read_event

    def decide() -> tuple[int | None, str | None]:
        event = read_event(event_path)
        issue = event.get("issue")
        if not isinstance(issue, dict) or type(issue.get("number")) is not int or "pull_request" in issue:
            return None, None
        labels = {str(label.get("name")) for label in issue.get("labels") or [] if isinstance(label, dict)}
        if "submission" not in labels:
            return None, None
        if event.get("action") == "labeled":
            if str((event.get("label") or {}).get("name")) != ACCEPT_LABEL:
                return None, None
            login = str((event.get("sender") or {}).get("login", ""))
        elif isinstance(event.get("comment"), dict) and ACCEPT_COMMAND.fullmatch(str(event["comment"].get("body", "")).strip()):
            login = str((event["comment"].get("user") or {}).get("login", ""))
        else:
            return None, None
        if not login or Api(repository).permission(login) not in TRUSTED_PERMISSIONS:
            return None, None
        return issue["number"], login

    number, login = run(decide, "text")
    click.echo(f"number={number or ''}")
    click.echo(f"accepted_by={login or ''}")


@submissions.command("open-pr")
@click.option("--number", required=True, type=click.IntRange(min=1))
@click.option("--branch", required=True)
@click.option("--repository", required=True, help="owner/name")
@click.option("--base", "base_branch", default="main", show_default=True)
@click.option("--accepted-by", required=True)
@click.option("--item", required=True, help="The item's path (content/...), to say on the issue when it is published.")
def open_pr(number: int, branch: str, repository: str, base_branch: str, accepted_by: str, item: str) -> None:
    """Open the pull request of the pushed branch and say so on the issue."""
    from ..previews import Api

    api = Api(repository)

    def act() -> dict:
        pr = api.send("POST", f"/repos/{api.repo}/pulls", {
            "title": f"Text sent in issue #{number}", "head": branch, "base": base_branch,
            "body": f"Made from issue #{number}, accepted by @{accepted_by}. The submitter is credited as its author; "
                    "the committee reviews it like any pull request; the issue is closed when the text is published."})
        link = pr.get("html_url") if isinstance(pr.get("html_url"), str) else f"#{pr.get('number')}"
        note = f"\n<!-- agora-press:item {item} -->" if _ITEM_NOTE.fullmatch(f"<!-- agora-press:item {item} -->") else ""
        api.put_comment(number, MARKER, f"{MARKER}{note}\nThank you! Your text is now a pull request: {link}. "
                        "You can follow the review there; this issue closes when the text is published.")
        return pr

    pr = run(act, "text")
    click.echo(f"pull_request={pr.get('number', '')}")


@submissions.command()
@click.option("--event", "event_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repository", required=True, help="owner/name")
@click.pass_context
def route(ctx: click.Context, event_path: Path, repository: str) -> None:
    """Assign a "report a problem with a text" issue to the moderators named in site_config.yaml (their GitHub
    logins from their profiles); the issue's text is not read."""
    from ..previews import Api, read_event
    from ..site import load_portal

    def act() -> list[str]:
        issue = read_event(event_path).get("issue")
        if not isinstance(issue, dict) or type(issue.get("number")) is not int:
            return []
        portal = load_portal(ctx.obj["root"])
        moderators = sorted({str(portal.graph.contributors[m.handle].meta.github)
                             for m in portal.config.committee.members if m.role == "moderator"
                             and m.handle in portal.graph.contributors and portal.graph.contributors[m.handle].meta.github})
        if moderators:
            api = Api(repository)
            api.send("POST", f"/repos/{api.repo}/issues/{issue['number']}/assignees", {"assignees": moderators})
        return moderators

    click.echo(f"moderators={','.join(run(act, 'text'))}")


@submissions.command()
@click.option("--repository", required=True, help="owner/name")
@click.pass_context
def announce(ctx: click.Context, repository: str) -> None:
    """After a deployment: tell each open "send a text" issue whose text is now on the site, with its address, and
    close it. The item is the one our own comment on the issue names; the site is the default branch, built."""
    from ..previews import Api
    from ..site import load_portal

    def act() -> list[int]:
        api = Api(repository)
        portal = load_portal(ctx.obj["root"])
        site_url = str(portal.config.site.url).rstrip("/") + "/"
        done = []
        issues = api._all(f"/repos/{api.repo}/issues?labels=submission&state=open&per_page=100")
        for issue in issues:
            if not isinstance(issue, dict) or type(issue.get("number")) is not int or "pull_request" in issue:
                continue
            ours = [c for c in api.comments(issue["number"]) if (c.get("user") or {}).get("login") == "github-actions[bot]"]
            if any(str(c.get("body", "")).startswith(PUBLISHED) for c in ours):
                continue
            paths = [m.group(1) for c in ours if str(c.get("body", "")).startswith(MARKER)
                     for m in [_ITEM_NOTE.search(str(c.get("body", "")))] if m]
            item = portal.graph.by_path.get(paths[0].removeprefix("content/")) if paths else None
            if item is None or not portal.graph.is_published(item):
                continue
            api.send("POST", f"/repos/{api.repo}/issues/{issue['number']}/comments",
                     {"body": f"{PUBLISHED}\nYour text is published: {site_url}{item.url} — thank you!"})
            api.send("PATCH", f"/repos/{api.repo}/issues/{issue['number']}", {"state": "closed", "state_reason": "completed"})
            done.append(issue["number"])
        return done

    click.echo(f"announced={','.join(map(str, run(act, 'text')))}")

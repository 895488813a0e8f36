"""`agora previews ...`: the steps of the previews and deploy workflows (which pull request, may it be previewed,
what it changes, the comment, and the open previews gathered into the deployment)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .common import run

MARKER = "<!-- agora-press:pr-preview -->"


def _api(repository: str):
    from ..previews import Api

    return Api(repository)


def _outputs(**values: object) -> None:
    """key=value lines, for the step to append to $GITHUB_OUTPUT (values are numbers, commits, logins, true/false)."""
    for key, value in values.items():
        click.echo(f"{key}={'' if value is None else value}")


@click.group()
def previews() -> None:
    """Hosted previews of pull requests (docs/developers/previews.md)."""


@previews.command()
@click.option("--event", "event_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--repository", required=True, help="owner/name")
def target(event_path: Path, repository: str) -> None:
    """Which pull request this run previews (number=, head_sha=, requested_by=); number= empty: none."""
    from ..previews import read_event, target_of

    found = run(lambda: target_of(read_event(event_path), _api(repository)), "text")
    _outputs(number=found and found.number, head_sha=found and found.head_sha,
             requested_by=found and found.requested_by)


@previews.command()
@click.option("--base", required=True, help="The default branch's commit.")
@click.option("--head", required=True, help="The pull request's head commit.")
@click.option("--number", required=True, type=click.IntRange(min=1))
@click.option("--repository", required=True, help="owner/name")
@click.option("--info", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder where preview.json is written, for the comment.")
@click.pass_context
def scope(ctx: click.Context, base: str, head: str, number: int, repository: str, info: Path) -> None:
    """build=true when the pull request changes only content/, or a committee member asked for this commit."""
    from ..previews import outside_content, requested

    def decide():
        outside = outside_content(ctx.obj["root"], base, head)
        asker = requested(_api(repository), number, head) if outside else None
        return outside, asker

    outside, asker = run(decide, "text")
    allowed = not outside or asker is not None
    info.mkdir(parents=True, exist_ok=True)
    (info / "preview.json").write_text(json.dumps({"number": number, "head_sha": head, "built": allowed,
                                                   "outside": outside[:50], "requested_by": asker}), encoding="utf-8")
    _outputs(build="true" if allowed else "false")


@previews.command()
@click.argument("before", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("after", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--url", "preview_url", help="The preview's address, to link each page.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def changes(before: Path, after: Path, preview_url: str | None, output: Path) -> None:
    """"What changes": the pages, feed entries and calendar events of AFTER that BEFORE does not have."""
    from ..changes import compare, render_markdown

    output.write_text(render_markdown(compare(before, after), preview_url), encoding="utf-8")


@previews.command()
@click.option("--info", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--number", required=True, type=click.IntRange(min=1), help="The pull request (from the event, never the info).")
@click.option("--head", required=True, help="Its head commit (from the event).")
@click.option("--url", "preview_url", required=True, help="The preview's address.")
@click.option("--repository", required=True, help="owner/name")
def comment(info: Path, number: int, head: str, preview_url: str, repository: str) -> None:
    """Post or update the one preview comment on the pull request."""
    body = preview_comment(info, number, head, preview_url)
    run(lambda: _api(repository).put_comment(number, MARKER, body), "text")
    click.echo(f"commented on #{number}", err=True)


def preview_comment(info: Path, number: int, head: str, preview_url: str) -> str:
    """The comment: the address, or why there is none and how to ask; then what changes. The info folder is read
    as data: its facts are checked against the event's, its text shown as written by Agora or not at all."""
    from ..changes import _plain

    facts = _small_json(info / "preview.json")
    lines = [MARKER, f"### Preview of pull request #{number}", ""]
    if facts.get("head_sha") != head or facts.get("number") != number:
        return "\n".join([*lines, "No preview: this run's facts do not name the pull request's latest commit."])
    if facts.get("built"):
        lines.append(f"Preview (commit `{head[:7]}`, drafts and scheduled items included, not published): {preview_url}")
        lines.append("")
        lines.append("It goes online with the next deployment of the site, in a few minutes, and is removed when "
                     "the pull request is closed or merged.")
        if facts.get("requested_by"):
            lines.append(f"Built at the request of @\u200b{_plain(str(facts['requested_by']))}.")
    else:
        outside = [str(path) for path in facts.get("outside") or []][:20]
        lines.append("No preview yet: this pull request changes files outside `content/` "
                     f"({', '.join(_plain(p) for p in outside)}), which the preview cannot treat as data. A committee "
                     f"member who has read them can ask for one by commenting `/preview {head[:7]}`.")
    report = info / "changes.md"
    if facts.get("built") and report.is_file() and not report.is_symlink() and report.stat().st_size < 200_000:
        lines += ["", report.read_text(encoding="utf-8", errors="replace")]
    return "\n".join(lines)


def _small_json(path: Path) -> dict:
    try:
        if path.is_symlink() or path.stat().st_size > 100_000:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@previews.command()
@click.option("--site", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--repository", required=True, help="owner/name")
def gather(site: Path, repository: str) -> None:
    """Unpack the open pull requests' previews into SITE/previews/pr-N/ (the deployment then holds both)."""
    from ..previews import gather as gather_previews

    outcome = run(lambda: gather_previews(_api(repository), site), "text")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    lines = [f"- pull request #{number}: {what}" for number, what in outcome] or ["- no open pull request"]
    click.echo("\n".join(lines))
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write("Previews in this deployment:\n\n" + "\n".join(lines) + "\n")

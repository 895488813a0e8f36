"""`agora import-issue ISSUE.json`: a "send a text" issue becomes a content file (and a profile stub), crediting its author."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from .common import FORMATS, emit, run


@click.command("import-issue")
@click.argument("issue_path", metavar="ISSUE.json", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write content/... (default: the portal, where the result is checked at once).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Publication date (default: the day the issue was opened).")
@click.option("--fetch-images", is_flag=True,
              help="Copy the pictures the text shows from GitHub's user-content hosts into content/media/submissions/ "
                   "(size-limited, metadata removed); other addresses are left as written.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="How problems are printed.")
@click.pass_context
def import_issue(ctx: click.Context, issue_path: Path, output_dir: Path | None, day: datetime | None, fetch_images: bool,
                 fmt: str) -> None:
    """Turn a GitHub issue filled with the "send a text" form (the issue as JSON: the issues event payload,
    or `gh api repos/OWNER/REPO/issues/N`) into content/<section>/<slug>.md credited to its author, plus
    content/contributors/<handle>.md when they have no profile yet. Never replaces a file.

    Exit 0: written (the paths on stdout, then a commit message with a Co-authored-by trailer);
    1: the form was filled wrongly (every problem is listed); 2: usage or configuration error."""
    from ..committee.issue_form import build_files, read_issue
    from ..problems import Problems
    from ..site import load_portal

    root: Path = ctx.obj["root"]
    try:
        payload = json.loads(issue_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"not a JSON file: {exc}", param_hint="ISSUE.json") from None
    portal = run(lambda: load_portal(root), fmt)
    graph = portal.graph
    display = issue_path.name
    submission, problems = read_issue(payload, display)
    imported = None
    if submission is not None and not problems:
        profiles = {handle: item.meta.github for handle, item in graph.contributors.items() if item.meta.github}
        target = (output_dir or portal.root).resolve()
        taken = {item.relpath for item in graph.items} | _existing(target)
        imported, problems = build_files(submission, profiles, taken, graph.tz, day.date() if day else None,
                                         tags={tag for item in graph.items for tag in getattr(item.meta, "tags", None) or []})
    if imported is None:
        emit(Problems(problems), fmt)
        sys.exit(1)
    media: dict[str, bytes] = {}
    if fetch_images:
        from ..issue_images import import_images
        from ..scaffold.items import Draft

        attached = import_images(imported.item.text, imported.item.relpath, imported.number,
                                 portal.config.moderation.max_image_kb * 1024)
        imported.item = Draft(imported.item.relpath, attached.text)
        media = attached.files
        for note in attached.notes:
            click.echo(f"picture {note}", err=True)
    drafts = [d for d in (imported.profile, imported.item) if d is not None]
    written = run(lambda: _write(target, drafts, media), fmt)
    if target == portal.root:
        # The same check a pull request gets: files the portal refuses are taken back at once.
        after = load_portal(portal.root)
        theirs = [p for p in after.problems.errors if p.path in written]
        if theirs:
            for path in written:
                (portal.root / path).unlink(missing_ok=True)
            emit(Problems(theirs), fmt)
            click.echo("nothing was written: the files would not pass `agora check`", err=True)
            sys.exit(1)
    for path in written:
        click.echo(path if target == portal.root else str(target / path))
    click.echo(f"\nCommit message:\n\n{imported.commit_message(submission['title'])}", err=True)


def _existing(target: Path) -> set[str]:
    content = target / "content"
    return {p.relative_to(content).as_posix() for p in content.rglob("*.md")} if content.is_dir() else set()


def _write(target: Path, drafts, media: dict[str, bytes] | None = None) -> list[str]:
    from ..problems import AgoraError

    written = []
    for relpath in [*(d.relpath for d in drafts), *(media or {})]:
        path = target / "content" / relpath
        if path.exists() or path.is_symlink():
            raise AgoraError(f"content/{relpath} exists already: nothing was replaced")
    for relpath, data in (media or {}).items():
        path = target / "content" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as out:
            out.write(data)
        written.append(f"content/{relpath}")
    for draft in drafts:
        path = target / "content" / draft.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:  # "x": never replace a file that appeared meanwhile
            out.write(draft.text)
        written.append(f"content/{draft.relpath}")
    return written

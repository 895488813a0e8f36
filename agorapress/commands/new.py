"""`agora new KIND [TITLE]`: a valid file of that kind in the right place, dated today, credited to you."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from ..problems import AgoraError
from ..scaffold.author import find_handle, git_config
from ..scaffold.items import KIND_FOLDERS, Draft, render_contributor, render_item
from ..schema import _HANDLE, _SLUG
from ..text import slugify
from .common import run


@click.command()
@click.argument("kind", type=click.Choice(sorted(KIND_FOLDERS)))
@click.argument("title", required=False)
@click.option("--author", help="Your handle (default: the profile whose github is your git config github.user, "
                               "else whose name is your user.name). For a contributor: the new handle.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Publication date (default: today); "
                                                                        "a future date schedules the item.")
@click.option("--slug", help="File name and URL (default: from the title).")
@click.option("--github", "login", help="For a contributor: their GitHub login (default: git config github.user).")
@click.pass_context
def new(ctx: click.Context, kind: str, title: str | None, author: str | None, day: datetime | None, slug: str | None,
        login: str | None) -> None:
    """Write a new KIND (article, interview, event, page, contributor) that passes `agora check` as it is.

    It never replaces a file. Then edit it, and see it with `agora serve`."""
    path = run(lambda: _scaffold(ctx.obj["root"], kind, title, author, day.date() if day else None, slug, login))
    click.echo(path)
    click.echo(f"Wrote {path}: edit it, then `agora check` and `agora serve`.", err=True)


def _scaffold(root: Path, kind: str, title: str | None, author: str | None, day: date | None, slug: str | None,
              login: str | None) -> str:
    from ..config import load_config
    from ..content.loader import CONTENT_DIR

    config, problems, _ = load_config(root)
    if config is None or any(p.severity == "error" for p in problems):
        raise AgoraError(f"{root / 'site_config.yaml'} is missing or invalid: run `agora check` (or `agora init`) first")
    content = root / CONTENT_DIR
    # The one place where the real clock is right: a new file is dated the day it is written.
    day = day or datetime.now(config.site.tz).date()
    if not title:
        if not sys.stdin.isatty():
            raise AgoraError(f"give a title: agora new {kind} \"My title\"")
        title = click.prompt("Name" if kind == "contributor" else "Title")
    if kind == "contributor":
        draft = _profile(root, title, author, login, day, config.site.language)
    else:
        draft = _item(root, content, kind, title, author, slug, day, config.site.language)
    target = content / draft.relpath
    if target.exists():
        raise AgoraError(f"{CONTENT_DIR}/{draft.relpath} exists already: choose another title or --slug; nothing was changed")
    target.parent.mkdir(parents=True, exist_ok=True)
    # "x" mode: never replace a file that appeared in the meantime.
    with open(target, "x", encoding="utf-8") as out:
        out.write(draft.text)
    return f"{CONTENT_DIR}/{draft.relpath}"


def _profile(root: Path, name: str, handle: str | None, login: str | None, day: date, language: str) -> Draft:
    # The login is the identity moderation trusts: never guessed from a name.
    login = login or git_config("github.user", root)
    if not login:
        raise AgoraError("give the member's GitHub login with --github LOGIN (or set `git config github.user`)")
    handle = handle or slugify(login)
    if not _HANDLE.match(handle):
        raise AgoraError(f"'{handle}' cannot be a handle: give --author with lowercase letters, digits and hyphens")
    return render_contributor(handle=handle, name=name, github=login, day=day, language=language)


def _item(root: Path, content: Path, kind: str, title: str, handle: str | None, slug: str | None, day: date,
          language: str) -> Draft:
    slug = slug or slugify(title)
    if not _SLUG.match(slug):
        raise AgoraError("this title gives no usable file name: give --slug with lowercase letters, digits and hyphens")
    handle = handle or find_handle(content, github=git_config("github.user", root), name=git_config("user.name", root))
    if handle is None and kind != "page":  # a page need not credit anyone
        raise AgoraError("who is writing? Give --author HANDLE (your profile in content/contributors/), "
                         "or set `git config github.user` to the login in your profile")
    if handle and not (content / "contributors" / f"{handle}.md").is_file():
        raise AgoraError(f"no profile content/contributors/{handle}.md: write it first with "
                         f"`agora new contributor \"Your Name\" --author {handle} --github YOUR-LOGIN`")
    return render_item(kind, title=title, slug=slug, day=day, authors=[handle] if handle else [], language=language)

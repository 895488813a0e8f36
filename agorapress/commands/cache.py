"""`agora cache`: where the portal's cache folder is (outside the repository), and clearing it."""

from __future__ import annotations

import click

from .common import run


@click.command()
@click.option("--path", "show_path", is_flag=True, help="Print only the folder's path (the deploy workflow reads build.json there).")
@click.option("--clear", is_flag=True, help="Remove the portal's cache folder: the next check and build start from scratch.")
@click.pass_context
def cache(ctx: click.Context, show_path: bool, clear: bool) -> None:
    """The portal's cache folder: parsed files, rule results, compiled templates and what the last build made.

    It lives outside the repository, in $AGORA_CACHE_DIR, else $XDG_CACHE_HOME/agora, else ~/.cache/agora, one
    folder per portal; every file in it is authenticated before it is read. Without an option, prints the folder
    and what it holds."""
    from ..cache import PortalCache

    if show_path and clear:
        raise click.UsageError("--path and --clear do not go together")
    portal_cache = run(lambda: PortalCache(ctx.obj["root"]))
    if show_path:
        click.echo(portal_cache.path)
    elif clear:
        removed = portal_cache.clear()
        click.echo(f"removed {portal_cache.path}" if removed else f"nothing to remove at {portal_cache.path}", err=True)
    else:
        files = portal_cache.files()
        click.echo(portal_cache.path)
        click.echo(f"{len(files)} file(s), {sum(size for _, size in files):,} bytes", err=True)

"""`agora import KIND SOURCE [--into PORTAL]`: bring a Pelican, Jekyll, Hugo, Zola, WordPress or feed-based site in."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click


@click.command("import")
@click.argument("kind", type=click.Choice(["pelican", "jekyll", "hugo", "zola", "wordpress", "feed"]))
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--into", type=click.Path(file_okay=False, path_type=Path),
              help="The portal to write into (default: --root). It must exist: run 'agora init' first.")
@click.option("--site-url", metavar="URL", help="The old site's address, when its configuration does not give it "
              "(absolute links to it are rewritten, feed ids kept as its addresses).")
@click.option("--quiet", is_flag=True, help="Print no progress.")
@click.pass_context
def import_site(ctx: click.Context, kind: str, source: Path, into: Path | None, site_url: str | None, quiet: bool) -> None:
    """Import a site: SOURCE is the site's folder (pelican, jekyll, hugo, zola), a WordPress export (WXR .xml) or
    a feed file (RSS, Atom or JSON Feed). Each post becomes an item in its section (events when the source says so),
    each author a profile for the member to claim (add their GitHub login), images go under content/media/, links
    to other posts point to the new files, and every old address becomes an alias (a redirect page).

    What cannot be converted is listed with its source file and line; the rest is imported. Running it again
    updates what it wrote (.agora-import.json records where each post went) and never duplicates it. Nothing is
    written outside the portal, and no link in SOURCE is followed.

    Exit 0: imported (notes are warnings); 2: usage error. Then run 'agora check'."""
    from ..importers import run_import

    root: Path = into or ctx.obj["root"]
    if not (root / "site_config.yaml").is_file():
        raise click.UsageError(f"{root} is no portal (no site_config.yaml): run 'agora init' there first")
    if kind in {"wordpress", "feed"} and not source.is_file():
        raise click.BadParameter(f"{kind}: give the export or feed file", param_hint="SOURCE")
    if kind not in {"wordpress", "feed"} and not source.is_dir():
        raise click.BadParameter(f"{kind}: give the site's folder", param_hint="SOURCE")
    started = time.monotonic()
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if not quiet and sys.stderr.isatty() and (now - shown[0] > 0.2 or done == total):
            shown[0] = now
            click.echo(f"\rwriting {done}/{total}", err=True, nl=done == total)

    report = run_import(kind, source.resolve(), root.resolve(), progress, site_url)
    for note in sorted(set(report.notes), key=lambda n: (n.file, n.line, n.message)):
        click.echo(f"{note.file}:{note.line}: warning[import]: {note.message}")
    click.echo(f"{report.items} items, {report.authors} profiles, {report.media} media files; {len(report.written)} "
               f"files written, {report.unchanged} unchanged; {len(set(report.notes))} notes; "
               f"{time.monotonic() - started:.1f} s", err=True)

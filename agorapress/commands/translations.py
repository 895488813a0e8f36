"""`agora translations`: keep the theme's message catalogues in step with its templates."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--theme", "theme_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Theme folder (with templates/ and translations/); default: the portal's own themes/<name>/ "
                   "when it has templates, else the shipped theme.")
@click.option("--add", "new_languages", multiple=True, metavar="LANG", help="Start a catalogue for another language.")
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 when a message is missing, untranslated or obsolete.")
@click.pass_context
def translations(ctx: click.Context, theme_dir: Path | None, new_languages: tuple[str, ...], check_only: bool) -> None:
    """Update the interface catalogues (translations/<lang>/LC_MESSAGES/messages.po) from the templates."""
    from ..config import load_config
    from ..render.settings import PACKAGED_THEMES
    from ..render.theme.catalogues import check, update

    if theme_dir is None:
        root = ctx.obj["root"]
        config, _, _ = load_config(root)
        name = config.theme.name if config else "agora"
        own = root / "themes" / name
        theme_dir = own if (own / "templates").is_dir() else PACKAGED_THEMES / name
    if check_only:
        from ..messages import catalogue_file, check_catalogues

        reports = check(theme_dir)
        for report in reports:
            for title, messages in (("missing", report.missing), ("untranslated", report.untranslated),
                                    ("obsolete", report.obsolete)):
                for message in messages:
                    click.echo(f"{report.path}: {report.language}: {title}: {message!r}")
        # The command line's own catalogues (agora check and review messages) are checked with the theme's.
        cli = check_catalogues()
        for language, title, message in cli:
            click.echo(f"{catalogue_file(language)}: {language}: {title}: {message!r}")
        if cli or not all(r.ok for r in reports):
            click.echo("run 'agora translations' to update the catalogues, then translate the empty entries", err=True)
            ctx.exit(1)
        click.echo(f"{len(reports)} catalogue(s) up to date", err=True)
        return
    for path in update(theme_dir, new_languages):
        click.echo(f"wrote {path}", err=True)

"""`agora reference`: write the reference pages (config, front matter, commands, rules) from the code."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/reference"),
              show_default=True, help="Folder to write the pages into.")
@click.pass_context
def reference(ctx: click.Context, output: Path) -> None:
    """Generate the reference pages of the documentation from the schemas, commands and rules."""
    from ..docgen import write_reference

    root = ctx.find_root()
    for path in write_reference(output, root.command):
        click.echo(f"wrote {path}", err=True)

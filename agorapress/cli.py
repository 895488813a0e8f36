"""The `agora` command line: one group, one module per subcommand in agorapress/commands/."""

from __future__ import annotations

from pathlib import Path

import click

from .commands.board import board
from .commands.build import build
from .commands.check import check
from .commands.committee import committee
from .commands.import_issue import import_issue
from .commands.init import init
from .commands.new import new
from .commands.reference import reference
from .commands.review import review
from .commands.serve import serve
from .commands.translations import translations


@click.group()
@click.version_option(package_name="agorapress")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The portal repository (where site_config.yaml is).")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Agora Press: build and guard a community portal kept in Git."""
    ctx.obj = {"root": root}


# Subcommands, in the order `agora --help` lists them.
main.add_command(init)
main.add_command(new)
main.add_command(check)
main.add_command(build)
main.add_command(serve)
main.add_command(reference)
main.add_command(translations)
main.add_command(board)
main.add_command(committee)
main.add_command(review)
main.add_command(import_issue)


if __name__ == "__main__":  # pragma: no cover
    main()

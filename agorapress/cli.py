"""The `agora` command line: one group, one module per subcommand in agorapress/commands/."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

#: Subcommand -> the module under agorapress/commands/ that defines it (a function of the same name).
COMMANDS = {
    "init": "init",
    "new": "new",
    "check": "check",
    "build": "build",
    "serve": "serve",
    "reference": "reference",
    "translations": "translations",
    "board": "board",
    "committee": "committee",
    "review": "review",
    "import-issue": "import_issue",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it is asked for: `agora check`, the pull-request gate, does
    not pay for the imports of `agora serve` or `agora new`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        return getattr(importlib.import_module(f".commands.{module}", __package__), module)


@click.group(cls=LazyGroup)
@click.version_option(package_name="agorapress")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="The portal repository (where site_config.yaml is).")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Agora Press: build and guard a community portal kept in Git."""
    ctx.obj = {"root": root}


if __name__ == "__main__":  # pragma: no cover
    main()

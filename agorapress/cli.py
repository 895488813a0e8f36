"""The `agora` command line: one group, one module per subcommand in agorapress/commands/."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

#: Subcommand -> the module under agorapress/commands/ that defines it (a function of the same name).
COMMANDS = {
    "init": "init",
    "new": "new",
    "check": "check",
    "build": "build",
    "cache": "cache",
    "serve": "serve",
    "reference": "reference",
    "translations": "translations",
    "board": "board",
    "committee": "committee",
    "review": "review",
    "import-issue": "import_issue",
    "previews": "previews",
    "submissions": "submissions",
    "import": "import_site",
    "digest": "digest",
}


#: Commands that, run from the command line, end without freeing their objects one by one once everything is
#: printed and every file they write is closed: tearing down a 10,000-item portal took a third of a second, a
#: fifth of a pull-request check, and after a build (rendering processes joined, output swapped in) 1.4 s.
FAST_EXIT = frozenset({"check", "build"})


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it is asked for: `agora check`, the pull-request gate, does
    not pay for the imports of `agora serve` or `agora new`."""

    ends_fast = False  # set by the group's callback when the subcommand is in FAST_EXIT

    def main(self, args=None, *rest, **kwargs):
        if args is not None:
            return super().main(args, *rest, **kwargs)  # called from code (tests, tools): an ordinary return
        try:
            return super().main(None, *rest, **kwargs)
        except SystemExit as done:
            if not self.ends_fast or not isinstance(done.code, int | None):
                raise
            # Everything is printed and every file the command writes is closed: nothing is left to free.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code or 0)

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
    if isinstance(ctx.command, LazyGroup):
        ctx.command.ends_fast = ctx.invoked_subcommand in FAST_EXIT


if __name__ == "__main__":  # pragma: no cover
    main()

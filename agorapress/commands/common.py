"""What every subcommand shares: the clock option, printing problems, and mapping errors to exit codes."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..problems import AgoraError, BuildFailed, Problems

FORMATS = click.Choice(["text", "json", "github"])


def parse_now(value: str | None) -> datetime | None:
    """`--now`: an ISO date-time with an offset, or None for the real clock."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("expected an ISO date-time such as 2026-11-22T12:00:00+01:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. 2026-11-22T12:00:00+01:00")
    return moment


def in_paths(path: str, paths: tuple[str, ...]) -> bool:
    wanted = {str(Path(p)).replace("\\", "/").rstrip("/") for p in paths}
    return any(path == w or path.startswith(w + "/") for w in wanted)


def portal_language(root: Path) -> str:
    """The language the command line speaks to this portal: `site.language` as site_config.yaml writes it, read
    on its own so that problems found before the configuration is valid are told in it too. English (the
    messages' source) when the file names none, although the reader's interface then defaults to French."""
    from .. import yamlstrict
    from ..config import CONFIG_FILE

    try:
        data = yamlstrict.load((Path(root) / CONFIG_FILE).read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError):
        return "en"
    site = data.get("site") if isinstance(data, dict) else None
    language = site.get("language") if isinstance(site, dict) else None
    return language if isinstance(language, str) and len(language) <= 35 else "en"


def emit(problems: Problems, fmt: str, paths: tuple[str, ...] = (), language: str = "en") -> None:
    """Print problems (only those under `paths`, when given) and, for text, a summary on stderr; messages in
    `language`, the portal's."""
    from ..messages import translate

    if paths:
        problems = Problems([p for p in problems if in_paths(p.path, paths)])
    text = problems.render(fmt, language)
    if text:
        click.echo(text)
    if fmt == "text":
        errors, warnings = len(problems.errors), len(problems.warnings)
        summary = "no problems found" if not (errors or warnings) else f"{errors} error(s), {warnings} warning(s)"
        click.echo(translate(summary, language), err=True)


def run(action, fmt: str = "text", language: str = "en"):
    """Run `action`; user errors become their exit code and a message (problems in `language`), never a
    traceback."""
    try:
        return action()
    except BuildFailed as exc:
        emit(exc.problems, fmt, language=language)
        click.echo(f"build failed: {exc}", err=True)
        sys.exit(exc.exit_code)
    except AgoraError as exc:
        problems = getattr(exc, "problems", None)
        if problems is not None:
            emit(problems, fmt, language=language)
        else:
            click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)

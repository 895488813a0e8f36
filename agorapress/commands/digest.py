"""`agora digest`: one edition of the newsletter as files ready to send (HTML email, text part, .eml)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from .common import emit, parse_now, run


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date written YYYY-MM-DD, found {value!r}", param_hint=option) from None


@click.command()
@click.option("--edition", "edition_day", metavar="DATE", help="The edition of this day (default: the latest one; "
              "a day with no edition makes one for it).")
@click.option("--since", metavar="DATE", help="Cover what was published from this day on (default: since the "
              "previous edition).")
@click.option("--period", type=click.Choice(["week", "month"]), help="Cover the week or month before the edition.")
@click.option("--section", help="Only the items of this section (e.g. articles).")
@click.option("--lang", help="Language of the edition (default: the portal's), e.g. en.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("digest"), show_default=True,
              help="Folder the files are written to.")
@click.option("--due", is_flag=True, help="Write nothing unless an edition is dated today (for a scheduled workflow).")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.pass_context
def digest(ctx: click.Context, edition_day: str | None, since: str | None, period: str | None, section: str | None,
           lang: str | None, output: Path, due: bool, now: str | None) -> None:
    """Write one edition of the newsletter into OUTPUT: edition-<date>.html (the HTML email, its CSS inlined),
    edition-<date>.txt (its text part), edition-<date>.eml (both, ready to send) and edition.json (what it is;
    with `newsletter.provider`, request.json is the body of the request that hands it to the mailing service).

    An edition lists what was published since the previous one (by section, newest first), the next events, new
    members and the open topics of the board, after the introduction of content/digests/<date>.md if there is
    one. The same repository and period give the same bytes."""
    from ..content.kinds import SECTIONS
    from ..digest import editions as found
    from ..digest.compose import compose
    from ..digest.letter import Letters
    from ..digest.message import build_message
    from ..digest.providers import ENDPOINTS, request_body
    from ..people import People
    from ..problems import AgoraError, did_you_mean
    from ..schema import Lang
    from ..site import load_portal
    from .common import run as _run

    if since is not None and period is not None:
        raise click.UsageError("give --since or --period, not both")
    first, wanted = _day(since, "--since"), _day(edition_day, "--edition")
    portal = run(lambda: load_portal(ctx.obj["root"], now=parse_now(now)))
    if portal.problems.errors:
        emit(portal.problems, "text")
        click.echo("the portal has errors: fix them first (agora check)", err=True)
        sys.exit(1)
    graph = portal.graph
    if section is not None and section not in SECTIONS:
        hint = did_you_mean(section, SECTIONS) or f"one of: {', '.join(SECTIONS)}"
        raise click.BadParameter(f"no section {section!r}; {hint}", param_hint="--section")
    if lang is not None:
        from pydantic import TypeAdapter, ValidationError

        try:
            lang = TypeAdapter(Lang).validate_python(lang)
        except ValidationError as exc:
            raise click.BadParameter(exc.errors()[0]["msg"].removeprefix("Value error, "), param_hint="--lang") from None
    if due:
        edition = found.due_today(graph)
        if edition is None:
            click.echo(f"no edition is dated {graph.now.date().isoformat()}: nothing written", err=True)
            return
    else:
        edition = found.find(graph, wanted)
        if edition is None:
            edition = found.ad_hoc(graph, wanted or graph.now.date(), first, period)
    edition = found.with_period(edition, first, period, graph)

    def make() -> None:
        people = People(graph)
        content = compose(graph, people, edition, lang, section)
        rendered = Letters(portal).render(content)
        eml = build_message(graph.config, content, rendered, section)
        name = f"edition-{edition.slug}"
        files = {f"{name}.html": rendered.html.encode("utf-8"), f"{name}.txt": rendered.text.encode("utf-8"),
                 f"{name}.eml": eml}
        body = request_body(graph.config, content, rendered)
        provider = graph.config.newsletter.provider if body is not None else None
        if body is not None:
            files["request.json"] = body
        summary = {"date": edition.slug, "since": edition.start.isoformat(), "until": edition.end.isoformat(),
                   "lang": content.lang, "section": section, "subject": content.subject, "web": content.web_url,
                   "html": f"{name}.html", "text": f"{name}.txt", "eml": f"{name}.eml", "provider": provider,
                   "endpoint": ENDPOINTS.get(provider or ""), "empty": content.empty}
        files["edition.json"] = (json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
        _write(output, files)
        click.echo(f"{content.subject}: {len(content.groups)} section(s), {len(content.events)} event(s), "
                   f"{len(content.members)} new member(s), {len(content.topics)} open topic(s) -> {output}/{name}.eml")

    def guarded() -> None:
        try:
            make()
        except OSError as exc:
            raise AgoraError(f"cannot write {output}: {exc.strerror or exc}") from None

    _run(guarded)


def _write(output: Path, files: dict[str, bytes]) -> None:
    """Each file whole (a temporary name, then renamed): an interrupted run leaves the last edition's files."""
    from ..build.write import write_whole

    output.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_whole(output, name, data)

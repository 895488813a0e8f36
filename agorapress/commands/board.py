"""`agora board [--overdue]`: the editorial board in the terminal: open topics, work in progress, late ones."""

from __future__ import annotations

import sys

import click

from .common import parse_now, run


@click.command()
@click.option("--overdue", is_flag=True, help="Only the topics whose promised date has passed.")
@click.option("--now", help="Pin the clock (ISO date-time with offset).")
@click.pass_context
def board(ctx: click.Context, overdue: bool, now: str | None) -> None:
    """Print content/board.yaml as tables: topics to claim, topics being written (with the date each
    volunteer promised, late ones marked) and recently published ones."""
    from rich.console import Console

    from ..committee.board import read_board
    from ..site import load_portal

    portal = run(lambda: load_portal(ctx.obj["root"], now=parse_now(now)))
    graph = portal.graph
    view = read_board(graph)
    # Out of a terminal (CI logs, pipes) rich would fold the tables at 80 columns.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    if graph.board is None:
        click.echo("no content/board.yaml in this portal", err=True)
        return
    late = view.overdue
    if overdue:
        if late:
            _print(console, "Overdue topics", late, graph, show_late=True)
        else:
            click.echo("No topic is overdue.")
        return
    _print(console, "Open topics: volunteers wanted", view.open, graph)
    _print(console, "Being written", view.in_progress, graph, show_late=True)
    _print(console, "Recently published", view.published, graph)
    if late:
        click.echo(f"{len(late)} topic(s) overdue: agora board --overdue", err=True)


def _print(console, title: str, topics, graph, show_late: bool = False) -> None:
    from rich.table import Table

    table = Table(title=f"{title} ({len(topics)})", title_justify="left", expand=False)
    for column in ("id", "title", "section", "proposed by", "claimed by", "due", "status"):
        table.add_column(column, overflow="fold")
    for topic in topics:
        status = topic.status
        if topic.scheduled:
            status = "published later"
        if show_late and topic.overdue:
            status += f" (overdue {topic.days_late} day{'s' if topic.days_late > 1 else ''})"
        if topic.published_item is not None:
            status += f": {topic.published_item.url}"
        table.add_row(topic.id, topic.title, topic.section, topic.proposed_by, topic.claimed_by or "",
                      topic.due.isoformat() if topic.due else "", status,
                      style="bold" if show_late and topic.overdue else None)
    console.print(table)

"""Limits no real portal meets, so that what a contribution costs to check, build and read stays in proportion.

Rule ids (documented for readers in rules/catalogue.py):

- ``limit`` (error): a list or a text of a file over its limit in ``moderation`` (site_config.yaml), which the
  message names: tags of an item or interests of a profile (``max_tags``), authors, interviewers or organizers
  (``max_authors``), links of a profile or an interviewee (``max_links``), a title (``max_title_chars``), a summary
  (``max_summary_chars``), topics of the board (``max_board_topics``); exception dates (``max_exdates``) are
  counted with the other checks of events (rules/events.py).

Limits no setting raises are checked where the value is read: nesting and long numbers in YAML (yamlstrict),
one-line texts, slugs and years (schema), recurrences and the length of an event (events). A list of every
limit and why it is where it is: docs/owners/limits.md.
"""

from __future__ import annotations

from .. import yamlstrict
from ..content.kinds import BOARD_FILE
from ..content.loader import CONTENT_DIR, Item
from ..graph import SiteGraph
from ..problems import Problem
from .sources import field_name, source_lines

#: (field path, moderation key, what the list holds) of the lists an item may have.
LISTS = (
    (("tags",), "max_tags", "tags"),
    (("interests",), "max_tags", "interests"),
    (("authors",), "max_authors", "authors"),
    (("interviewers",), "max_authors", "interviewers"),
    (("organizers",), "max_authors", "organizers"),
    (("links",), "max_links", "links"),
    (("interviewee", "links"), "max_links", "links"),
)
#: (field, moderation key) of the texts with a limit of their own.
TEXTS = ((("title",), "max_title_chars"), (("summary",), "max_summary_chars"))


def item_limits(item: Item, graph: SiteGraph) -> list[Problem]:
    """One item's lists and texts against the configured limits. Reads only the item and the config (see rules.memo)."""
    moderation = graph.config.moderation
    problems = []
    for path, key, what in LISTS:
        value = _value(item.meta, path)
        limit = getattr(moderation, key)
        if isinstance(value, list) and len(value) > limit:
            problems.append(Problem(item.path, item.line_of(*path), "limit", field_name(path),
                                    f"{len(value):,} {what}, over the limit of {limit:,}",
                                    f"keep the {limit:,} that matter most, or ask the committee to raise moderation.{key}"))
    for path, key in TEXTS:
        value = _value(item.meta, path)
        limit = getattr(moderation, key)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(item.path, item.line_of(*path), "limit", field_name(path),
                                    f"{len(value):,} characters, over the limit of {limit:,}",
                                    f"shorten it, or ask the committee to raise moderation.{key}"))
    return problems


def check_limits(graph: SiteGraph) -> list[Problem]:
    """The board: how many topics, and how long their titles."""
    board = graph.board
    if board is None:
        return []
    moderation = graph.config.moderation
    found: list[tuple[tuple, str, str]] = []  # (field path, message, hint): their lines are looked up last
    if len(board.topics) > moderation.max_board_topics:
        limit = moderation.max_board_topics
        found.append((("topics",), f"{len(board.topics):,} topics, over the limit of {limit:,}",
                      "remove the published and dropped topics (the items stay), or ask the committee to raise "
                      "moderation.max_board_topics"))
    limit = moderation.max_title_chars
    found += [(("topics", index, "title"), f"{len(topic.title):,} characters, over the limit of {limit:,}",
               "shorten it, or ask the committee to raise moderation.max_title_chars")
              for index, topic in enumerate(board.topics) if len(topic.title) > limit]
    if not found:
        return []
    # The board model keeps values only: its lines are read again, and only when a limit is passed.
    lines = yamlstrict.load("\n".join(source_lines(graph, BOARD_FILE)))
    return [Problem(f"{CONTENT_DIR}/{BOARD_FILE}", lines.line_of(path, 1), "limit", field_name(path), message, hint)
            for path, message, hint in found]


def _value(meta: object, path: tuple[str, ...]) -> object:
    for part in path:
        meta = getattr(meta, part, None)
    return meta


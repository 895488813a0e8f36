"""Editions of the newsletter (content/digests/<date>.md): the file is named after the edition's date.

Rule ids (documented for readers in rules/catalogue.py):

- ``digest-date`` (error): a file under content/digests/ whose name is not the date its front matter gives
  (``2026-12-01.md`` for ``date: 2026-12-01``): the name is the edition's address, digest/<date>/, and two files
  can then never make two editions of one day.
"""

from __future__ import annotations

from datetime import datetime

from ..content.models import DigestMeta
from ..graph import SiteGraph
from ..problems import Problem


def check_digests(graph: SiteGraph) -> list[Problem]:
    problems = []
    for item in sorted(graph.items, key=lambda i: i.relpath):
        if item.kind != "digests" or not isinstance(item.meta, DigestMeta):
            continue
        moment = item.meta.date
        day = (moment.date() if isinstance(moment, datetime) else moment).isoformat()
        name = item.relpath.removeprefix("digests/")
        if name != f"{day}.md":
            problems.append(Problem(item.path, item.line_of("date"), "digest-date", "date",
                                    f"an edition's file is named after its date: '{name}' says another day than "
                                    f"date: {day}", f"rename the file content/digests/{day}.md, or correct the date"))
    return problems

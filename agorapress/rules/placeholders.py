"""Example text left in a file: what `agora init` and `agora new` wrote for the writer to replace.

Rule id (documented for readers in rules/catalogue.py):

- ``placeholder`` (warning): a line still holds a text of the scaffold ("Name of the person interviewed",
  ``https://example.org/``, the first sentence of a starting body): the page would publish it as it is.
"""

from __future__ import annotations

import functools

from ..content.loader import Item
from ..graph import SiteGraph
from ..problems import Problem
from ..scaffold.items import placeholders
from .sources import field_at_line, source_lines


@functools.cache
def _texts() -> tuple[str, ...]:
    return placeholders()


def item_placeholders(item: Item, graph: SiteGraph) -> list[Problem]:
    """One warning per line that still holds a placeholder (linear: each line is searched for a few fixed texts)."""
    problems = []
    for number, line in enumerate(source_lines(graph, item.relpath), start=1):
        found = next((text for text in _texts() if text in line), None)
        if found is None:
            continue
        problems.append(Problem(item.path, number, "placeholder", field_at_line(item, number),
                                f"still holds the example text '{found}'",
                                "replace it with your own words, or remove it, before it is published", "warning"))
    return problems

"""Moderation rules run across the site graph; adding a rule is one module plus one line in RULES."""

from __future__ import annotations

from collections.abc import Callable

from ..content.loader import Item
from ..graph import SiteGraph
from ..problems import Problem
from .aliases import check_aliases
from .committee import check_committee
from .digests import check_digests
from .events import item_events
from .files import check_files
from .limits import check_limits, item_limits
from .links import check_links, item_links
from .media import check_media
from .memo import RuleMemo
from .placeholders import item_placeholders
from .profiles import check_profiles
from .safety import check_safety, item_safety
from .unloaded import check_unloaded
from .words import check_words, item_words

#: Each rule reads the graph (and the portal root through it) and returns the problems it finds.
Rule = Callable[[SiteGraph], list[Problem]]

RULES: list[Rule] = [
    check_profiles,
    check_safety,
    check_words,
    check_files,
    check_media,
    check_committee,
    check_limits,
    check_unloaded,
    check_aliases,
    check_digests,
    check_links,
]

#: Rules that read one item, its own file and the config, and nothing else of the graph: what they find
#: in a file depends only on its bytes, so it is kept by content hash (see memo.py).
ItemRule = Callable[[Item, SiteGraph], list[Problem]]

ITEM_RULES: list[ItemRule] = [
    item_events,
    item_safety,
    item_words,
    item_limits,
    item_links,
    item_placeholders,
]


def run_rules(graph: SiteGraph, memo: RuleMemo | None = None, only: set[str] | None = None) -> list[Problem]:
    """Every registered rule, in registry order, then the item rules on each item (from `memo` when its file
    did not change), or on the items of `only` (paths under content/)."""
    problems: list[Problem] = []
    for rule in RULES:
        # The media rule keeps what it learnt of each picture in the memo too (see memo.py).
        problems += rule(graph, memo) if rule is check_media else rule(graph)
    for item in sorted(graph.items, key=lambda i: i.relpath):
        if only is not None and item.relpath not in only:
            continue
        def compute(item: Item = item) -> list[Problem]:
            return [problem for rule in ITEM_RULES for problem in rule(item, graph)]
        problems += memo.problems(item.relpath, compute) if memo is not None else compute()
    if memo is not None:
        memo.save({item.relpath for item in graph.items})
    return problems

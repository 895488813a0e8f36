"""Moderation rules run across the site graph; adding a rule is one module plus one line in RULES."""

from __future__ import annotations

from collections.abc import Callable

from ..graph import SiteGraph
from ..problems import Problem
from .committee import check_committee
from .events import check_events
from .files import check_files
from .identity import check_identity
from .safety import check_safety
from .words import check_words

#: Each rule reads the graph (and the portal root through it) and returns the problems it finds.
Rule = Callable[[SiteGraph], list[Problem]]

RULES: list[Rule] = [
    check_identity,
    check_events,
    check_safety,
    check_words,
    check_files,
    check_committee,
]


def run_rules(graph: SiteGraph) -> list[Problem]:
    """Every registered rule, in registry order."""
    problems: list[Problem] = []
    for rule in RULES:
        problems += rule(graph)
    return problems

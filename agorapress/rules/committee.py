"""The committee as data must make sense: members with profiles, terms in order, known sections and review keys.

- ``committee-member`` (error): a seat in committee.members names a handle with no profile in content/contributors/.
- ``committee-term`` (error): a term ends (`to`) before it starts (`from`).
- ``committee-section`` (error or warning): a section editor covers no section, or a section that does not exist
  (errors); another role lists sections, which mean nothing for it (a warning).
- ``review-section`` (error): a key of review.approvals is not a folder of content/ (nor media or board), or a
  number is negative.
- ``review-quorum`` (warning): a review rule needs more approvals than the committee of today has members, or
  nobody's term covers today: no pull request could be approved.
"""

from __future__ import annotations

from .. import yamlstrict
from ..committee.terms import EXTRA_AREAS, current_members, governance_needed, today_of
from ..config import CONFIG_FILE
from ..content.kinds import KINDS, SECTIONS
from ..graph import SiteGraph
from ..problems import Problem, did_you_mean
from .sources import config_lines


def check_committee(graph: SiteGraph) -> list[Problem]:
    """Every seat names a member with a profile, for a term that ends after it starts, covering real
    sections; every review rule names a part of content/ and can be met by the committee of today."""
    config = graph.config
    lines = config_lines(graph)
    problems: list[Problem] = []
    for index, seat in enumerate(config.committee.members):
        base = ("committee", "members", index)
        where = f"committee.members[{index}]"
        if seat.handle not in graph.contributors:
            hint = did_you_mean(seat.handle, graph.contributors) or f"add a profile: content/contributors/{seat.handle}.md"
            problems.append(Problem(CONFIG_FILE, lines.line_of(base + ("handle",)), "committee-member", f"{where}.handle",
                                    f"'{seat.handle}' has no profile", hint))
        if seat.term_to is not None and _key(seat.term_to) < _key(seat.term_from):
            problems.append(Problem(CONFIG_FILE, lines.line_of(base + ("to",)), "committee-term", f"{where}.to",
                                    f"the term ends ({seat.term_to}) before it starts ({seat.term_from})",
                                    "swap 'from' and 'to', or correct the year"))
        problems += _sections(seat, lines, base, where)
    problems += _review_keys(graph, lines)
    return problems


def _sections(seat, lines: yamlstrict.YamlDocument, base: tuple, where: str) -> list[Problem]:
    problems = []
    if seat.role == "section-editor" and not seat.sections:
        problems.append(Problem(CONFIG_FILE, lines.line_of(base + ("role",)), "committee-section", f"{where}.sections",
                                "a section editor covers at least one section", f"add e.g. 'sections: [{SECTIONS[0]}]'"))
    elif seat.role != "section-editor" and seat.sections:
        problems.append(Problem(CONFIG_FILE, lines.line_of(base + ("sections",)), "committee-section", f"{where}.sections",
                                f"only section editors cover sections; a {seat.role} reviews everything",
                                "remove 'sections', or make the role 'section-editor'", "warning"))
    for number, section in enumerate(seat.sections):
        if section not in SECTIONS:
            hint = did_you_mean(section, SECTIONS) or f"one of: {', '.join(SECTIONS)}"
            problems.append(Problem(CONFIG_FILE, lines.line_of(base + ("sections", number)), "committee-section",
                                    f"{where}.sections[{number}]", f"unknown section '{section}'", hint))
    return problems


def _review_keys(graph: SiteGraph, lines: yamlstrict.YamlDocument) -> list[Problem]:
    config = graph.config
    known = [*KINDS, *EXTRA_AREAS]
    problems = []
    today = today_of(config, graph.now)
    size = len(current_members(config, today))
    for key, needed in config.review.approvals.items():
        line = lines.line_of(("review", "approvals", key))
        if key not in known:
            hint = did_you_mean(key, known) or f"one of: {', '.join(known)}"
            problems.append(Problem(CONFIG_FILE, line, "review-section", f"review.approvals.{key}",
                                    f"'{key}' is not a folder of content/", hint))
        elif needed < 0:
            problems.append(Problem(CONFIG_FILE, line, "review-section", f"review.approvals.{key}",
                                    "a number of approvals cannot be negative", "write 0 for no review, or more"))
        elif size and needed > size:
            problems.append(Problem(CONFIG_FILE, line, "review-quorum", f"review.approvals.{key}",
                                    f"needs {needed} approvals but the committee has {size} current member(s)",
                                    "lower the number or elect more members", "warning"))
    governance = governance_needed(config, today)
    if governance < 0:  # met by no approval at all: every change to the workflows or the config would pass
        problems.append(Problem(CONFIG_FILE, lines.line_of(("review", "governance")), "review-section", "review.governance",
                                "a number of approvals cannot be negative", "write 'majority', 0 for no review, or more"))
    elif size and governance > size:
        problems.append(Problem(CONFIG_FILE, lines.line_of(("review", "governance")), "review-quorum", "review.governance",
                                f"needs {governance} approvals but the committee has {size} current member(s)",
                                "write 'majority', or lower the number", "warning"))
    if not size and config.committee.members:
        problems.append(Problem(CONFIG_FILE, lines.line_of(("committee",)), "review-quorum", "committee.members",
                                "nobody's term covers today: no pull request can be approved",
                                "add a member whose term covers today", "warning"))
    return problems


def _key(moment) -> tuple:
    # A date and a date-time compare by their calendar day first, then the time of day.
    return (moment.year, moment.month, moment.day, getattr(moment, "hour", 0), getattr(moment, "minute", 0))

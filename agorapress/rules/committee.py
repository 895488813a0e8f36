"""The committee as data must make sense: members with profiles, terms in order, known sections and review keys.

- ``committee-member`` (error): a seat in committee.members names a handle with no profile in content/contributors/.
- ``committee-term`` (error): a term ends (`to`) before it starts (`from`).
- ``committee-section`` (error or warning): a section editor covers no section, or a section that does not exist
  (errors); another role lists sections, which mean nothing for it (a warning).
- ``review-section`` (error): a key of review.approvals is not a folder of content/ (nor media or board), or a
  number is negative.
- ``committee-seat`` (error): one member holds two seats at once, or two editors-in-chief overlap.
- ``committee-term-limit`` (error): a seat exceeds committee.max_consecutive_terms for its role.
- ``committee-term-end`` (warning): a seat of today ends within 60, 30 or 7 days and no successor is elected.
- ``review-quorum`` (error or warning): nobody is in office today, or governance needs more approvals than the
  committee has members: nothing could ever be approved again, not even the change that fixes it (errors); a
  section's rule needs more approvals than there are members, or within 60 days the committee could no longer
  approve a governance change (warnings).
- ``conflicts`` (error): an item's `conflicts:` names someone who never sat on the committee.
- ``record`` (error): committee/record.yaml is not a valid record (fields, dates, one entry per pull request,
  approvals by members).
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import yamlstrict
from ..committee.terms import (
    EXTRA_AREAS,
    WARNING_DAYS,
    consecutive_terms,
    current_members,
    day_of,
    first_deadlock,
    governance_needed,
    seat_changes,
    today_of,
)
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
    problems += _overlaps(config, lines)
    problems += _term_limits(config, lines)
    problems += _review_keys(graph, lines)
    problems += _ahead(config, today_of(config, graph.now), lines)
    problems += _conflicts(graph)
    if graph.root is not None:
        from ..committee.record import check_members

        problems += check_members(graph.root, sorted({seat.handle for seat in config.committee.members}))
    return problems


def _span(config, seat) -> tuple[date, date]:
    tz = config.site.tz
    return day_of(seat.term_from, tz), day_of(seat.term_to, tz) if seat.term_to is not None else date.max


def _overlaps(config, lines: yamlstrict.YamlDocument) -> list[Problem]:
    """One seat per member at a time, and one editor-in-chief at a time: each seat against the one of its group
    (a member's seats; the chiefs' seats) that ends last among those begun before it, so n log n, not n²."""
    problems = []
    seats = config.committee.members
    groups: dict[tuple, list[int]] = {}
    for index, seat in enumerate(seats):
        groups.setdefault(("member", seat.handle), []).append(index)
        if seat.role == "editor-in-chief":
            groups.setdefault(("chief", ""), []).append(index)
    found: dict[int, tuple[int, str]] = {}
    for (group, _), indexes in sorted(groups.items()):
        ordered = sorted(indexes, key=lambda i: (_span(config, seats[i])[0], i))
        reach = None  # the seat begun so far that ends last
        for index in ordered:
            start, end = _span(config, seats[index])
            if reach is not None and _span(config, seats[reach])[1] >= start and index not in found:
                found[index] = (reach, group)
            if reach is None or end > _span(config, seats[reach])[1]:
                reach = index
    for index, (other, group) in sorted(found.items()):
        a, b = seats[other], seats[index]
        if group == "member":
            what = f"{b.handle} already holds committee.members[{other}] on those days: one member, one seat"
            fix = f"end committee.members[{other}] the day before this one begins, or merge the two seats"
        else:
            what = f"two editors-in-chief at once: committee.members[{other}] ({a.handle}) overlaps this seat"
            fix = f"begin this term after {_span(config, a)[1].isoformat()}, or end the earlier one sooner"
        problems.append(Problem(CONFIG_FILE, lines.line_of(("committee", "members", index, "from")), "committee-seat",
                                f"committee.members[{index}]", what, fix))
    return problems


def _term_limits(config, lines: yamlstrict.YamlDocument) -> list[Problem]:
    limits = config.committee.max_consecutive_terms
    problems = []
    for index, count in consecutive_terms(config):
        seat = config.committee.members[index]
        limit = limits.get(seat.role)
        if limit is not None and count > limit:
            problems.append(Problem(CONFIG_FILE, lines.line_of(("committee", "members", index, "from")),
                                    "committee-term-limit", f"committee.members[{index}]",
                                    f"this would be {seat.handle}'s term number {count} in a row as {seat.role}; "
                                    f"committee.max_consecutive_terms allows {limit}",
                                    "seat someone else, or leave a gap of more than a month between the terms"))
    return problems


def _ahead(config, today: date, lines: yamlstrict.YamlDocument) -> list[Problem]:
    """Warnings 60, 30 and 7 days before a seat ends unsucceeded, or before nothing could be approved."""
    problems = []
    horizon = max(WARNING_DAYS)
    for term, end, rule in seat_changes(config, today):
        left = (end - today).days
        if left > horizon:
            continue
        within = min(days for days in WARNING_DAYS if left <= days)
        then = ("holds over until a successor is seated" if rule == "holdover"
                else "lapses (committee.on_term_end: lapse)")
        problems.append(Problem(CONFIG_FILE, lines.line_of(("committee", "members", term.index, "to")), "committee-term-end",
                                f"committee.members[{term.index}].to",
                                f"{term.handle}'s term as {term.role} ends on {end.isoformat()}, within {within} days "
                                f"({left} left), and no successor is elected: the seat then {then}",
                                "hold the election and add the new seat to committee.members, or extend this term",
                                "warning"))
    if first_deadlock(config, today, 0) is None:  # what is impossible today already is said by _review_keys
        deadlock = first_deadlock(config, today + timedelta(days=1), horizon - 1)
        if deadlock is not None:
            day, what, needed, size = deadlock
            problems.append(Problem(CONFIG_FILE, lines.line_of(("committee",)), "review-quorum", "committee.members",
                                    f"from {day.isoformat()} ({(day - today).days} days) the committee could not approve "
                                    f"{what}: it needs {needed} approvals and {size} member(s) will be in office",
                                    "seat new members before then, or set committee.on_term_end: holdover", "warning"))
    return problems


def _conflicts(graph: SiteGraph) -> list[Problem]:
    """`conflicts:` recuses members: a name that never sat on the committee recuses nobody, so it is a mistake."""
    members = sorted({seat.handle for seat in graph.config.committee.members})
    problems = []
    for item in sorted(graph.items, key=lambda i: i.relpath):
        for number, handle in enumerate(getattr(item.meta, "conflicts", None) or ()):
            if handle not in members:
                hint = did_you_mean(handle, members) or f"committee members: {', '.join(members) or 'none'}"
                problems.append(Problem(item.path, item.line_of("conflicts", number), "conflicts",
                                        f"conflicts[{number}]", f"'{handle}' is not a member of the committee", hint))
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
                                f"needs {governance} approvals but the committee has {size} member(s) in office: "
                                "no change could ever be approved, not even the one that fixes this",
                                "write 'majority', or lower the number"))
    if not size and config.committee.members:
        problems.append(Problem(CONFIG_FILE, lines.line_of(("committee",)), "review-quorum", "committee.members",
                                "nobody is in office today: no pull request could ever be approved again",
                                "add a member whose term covers today (or keep the last seats: "
                                "committee.on_term_end: holdover)"))
    return problems


def _key(moment) -> tuple:
    # A date and a date-time compare by their calendar day first, then the time of day.
    return (moment.year, moment.month, moment.day, getattr(moment, "hour", 0), getattr(moment, "minute", 0))

"""Who sits on the committee on a given day: current, held-over, former and upcoming seats, from site_config.yaml.

Continuity (committee.on_term_end): with `holdover` (the default, the rule most charters use) a seat whose term
ended keeps its holder in office until a successor is seated, i.e. until a later seat of the same role (for a
section editor: covering one of the same sections) has begun. With `lapse` the seat is empty the day after its
term, except when that would leave nobody able to approve a governance change: then the seats that would hold
over do, so the committee can always seat its successors. Either way no calendar can lock the committee out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..config import Config

#: Roles from the most to the least senior: the order of every committee list.
ROLE_RANK = {"editor-in-chief": 0, "section-editor": 1, "moderator": 2, "member": 3}
#: Keys of `review.approvals` that are not content folders but still name a part of content/.
EXTRA_AREAS = ("media", "board")
#: A seat of the same role beginning this close to the end of a term (or later) succeeds it.
SUCCESSION_WINDOW = timedelta(days=90)
#: Days before a seat ends, or before the committee could no longer approve anything, when it is warned.
WARNING_DAYS = (60, 30, 7)


@dataclass(frozen=True)
class Term:
    """One seat held by one member for one term; `index` is its place in committee.members."""

    index: int
    handle: str
    role: str
    sections: tuple[str, ...]
    start: date
    end: date | None  # the last day of the term, inclusive; None: ongoing
    status: str  # current, holdover (term over, no successor seated yet), former or upcoming, on the day read for

    @property
    def current(self) -> bool:
        return self.status in ("current", "holdover")


def day_of(moment: date | datetime, tz: ZoneInfo) -> date:
    """A date or date-time from the config as a calendar day in the portal's time zone."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=tz)
        return aware.astimezone(tz).date()
    return moment


def today_of(config: Config, now: datetime | None) -> date:
    """The calendar day of the build clock in the portal's time zone (the real clock when None)."""
    tz = config.site.tz
    return (now or datetime.now(tz)).astimezone(tz).date()


def terms(config: Config, today: date) -> list[Term]:
    """Every seat, with its status on `today`, by role rank, then latest term first, then handle."""
    tz = config.site.tz
    seats = []
    for index, member in enumerate(config.committee.members):
        start = day_of(member.term_from, tz)
        end = day_of(member.term_to, tz) if member.term_to is not None else None
        status = "upcoming" if today < start else "former" if end is not None and end < today else "current"
        seats.append(Term(index, member.handle, member.role, tuple(member.sections), start, end, status))
    seats = _continuity(seats, today, config.committee.on_term_end, config.review.governance)
    return sorted(seats, key=lambda t: (ROLE_RANK.get(t.role, 9), -t.start.toordinal(), t.handle, t.index))


def _office(term: Term) -> tuple[str, tuple[str, ...]]:
    return (term.role, tuple(sorted(term.sections)) if term.role == "section-editor" else ())


def _continuity(seats: list[Term], today: date, rule: str, governance: int | str) -> list[Term]:
    """Mark as `holdover` the ended seats whose holder stays in office by the committee's rule.

    Within one office (a role; for section editors, a role and its sections) each seat begun in the last months of
    an ended term, or after it, succeeds one ended seat, earliest ended first: a role with several seats keeps as
    many holders as it had until as many successors are seated."""
    by_office: dict[tuple, list[Term]] = {}
    for term in seats:
        by_office.setdefault(_office(term), []).append(term)
    sitting = {t.handle for t in seats if t.status == "current"}
    held = set()
    for office_seats in by_office.values():
        begun = sorted((t.start, t.index, t.handle) for t in office_seats if t.start <= today)
        ended = sorted((t for t in office_seats if t.status == "former"), key=lambda t: (t.end, t.start, t.index))
        # A member's own next term succeeds their ended one first (a re-election): it never takes the place of a
        # colleague's successor, so the number of holders of the office is kept.
        own: dict[str, list[tuple]] = {}
        for entry in begun:
            own.setdefault(entry[2], []).append(entry)
        used: set[int] = set()
        succeeded: set[int] = set()
        for term in ended:
            threshold = max(term.start, term.end - SUCCESSION_WINDOW)
            mine = own.get(term.handle, [])
            at = bisect_right(mine, (threshold, 1 << 62))
            while at < len(mine) and (mine[at][1] in used or mine[at][1] == term.index):
                at += 1
            if at < len(mine):
                used.add(mine[at][1])
                succeeded.add(term.index)
        # Then any seat of the office, earliest first; `free` keeps the seats not yet used, in order of start.
        free = [entry for entry in begun if entry[1] not in used]
        for term in ended:
            if term.index in succeeded:
                continue
            threshold = max(term.start, term.end - SUCCESSION_WINDOW)
            at = bisect_right(free, (threshold, 1 << 62))
            if at < len(free) and free[at][1] == term.index:
                at += 1
            if at < len(free):
                free.pop(at)
                succeeded.add(term.index)
        held |= {t.index for t in ended if t.index not in succeeded and t.handle not in sitting}
    if rule == "lapse":
        needed = majority(len(sitting)) if governance == "majority" else int(governance)
        if sitting and len(sitting) >= needed:
            held = set()  # the sitting members can approve the next election: the ended seats lapse
    return [replace(t, status="holdover") if t.index in held else t for t in seats]


def current_terms(config: Config, today: date) -> list[Term]:
    return [term for term in terms(config, today) if term.current]


def current_members(config: Config, today: date) -> list[str]:
    """Handles of the members whose term covers `today`, each once, in committee order."""
    seen: dict[str, None] = {}
    for term in current_terms(config, today):
        seen.setdefault(term.handle, None)
    return list(seen)


def seat_changes(config: Config, today: date) -> list[tuple[Term, date, str]]:
    """The days ahead when a seat of today ends with no successor seated or elected: (seat, its last day,
    what happens then by the continuity rule). Seats already held over are not listed: they never end by date."""
    seats = terms(config, today)
    latest: dict[tuple, date] = {}  # the latest start of a seat per office
    next_of: dict[str, list[Term]] = {}
    for term in seats:
        latest[_office(term)] = max(latest.get(_office(term), term.start), term.start)
        next_of.setdefault(term.handle, []).append(term)
    found = []
    for term in seats:
        if term.status != "current" or term.end is None:
            continue
        if latest[_office(term)] > max(term.start, term.end - SUCCESSION_WINDOW) or any(
                o.index != term.index and o.start <= term.end + timedelta(days=1) and (o.end is None or o.end > term.end)
                for o in next_of[term.handle]):
            continue  # a successor is seated or elected, or the member's next term follows on
        found.append((term, term.end, config.committee.on_term_end))
    return sorted(found, key=lambda found: (found[1], found[0].handle, found[0].index))


def first_deadlock(config: Config, today: date, days: int) -> tuple[date, str, int, int] | None:
    """The first day within `days` from `today` when some change could no longer be approved, as (that day, what
    could not be, approvals it needs, members in office then), or None."""
    rules = sorted(config.review.approvals.items(), key=lambda rule: (-rule[1], rule[0]))
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        size = len(current_members(config, day))
        governance = governance_needed(config, day)
        if size == 0 or governance > size:
            return day, "a governance change", max(governance, 1), size
        for area, needed in rules:
            if needed > size:
                return day, f"a change to {area}", needed, size
    return None


def consecutive_terms(config: Config) -> list[tuple[int, int]]:
    """(index in committee.members, how many consecutive terms in its role that seat makes for its member):
    seats of one member in one role follow on when the next begins within a month of the last one's end."""
    tz = config.site.tz
    runs: dict[tuple[str, str], tuple[date | None, int]] = {}
    found = []
    ordered = sorted(enumerate(config.committee.members), key=lambda pair: (day_of(pair[1].term_from, tz), pair[0]))
    for index, seat in ordered:
        start = day_of(seat.term_from, tz)
        end = day_of(seat.term_to, tz) if seat.term_to is not None else None
        last_end, count = runs.get((seat.handle, seat.role), (None, 0))
        follows = count and (last_end is None or start <= last_end + timedelta(days=31))
        count = count + 1 if follows else 1
        runs[(seat.handle, seat.role)] = (end, count)
        found.append((index, count))
    return found


def former_terms(config: Config, today: date) -> list[Term]:
    """Seats whose term is over, of members who have no seat today (their history stays public)."""
    sitting = set(current_members(config, today))
    return [term for term in terms(config, today) if term.status == "former" and term.handle not in sitting]


def editors_of(config: Config, today: date, section: str) -> list[str]:
    """Current section editors of `section`, then the editor-in-chief: who owns that section's files."""
    seats = current_terms(config, today)
    editors = [t.handle for t in seats if t.role == "section-editor" and section in t.sections]
    chiefs = [t.handle for t in seats if t.role == "editor-in-chief"]
    return list(dict.fromkeys(editors + chiefs))


def majority(size: int) -> int:
    """More than half of `size` members."""
    return size // 2 + 1


def governance_needed(config: Config, today: date) -> int:
    """Approvals a governance change needs today (`majority`: more than half of the current committee)."""
    rule = config.review.governance
    return majority(len(current_members(config, today))) if rule == "majority" else int(rule)


def logins_of(contributors: Mapping[str, object]) -> dict[str, str]:
    """handle -> GitHub login, from the profiles (items whose meta has `github`)."""
    return {handle: item.meta.github for handle, item in sorted(contributors.items()) if item.meta.github}

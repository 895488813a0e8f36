"""Who sits on the committee on a given day: current, former and upcoming seats, from site_config.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..config import Config

#: Roles from the most to the least senior: the order of every committee list.
ROLE_RANK = {"editor-in-chief": 0, "section-editor": 1, "moderator": 2, "member": 3}
#: Keys of `review.approvals` that are not content folders but still name a part of content/.
EXTRA_AREAS = ("media", "board")


@dataclass(frozen=True)
class Term:
    """One seat held by one member for one term; `index` is its place in committee.members."""

    index: int
    handle: str
    role: str
    sections: tuple[str, ...]
    start: date
    end: date | None  # the last day of the term, inclusive; None: ongoing
    status: str  # current, former or upcoming, at the day the terms were read for

    @property
    def current(self) -> bool:
        return self.status == "current"


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
    return sorted(seats, key=lambda t: (ROLE_RANK.get(t.role, 9), -t.start.toordinal(), t.handle, t.index))


def current_terms(config: Config, today: date) -> list[Term]:
    return [term for term in terms(config, today) if term.current]


def current_members(config: Config, today: date) -> list[str]:
    """Handles of the members whose term covers `today`, each once, in committee order."""
    seen: dict[str, None] = {}
    for term in current_terms(config, today):
        seen.setdefault(term.handle, None)
    return list(seen)


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

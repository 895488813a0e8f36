"""The members of a portal and what each has done: contributions by kind, committee seats, newcomers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .content.loader import Item
from .content.models import BoardTopic
from .graph import SiteGraph, as_datetime

#: The ways a member can appear in a published item, in the order a profile lists them.
ROLES = ("written", "interviews_given", "interviews_conducted", "events_organised")
#: Orders of the contributors wall; the first is the default view.
ORDERS = ("alphabetical", "active", "newest")


@dataclass(frozen=True)
class Seat:
    """One term of a member on the editorial committee."""

    role: str
    sections: tuple[str, ...]
    start: date
    end: date | None
    status: str  # current (the term covers the build clock), former (it ended) or upcoming

    @property
    def current(self) -> bool:
        return self.status == "current"


@dataclass
class Profile:
    """One member, with what they did in the published portal (as of the build clock)."""

    handle: str
    item: Item
    written: list[Item] = field(default_factory=list)  # articles, interviews, pages they are an author of
    interviews_given: list[Item] = field(default_factory=list)  # interviews whose interviewee.handle is theirs
    interviews_conducted: list[Item] = field(default_factory=list)
    events_organised: list[Item] = field(default_factory=list)
    topics_claimed: list[BoardTopic] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    first_published: datetime | None = None  # their earliest contribution
    rank: dict[str, int] = field(default_factory=dict, repr=False)  # relpath -> place in the graph's order

    @property
    def meta(self):
        return self.item.meta

    @property
    def name(self) -> str:
        return self.item.meta.name

    @property
    def url(self) -> str:
        return self.item.url

    @property
    def joined(self) -> date | None:
        joined = self.item.meta.joined
        return joined.date() if isinstance(joined, datetime) else joined

    @property
    def contributions(self) -> list[Item]:
        """What they wrote, conducted or organised, each item once, newest first (as the graph orders them)."""
        return self._unique(self.written + self.interviews_conducted + self.events_organised)

    @property
    def count(self) -> int:
        return len(self.contributions)

    @property
    def involved(self) -> list[Item]:
        """Every published item they appear in, including interviews they gave, each once."""
        return self._unique(self.written + self.interviews_given + self.interviews_conducted + self.events_organised)

    @property
    def current_seats(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.current]

    @property
    def on_committee(self) -> bool:
        return bool(self.current_seats)

    @property
    def former_committee(self) -> bool:
        """Had a seat whose term is over, and has none today."""
        return not self.on_committee and any(seat.status == "former" for seat in self.seats)

    def counts(self) -> dict[str, int]:
        """Number of items per role, and board topics claimed."""
        numbers = {role: len(getattr(self, role)) for role in ROLES}
        numbers["topics_claimed"] = len(self.topics_claimed)
        return numbers

    def _unique(self, items: list[Item]) -> list[Item]:
        """Each item once, in the graph's order (newest first)."""
        unique = {item.relpath: item for item in items}
        return sorted(unique.values(), key=lambda item: self.rank.get(item.relpath, len(self.rank)))


class People:
    """Every member's profile, computed from the graph once per build (before the render processes are forked, so
    that they all share it: 0.5 s a process at 10,000 items); sorted views for the wall."""

    def __init__(self, graph: SiteGraph):
        self.graph = graph
        self.profiles: dict[str, Profile] = {h: Profile(h, graph.contributors[h]) for h in sorted(graph.contributors)}
        self._collect_items()
        self._collect_board()
        self._collect_seats()

    def _collect_items(self) -> None:
        # published() is newest first with ties broken by path, so every list below is in that order.
        published = self.graph.published()
        rank = {item.relpath: index for index, item in enumerate(published)}
        for profile in self.profiles.values():
            profile.rank = rank
        for item in published:
            meta = item.meta
            for handle in getattr(meta, "authors", None) or []:
                self._add(handle, "written", item)
            for handle in getattr(meta, "interviewers", None) or []:
                self._add(handle, "interviews_conducted", item)
            for handle in getattr(meta, "organizers", None) or []:
                self._add(handle, "events_organised", item)
            interviewee = getattr(meta, "interviewee", None)
            if interviewee is not None and interviewee.handle:
                self._add(interviewee.handle, "interviews_given", item)
        for profile in self.profiles.values():
            dates = [self.graph.date_of(i) for i in profile.contributions]
            first = min((d for d in dates if d is not None), default=None)
            # In the portal's zone, so its calendar day is the one readers see.
            profile.first_published = first.astimezone(self.graph.tz) if first else None

    def _add(self, handle: str, role: str, item: Item) -> None:
        profile = self.profiles.get(handle)  # an unknown handle is the graph's problem, not a crash here
        if profile is not None and all(i.relpath != item.relpath for i in getattr(profile, role)):
            getattr(profile, role).append(item)

    def _collect_board(self) -> None:
        board = self.graph.board
        for topic in board.topics if board else []:
            if topic.claimed_by in self.profiles and topic.status != "dropped":
                self.profiles[topic.claimed_by].topics_claimed.append(topic)

    def _collect_seats(self) -> None:
        today = self.graph.now.date()
        for member in self.graph.config.committee.members:
            profile = self.profiles.get(member.handle)
            if profile is None:
                continue
            start = self._day(member.term_from)
            end = self._day(member.term_to) if member.term_to is not None else None
            status = "upcoming" if today < start else "former" if end is not None and end < today else "current"
            profile.seats.append(Seat(member.role, tuple(member.sections), start, end, status))
        for profile in self.profiles.values():
            profile.seats.sort(key=lambda s: (not s.current, -s.start.toordinal(), s.role))

    def _day(self, moment: date | datetime) -> date:
        """A front-matter date or date-time as a calendar day in the portal's time zone."""
        return as_datetime(moment, self.graph.tz).date() if isinstance(moment, datetime) else moment

    def get(self, handle: str) -> Profile | None:
        return self.profiles.get(handle)

    def sorted(self, order: str = "alphabetical") -> list[Profile]:
        """Everyone, in one of ORDERS; ties always fall back to the name, then the handle."""
        everyone = list(self.profiles.values())
        by_name = sorted(everyone, key=lambda p: (p.name.casefold(), p.handle))
        if order == "alphabetical":
            return by_name
        if order == "active":
            return sorted(by_name, key=lambda p: -p.count)
        if order == "newest":
            # Members with neither a join date nor a publication come last, by name.
            return sorted(by_name, key=lambda p: -(self.arrival(p) or date.min).toordinal())
        raise ValueError(f"unknown order {order!r}; one of {', '.join(ORDERS)}")

    def arrival(self, profile: Profile) -> date | None:
        """When a member arrived: the earlier of joining and first publishing (a future join date does not count)."""
        moments = [profile.joined, profile.first_published.date() if profile.first_published else None]
        known = [m for m in moments if m is not None and m <= self.graph.now.date()]
        return min(known, default=None)

    def new_members(self, days: int | None = None) -> list[Profile]:
        """Members who first published or joined within `days` before the build clock, newest first."""
        days = days if days is not None else self.graph.config.recognition.new_member_days
        today = self.graph.now.date()
        since = today - timedelta(days=days)

        def latest_recent(profile: Profile) -> date | None:
            # A member who joined long ago is not new because they published at last: joining, when known, decides.
            if profile.joined is not None and profile.joined < since:
                return None
            first = profile.first_published.date() if profile.first_published else None
            return max((m for m in (first, profile.joined) if m is not None and since <= m <= today), default=None)

        # Newest by what made them new (joining or a first text), so the strip reads as a timeline.
        fresh = [(latest_recent(p), p) for p in self.sorted("alphabetical")]
        fresh = [(moment, p) for moment, p in fresh if moment is not None]
        return [p for _, p in sorted(fresh, key=lambda mp: -mp[0].toordinal())]

    def next_change(self) -> datetime | None:
        """The next midnight (portal time) at which a member stops being new, a term begins or ends, or a
        membership has an anniversary: pages change then although no content did."""
        today = self.graph.now.date()
        window = timedelta(days=self.graph.config.recognition.new_member_days)
        days: list[date] = []
        for profile in self.profiles.values():
            if profile.first_published is not None:
                days.append(profile.first_published.date() + window + timedelta(days=1))
            if profile.joined is not None:
                days += [profile.joined, profile.joined + window + timedelta(days=1), _anniversary(profile.joined, today)]
            for seat in profile.seats:
                days.append(seat.start)
                if seat.end is not None:
                    days.append(seat.end + timedelta(days=1))
        upcoming = [day for day in days if day > today]
        if not upcoming:
            return None
        return datetime.combine(min(upcoming), datetime.min.time(), tzinfo=self.graph.tz)

    def committee(self) -> dict[str, list[tuple[Profile, Seat]]]:
        """Seats by status (current, upcoming, former), by role rank, then latest term first, then name."""
        rank = {"editor-in-chief": 0, "section-editor": 1, "moderator": 2, "member": 3}
        seats = [(p, s) for p in self.profiles.values() for s in p.seats]
        seats.sort(key=lambda ps: (rank.get(ps[1].role, 9), -ps[1].start.toordinal(), ps[0].name.casefold(), ps[0].handle))
        return {status: [ps for ps in seats if ps[1].status == status] for status in ("current", "upcoming", "former")}


def _anniversary(joined: date, today: date) -> date:
    """The first anniversary of `joined` after `today` (29 February is celebrated on 1 March)."""
    for year in (today.year, today.year + 1):
        try:
            day = joined.replace(year=year)
        except ValueError:
            day = date(year, 3, 1)
        if day > today:
            return day
    return date(today.year + 1, 12, 31)  # unreachable: next year's anniversary is always after today

"""Community statistics for /stats/: contributions, active and new members by month, items by section, top tags."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

from babel.dates import format_date

from .content.kinds import SECTIONS
from .content.loader import Item
from .graph import SiteGraph
from .people import People
from .schema import babel_locale

#: Months the monthly charts show at most, ending with the month of the build clock.
MAX_MONTHS = 24
#: Tags the "most used tags" chart shows at most.
TOP_TAGS = 10


@dataclass(frozen=True)
class Point:
    """One bar: a stable key (an ISO month, a section folder, a tag), its label in words, and its count."""

    key: str
    label: str
    value: int
    short: str = ""  # the label under a bar, where space is short (months); the label otherwise

    @property
    def axis(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Series:
    """One chart's numbers, in the order they are drawn."""

    id: str
    points: tuple[Point, ...]

    @property
    def peak(self) -> Point | None:
        """The highest bar (the earliest of equal ones), None for an empty or all-zero series."""
        best = max(self.points, key=lambda p: p.value, default=None)
        return best if best is not None and best.value > 0 else None

    @property
    def bars(self) -> list[tuple[str, int]]:
        """(label under the bar, value) pairs, what the SVG renderer draws."""
        return [(p.axis, p.value) for p in self.points]


@dataclass(frozen=True)
class Stats:
    """Everything the stats page shows; the monthly series share one run of months."""

    months: tuple[date, ...]
    contributions: Series
    active: Series
    newcomers: Series
    sections: Series
    tags: Series

    @property
    def first(self) -> date | None:
        return self.months[0] if self.months else None

    @property
    def last(self) -> date | None:
        return self.months[-1] if self.months else None


def month_of(moment: date | datetime, graph: SiteGraph) -> date:
    """The first day of the month `moment` falls in, on the portal's calendar."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(graph.tz).date()
    return moment.replace(day=1)


def month_label(month: date, locale: str, form: str = "LLLL yyyy") -> str:
    """A month in words: 'novembre 2026' (LLLL is the stand-alone month name, right for a label)."""
    return format_date(month, format=form, locale=babel_locale(locale))


def contributions(graph: SiteGraph) -> list[Item]:
    """Published items of the sections that have a publication date: what the stats count."""
    return [item for item in graph.published() if item.kind in SECTIONS and graph.date_of(item) is not None]


def month_range(graph: SiteGraph) -> tuple[date, ...]:
    """Every month from the first contribution to the build clock's, at most MAX_MONTHS, oldest first."""
    dated = [month_of(graph.date_of(item), graph) for item in contributions(graph)]
    if not dated:
        return ()
    end = month_of(graph.now, graph)
    months = [end]
    while len(months) < MAX_MONTHS and months[-1] > min(dated):
        months.append(_previous_month(months[-1]))
    return tuple(reversed(months))


def _previous_month(month: date) -> date:
    return month.replace(year=month.year - 1, month=12) if month.month == 1 else month.replace(month=month.month - 1)


def contributions_by_month(graph: SiteGraph) -> Counter[date]:
    return Counter(month_of(graph.date_of(item), graph) for item in contributions(graph))


def active_members_by_month(graph: SiteGraph, people: People) -> Counter[date]:
    """Members credited (author, interviewer, organiser: People's rules) on a contribution of that month."""
    counts: Counter[date] = Counter()
    for profile in people.profiles.values():
        months = {month_of(graph.date_of(item), graph) for item in profile.contributions
                  if item.kind in SECTIONS and graph.date_of(item) is not None}
        counts.update(months)
    return counts


def new_members_by_month(people: People) -> Counter[date]:
    """Members by the month they arrived: the earlier of joining and first publishing (People.arrival)."""
    arrivals = (people.arrival(profile) for profile in people.profiles.values())
    return Counter(arrival.replace(day=1) for arrival in arrivals if arrival is not None)


def items_by_section(graph: SiteGraph) -> Series:
    """Published items of each section, in the portal's order of sections (empty sections included)."""
    points = [Point(folder, graph.config.section_title(folder), len(graph.published(folder))) for folder in SECTIONS]
    return Series("sections", tuple(points))


def top_tags(graph: SiteGraph, limit: int = TOP_TAGS) -> Series:
    """The most used tags, most used first; equal counts by tag name, so the order never depends on the disk."""
    counted = sorted(((tag, len(items)) for tag, items in graph.tags().items()), key=lambda tc: (-tc[1], tc[0].casefold(), tc[0]))
    return Series("tags", tuple(Point(tag, tag, count) for tag, count in counted[:limit]))


def _monthly(name: str, months: tuple[date, ...], counts: Counter[date], locale: str) -> Series:
    # Every month of the range is a point: a month with nothing is a zero, not a gap.
    return Series(name, tuple(Point(m.strftime("%Y-%m"), month_label(m, locale), counts.get(m, 0),
                                    month_label(m, locale, "MMM yy")) for m in months))


def community_stats(graph: SiteGraph, people: People, locale: str) -> Stats:
    """Every series of the stats page, as of the build clock."""
    months = month_range(graph)
    return Stats(
        months=months,
        contributions=_monthly("contributions", months, contributions_by_month(graph), locale),
        active=_monthly("active", months, active_members_by_month(graph, people), locale),
        newcomers=_monthly("newcomers", months, new_members_by_month(people), locale),
        sections=items_by_section(graph),
        tags=top_tags(graph),
    )


def next_change(graph: SiteGraph) -> datetime | None:
    """The next midnight starting a month (portal time): the monthly charts gain a month then.

    None while nothing is published: the page then shows no month at all."""
    if not contributions(graph):
        return None
    month = month_of(graph.now, graph)
    following = month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)
    return datetime.combine(following, time(0, 0), tzinfo=graph.tz)

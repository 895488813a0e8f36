"""The editions of the newsletter: which exist, when each is dated and which period it covers.

An edition is dated a day (its moment is that day's midnight, in the portal's time zone). Editions come from two
places, so that the build reproduces every one of them from the repository and its clock alone:

- a file `content/digests/<date>.md` (the committee's introduction in its body, optional title and summary);
- with `newsletter.start`, one edition every week or month from that date on (`newsletter.frequency`).

An edition covers what was published from the previous edition's moment (included) to its own (excluded): an item
published on an edition's day goes out with the next one. The first edition covers one week or month, unless its file
says `since:`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from ..content.loader import Item
from ..graph import SiteGraph, as_datetime

FOLDER = "digests"
#: The archive on the portal: one page per edition under it, its index and its feed.
ARCHIVE = "digest/"
#: The Atom feed of editions, in the archive (the portal's feeds/ are of items, in three formats each).
FEED = f"{ARCHIVE}feed.atom.xml"
#: Regular editions listed at most, the latest: ten years of a weekly newsletter.
MAX_REGULAR = 520


@dataclass(frozen=True)
class Edition:
    """One edition: its day, the period it covers, and its file when the committee wrote one."""

    day: date
    start: datetime  # included
    end: datetime  # excluded: the edition's own moment
    item: Item | None = None

    @property
    def slug(self) -> str:
        return self.day.isoformat()

    @property
    def url(self) -> str:
        """Its page in the archive, relative to the site root."""
        return f"{ARCHIVE}{self.slug}/"


def step(frequency: str) -> relativedelta:
    return relativedelta(weeks=1) if frequency == "week" else relativedelta(months=1)


def day_of(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def editions(graph: SiteGraph) -> list[Edition]:
    """Every edition published as of the build clock (files and regular dates), oldest first."""
    tz = graph.tz
    settings = graph.config.newsletter
    files: dict[date, Item] = {}
    for item in sorted(graph.items, key=lambda i: i.relpath):
        if item.kind == FOLDER and graph.is_published(item):
            day = day_of(item.meta.date)
            files.setdefault(day, item)  # two files of one day: the check reports it (rules/digests.py)
    days = set(files)
    today = graph.now.date()
    if settings.start is not None:
        first = day_of(settings.start)
        # The latest MAX_REGULAR regular days up to today: a start far in the past costs no more.
        if settings.frequency == "week":
            count = (today - first).days // 7
        else:
            count = (today.year - first.year) * 12 + today.month - first.month
        for n in range(max(0, count - MAX_REGULAR + 1), max(0, count + 1)):
            day = first + step(settings.frequency) * n
            if day <= today:
                days.add(day)
    days = {day for day in days if as_datetime(day, tz) <= graph.now}
    found: list[Edition] = []
    previous: datetime | None = None
    for day in sorted(days):
        item = files.get(day)
        end = as_datetime(day, tz)
        since = getattr(item.meta, "since", None) if item is not None else None
        if since is not None:
            start = as_datetime(since, tz)
        elif previous is not None:
            start = previous
        else:
            start = as_datetime(day - step(settings.frequency), tz)
        found.append(Edition(day, min(start, end), end, item))
        previous = end
    return found


def ad_hoc(graph: SiteGraph, day: date, since: date | None, period: str | None) -> Edition:
    """An edition of `day` that no file or schedule defines (`agora digest --edition` on another day)."""
    tz = graph.tz
    end = as_datetime(day, tz)
    frequency = period or graph.config.newsletter.frequency
    start = as_datetime(since, tz) if since is not None else as_datetime(day - step(frequency), tz)
    return Edition(day, min(start, end), end)


def with_period(edition: Edition, since: date | None, period: str | None, graph: SiteGraph) -> Edition:
    """`edition` with the period the command line asks for, if it asks."""
    if since is None and period is None:
        return edition
    tz = graph.tz
    start = as_datetime(since, tz) if since is not None else as_datetime(edition.day - step(period), tz)
    return Edition(edition.day, min(start, edition.end), edition.end, edition.item)


def find(graph: SiteGraph, day: date | None) -> Edition | None:
    """The edition of `day` (default: the latest as of the build clock), or None."""
    known = editions(graph)
    if day is None:
        return known[-1] if known else None
    return next((edition for edition in known if edition.day == day), None)


def due_today(graph: SiteGraph) -> Edition | None:
    """The edition dated today (the build clock's day, in the portal's time zone), if there is one."""
    return find(graph, graph.now.date())


"""The portal's dated facts, sorted once for every edition to look up by bisection: items by section, members'
arrivals, events' occurrences. The archive renders every edition: without this, E editions over N items, members
and events would cost E x N."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..content.kinds import SECTIONS
from ..content.loader import Item
from ..events import timing_of
from ..graph import SiteGraph
from ..outputs.media import MediaLibrary
from ..people import People, Profile


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime
    all_day: bool
    event: Item
    announced: datetime  # the event's publication date: an edition lists only what was announced before it


class Timeline:
    def __init__(self, graph: SiteGraph, people: People, since: datetime | None = None, media: MediaLibrary | None = None):
        self.graph = graph
        #: The published pictures, described once for every edition composed from this timeline (cover sizes).
        self.media = media or MediaLibrary(graph)
        self._items: dict[str, list[tuple[float, str, Item]]] = {}
        for folder in SECTIONS:
            dated = [((graph.date_of(i) or graph.now).timestamp(), i.relpath, i) for i in graph.published(folder)]
            self._items[folder] = sorted(dated, key=lambda entry: (entry[0], entry[1]))
        self._item_keys = {folder: [entry[0] for entry in dated] for folder, dated in self._items.items()}
        arrivals = []
        for profile in people.sorted("alphabetical"):
            first = profile.first_published.date() if profile.first_published else None
            arrival = min((m for m in (profile.joined, first) if m is not None), default=None)
            if arrival is not None:
                arrivals.append((arrival, profile))
        self._arrivals = sorted(arrivals, key=lambda pair: pair[0])
        self._arrival_keys = [pair[0] for pair in self._arrivals]
        self._occurrences = sorted(self._all_occurrences(since), key=lambda o: (_utc(o.end), _utc(o.start), o.event.relpath))
        self._ends = [_utc(o.end) for o in self._occurrences]
        self._longest = max((_utc(o.end) - _utc(o.start) for o in self._occurrences), default=timedelta(0))

    def _all_occurrences(self, since: datetime | None) -> list[Occurrence]:
        """Every occurrence ending after `since` (all when None), up to the rules' own limits (events.py)."""
        found = []
        for event in self.graph.published("events"):
            timing = timing_of(event.meta, self.graph.tz)
            announced = self.graph.date_of(event) or self.graph.now
            for start in timing.rule_starts():
                if timing.is_excluded(start):
                    continue
                occurrence = timing.occurrence_at(start)
                if since is None or _utc(occurrence.end) > _utc(since):
                    found.append(Occurrence(occurrence.start, occurrence.end, occurrence.all_day, event, announced))
        return found

    def items(self, folder: str, start: datetime, end: datetime) -> list[Item]:
        """Published items of `folder` dated from `start` (included) to `end` (excluded), newest first."""
        keys = self._item_keys[folder]
        low, high = bisect_left(keys, start.timestamp()), bisect_left(keys, end.timestamp())
        return [entry[2] for entry in reversed(self._items[folder][low:high])]

    def arrivals(self, start: date, end: date) -> list[tuple[date, Profile]]:
        """Members who arrived (joined or first published, the earlier) from `start` to `end` (excluded)."""
        low, high = bisect_left(self._arrival_keys, start), bisect_left(self._arrival_keys, end)
        return self._arrivals[low:high]

    def upcoming(self, moment: datetime, limit: int) -> list[Occurrence]:
        """The next occurrence of each event announced before `moment` and ending after it: the `limit` soonest."""
        if limit <= 0:
            return []
        at = _utc(moment)
        taken: dict[str, Occurrence] = {}
        # Ends grow with starts within an event: an event's first occurrence met in end order is its next one. Past
        # the latest start taken plus the longest duration, no occurrence can start sooner than those taken.
        for index in range(bisect_left(self._ends, at + timedelta(microseconds=1)), len(self._occurrences)):
            occurrence = self._occurrences[index]
            if len(taken) >= limit and self._ends[index] > max(_utc(o.start) for o in taken.values()) + self._longest:
                break
            key = occurrence.event.relpath
            if key in taken or not _utc(occurrence.announced) < at:
                continue
            taken[key] = occurrence
        return sorted(taken.values(), key=lambda o: (_utc(o.start), o.event.relpath))[:limit]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)

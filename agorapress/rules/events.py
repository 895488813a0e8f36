"""Events whose time cannot be trusted: unknown zones, local times the clocks skip or repeat, bad recurrences,
lengths no event has."""

from __future__ import annotations

import functools
from bisect import bisect_right
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..content.loader import Item
from ..events import (
    UTC,
    RecurrenceError,
    Timing,
    first_rule_start,
    parse_recurrence,
    timing_of,
    to_zone,
    wall_clock_issue,
)
from ..graph import SiteGraph
from ..problems import Problem, did_you_mean
from ..schema import time_zones

#: An event longer than this is probably a typo in its end (a warning for the reviewers)...
LONG_EVENT = timedelta(days=31)
#: ...and one longer than this is no event: a year-long festival is the longest (an error). A season of
#: meetups is a recurrence, not one occurrence.
LONGEST_EVENT = timedelta(days=366)


def item_events(item: Item, graph: SiteGraph) -> list[Problem]:
    """Every event, published or not: a contributor learns what is wrong before the day it goes out.

    Reads only the item and the config's time zone (see rules.memo)."""
    if item.kind != "events":
        return []
    problems: list[Problem] = []
    limit = graph.config.moderation.max_exdates
    if len(item.meta.exdates) > limit:
        problems.append(_problem(item, ("exdates",), "limit", f"{len(item.meta.exdates):,} exception dates, over the limit "
                                 f"of {limit:,}", "end the recurrence earlier (UNTIL) and start a new event, or ask the "
                                 "committee to raise moderation.max_exdates"))
    zone = _zone(item, graph.tz, problems)
    problems += _times(item, zone, checked_exdates=len(item.meta.exdates) <= limit)
    timing = timing_of(item.meta, zone)
    problems += _duration(item, timing)
    problems += _recurrence(item, timing, checked_exdates=len(item.meta.exdates) <= limit)
    return problems


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    # Listing the installed zones walks the tz database: done once, and only when an event names a zone.
    return time_zones()


def _problem(item: Item, field: tuple, rule: str, message: str, hint: str, severity: str = "error") -> Problem:
    name = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in field).lstrip(".")
    return Problem(item.path, item.line_of(*field), rule, name, message, hint, severity)


def _zone(item: Item, default: ZoneInfo, problems: list[Problem]) -> ZoneInfo:
    name = item.meta.timezone
    if not name:
        return default
    zones = _zones()
    if name in zones:
        return ZoneInfo(name)
    # 'Paris' or 'new york' name a city: offer the zone named after it before a spelling match.
    city = name.strip().replace(" ", "_").casefold()
    same_city = sorted(z for z in zones if z.rsplit("/", 1)[-1].casefold() == city)
    hint = f"did you mean '{same_city[0]}'?" if same_city else did_you_mean(name, zones)
    problems.append(_problem(item, ("timezone",), "event-timezone", f"unknown time zone '{name}'",
                             hint or "use an IANA time zone name, e.g. Europe/Paris or America/Montreal"))
    return default


def _times(item: Item, zone: ZoneInfo, checked_exdates: bool) -> list[Problem]:
    meta = item.meta
    problems: list[Problem] = []
    if not meta.all_day and meta.end is not None:
        if isinstance(meta.start, datetime) and not isinstance(meta.end, datetime):
            problems.append(_problem(item, ("end",), "event-time", "is a date but start has a time",
                                     "give end a time too, e.g. 2026-05-01T21:00, or set all_day: true"))
        elif not isinstance(meta.start, datetime) and isinstance(meta.end, datetime):
            problems.append(_problem(item, ("end",), "event-time", "has a time but start is a date (all day)",
                                     "give start a time too, or write end as a date"))
    if meta.all_day:
        return problems  # whole days: the clock time is not used
    moments = [(("start",), meta.start), (("end",), meta.end)]
    moments += [(("exdates", index), moment) for index, moment in enumerate(meta.exdates) if checked_exdates]
    for field, moment in moments:
        problems += _wall_clock(item, field, moment, zone)
    return problems


def _wall_clock(item: Item, field: tuple, moment: date | datetime | None, zone: ZoneInfo) -> list[Problem]:
    if not isinstance(moment, datetime):
        return []
    if moment.tzinfo is not None:
        local = moment.astimezone(zone)
        if local.utcoffset() != moment.utcoffset():
            return [_problem(item, field, "event-offset", f"the offset {_offset(moment)} is not the one of {zone.key} "
                             f"on that date ({_offset(local)}): the event is at {local:%H:%M} there",
                             "write the local time without an offset", "warning")]
        return []
    issue = wall_clock_issue(moment, zone)
    if issue is None:
        return []
    before, after = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    when = moment.isoformat(timespec="minutes")
    if issue == "gap":
        exists = before.astimezone(UTC).astimezone(zone).strftime("%H:%M")
        return [_problem(item, field, "event-dst-gap",
                         f"{when} does not exist in {zone.key}: clocks jump from {_offset(before)} to {_offset(after)} "
                         "that night",
                         f"choose a time that exists, e.g. {exists}")]
    return [_problem(item, field, "event-dst-fold",
                     f"{when} happens twice in {zone.key}: clocks go back from {_offset(before)} to {_offset(after)} "
                     "that night",
                     f"add the offset: {when}{_offset(before)[3:]} for the first time, "
                     f"{when}{_offset(after)[3:]} for the second")]


def _offset(moment: datetime) -> str:
    seconds = int(moment.utcoffset().total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    return f"UTC{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _duration(item: Item, timing: Timing) -> list[Problem]:
    length = timing.duration
    if length <= LONG_EVENT:
        return []
    field = ("end",) if item.meta.end is not None else ("start",)
    days = length.days + (1 if length % timedelta(days=1) else 0)
    if length > LONGEST_EVENT:
        return [_problem(item, field, "event-duration", f"the event lasts {days:,} days, more than {LONGEST_EVENT.days}",
                         "check the end; an event held again and again is one event with a recurrence")]
    return [_problem(item, field, "event-duration", f"the event lasts {days} days", "check the end: is it the right date?",
                     "warning")]


def _recurrence(item: Item, timing: Timing, checked_exdates: bool) -> list[Problem]:
    meta = item.meta
    if not meta.recurrence:
        if meta.exdates:
            return [_problem(item, ("exdates",), "event-exdate", "exceptions need a recurrence",
                             "add recurrence: (an RRULE) or remove exdates")]
        return []
    try:
        recurrence = parse_recurrence(meta.recurrence, timing.zone, timing.all_day)
    except RecurrenceError as error:
        return [_problem(item, ("recurrence",), "event-recurrence", error.message, error.hint)]
    timing = Timing(timing.zone, timing.all_day, timing.start, timing.end, recurrence, ())
    until = recurrence.until
    if until is not None and (until < timing.start.date() if not isinstance(until, datetime) else until < timing.start):
        return [_problem(item, ("recurrence",), "event-recurrence", "UNTIL is before start: the rule gives no date",
                         "set UNTIL to the last day the event takes place")]
    first = first_rule_start(timing)
    if first is None:
        return [_problem(item, ("recurrence",), "event-recurrence", "the rule gives no date at all",
                         "check that the days and months it names exist together (there is no 30 February) and that "
                         "its step reaches them (every 7th day is the same weekday)")]
    problems: list[Problem] = []
    if first.replace(tzinfo=None) != timing.start.replace(tzinfo=None):
        shown = first.date().isoformat() if timing.all_day else first.replace(tzinfo=None).isoformat(timespec="minutes")
        problems.append(_problem(item, ("start",), "event-recurrence",
                                 "is not a date the recurrence gives, so calendars would disagree on the first one",
                                 f"make start the first occurrence: {shown}"))
    if recurrence.endless:
        problems.append(_problem(item, ("recurrence",), "event-recurrence-endless",
                                 "never ends: pages list its dates two years ahead, calendars forever",
                                 "add COUNT=<number> or UNTIL=<YYYYMMDD> if it stops one day", "warning"))
    if checked_exdates:
        problems += _exdates(item, timing)
    return problems


def _exdates(item: Item, timing: Timing) -> list[Problem]:
    """Each exception must be a start the rule gives (a date: any start that day). The starts are listed once
    and looked up, so a check costs the number of starts plus the number of exceptions, not their product."""
    if not item.meta.exdates:
        return []
    last = max(_wall(value, timing) for value in item.meta.exdates) + timedelta(days=1)
    starts: list[datetime] = []
    for start in timing.rule_starts():  # up to the first start after the last exception, the one shown after it
        starts.append(start)
        if start.replace(tzinfo=None) > last:
            break
    walls = [start.replace(tzinfo=None) for start in starts]
    times, days = set(walls), {wall.date() for wall in walls}
    problems = []
    for index, value in enumerate(item.meta.exdates):
        wall = _wall(value, timing)
        if (wall in times) if isinstance(value, datetime) else (value in days):
            continue
        # The starts around it, as the contributor reads them (wall clock, in order).
        position = bisect_right(walls, wall)
        before = starts[position - 1] if position else None
        after = starts[position] if position < len(starts) else None
        near = [_show(s, timing) for s in (before, after) if s is not None]
        shown = _show(to_zone(value, timing.zone), timing) if isinstance(value, datetime) else value.isoformat()
        problems.append(_problem(item, ("exdates", index), "event-exdate", f"{shown} is not a date the recurrence gives",
                                 f"the nearest it gives: {' and '.join(near)}" if near else "remove it"))
    return problems


def _wall(value: date | datetime, timing: Timing) -> datetime:
    """An exception as a local wall-clock time (a date: its midnight)."""
    return to_zone(value, timing.zone).replace(tzinfo=None)


def _show(moment: datetime, timing: Timing) -> str:
    return moment.date().isoformat() if timing.all_day else moment.replace(tzinfo=None).isoformat(timespec="minutes")

"""iCalendar files (RFC 5545, written with icalendar): the portal's calendar and one file per event.

Nothing in them comes from the clock: DTSTAMP is the event's own `updated` or `date`, UIDs are derived
from the source file, time zones are described over years the content names. Text goes through
icalendar's escaping (commas, semicolons, backslashes, line breaks), so no title or place can start a
property or an event of its own.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

from icalendar import Calendar, Event, Timezone, vDuration, vRecur

from ..content.loader import Item
from ..events import Timing, timing_of, to_zone
from ..graph import SiteGraph, as_datetime
from ..text import shorten

CALENDAR_FILE = "events/calendar.ics"
EVENT_FILE = "event.ics"  # beside the event's page: events/<slug>/event.ics
#: Subscribed calendars are fetched again once a day (RFC 7986 REFRESH-INTERVAL and its older X- twin).
REFRESH = timedelta(days=1)
#: Time zone descriptions run this many years past the last year an event names, for clients that expand rules.
ZONE_YEARS_AHEAD = 10
#: RFC 5545 TEXT allows no control character but tab (line breaks are escaped by icalendar); Unicode line
#: separators are dropped too, for clients that split lines on them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
STATUS = {"scheduled": "CONFIRMED", "moved-online": "CONFIRMED", "cancelled": "CANCELLED",
          "postponed": "TENTATIVE", "draft": "TENTATIVE"}
_WORDS = {
    "fr": {"cancelled": "Annulé.", "postponed": "Reporté : la nouvelle date sera annoncée.", "moved-online": "Passé en ligne.",
           "draft": "Brouillon.", "online": "En ligne", "registration": "Inscription", "page": "Détails", "sep": " : "},
    "en": {"cancelled": "Cancelled.", "postponed": "Postponed: the new date will be announced.", "moved-online": "Moved online.",
           "draft": "Draft.", "online": "Online", "registration": "Registration", "page": "Details", "sep": ": "},
}


@dataclass(frozen=True)
class CalendarEvent:
    """An event as a calendar needs it: its item, when it happens, and its page's public address."""

    item: Item
    timing: Timing
    url: str
    stamp: datetime  # UTC: the last time the event's information changed
    created: datetime


def event_uid(relpath: str, site_url: str) -> str:
    """A UID that survives a new title or date: the source file, and the portal's host so portals never clash."""
    digest = hashlib.sha256(f"content/{relpath}".encode()).hexdigest()[:32]
    return f"{digest}@{urlsplit(site_url).hostname or 'agora'}"


def calendar_events(graph: SiteGraph, items: list[Item] | None = None) -> list[CalendarEvent]:
    """Published events (or `items`), by first start then path, with what their VEVENTs need."""
    site_url = _site_url(graph)
    chosen = graph.published("events") if items is None else items
    events = []
    for item in chosen:
        created = as_datetime(item.meta.date, graph.tz).astimezone(UTC)
        updated = as_datetime(item.meta.updated, graph.tz).astimezone(UTC) if item.meta.updated else created
        timing = timing_of(item.meta, graph.tz)
        events.append(CalendarEvent(item, timing, urljoin(site_url, item.url), max(created, updated), created))
    return sorted(events, key=lambda e: (e.timing.start.timestamp(), e.item.relpath))


def site_calendar(graph: SiteGraph) -> bytes:
    """events/calendar.ics: every published event of the portal, to subscribe to."""
    return Calendars(graph).site()


class Calendars:
    """The calendars of one build. An event is in its own file and in the portal's, and every file of a
    zone holds the same VTIMEZONE: each component is serialised once and its lines reused, which is byte
    for byte what icalendar writes for the whole calendar (a calendar's lines are its own properties, then
    each component's lines in order)."""

    def __init__(self, graph: SiteGraph):
        self.graph = graph
        language = graph.config.site.language.split("-")[0]
        self.words = _WORDS.get(language, _WORDS["en"])
        self._events: dict[str, bytes] = {}

    def site(self) -> bytes:
        graph = self.graph
        site = graph.config.site
        site_url = _site_url(graph)
        calendar = _calendar(graph, site.title, site.description, site_url, urljoin(site_url, CALENDAR_FILE))
        calendar.add("X-WR-TIMEZONE", site.timezone)
        return self._render(calendar, calendar_events(graph))

    def event(self, item: Item) -> bytes:
        graph = self.graph
        page = urljoin(_site_url(graph), item.url)
        calendar = _calendar(graph, item.meta.title, None, page, urljoin(page, EVENT_FILE))
        return self._render(calendar, calendar_events(graph, [item]))

    def _render(self, calendar: Calendar, events: list[CalendarEvent]) -> bytes:
        head = calendar.to_ical()
        if not head.endswith(_END):
            raise AssertionError("icalendar no longer ends a calendar with END:VCALENDAR")
        parts = [_zone_lines(*span) for span in _zones(events, self.graph)]
        for event in events:
            lines = self._events.get(event.item.relpath)
            if lines is None:
                lines = self._events[event.item.relpath] = _vevent(event, self.graph, self.words).to_ical()
            parts.append(lines)
        return head[:-len(_END)] + b"".join(parts) + _END


_END = b"END:VCALENDAR\r\n"


def text(value: str) -> str:
    """`value` as iCalendar TEXT can carry it: line breaks kept (icalendar escapes them), other controls made spaces."""
    return _NOT_TEXT.sub(" ", value.replace("\r\n", "\n"))


def _site_url(graph: SiteGraph) -> str:
    return str(graph.config.site.url).rstrip("/") + "/"


def _calendar(graph: SiteGraph, name: str, description: str | None, url: str, source: str) -> Calendar:
    site = graph.config.site
    calendar = Calendar()
    # Calendar.new() would add a random UID: the properties are set one by one instead.
    calendar.add("PRODID", text(f"-//Agora Press//{site.title}//{site.language.split('-')[0].upper()}"))
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", text(name))
    calendar.add("X-WR-CALNAME", text(name))
    if description:
        calendar.add("DESCRIPTION", text(description))
        calendar.add("X-WR-CALDESC", text(description))
    calendar.add("URL", url)
    calendar.add("SOURCE", source, parameters={"VALUE": "URI"})
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH).to_ical().decode())
    return calendar


def _zones(events: list[CalendarEvent], graph: SiteGraph) -> list[tuple[str, int, int]]:
    """A VTIMEZONE for every zone a timed event uses (the portal's alone when there is none, so the file
    still holds a component as RFC 5545 wants), over the years the events name: (zone, first, last year)."""
    years: dict[str, list[int]] = {}
    for event in events:
        timing = event.timing
        if timing.all_day:
            continue
        named = [timing.start.year, timing.end.year]
        until = timing.recurrence.until if timing.recurrence else None
        if until is not None:
            named.append(until.year)
        years.setdefault(timing.zone.key, []).extend(named)
    if not events:
        year = graph.now.year
        return [(graph.tz.key, year, year + 1)]
    return [(key, min(named), max(named) + ZONE_YEARS_AHEAD) for key, named in sorted(years.items()) if key != "UTC"]


@functools.cache
def _zone_lines(key: str, first_year: int, last_year: int) -> bytes:
    # Serialised once per zone and span: every event calendar of a portal holds the same few.
    zone = Timezone.from_tzid(key, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    return zone.to_ical()


def _vevent(event: CalendarEvent, graph: SiteGraph, words: dict[str, str]) -> Event:
    item, timing, meta = event.item, event.timing, event.item.meta
    component = Event()
    component.add("UID", event_uid(item.relpath, _site_url(graph)))
    component.add("DTSTAMP", event.stamp)
    component.add("CREATED", event.created)
    if meta.updated:
        component.add("LAST-MODIFIED", event.stamp)
    if timing.all_day:
        component.add("DTSTART", timing.start.date())
        component.add("DTEND", timing.end.date())
    else:
        component.add("DTSTART", timing.start)
        component.add("DTEND", timing.end)
    if timing.recurrence is not None:
        component.add("RRULE", vRecur.from_ical(timing.recurrence.text))
        skipped = _skipped(timing)
        if skipped:
            component.add("EXDATE", skipped)
    component.add("SUMMARY", text(meta.title))
    component.add("DESCRIPTION", text(_description(event, words)))
    component.add("STATUS", STATUS[meta.status])
    location = meta.location
    online = location.online if location else None
    if meta.status == "moved-online" and online:
        component.add("LOCATION", text(f"{words['online']}{words['sep']}{online}"))
    elif location is not None:
        place = ", ".join(part for part in (location.name, location.address) if part)
        if place:
            component.add("LOCATION", text(place))
        elif online:
            component.add("LOCATION", online)
        if location.geo is not None:
            component.add("GEO", (location.geo.lat, location.geo.lon))
    if online:
        component.add("CONFERENCE", online, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    for handle in meta.organizers:
        profile = graph.contributors.get(handle)
        if profile is not None:
            component.add("CONTACT", text(profile.meta.name), parameters={"ALTREP": urljoin(_site_url(graph), profile.url)})
    if meta.tags:
        component.add("CATEGORIES", [text(tag) for tag in meta.tags])
    component.add("URL", event.url)
    return component


def _skipped(timing: Timing) -> list[date] | list[datetime]:
    """The starts the exceptions remove, as RFC 5545 wants them: the same type and zone as DTSTART."""
    if not timing.exdates:
        return []
    last = max(to_zone(moment, timing.zone).date() for moment in timing.exdates)
    found = []
    for start in timing.rule_starts():
        if start.date() > last:
            break
        if timing.is_excluded(start):
            found.append(start.date() if timing.all_day else start)
    return found


def _description(event: CalendarEvent, words: dict[str, str]) -> str:
    meta = event.item.meta
    lines = []
    if meta.status != "scheduled":
        lines.append(words[meta.status])
    lines.append(meta.summary or shorten(event.item.first_paragraph) or meta.title)
    if meta.location is not None and meta.location.online:
        lines.append(f"{words['online']}{words['sep']}{meta.location.online}")
    if meta.registration:
        lines.append(f"{words['registration']}{words['sep']}{meta.registration}")
    lines.append(f"{words['page']}{words['sep']}{event.url}")
    return "\n".join(lines)

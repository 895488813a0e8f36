"""schema.org Event markup of an event page (JSON-LD), serialised so that no text can close its <script>."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from ..content.loader import Item
from ..events import WEEKDAYS, Occurrence, Timing, to_zone
from ..graph import SiteGraph

SCHEMA = "https://schema.org"
EVENT_STATUS = {"scheduled": "EventScheduled", "draft": "EventScheduled", "cancelled": "EventCancelled",
                "postponed": "EventPostponed", "moved-online": "EventMovedOnline"}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PERIODS = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}


def event_data(graph: SiteGraph, item: Item, timing: Timing, shown: Occurrence) -> dict[str, Any]:
    """The schema.org Event of an event page; `shown` is the occurrence the page shows (the next one)."""
    meta = item.meta
    site_url = str(graph.config.site.url).rstrip("/") + "/"
    url = urljoin(site_url, item.url)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": meta.title,
        "url": url,
        "startDate": _moment(shown.start, timing.all_day),
        "endDate": _moment(shown.last_day if timing.all_day else shown.end, timing.all_day),
        "eventStatus": f"{SCHEMA}/{EVENT_STATUS[meta.status]}",
        "eventAttendanceMode": f"{SCHEMA}/{_attendance(meta)}",
    }
    if meta.summary:
        data["description"] = meta.summary
    elif item.first_paragraph:
        data["description"] = " ".join(item.first_paragraph.split())
    location = _location(meta)
    if location:
        data["location"] = location if len(location) > 1 else location[0]
    profiles = [graph.contributors[h] for h in meta.organizers if h in graph.contributors]
    organizers = [{"@type": "Person", "name": p.meta.name, "url": urljoin(site_url, p.url)} for p in profiles]
    if organizers:
        data["organizer"] = organizers
    if meta.image:
        data["image"] = urljoin(site_url, meta.image.removeprefix("/").removeprefix("content/"))
    data["inLanguage"] = meta.lang or graph.config.site.language
    if meta.capacity:
        data["maximumAttendeeCapacity"] = meta.capacity
    if meta.registration:
        data["offers"] = {"@type": "Offer", "url": meta.registration}
    if timing.recurrence is not None:
        data["eventSchedule"] = _schedule(timing)
    return data


def script_json(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block: <, > and & are escaped, so '</script>' in a
    title stays text (JSON parsers read the escapes back as the same characters)."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _moment(moment, all_day: bool) -> str:
    if all_day:
        return (moment.date() if isinstance(moment, datetime) else moment).isoformat()
    return moment.isoformat(timespec="minutes")


def _attendance(meta) -> str:
    location = meta.location
    online = location is not None and location.online is not None
    present = location is not None and bool(location.name or location.address)
    if meta.status == "moved-online" or (online and not present):
        return "OnlineEventAttendanceMode"
    return "MixedEventAttendanceMode" if online else "OfflineEventAttendanceMode"


def _location(meta) -> list[dict[str, Any]]:
    location = meta.location
    if location is None:
        return []
    found: list[dict[str, Any]] = []
    if meta.status != "moved-online" and (location.name or location.address):
        place: dict[str, Any] = {"@type": "Place", "name": location.name or location.address}
        if location.address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": location.address}
        if location.geo is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": location.geo.lat, "longitude": location.geo.lon}
        found.append(place)
    if location.online:
        found.append({"@type": "VirtualLocation", "url": location.online})
    return found


def _schedule(timing: Timing) -> dict[str, Any]:
    recurrence = timing.recurrence
    parts = dict(recurrence.parts)
    interval = int(parts.get("INTERVAL", "1"))
    period = _PERIODS[recurrence.freq]
    schedule: dict[str, Any] = {
        "@type": "Schedule",
        "repeatFrequency": f"P{interval}{period}",
        "startDate": timing.start.date().isoformat(),
        "scheduleTimezone": timing.zone.key,
    }
    if not timing.all_day:
        schedule["startTime"] = timing.start.strftime("%H:%M")
        schedule["endTime"] = timing.end.strftime("%H:%M")
    days = [value.lstrip("+-0123456789") for value in parts.get("BYDAY", "").split(",") if value]
    if days:
        schedule["byDay"] = [f"{SCHEMA}/{_DAYS[WEEKDAYS.index(day)]}" for day in days]
        weeks = {value[: -len(day)] for value, day in zip(parts["BYDAY"].split(","), days, strict=True)} - {""}
        if len(weeks) == 1 and 1 <= int(next(iter(weeks))) <= 5:
            schedule["byMonthWeek"] = int(next(iter(weeks)))
    if "BYMONTHDAY" in parts:
        schedule["byMonthDay"] = [int(v) for v in parts["BYMONTHDAY"].split(",")]
    if "BYMONTH" in parts:
        schedule["byMonth"] = [int(v) for v in parts["BYMONTH"].split(",")]
    if recurrence.count:
        schedule["repeatCount"] = recurrence.count
    elif recurrence.until is not None:
        until = recurrence.until
        schedule["endDate"] = (until.astimezone(timing.zone).date() if isinstance(until, datetime) else until).isoformat()
    if timing.exdates:
        schedule["exceptDate"] = sorted(_moment(to_zone(d, timing.zone), timing.all_day) if isinstance(d, datetime)
                                        else d.isoformat() for d in timing.exdates)
    return schedule

"""Events as templates show them: their next occurrence, dates in words, status, calendars and schema.org data.

The logic lives in agorapress/events.py; this only caches it per build and says it in the page's language."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context

from ...content.loader import Item
from ...events import Occurrence, Timing, describe, timing_of
from ...outputs.calendar import CALENDAR_FILE, EVENT_FILE
from ...outputs.event_schema import event_data, script_json
from .dates import _format_time, page_language

#: Event statuses in words; a scheduled event needs none.
_EVENT_STATUS = {
    "fr": {"cancelled": "Annulé", "postponed": "Reporté", "moved-online": "Passé en ligne", "draft": "Brouillon"},
    "en": {"cancelled": "Cancelled", "postponed": "Postponed", "moved-online": "Moved online", "draft": "Draft"},
}


class EventsView:
    """`agora.upcoming_events()`, `agora.event_when(event)`...: needs `self.graph`, `self.now`, `self.site`,
    `self.locale` and `self.day` (DatesView)."""

    @cached_property
    def _event_cache(self) -> dict[tuple[str, int], tuple[Item, object]]:
        return {}

    def _cached(self, kind: str, event: Item, compute):
        # Keyed by the item object, kept alive with the value: `agora serve` swaps an edited item in.
        key = (kind, id(event))
        if key not in self._event_cache:
            self._event_cache[key] = (event, compute())
        return self._event_cache[key][1]

    def event_timing(self, event: Item) -> Timing:
        return self._cached("timing", event, lambda: timing_of(event.meta, self.graph.tz))

    def event_occurrences(self, event: Item) -> list[Occurrence]:
        """Occurrences up to two years after the build clock (see events.HORIZON)."""
        return self._cached("occurrences", event, lambda: self.event_timing(event).occurrences(self.now))

    def event_next(self, event: Item) -> Occurrence | None:
        """The occurrence that is on or comes next, if any."""
        now = self.now.timestamp()
        return self._cached("next", event,
                            lambda: next((o for o in self.event_occurrences(event) if o.end.timestamp() > now), None))

    def event_occurrence(self, event: Item) -> Occurrence:
        """The occurrence pages show: the one on or next, else the last one."""
        def shown() -> Occurrence:
            over = [o for o in self.event_occurrences(event) if o.end.timestamp() <= self.now.timestamp()]
            return self.event_next(event) or (over[-1] if over else self.event_timing(event).first)

        return self._cached("occurrence", event, shown)

    def event_dates(self, event: Item, limit: int = 6) -> list[Occurrence]:
        """The next occurrences of a recurring event (the one on included)."""
        return [o for o in self.event_occurrences(event) if o.end.timestamp() > self.now.timestamp()][:limit]

    def event_is_on(self, event: Item) -> bool:
        return self.event_occurrence(event).is_on(self.now)

    def upcoming_events(self, limit: int | None = None) -> list[Item]:
        """Events on or to come, by their next occurrence."""
        events = [e for e in self.graph.published("events") if self.event_next(e) is not None]
        events.sort(key=lambda e: (self.event_next(e).start.timestamp(), e.relpath))
        return events[:limit] if limit else events

    def past_events(self) -> list[Item]:
        """Events with no occurrence to come, the latest first."""
        events = [e for e in self.graph.published("events") if self.event_next(e) is None]
        return sorted(events, key=lambda e: (-self.event_occurrence(e).start.timestamp(), e.relpath))

    def event_zone(self, event: Item) -> ZoneInfo:
        return self.event_timing(event).zone

    def event_start(self, event: Item) -> datetime:
        """Start of the occurrence pages show (the next one of a recurring event), in the event's zone."""
        return self.event_occurrence(event).start

    def event_end(self, event: Item) -> datetime:
        """End of that occurrence (exclusive: the midnight after the last day of an all-day event)."""
        return self.event_occurrence(event).end

    def event_zone_label(self, event: Item, moment: datetime | None = None) -> str:
        """'Europe/Paris, UTC+01:00': the zone named, with its offset at that moment."""
        moment = moment or self.event_start(event)
        offset = moment.strftime("%z")
        return f"{self.event_zone(event).key}, UTC{offset[:3]}:{offset[3:]}"

    @pass_context
    def event_when(self, context: Context, event: Item, occurrence: Occurrence | None = None) -> str:
        """One line for lists: 'jeudi 3 décembre 2026, 19:00–21:30 (Europe/Paris, UTC+01:00)'."""
        locale = page_language(context, self.locale)
        when = occurrence or self.event_occurrence(event)
        if when.all_day:
            first, last = self.day(when.start, "full", locale), self.day(when.last_day, "full", locale)
            return first if when.last_day == when.start.date() else f"{first} – {last}"
        end = _format_time(when.end, locale)
        if when.end.date() != when.start.date():
            end = f"{self.day(when.end, 'full', locale)}, {end}"
        start = f"{self.day(when.start, 'full', locale)}, {_format_time(when.start, locale)}"
        return f"{start} – {end} ({self.event_zone_label(event, when.start)})"

    @pass_context
    def event_status(self, context: Context, event: Item) -> str:
        """The status in words, empty when the event takes place as announced."""
        words = _EVENT_STATUS.get(page_language(context, self.locale).split("-")[0], _EVENT_STATUS["en"])
        return words.get(event.meta.status, "")

    @pass_context
    def event_recurrence(self, context: Context, event: Item) -> str:
        """How a recurring event repeats, in words ('Le premier jeudi de chaque mois'); empty otherwise."""
        recurrence = self.event_timing(event).recurrence
        if not recurrence:
            return ""
        locale = page_language(context, self.locale)
        return describe(recurrence, locale, lambda day: self.day(day, "long", locale))

    def event_ics(self, event: Item) -> str:
        """The event's own calendar file, relative to the site root."""
        return f"{event.url}{EVENT_FILE}"

    @property
    def calendar_url(self) -> str:
        """The portal's calendar, relative to the site root."""
        return CALENDAR_FILE

    @property
    def webcal_url(self) -> str:
        """The portal's calendar as a webcal:// address: calendar apps subscribe to it instead of importing it once."""
        parts = urlsplit(urljoin(str(self.site.url).rstrip("/") + "/", CALENDAR_FILE))
        return urlunsplit(("webcal", parts.netloc, parts.path, "", ""))

    def event_json_ld(self, event: Item) -> str:
        """schema.org Event JSON, escaped for a <script> block (see outputs/event_schema.py)."""
        return script_json(event_data(self.graph, event, self.event_timing(event), self.event_occurrence(event)))

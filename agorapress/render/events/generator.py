"""The Pelican side of calendars: write events/calendar.ics and events/<slug>/event.ics."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from ..shards import write_whole, writes
from ...outputs.calendar import CALENDAR_FILE, EVENT_FILE, Calendars


class CalendarsGenerator(Generator):
    """Writes the iCalendar files of the published events; the pages themselves are Pelican's articles."""

    shards_by_file = True

    def generate_output(self, writer) -> None:
        graph = self.settings["AGORA_PORTAL"].graph
        output = Path(self.output_path)
        calendars = Calendars(graph)
        if writes(writer, CALENDAR_FILE):
            write_whole(self.settings, output, CALENDAR_FILE, calendars.site())
        for item in graph.published("events"):
            if writes(writer, item.url + EVENT_FILE):
                write_whole(self.settings, output, item.url + EVENT_FILE, calendars.event(item))

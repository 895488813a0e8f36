"""What templates see as `agora`: the site graph, read-only, with the lookups pages need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

from ..content.kinds import KINDS, SECTIONS
from ..content.loader import CONTENT_DIR, Item
from ..graph import as_datetime
from ..site import Portal


@dataclass(frozen=True)
class ContributorView:
    """A member as templates show them."""

    handle: str
    name: str
    url: str
    item: Item

    @property
    def meta(self):
        return self.item.meta

    @property
    def bio(self) -> str:
        return self.item.html

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p[:1].isalpha()]
        letters = "".join(p[0] for p in parts[:2]) or self.handle[:2]
        return letters.upper()

    @property
    def hue(self) -> int:
        # Deterministic per handle: the same member keeps the same colour across builds.
        return sum(ord(c) * (i + 1) for i, c in enumerate(self.handle)) % 360


class TemplateView:
    """Read-only access to the portal for templates; one per build."""

    def __init__(self, portal: Portal):
        self.portal = portal
        self.graph = portal.graph
        self.config = portal.config
        self.site = portal.config.site
        self.locale = portal.config.site.language

    @property
    def now(self) -> datetime:
        return self.graph.now

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(folder, self.config.section_title(folder)) for folder in SECTIONS]

    def section_title(self, folder: str) -> str:
        return self.config.section_title(folder)

    def contributor(self, handle: str) -> ContributorView | None:
        item = self.graph.contributors.get(handle)
        if item is None:
            return None
        return ContributorView(handle, item.meta.name, KINDS["contributors"].url_for(handle), item)

    def contributors(self) -> list[ContributorView]:
        views = [self.contributor(h) for h in self.graph.contributors]
        return sorted((v for v in views if v), key=lambda v: (v.name.casefold(), v.handle))

    def contributions(self, handle: str) -> list[Item]:
        """Published items a member wrote, organised, asked or answered, newest first."""
        out = []
        for item in self.graph.published():
            meta = item.meta
            people = set(getattr(meta, "authors", []) or []) | set(getattr(meta, "organizers", []) or [])
            people |= set(getattr(meta, "interviewers", []) or [])
            interviewee = getattr(meta, "interviewee", None)
            if interviewee is not None and interviewee.handle:
                people.add(interviewee.handle)
            if handle in people:
                out.append(item)
        return out

    def upcoming_events(self, limit: int | None = None) -> list[Item]:
        events = [e for e in self.graph.published("events") if self.event_end(e) >= self.now]
        events.sort(key=lambda e: (self.event_start(e), e.relpath))
        return events[:limit] if limit else events

    def past_events(self) -> list[Item]:
        events = [e for e in self.graph.published("events") if self.event_end(e) < self.now]
        return sorted(events, key=lambda e: (self.event_start(e), e.relpath), reverse=True)

    def event_zone(self, event: Item) -> ZoneInfo:
        return ZoneInfo(event.meta.timezone) if event.meta.timezone else self.graph.tz

    def event_start(self, event: Item) -> datetime:
        return as_datetime(event.meta.start, self.event_zone(event))

    def event_end(self, event: Item) -> datetime:
        zone = self.event_zone(event)
        if event.meta.end is not None:
            end = event.meta.end
            if isinstance(end, datetime):
                return as_datetime(end, zone)
            return as_datetime(end, zone).replace(hour=23, minute=59)
        start = self.event_start(event)
        if not isinstance(event.meta.start, datetime):
            return start.replace(hour=23, minute=59)
        return start

    def date(self, moment: date | datetime | None, form: str = "long") -> str:
        if moment is None:
            return ""
        return format_date(moment, format=form, locale=self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(moment, format="short", locale=self.locale)

    def datetime(self, moment: datetime, form: str = "long") -> str:
        return format_datetime(moment, format=form, locale=self.locale)

    def edit_url(self, relpath: str) -> str | None:
        """GitHub's web editor on the source of a page: 'propose a correction'."""
        repo = self.site.repository
        if not repo:
            return None
        return f"{repo.rstrip('/')}/edit/{self.site.branch}/{CONTENT_DIR}/{quote(relpath)}"

    def item_for(self, relpath: str) -> Item | None:
        return self.graph.by_path.get(relpath)

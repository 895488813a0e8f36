"""What templates see as `agora`: the site graph, read-only, with the lookups pages need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..avatars import Initials, initials
from ..badges import Award, award, badges_by_member, text
from ..config import Badge
from ..content.kinds import KINDS, SECTIONS
from ..content.loader import CONTENT_DIR, Item
from ..events import Occurrence, Timing, describe, timing_of
from ..images import AVATAR_SIZES
from ..outputs.calendar import CALENDAR_FILE, EVENT_FILE
from ..outputs.event_schema import event_data, script_json
from ..people import People, Profile
from ..schema import babel_locale
from ..site import Portal

#: Context variables that carry the content a page is about, in the order they are looked for (what
#: `page_language` reads: a memoised partial must count them in its key, see render/fragments.py).
CONTENT_VARIABLES = ("article", "page")


def page_language(context: Context, default: str) -> str:
    """The language of the page being rendered: that of its item (`lang` in front matter), else the portal's."""
    for name in CONTENT_VARIABLES:
        lang = getattr(context.get(name), "lang", None)
        if isinstance(lang, str) and lang:
            return lang
    return default


# Babel formats are worth caching: the same dates come back on every list, card and feed of a build.
@lru_cache(maxsize=8192)
def _format_date(moment: date, form: str, locale: str) -> str:
    return format_date(moment, format=form, locale=babel_locale(locale))


@lru_cache(maxsize=8192)
def _format_time(moment: datetime, locale: str) -> str:
    return format_time(moment, format="short", locale=babel_locale(locale))


@lru_cache(maxsize=8192)
def _format_datetime(moment: datetime, form: str, locale: str) -> str:
    return format_datetime(moment, format=form, locale=babel_locale(locale))


@lru_cache(maxsize=64)
def _language_name(lang: str) -> str:
    """'English', 'français': a language named in itself, for links to translations."""
    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_")) or lang
    except (ValueError, UnknownLocaleError):
        return lang


#: Event statuses in words; a scheduled event needs none.
_EVENT_STATUS = {
    "fr": {"cancelled": "Annulé", "postponed": "Reporté", "moved-online": "Passé en ligne", "draft": "Brouillon"},
    "en": {"cancelled": "Cancelled", "postponed": "Postponed", "moved-online": "Moved online", "draft": "Draft"},
}


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
    def initials(self) -> str:
        parts = [p for p in self.name.replace("-", " ").split() if p[:1].isalpha()]
        letters = "".join(p[0] for p in parts[:2]) or self.handle[:2]
        return letters.upper()

    @property
    def hue(self) -> int:
        # Deterministic per handle: the same member keeps the same colour across builds.
        return sum(ord(c) * (i + 1) for i, c in enumerate(self.handle)) % 360


@dataclass(frozen=True)
class BadgeView:
    """A badge in the portal's language, with its holders when listed on the badges page."""

    id: str
    label: str
    description: str
    holders: tuple[Profile, ...] = ()


@dataclass(frozen=True)
class AvatarView:
    """Either image URLs by size (relative to the site root) or an initials avatar."""

    name: str
    images: dict[int, str]
    initials: Initials | None

    def src(self, size: int) -> str:
        """The smallest image at least `size` pixels wide (the largest there is otherwise)."""
        fitting = [s for s in sorted(self.images) if s >= size]
        return self.images[fitting[0] if fitting else max(self.images)]


class TemplateView:
    """Read-only access to the portal for templates; one per build."""

    def __init__(self, portal: Portal, people: People):
        self.portal = portal
        self.people = people  # every member and what they did, computed once per build
        self.graph = portal.graph
        self.config = portal.config
        self.site = portal.config.site
        self.locale = portal.config.site.language

    @property
    def now(self) -> datetime:
        return self.graph.now

    def theme_style(self) -> str:
        """CSS custom properties from the theme options (colours already checked as #rrggbb by the config)."""
        options = self.config.theme.options
        pairs = [("--agora-accent", options.accent), ("--agora-accent-dark", options.accent_dark)]
        declarations = ";".join(f"{name}:{value}" for name, value in pairs if value)
        return f":root{{{declarations}}}" if declarations else ""

    @property
    def logo(self) -> str | None:
        """The portal's logo, relative to the site root (a file under content/media/, checked by the rules)."""
        return self.config.theme.options.logo

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
        profile = self.people.get(handle)
        return profile.involved if profile else []

    @cached_property
    def awards(self) -> list[Award]:
        return award(self.people)

    @cached_property
    def _held(self) -> dict[str, list[Badge]]:
        return badges_by_member(self.awards)

    def profile(self, handle: str) -> Profile | None:
        return self.people.get(handle)

    def profiles(self, order: str = "alphabetical") -> list[Profile]:
        """Everyone, sorted for one view of the wall: alphabetical, active or newest."""
        return self.people.sorted(order)

    def new_members(self, limit: int | None = None) -> list[Profile]:
        members = self.people.new_members()
        return members[:limit] if limit else members

    def badges(self) -> list[BadgeView]:
        """Every badge of the portal with its holders, in the config's order."""
        return [self._badge_view(entry.badge, entry.holders) for entry in self.awards]

    def badges_of(self, handle: str) -> list[BadgeView]:
        return [self._badge_view(badge) for badge in self._held.get(handle, [])]

    def _badge_view(self, badge: Badge, holders: tuple[Profile, ...] = ()) -> BadgeView:
        return BadgeView(badge.id, text(badge.label, self.locale), text(badge.description, self.locale), holders)

    def avatar(self, handle: str) -> AvatarView:
        """A member's avatar: their own image resized by the contributors generator, else initials."""
        item = self.graph.contributors.get(handle)
        name = item.meta.name if item else handle
        if item is not None and item.meta.avatar:
            base = KINDS["contributors"].url_for(handle)
            return AvatarView(name, {size: f"{base}avatar-{size}.webp" for size in AVATAR_SIZES}, None)
        return AvatarView(name, {}, initials(name, handle))

    def member_feed(self, handle: str) -> str:
        """The member's Atom feed (written for every contributor by the syndication plugin)."""
        return f"feeds/contributors/{handle}.atom.xml"

    # -- events: the logic lives in agorapress/events.py; these only cache it per build ----------------

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

    def day(self, moment: date | datetime, form: str = "long", locale: str | None = None) -> str:
        """A date in words for Python callers, in `locale` (default: the portal's language)."""
        day = moment.date() if isinstance(moment, datetime) else moment
        return _format_date(day, form, locale or self.locale)

    @pass_context
    def date(self, context: Context, moment: date | datetime | None, form: str = "long") -> str:
        """A date in words, in the page's language ('22 novembre 2026'); a datetime is taken at its own offset."""
        return "" if moment is None else self.day(moment, form, page_language(context, self.locale))

    @pass_context
    def time(self, context: Context, moment: datetime) -> str:
        return _format_time(moment, page_language(context, self.locale))

    @pass_context
    def datetime(self, context: Context, moment: datetime, form: str = "long") -> str:
        return _format_datetime(moment, form, page_language(context, self.locale))

    @pass_context
    def language(self, context: Context) -> str:
        """The language of the page being rendered (its item's, else the portal's)."""
        return page_language(context, self.locale)

    @pass_context
    def lang_attr(self, context: Context, lang: str | None) -> Markup:
        """' lang="en"' for text in another language than the page's, so screen readers switch voice; else nothing."""
        if not lang or lang == page_language(context, self.locale):
            return Markup("")
        return Markup(' lang="%s"') % escape(lang)

    def body(self, item: Item) -> Markup:
        """An item's or profile's body as its own page shows it (links to the repository's files resolved); it
        was rendered from Markdown and sanitised when it was read."""
        return Markup(self.graph.html_of(item))

    def edit_url(self, relpath: str) -> str | None:
        """GitHub's web editor on the source of a page: 'propose a correction'."""
        repo = self.site.repository
        if not repo:
            return None
        return f"{repo.rstrip('/')}/edit/{self.site.branch}/{CONTENT_DIR}/{quote(relpath)}"

    def translations(self, item: Item | None) -> list[tuple[str, str, Item]]:
        """The item in its other languages: (language code, its name in that language, item)."""
        if item is None:
            return []
        return [(lang, _language_name(lang), other) for other in self.graph.translations(item)
                for lang in [self.graph.language_of(other)]]

    @cached_property
    def _positions(self) -> dict[str, tuple[list[Item], int]]:
        positions = {}
        for kind in SECTIONS:
            ordered = self.graph.published(kind)
            positions.update({item.relpath: (ordered, index) for index, item in enumerate(ordered)})
        return positions

    def neighbours(self, item: Item | None) -> tuple[Item | None, Item | None]:
        """The newer and the older published item of the same section (events by publication date too)."""
        if item is None or item.relpath not in self._positions:
            return None, None
        ordered, index = self._positions[item.relpath]
        newer = ordered[index - 1] if index > 0 else None
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        return newer, older

    def item_for(self, relpath: str) -> Item | None:
        return self.graph.by_path.get(relpath)

"""When events happen: their zone, start and end, RFC 5545 recurrences and the occurrences they give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import islice, takewhile
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from .problems import did_you_mean
from .schema import FIRST_YEAR, LAST_YEAR

#: Listings show occurrences up to this far after the build clock; a rule that never ends stops there.
HORIZON = timedelta(days=731)
#: No rule may make a build slow: expansion stops after this many occurrences, whatever the rule says,
#: and at the end of the last year a date may have (schema.LAST_YEAR), so no computed moment overflows.
MAX_OCCURRENCES = 5000
#: The largest COUNT and INTERVAL: far beyond any real event (27 years of a daily one; a step of a thousand
#: days, weeks, months or years), and far inside what calendars can write (RFC 5545 integers are 32 bits).
MAX_COUNT = 10_000
MAX_INTERVAL = 1000
#: The length of a timed event written without an end (see EventMeta.end).
DEFAULT_DURATION = timedelta(hours=2)

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")
#: The rule parts Agora accepts, in the order RFC 5545 lists them (some clients want FREQ first).
RULE_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
              "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
_RANGES = {"BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
           "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True), "BYWEEKNO": (1, 53, True),
           "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True)}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)\Z")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?\Z")
EXAMPLE_RULE = "FREQ=MONTHLY;BYDAY=1TH;COUNT=12"


class RecurrenceError(ValueError):
    """A recurrence rule Agora cannot use; the message says what is wrong, the hint how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Recurrence:
    """A checked RRULE: its canonical text (as calendars get it) and the facts listings need."""

    text: str  # UNTIL in UTC for timed events, a date for all-day ones
    parts: tuple[tuple[str, str], ...]
    count: int | None
    until: date | datetime | None

    @property
    def endless(self) -> bool:
        return self.count is None and self.until is None

    @property
    def freq(self) -> str:
        return dict(self.parts)["FREQ"]

    def rule(self, dtstart: datetime) -> rrule:
        return rrulestr(self.text, dtstart=dtstart)


@dataclass(frozen=True)
class Occurrence:
    """One time an event takes place; `end` is exclusive (the midnight after the last day when all-day)."""

    start: datetime  # aware, in the event's zone
    end: datetime
    all_day: bool

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date() if self.all_day else self.end.date()

    def is_on(self, now: datetime) -> bool:
        return _utc(self.start) <= _utc(now) < _utc(self.end)


@dataclass(frozen=True)
class Timing:
    """When an event happens: its first occurrence, its zone and how it repeats."""

    zone: ZoneInfo
    all_day: bool
    start: datetime  # aware, in `zone`; local midnight when all-day
    end: datetime  # exclusive
    recurrence: Recurrence | None = None
    exdates: tuple[date | datetime, ...] = ()  # as written: a date skips every occurrence starting that day

    @property
    def first(self) -> Occurrence:
        return Occurrence(self.start, self.end, self.all_day)

    @property
    def duration(self) -> timedelta:
        # Exact elapsed time (RFC 5545 3.8.5.3): an evening meetup lasts two hours on the night clocks change too.
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def occurrence_at(self, start: datetime) -> Occurrence:
        if self.all_day:
            days = (self.end.date() - self.start.date()).days
            return Occurrence(start, _midnight(start.date() + timedelta(days=days), self.zone), True)
        return Occurrence(start, (start.astimezone(UTC) + self.duration).astimezone(self.zone), False)

    def rule_starts(self) -> Iterator[datetime]:
        """Every start the rule gives, exceptions included: at most MAX_OCCURRENCES, none after LAST_YEAR."""
        if self.recurrence is None:
            yield self.start
            return
        if self.all_day:
            # All-day rules are expanded on floating dates: the zone only says when each day begins.
            dtstart = self.start.replace(tzinfo=None)
            moments = iter(self.recurrence.rule(dtstart))
        else:
            moments = iter(self.recurrence.rule(self.start))
        moments = takewhile(lambda moment: moment.year <= LAST_YEAR, islice(moments, MAX_OCCURRENCES))
        yield from ((_midnight(moment.date(), self.zone) for moment in moments) if self.all_day else moments)

    def is_excluded(self, start: datetime) -> bool:
        wall = start.replace(tzinfo=None)
        return wall in self._skipped[0] or wall.date() in self._skipped[1]

    @cached_property
    def _skipped(self) -> tuple[frozenset[datetime], frozenset[date]]:
        """The exceptions as local wall-clock times and as whole days: a look-up per occurrence, not a scan."""
        times = frozenset(to_zone(moment, self.zone).replace(tzinfo=None) for moment in self.exdates
                          if isinstance(moment, datetime))
        return times, frozenset(moment for moment in self.exdates if not isinstance(moment, datetime))

    def occurrences(self, now: datetime, horizon: timedelta = HORIZON) -> list[Occurrence]:
        """Occurrences starting up to `horizon` after `now`, plus the first later one when none is on or to come."""
        limit = _utc(now + horizon)
        found: list[Occurrence] = []
        for start in self.rule_starts():
            if self.is_excluded(start):
                continue
            occurrence = self.occurrence_at(start)
            if _utc(start) > limit:
                # Ends grow with starts (every occurrence lasts as long), so the last one found is the latest.
                if not found or _utc(found[-1].end) <= _utc(now):
                    found.append(occurrence)
                break
            found.append(occurrence)
        return found

    def next(self, now: datetime) -> Occurrence | None:
        """The occurrence that is on or comes next (it ends after `now`), if any."""
        return next((o for o in self.occurrences(now) if _utc(o.end) > _utc(now)), None)

    def last(self, now: datetime) -> Occurrence | None:
        """The last occurrence already over at `now`, if any."""
        over = [o for o in self.occurrences(now) if _utc(o.end) <= _utc(now)]
        return over[-1] if over else None

    def shown(self, now: datetime) -> Occurrence:
        """The occurrence a page shows: the current or next one, else the last one, else the first."""
        return self.next(now) or self.last(now) or self.first

    def changes(self, now: datetime) -> list[datetime]:
        """Moments after `now` when this event starts or ends: listings flip then."""
        coming = self.next(now)
        if coming is None:
            return []
        return sorted(m for m in (coming.start, coming.end) if _utc(m) > _utc(now))


def _utc(moment: datetime) -> datetime:
    # Aware date-times that share a tzinfo compare by wall clock, which is wrong across a fold: compare in UTC.
    return moment.astimezone(UTC)


def to_zone(moment: date | datetime, zone: ZoneInfo) -> datetime:
    """A front-matter moment as an aware date-time in `zone`: naive times are local, dates are midnight."""
    if isinstance(moment, datetime):
        return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    return _midnight(moment, zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def zone_of(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """The event's zone; an unknown name falls back to `default` (the events rule reports it)."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return default


def wall_clock_issue(moment: date | datetime, zone: ZoneInfo) -> str | None:
    """'gap' when a local time does not exist in `zone` (clocks jump forward), 'fold' when it happens twice."""
    if not isinstance(moment, datetime) or moment.tzinfo is not None:
        return None  # dates and times with an offset are never ambiguous
    early, late = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "fold" if back == moment else "gap"


def timing_of(meta, default_zone: ZoneInfo) -> Timing:
    """The timing of an event's front matter. Never raises: what the events rule rejects is left out."""
    zone = zone_of(meta.timezone, default_zone)
    all_day = meta.all_day or not isinstance(meta.start, datetime)
    if all_day:
        first = _day(meta.start, zone)
        last = _day(meta.end, zone) if meta.end is not None else first
        start, end = _midnight(first, zone), _midnight(max(last, first) + timedelta(days=1), zone)
    else:
        start = to_zone(meta.start, zone)
        if meta.end is None:
            end = (start.astimezone(UTC) + DEFAULT_DURATION).astimezone(zone)
        elif isinstance(meta.end, datetime):
            end = to_zone(meta.end, zone)
        else:  # a date after a start with a time: the event lasts until that day is over
            end = _midnight(meta.end + timedelta(days=1), zone)
        if end.astimezone(UTC) < start.astimezone(UTC):
            end = start
    recurrence = None
    if meta.recurrence:
        try:
            recurrence = parse_recurrence(meta.recurrence, zone, all_day)
        except RecurrenceError:
            recurrence = None
    exdates = tuple(meta.exdates) if recurrence is not None else ()
    return Timing(zone, all_day, start, end, recurrence, exdates)


def _day(moment: date | datetime, zone: ZoneInfo) -> date:
    if isinstance(moment, datetime):
        return to_zone(moment, zone).date()
    return moment


# -- recurrence rules ------------------------------------------------------------------------------


def parse_recurrence(text: str, zone: ZoneInfo, all_day: bool) -> Recurrence:
    """Check an RRULE as a contributor wrote it and return its canonical form; raise RecurrenceError."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:"):]
    if not body or re.search(r"[\s:]", body):
        raise RecurrenceError("is not an RRULE: write parts like FREQ=MONTHLY separated by ';' on one line",
                              f"for example {EXAMPLE_RULE}")
    parts: dict[str, str] = {}
    for chunk in body.rstrip(";").split(";"):
        key, equals, value = chunk.partition("=")
        key, value = key.upper(), value.upper()
        if not equals or not key or not value:
            raise RecurrenceError(f"'{chunk}' is not a KEY=VALUE part", f"for example {EXAMPLE_RULE}")
        if key not in RULE_PARTS:
            known = did_you_mean(key, RULE_PARTS) or f"known parts: {', '.join(RULE_PARTS)}"
            raise RecurrenceError(f"unknown part '{key}'", known)
        if key in parts:
            raise RecurrenceError(f"{key} is given twice", "keep one")
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError("FREQ is missing", f"say how often it repeats, e.g. {EXAMPLE_RULE}")
    if freq in _TOO_FREQUENT:
        raise RecurrenceError(f"FREQ={freq}: an event repeats at most daily", "use DAILY, WEEKLY, MONTHLY or YEARLY")
    if freq not in FREQUENCIES:
        hint = did_you_mean(freq, FREQUENCIES) or "use DAILY, WEEKLY, MONTHLY or YEARLY"
        raise RecurrenceError(f"FREQ={freq} is not a frequency", hint)
    count = _positive(parts, "COUNT", "the number of occurrences", MAX_COUNT)
    _positive(parts, "INTERVAL", "the step between occurrences; 1 means every time", MAX_INTERVAL)
    if "BYSETPOS" in parts and freq not in ("MONTHLY", "YEARLY"):
        raise RecurrenceError("BYSETPOS only makes sense with FREQ=MONTHLY or YEARLY",
                              "pick the days with BYDAY instead, e.g. BYDAY=MO")
    if count is not None and "UNTIL" in parts:
        raise RecurrenceError("COUNT and UNTIL are both given (RFC 5545 allows one)", "keep COUNT or UNTIL")
    for key, (low, high, signed) in _RANGES.items():
        for value in _list(parts, key):
            number = int(value) if re.fullmatch(r"[+-]?\d+", value) else None
            if number is None or not (low <= abs(number) <= high) or (number < 0 and not signed):
                span = f"{low}..{high}" + (f" or -{high}..-{low}" if signed else "")
                raise RecurrenceError(f"{key}={value} is out of range", f"use {span}")
    for value in _list(parts, "BYDAY"):
        match = _BYDAY.match(value)
        if match is None:
            raise RecurrenceError(f"BYDAY={value} is not a day", "use MO, TU, WE, TH, FR, SA, SU, optionally numbered: 1TH, -1FR")
        if match.group(1):
            limit = {"MONTHLY": 5, "YEARLY": 53}.get(freq)
            if limit is None:
                raise RecurrenceError(f"BYDAY={value}: numbered days only make sense with FREQ=MONTHLY or YEARLY",
                                      f"write BYDAY={match.group(2)}")
            if not 1 <= abs(int(match.group(1))) <= limit:
                raise RecurrenceError(f"BYDAY={value} is out of range", f"number the day from 1 to {limit} or -{limit} to -1")
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise RecurrenceError(f"WKST={parts['WKST']} is not a day", "use MO, TU, WE, TH, FR, SA or SU")
    until = _until(parts.pop("UNTIL"), zone, all_day) if "UNTIL" in parts else None
    if until is not None:
        parts["UNTIL"] = until.strftime("%Y%m%d") if all_day else until.strftime("%Y%m%dT%H%M%SZ")
    ordered = tuple((key, parts[key]) for key in RULE_PARTS if key in parts)
    canonical = ";".join(f"{key}={value}" for key, value in ordered)
    # dateutil is the reference for what remains (e.g. impossible combinations are found below).
    probe = datetime(2000, 1, 1) if all_day else datetime(2000, 1, 1, tzinfo=UTC)
    try:
        rrulestr(canonical, dtstart=probe)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"cannot be read: {exc}", f"for example {EXAMPLE_RULE}") from None
    return Recurrence(canonical, ordered, count, until)


def _list(parts: dict[str, str], key: str) -> list[str]:
    return parts[key].split(",") if key in parts else []


def _positive(parts: dict[str, str], key: str, what: str, most: int) -> int | None:
    if key not in parts:
        return None
    value = parts[key]
    # Digits are counted before int() is called: Python refuses to read more than 4,300 of them.
    if not re.fullmatch(r"[+-]?\d{1,20}", value) or int(value) < 1:
        shown = value if len(value) <= 30 else value[:29] + "…"
        raise RecurrenceError(f"{key}={shown}: must be a whole number, 1 or more", f"{key} is {what}")
    if int(value) > most:
        raise RecurrenceError(f"{key}={value}: must be at most {most:,}", f"{key} is {what}")
    return int(value)


def _until(value: str, zone: ZoneInfo, all_day: bool) -> date | datetime:
    match = _UNTIL.match(value)
    hint = "write UNTIL=20270630 (a date) or UNTIL=20270630T190000 (local time)"
    if match is None:
        raise RecurrenceError(f"UNTIL={value} is not a date", hint)
    year, month, day, hour, minute, second, utc = match.groups()
    try:
        day_ = date(int(year), int(month), int(day))
        moment = datetime(day_.year, day_.month, day_.day, int(hour), int(minute), int(second)) if hour else None
    except ValueError as exc:
        raise RecurrenceError(f"UNTIL={value} is not a real date: {exc}", hint) from None
    if not FIRST_YEAR <= day_.year <= LAST_YEAR:
        raise RecurrenceError(f"UNTIL={value}: the year {day_.year} is out of range",
                              f"write a year between {FIRST_YEAR} and {LAST_YEAR}")
    if all_day:
        return day_
    if moment is None:
        # A date alone means: until that day is over, in the event's zone.
        return (_midnight(day_ + timedelta(days=1), zone) - timedelta(seconds=1)).astimezone(UTC)
    return moment.replace(tzinfo=UTC) if utc else moment.replace(tzinfo=zone).astimezone(UTC)


def first_rule_start(timing: Timing) -> datetime | None:
    """The first start the rule gives from the event's start, or None when it gives none at all."""
    recurrence = timing.recurrence
    if recurrence is None:
        return timing.start
    if not _can_happen(recurrence) or _wrong_weekday(recurrence, timing.start):
        return None  # dateutil would otherwise search day by day until the year 9999 before saying so
    return next(timing.rule_starts(), None)


def _wrong_weekday(recurrence: Recurrence, start: datetime) -> bool:
    # Every 7th (14th...) day is the start's weekday: a daily rule with such a step and other days in BYDAY never
    # gives a date, and dateutil would look for one day after day until the year 9999 (1.4 s for INTERVAL=7).
    parts = dict(recurrence.parts)
    if parts["FREQ"] != "DAILY" or int(parts.get("INTERVAL", "1")) % 7 or "BYDAY" not in parts:
        return False
    return WEEKDAYS[start.weekday()] not in {value[-2:] for value in _list(parts, "BYDAY")}


def _can_happen(recurrence: Recurrence) -> bool:
    # The Gregorian calendar repeats every 400 years, so filters that match no day in the last 400 years
    # dateutil knows match none ever. Daily and weekly rules pick days as a yearly one does, in far fewer steps.
    freq = recurrence.freq
    kept = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY") + (("BYSETPOS",) if freq in ("MONTHLY", "YEARLY") else ())
    filters = [f"{key}={value}" for key, value in recurrence.parts if key in kept]
    if not filters:
        return True
    probe = "YEARLY" if freq in ("DAILY", "WEEKLY") else freq
    rule = rrulestr(";".join([f"FREQ={probe}", *filters]), dtstart=datetime(9599, 1, 1))
    return next(iter(rule), None) is not None


# -- words for readers ------------------------------------------------------------------------------

_WORDS = {
    "fr": {
        "freq": {"DAILY": "Chaque jour", "WEEKLY": "Chaque semaine", "MONTHLY": "Chaque mois", "YEARLY": "Chaque année"},
        "every": {"DAILY": "Tous les {n} jours", "WEEKLY": "Toutes les {n} semaines", "MONTHLY": "Tous les {n} mois",
                  "YEARLY": "Tous les {n} ans"},
        "days": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        "nth": {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", -1: "dernier"},
        "monthly_nth": "Le {nth} {day} {every}", "of_month": {1: "de chaque mois"}, "of_months": "tous les {n} mois",
        "weekly_on": "{every}, le {days}", "monthday": "{every}, le {days}", "and": " et ",
        "count": "{n} fois", "until": "jusqu'au {date}",
    },
    "en": {
        "freq": {"DAILY": "Every day", "WEEKLY": "Every week", "MONTHLY": "Every month", "YEARLY": "Every year"},
        "every": {"DAILY": "Every {n} days", "WEEKLY": "Every {n} weeks", "MONTHLY": "Every {n} months",
                  "YEARLY": "Every {n} years"},
        "days": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        "nth": {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"},
        "monthly_nth": "The {nth} {day} {every}", "of_month": {1: "of every month"}, "of_months": "of every {n} months",
        "weekly_on": "{every}, on {days}", "monthday": "{every}, on day {days}", "and": " and ",
        "count": "{n} times", "until": "until {date}",
    },
}


def describe(recurrence: Recurrence, language: str, format_day=lambda d: d.isoformat()) -> str:
    """The rule in words for common cases ('Le premier jeudi de chaque mois'); the RRULE itself otherwise."""
    words = _WORDS.get(language.split("-")[0], _WORDS["en"])
    parts = dict(recurrence.parts)
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    every = words["freq"][freq] if interval == 1 else words["every"][freq].format(n=interval)
    others = set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY"}
    days = [_BYDAY.match(v).groups() for v in _list(parts, "BYDAY")]
    if others or ("BYDAY" in parts and "BYMONTHDAY" in parts):
        text = recurrence.text
    elif freq == "MONTHLY" and len(days) == 1 and days[0][0] and int(days[0][0]) in words["nth"]:
        nth, day = words["nth"][int(days[0][0])], words["days"][WEEKDAYS.index(days[0][1])]
        of = words["of_month"].get(interval) or words["of_months"].format(n=interval)
        text = words["monthly_nth"].format(nth=nth, day=day, every=of)
    elif days and not any(n for n, _ in days) and freq in ("WEEKLY", "DAILY"):
        text = words["weekly_on"].format(every=every, days=words["and"].join(words["days"][WEEKDAYS.index(d)] for _, d in days))
    elif "BYMONTHDAY" in parts and freq == "MONTHLY":
        text = words["monthday"].format(every=every, days=words["and"].join(_list(parts, "BYMONTHDAY")))
    elif not days:
        text = every
    else:
        text = recurrence.text
    if recurrence.count:
        text += ", " + words["count"].format(n=recurrence.count)
    elif recurrence.until is not None:
        until = recurrence.until
        text += ", " + words["until"].format(date=format_day(until if not isinstance(until, datetime) else until.date()))
    return text

"""Dates as the sources write them, with their time zones kept: TOML and YAML dates, '2015-03-12 10:00:00 +0100',
RFC 822 feed dates, WordPress's GMT columns."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*\Z")
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)")
_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_](.*))?$")


def parse(value: object) -> date | datetime | None:
    """A date or an aware or naive date-time; None for what is no date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, time) or not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            if hour is None:
                return date(int(year), int(month), int(day))
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            return None
        if zone:
            moment = datetime.fromisoformat(moment.isoformat() + _zone(zone))
        return moment
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _zone(zone: str) -> str:
    if zone == "Z":
        return "+00:00"
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"


def from_path(path: str) -> date | None:
    """The date in an address like 2019/05/15/post."""
    match = _PATH_DATE.search(path)
    return _safe_date(*match.groups()) if match else None


def from_name(stem: str) -> tuple[date | None, str]:
    """The date a file name starts with (2015-03-12-title) and the rest of the name."""
    match = _NAME_DATE.match(stem)
    if not match:
        return None, stem
    return _safe_date(*match.groups()[:3]), match.group(4) or stem


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def utc(value: str) -> datetime | None:
    """WordPress's post_date_gmt ('2020-01-02 03:04:05'; '0000-00-00 00:00:00' for none)."""
    moment = parse(value)
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return None

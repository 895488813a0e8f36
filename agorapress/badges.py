"""Badges: the rules of site_config.yaml (recognition.badges) applied to every member, deterministically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .config import Badge, BadgeRule, Text
from .people import People, Profile

#: Rule fields that are "at least N" of a Profile's counts.
_COUNTED = ("contributions", "written", "interviews_conducted", "interviews_given", "events_organised", "topics_claimed")


@dataclass(frozen=True)
class Award:
    """A badge and the members who hold it, in alphabetical order."""

    badge: Badge
    holders: tuple[Profile, ...]

    @property
    def id(self) -> str:
        return self.badge.id


def text(value: Text, language: str) -> str:
    """A label or description in `language`, else English, else the first one written."""
    if isinstance(value, str):
        return value
    for lang in (language, language.split("-")[0], "en"):
        if lang in value:
            return value[lang]
    return next(iter(value.values()))


def holds(rule: BadgeRule, profile: Profile, today: date) -> bool:
    """Whether a member meets every condition of a rule on the day of the build."""
    counts = profile.counts()
    counts["contributions"] = profile.count
    for name in _COUNTED:
        wanted = getattr(rule, name)
        if wanted is not None and counts[name] < wanted:
            return False
    if rule.committee == "current" and not profile.on_committee:
        return False
    if rule.committee == "former" and not profile.former_committee:
        return False
    if rule.years_since_joined is not None:
        joined = profile.joined
        if joined is None or _years_between(joined, today) < rule.years_since_joined:
            return False
    return True


def _years_between(start: date, end: date) -> int:
    """Whole years from start to end (an anniversary on 29 February falls on 1 March)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def award(people: People) -> list[Award]:
    """Every badge of the config, in its order, with its holders (alphabetical); computed from the graph only."""
    today = people.graph.now.date()
    everyone = people.sorted("alphabetical")
    return [Award(badge, tuple(p for p in everyone if holds(badge.rule, p, today)))
            for badge in people.graph.config.recognition.badges]


def badges_by_member(awards: list[Award]) -> dict[str, list[Badge]]:
    """Each member's badges, in the config's order; members without a badge are absent."""
    held: dict[str, list[Badge]] = {}
    for entry in awards:
        for profile in entry.holders:
            held.setdefault(profile.handle, []).append(entry.badge)
    return held

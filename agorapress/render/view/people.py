"""Members as templates show them: profiles, the wall's orders, badges, avatars."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ...avatars import Initials, initials
from ...badges import Award, award, badges_by_member, text
from ...config import Badge
from ...content.kinds import KINDS
from ...content.loader import Item
from ...images import AVATAR_SIZES
from ...people import Profile


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


class PeopleView:
    """`agora.profiles(...)`, `agora.badges()`, `agora.avatar(handle)`...: needs `self.graph`, `self.people` and
    `self.locale`."""

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

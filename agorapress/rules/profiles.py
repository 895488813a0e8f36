"""Who is who: one profile per GitHub login, handles nobody can mistake or squat, avatars that are real images."""

from __future__ import annotations

import posixpath

from ..content.kinds import AVATAR_SUFFIXES, RESERVED_HANDLES
from ..content.loader import CONTENT_DIR, Item
from ..graph import SiteGraph
from ..images import check_image
from ..lookalikes import skeleton
from ..problems import Problem


def check_profiles(graph: SiteGraph) -> list[Problem]:
    """Reserved and look-alike handles, shared GitHub logins, and avatars that are not safe images."""
    profiles = [graph.contributors[handle] for handle in sorted(graph.contributors)]
    # An imported profile has no login until its member claims it: nobody's identity, so no login check applies.
    claimed = [item for item in profiles if item.meta.github]
    problems = _reserved(profiles)
    problems += _unclaimed(profiles)
    problems += _duplicate_github(claimed)
    problems += _lookalikes(profiles, "handle", lambda item: item.slug)
    problems += _lookalikes(claimed, "github", lambda item: item.meta.github)
    problems += _avatars(graph, profiles)
    return problems


def _reserved(profiles: list[Item]) -> list[Problem]:
    return [Problem(item.path, 1, "reserved-handle", "", f"'{item.slug}' is a name the portal keeps for itself",
                    f"rename the file, e.g. content/contributors/{item.slug}-{(item.meta.github or 'member').lower()}.md")
            for item in profiles if item.slug in RESERVED_HANDLES]


def _unclaimed(profiles: list[Item]) -> list[Problem]:
    return [Problem(item.path, 1, "unclaimed-profile", "github", f"'{item.slug}' has no GitHub login yet (an imported "
                    "profile)", "the member adds 'github: <their login>' in a pull request of their own to claim it",
                    "warning")
            for item in profiles if not item.meta.github]


def _duplicate_github(profiles: list[Item]) -> list[Problem]:
    # GitHub logins are case-insensitive: 'Ana' and 'ana' are the same account.
    owners: dict[str, list[Item]] = {}
    for item in profiles:
        owners.setdefault(item.meta.github.casefold(), []).append(item)
    problems = []
    for items in owners.values():
        for item in items if len(items) > 1 else []:
            others = ", ".join(other.path for other in items if other is not item)
            problems.append(Problem(item.path, item.line_of("github"), "duplicate-github", "github",
                                    f"the GitHub login '{item.meta.github}' is also on {others}",
                                    "a member has one profile: merge them, or correct the login"))
    return problems


def _lookalikes(profiles: list[Item], what: str, value_of) -> list[Problem]:
    """Values that differ but read the same (case, 'rn' for 'm', '0' for 'o', Cyrillic 'а' for 'a'): one
    member could pass for another. A handle is chosen here, so it is an error; a GitHub login is a fact
    about an account elsewhere, and two real people may own such logins, so reviewers are warned."""
    groups: dict[str, list[Item]] = {}
    for item in profiles:
        groups.setdefault(skeleton(value_of(item)), []).append(item)
    problems = []
    for items in groups.values():
        # Exactly equal values are another check's business (duplicate-github; the file system for handles).
        if len({value_of(item).casefold() for item in items}) < 2:
            continue
        for item in items:
            others = [other for other in items if value_of(other).casefold() != value_of(item).casefold()]
            names = ", ".join(f"'{value_of(o)}' ({o.path})" for o in others)
            if what == "github":
                problems.append(Problem(item.path, item.line_of("github"), "lookalike-github", "github",
                                        f"'{value_of(item)}' can be mistaken for {names}",
                                        "check that these are two different people before merging", "warning"))
            else:
                problems.append(Problem(item.path, 1, "lookalike-handle", "", f"'{value_of(item)}' can be mistaken for {names}",
                                        "rename the file to a handle that cannot be read as another member's"))
    return problems


def _avatars(graph: SiteGraph, profiles: list[Item]) -> list[Problem]:
    if graph.root is None:
        return []
    problems = []
    limit = graph.config.moderation.max_image_kb * 1024
    for item in profiles:
        avatar = item.meta.avatar
        if not avatar:
            continue
        suffix = posixpath.splitext(avatar)[1].lower()
        reason = None
        if suffix == ".svg":
            reason = "is an SVG image, which can carry scripts; use a PNG, JPEG or WebP image"
        elif suffix not in AVATAR_SUFFIXES:
            reason = "is not a .png, .jpg or .webp file"
        elif f"contributors/{avatar}" in graph.static:  # a missing file is already reported by the graph
            reason = check_image(graph.root / CONTENT_DIR / "contributors" / avatar, limit)
        if reason:
            if "limit" in reason:
                hint = "make it smaller: 512×512 pixels is plenty for an avatar"
            elif "SVG" in reason:
                hint = "export the drawing as PNG or WebP, or remove 'avatar:' to get initials"
            else:
                hint = "use a PNG, JPEG or WebP photo or drawing, or remove 'avatar:' to get initials"
            problems.append(Problem(item.path, item.line_of("avatar"), "bad-avatar", "avatar", f"'{avatar}' {reason}", hint))
    return problems

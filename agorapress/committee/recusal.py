"""Recusal: the members whose approval does not count on a change, and why, from the files before and after it.

Nobody reviews their own work or their own office: a member is recused when the change touches an item that
credits them (author, co-author, organiser, interviewer, interviewee who is a member), their own profile, an item
whose `conflicts:` names them, or their own seat in site_config.yaml (a seat added, removed or edited: term,
role or sections). Everything is read from texts, never from a loaded portal, so `agora review` names the same
members whether it reads Git or GitHub's API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .. import yamlstrict
from ..config import CONFIG_FILE
from ..content.kinds import CREDIT_FIELDS, KINDS
from ..content.loader import CONTENT_DIR
from ..content.source import split_front_matter

Reader = Callable[[str], "str | None"]


def recusals(paths: Iterable[str], old: Reader, new: Reader) -> dict[str, str]:
    """handle -> why their approval does not count, for a change to `paths` (texts before: `old`, after: `new`)."""
    found: dict[str, str] = {}
    for path in sorted(set(paths)):
        if path == CONFIG_FILE:
            for handle, why in seats_changed(old(path), new(path)).items():
                found.setdefault(handle, why)
            continue
        for text in (new(path), old(path)):
            for handle, why in sorted(people_of(path, text).items()):
                found.setdefault(handle, why)
    return dict(sorted(found.items()))


def people_of(path: str, text: str | None) -> dict[str, str]:
    """The members an item or a profile at `path` names, each with why that recuses them."""
    path = path.replace("\\", "/").removeprefix("./").lstrip("/")
    prefix = f"{CONTENT_DIR}/contributors/"
    markdown = path.lower().endswith(".md")
    if path.startswith(prefix) and markdown and "/" not in path[len(prefix):]:
        return {path[len(prefix):-3]: f"the profile {path} is theirs"}
    top = path[len(CONTENT_DIR) + 1:].partition("/")[0] if path.startswith(f"{CONTENT_DIR}/") else ""
    if top not in KINDS or not markdown or text is None:
        return {}
    source = split_front_matter(text.replace("\r\n", "\n"), "", "", [])
    data = source.doc.data if source is not None else None
    if not isinstance(data, dict):
        return {}
    found: dict[str, str] = {}
    for name in CREDIT_FIELDS:
        for handle in data.get(name) if isinstance(data.get(name), list) else ():
            found.setdefault(str(handle), f"{path} credits them ({name})")
    interviewee = data.get("interviewee")
    if isinstance(interviewee, dict) and isinstance(interviewee.get("handle"), str):
        found.setdefault(interviewee["handle"], f"{path} quotes them (interviewee)")
    for handle in data.get("conflicts") if isinstance(data.get("conflicts"), list) else ():
        found.setdefault(str(handle), f"{path} lists them in conflicts")
    return found


def seats_changed(old: str | None, new: str | None) -> dict[str, str]:
    """Members whose own seats differ between two versions of site_config.yaml (added, removed or edited)."""
    before, after = _seats(old), _seats(new)
    changed = {}
    for handle in sorted(set(before) | set(after)):
        if before.get(handle, []) != after.get(handle, []):
            changed[handle] = f"the change modifies their own seat in {CONFIG_FILE}"
    return changed


def _seats(text: str | None) -> dict[str, list[str]]:
    """handle -> their seats, each as comparable text; an unreadable config has no seats."""
    if text is None:
        return {}
    data = yamlstrict.load(text).data
    committee = data.get("committee") if isinstance(data, dict) else None
    members = committee.get("members") if isinstance(committee, dict) else None
    seats: dict[str, list[str]] = {}
    for seat in members if isinstance(members, list) else ():
        if isinstance(seat, dict) and isinstance(seat.get("handle"), str):
            seats.setdefault(seat["handle"], []).append(repr(sorted((str(k), repr(v)) for k, v in seat.items())))
    return {handle: sorted(found) for handle, found in seats.items()}

"""Consent: the members a pull request credits, quotes or takes a credit from, each of whom must agree to it.

A change speaks in a member's name when it credits them on an item (author, co-author, organiser, interviewer),
quotes them as an interviewee, attaches a translation to their item, says they proposed or claimed a board topic,
or takes such a credit away from them. Each needs that member's consent: they opened the pull request, or they
approved it at its latest commit. That approval is their consent only: it never counts toward the quorum.

Everything here is a function of the files' texts before and after the change, so `agora check` (reading Git and
the work tree) and `agora review` (reading Git or GitHub's API) name the same members. Credits are compared as
sets of (field, member): moving a name within a list changes nothing, and no answer depends on an order.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from .. import yamlstrict
from ..content.kinds import BOARD_FILE, CREDIT_FIELDS, KINDS
from ..content.loader import CONTENT_DIR
from ..content.source import split_front_matter

#: Front-matter fields that credit members, and what being in each means, for people.
CREDITS = {"authors": "an author", "organizers": "an organiser", "interviewers": "an interviewer",
           "interviewee": "the interviewee"}
#: Fields of a board topic that name a member.
TOPIC_CREDITS = {"proposed_by": "proposed", "claimed_by": "volunteered for"}
BOARD_PATH = f"{CONTENT_DIR}/{BOARD_FILE}"

Reader = Callable[[str], "str | None"]
#: (section folder, slug) -> the handles of that item's people at the base, or None when there is no such item.
Originals = Callable[[str, str], "set[str] | None"]


@dataclass(frozen=True, order=True)
class Consent:
    """One member whose consent a change needs, and where the change names them."""

    handle: str  # the member: their handle, case and width folded as the portal spells handles
    path: str  # the file, from the repository root
    line: int  # the line of the field in the pull request's version (0: the file as a whole)
    field: str  # authors[1], interviewee.handle, translation_of, topics[2].claimed_by...
    what: str  # what the change does in their name, for people
    undo: str  # how the author can do without their consent

    @property
    def message(self) -> str:
        return f"{self.what}: {self.handle}'s consent is needed"

    def hint(self, login: str | None) -> str:
        if not login:
            return f"'{self.handle}' has no profile at the base, so nobody can consent for them: {self.undo}"
        return f"ask @{login} to approve this pull request, or {self.undo}"


class Revision(Protocol):
    """One version of the repository's files (see agorapress.revisions)."""

    def files(self, folder: str) -> list[str]: ...

    def texts(self, paths: list[str]) -> dict[str, str | None]: ...


def member(value: object) -> str:
    """A handle as written in a file, folded as handles are spelled (lowercase ASCII): 'Bob', 'ｂｏｂ' -> 'bob'."""
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def names_people(path: str) -> bool:
    """True when the file's versions say whom a change credits (an item, or the board)."""
    return path == BOARD_PATH or _kind(path) is not None


def needed_consents(paths: Iterable[str], before: Reader, after: Reader, authors: Iterable[str | None],
                    originals: Originals) -> list[Consent]:
    """Every consent the change of `paths` needs, `before` and `after` giving each file's text (None: absent).
    `authors` are the pull request author's handles (at the base, and the profile it adds): they consent by
    opening it."""
    mine = {member(handle) for handle in authors if handle}
    found: set[Consent] = set()
    for path in sorted({_clean(p) for p in paths}):
        if path == BOARD_PATH:
            found.update(_board(path, before(path), after(path), mine))
        elif (kind := _kind(path)) is not None:
            found.update(_item(path, kind, before(path), after(path), mine, originals))
    return sorted(found)


def find_original(revision: Revision, kind: str, slug: str) -> set[str] | None:
    """The people of the item of section `kind` whose slug is `slug` in `revision`, or None when there is none.
    The file named after the slug is read first; the whole section only when it does not say that slug."""
    folder = f"{CONTENT_DIR}/{kind}"
    paths = [p for p in revision.files(folder) if p.lower().endswith(".md")]
    named = [p for p in paths if posixpath.splitext(posixpath.basename(p))[0] == slug]
    for batch in (named, [p for p in paths if p not in named]):
        for path, text in sorted(revision.texts(batch).items()):
            data, _, credits = _credits(text)
            own = data.get("slug")
            if (own if isinstance(own, str) and own else posixpath.splitext(posixpath.basename(path))[0]) == slug:
                return {credit.handle for credit in credits if credit.role != "interviewee"}
    return None


@dataclass(frozen=True)
class _Credit:
    role: str  # a key of CREDITS, or of TOPIC_CREDITS
    handle: str
    field: str
    line: int
    topic: str = ""  # the board topic's id


def _item(path: str, kind: str, before: str | None, after: str | None, mine: set[str],
          originals: Originals) -> list[Consent]:
    old_data, _, old = _credits(before)
    new_data, doc, new = _credits(after)
    had = {(c.role, c.handle) for c in old}
    has = {(c.role, c.handle) for c in new}
    sole = sum(c.role == "authors" for c in new) == 1
    found = []
    for credit in new:
        if (credit.role, credit.handle) in had or credit.handle in mine:
            continue
        if credit.role == "authors":
            what = f"names '{credit.handle}' as the only author" if sole else f"credits '{credit.handle}' as a co-author"
        elif credit.role == "interviewee":
            what = f"quotes '{credit.handle}' as the interviewee"
        else:
            what = f"lists '{credit.handle}' as {CREDITS[credit.role]}"
        found.append(Consent(credit.handle, path, credit.line, credit.field, what, "remove them"))
    for credit in old:
        if (credit.role, credit.handle) in has or credit.handle in mine:
            continue
        where = "interviewee.handle" if credit.role == "interviewee" else credit.role
        if after is None:
            what = f"deletes an item that credits '{credit.handle}' as {CREDITS[credit.role]}"
            line = 0
        else:
            what = f"takes away the credit of '{credit.handle}' as {CREDITS[credit.role]}"
            line = doc.lines.get(tuple(where.split(".")), 0) if doc is not None else 0
        found.append(Consent(credit.handle, path, line, where, what, "keep their credit as it was"))
    found += _requoted(path, before, after, old_data, new_data, old, new, doc, mine)
    target = new_data.get("translation_of")
    if isinstance(target, str) and target and target != old_data.get("translation_of"):
        people = originals(kind, target) or set()
        line = doc.line_of(("translation_of",)) if doc is not None else 0
        if not people & mine:  # a translation of one's own text needs nobody else
            found += [Consent(handle, path, line, "translation_of", f"attaches a translation to '{target}', "
                              f"an item by '{handle}'", "remove translation_of") for handle in sorted(people)]
    return found


def _requoted(path: str, before: str | None, after: str | None, old_data: dict, new_data: dict, old: list[_Credit],
              new: list[_Credit], doc: yamlstrict.YamlDocument | None, mine: set[str]) -> list[Consent]:
    """A member quoted as the interviewee both before and after, whose words (the body, or what the interview says
    of them) the change rewrites: they are quoted again, so they consent again."""
    if before is None or after is None:
        return []
    quoted = {c.handle for c in old if c.role == "interviewee"} & {c.handle for c in new if c.role == "interviewee"}
    if not quoted - mine or (_body(before) == _body(after) and _said_of(old_data) == _said_of(new_data)):
        return []
    line = doc.line_of(("interviewee", "handle")) if doc is not None else 0
    return [Consent(handle, path, line, "interviewee.handle", f"changes what '{handle}' is quoted as saying",
                    "keep their words as they were") for handle in sorted(quoted - mine)]


def _said_of(data: dict) -> object:
    """What an interview says of its interviewee but their handle (whose spelling changes nobody: see `member`)."""
    interviewee = data.get("interviewee")
    return {k: v for k, v in interviewee.items() if k != "handle"} if isinstance(interviewee, dict) else interviewee


def _body(text: str) -> str:
    source = split_front_matter(text, "", "", [])
    return source.body.strip() if source is not None else text


def _board(path: str, before: str | None, after: str | None, mine: set[str]) -> list[Consent]:
    _, _, old = _topic_credits(before)
    doc, topics, new = _topic_credits(after)
    had = {(c.topic, c.role, c.handle) for c in old}
    has = {(c.topic, c.role, c.handle) for c in new}
    found = []
    for credit in new:
        if (credit.topic, credit.role, credit.handle) in had or credit.handle in mine:
            continue
        what = f"says '{credit.handle}' {TOPIC_CREDITS[credit.role]} the board topic '{credit.topic}'"
        found.append(Consent(credit.handle, path, credit.line, credit.field, what, "remove them"))
    for credit in old:
        if (credit.topic, credit.role, credit.handle) in has or credit.handle in mine:
            continue
        role = "proposer" if credit.role == "proposed_by" else "volunteer"
        what = f"removes '{credit.handle}' as the {role} of the board topic '{credit.topic}'"
        # Where the topic is now, or the list it was taken from.
        field, line = topics.get(credit.topic, ("topics", doc.lines.get(("topics",), 0) if doc else 0))
        found.append(Consent(credit.handle, path, line, field, what, "keep the topic as it was"))
    return found


def _credits(text: str | None) -> tuple[dict, yamlstrict.YamlDocument | None, list[_Credit]]:
    """An item's front matter, its lines, and every credit in it (a lone handle where a list belongs included)."""
    source = split_front_matter(text, "", "", []) if text is not None else None
    if source is None or not isinstance(source.doc.data, dict):
        return {}, source.doc if source is not None else None, []
    data, doc = source.doc.data, source.doc
    credits = []
    for role in CREDIT_FIELDS:
        value = data.get(role)
        if isinstance(value, list):
            credits += [_Credit(role, member(v), f"{role}[{i}]", doc.line_of((role, i))) for i, v in enumerate(value)
                        if _is_name(v)]
        elif _is_name(value):
            credits.append(_Credit(role, member(value), role, doc.line_of((role,))))
    interviewee = data.get("interviewee")
    if isinstance(interviewee, dict) and _is_name(interviewee.get("handle")):
        credits.append(_Credit("interviewee", member(interviewee["handle"]), "interviewee.handle",
                               doc.line_of(("interviewee", "handle"))))
    return data, doc, credits


def _topic_credits(text: str | None) -> tuple[yamlstrict.YamlDocument | None, dict[str, tuple[str, int]], list[_Credit]]:
    """The board's lines, each topic's place (id -> field, line; the first of a repeated id) and every credit."""
    doc = yamlstrict.load(text) if text else None
    topics = doc.data.get("topics") if doc is not None and isinstance(doc.data, dict) else None
    places: dict[str, tuple[str, int]] = {}
    credits = []
    for index, topic in enumerate(topics if isinstance(topics, list) else []):
        if not isinstance(topic, dict):
            continue
        topic_id = str(topic.get("id"))
        places.setdefault(topic_id, (f"topics[{index}]", doc.line_of(("topics", index))))
        for role in TOPIC_CREDITS:
            if _is_name(topic.get(role)):
                credits.append(_Credit(role, member(topic[role]), f"topics[{index}].{role}",
                                       doc.line_of(("topics", index, role)), topic_id))
    return doc, places, credits


def _is_name(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip() != ""


def _kind(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == CONTENT_DIR and parts[1] in KINDS and parts[1] != "contributors" \
            and path.lower().endswith(".md"):  # '.MD' is refused by the loader, but still names people
        return parts[1]
    return None


def _clean(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./").lstrip("/")

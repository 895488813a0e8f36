"""The review decision: has the committee approved a pull request, by the rules of the sections it touches?

The reviews come in the shape GitHub's REST API gives them (`GET /repos/{owner}/{repo}/pulls/{n}/reviews`).
Only current committee members count (GitHub login -> handle through the profiles, case-insensitively);
each reviewer's latest decisive review counts (a comment changes nothing, a dismissal withdraws it); an
approval of a commit other than the head does not count (and none counts when the head is not known);
neither the pull request's author nor the people of a changed item, nor anyone whose consent it needs,
count; one "changes requested" from a member blocks; the number needed is that of the strictest part of
the portal the pull request touches. And every consent it needs (committee/consent.py) must be given: the
member opened the pull request, or approved its head. A consent is not a committee approval, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from ..config import CONFIG_FILE, Config
from ..content.kinds import BOARD_FILE, CREDIT_FIELDS, KINDS, MEDIA_FOLDER
from ..content.loader import CONTENT_DIR
from ..content.source import split_front_matter
from .consent import Consent
from .terms import Term, current_members, editors_of, governance_needed, terms

GOVERNANCE = "governance"
#: Front-matter fields that name the people an item belongs to.
PEOPLE_FIELDS = CREDIT_FIELDS
STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING")


@dataclass(frozen=True)
class Review:
    """One review as GitHub lists it; `submitted_at` is None while it is pending."""

    id: int
    login: str | None  # None: a deleted account
    state: str
    commit_id: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class Requirement:
    """What one part of the portal touched by the pull request needs."""

    area: str  # a content folder, media, board or governance
    needed: int
    rule: str  # the rule in words, e.g. "2 approvals" or "a majority of the 4 members (3)"
    paths: tuple[str, ...]


@dataclass(frozen=True)
class ConsentState:
    """One consent the pull request needs, and whether it was given."""

    handle: str
    login: str | None  # their GitHub login at the base; None: no profile, nobody can consent
    path: str
    line: int
    field: str
    what: str
    given: bool
    why: str  # how it was given, or why it is still missing


@dataclass
class Decision:
    """Whether the quorum is met, and everything a reviewer needs to know about why."""

    met: bool
    needed: int
    requirements: list[Requirement]
    approved: list[str] = field(default_factory=list)  # handles whose approval counts
    blocking: list[str] = field(default_factory=list)  # handles who requested changes
    stale: list[str] = field(default_factory=list)  # handles who approved an older commit
    could_review: list[str] = field(default_factory=list)  # members whose approval would count, owners first
    not_counted: list[tuple[str, str]] = field(default_factory=list)  # (login, why)
    reasons: list[str] = field(default_factory=list)  # why the quorum is not met
    consents: list[ConsentState] = field(default_factory=list)  # every consent needed, given or not
    recused: list[tuple[str, str]] = field(default_factory=list)  # (handle, why) of members in office recused

    @property
    def missing(self) -> int:
        return max(0, self.needed - len(self.approved))

    @property
    def missing_consents(self) -> list[ConsentState]:
        return [state for state in self.consents if not state.given]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["missing"] = self.missing
        data["missing_consents"] = sorted({state.handle for state in self.missing_consents})
        data["not_counted"] = [{"login": login, "why": why} for login, why in self.not_counted]
        data["recused"] = [{"handle": handle, "why": why} for handle, why in self.recused]
        return data


def parse_reviews(data: object) -> list[Review]:
    """The reviews of GitHub's API response (a JSON list), checked; a ValueError says what is wrong."""
    if not isinstance(data, list):
        raise ValueError("expected a JSON list of reviews, as GitHub's API returns it")
    reviews = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise ValueError(f"reviews[{index}]: expected an object")
        state = entry.get("state")
        if state not in STATES:
            raise ValueError(f"reviews[{index}].state: expected one of {', '.join(STATES)}, found {state!r}")
        user = entry.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        if user is not None and not isinstance(login, str):
            raise ValueError(f"reviews[{index}].user.login: missing")
        submitted = entry.get("submitted_at")
        try:
            when = datetime.fromisoformat(submitted.replace("Z", "+00:00")) if submitted else None
        except (AttributeError, ValueError):
            raise ValueError(f"reviews[{index}].submitted_at: not an ISO date-time: {submitted!r}") from None
        if when is not None and when.tzinfo is None:
            raise ValueError(f"reviews[{index}].submitted_at: give a time zone, e.g. 2026-11-20T10:00:00Z")
        commit = entry.get("commit_id")
        review_id = entry.get("id", index)
        if not isinstance(review_id, int) or (commit is not None and not isinstance(commit, str)):
            raise ValueError(f"reviews[{index}]: 'id' must be a number and 'commit_id' a string")
        reviews.append(Review(review_id, login, state, commit, when))
    return reviews


def people_in(path: str, text: str | None) -> set[str]:
    """Handles whose approval of a change to `path` (text given) would be approving their own work:
    a profile's member; an item's authors, organisers and interviewers."""
    path = path.replace("\\", "/").removeprefix("./").lstrip("/")
    prefix = f"{CONTENT_DIR}/contributors/"
    markdown = path.lower().endswith(".md")  # '.MD' is refused by the loader, but still somebody's text
    if path.startswith(prefix) and markdown and "/" not in path[len(prefix):]:
        return {path[len(prefix):-3]}
    if area_of(path) not in KINDS or not markdown or text is None:
        return set()
    source = split_front_matter(text.replace("\r\n", "\n"), "", "", [])
    data = source.doc.data if source is not None else None
    if not isinstance(data, dict):
        return set()
    return {str(handle) for name in PEOPLE_FIELDS if isinstance(data.get(name), list) for handle in data[name]}


def area_of(path: str) -> str:
    """The part of the portal a changed file belongs to: a content folder, media, board or governance."""
    path = path.replace("\\", "/").removeprefix("./").lstrip("/")
    prefix = f"{CONTENT_DIR}/"
    if not path.startswith(prefix):
        return GOVERNANCE
    rest = path[len(prefix):]
    if rest == BOARD_FILE:
        return "board"
    top, _, below = rest.partition("/")
    if below and (top in KINDS or top == MEDIA_FOLDER):
        return top
    return GOVERNANCE  # a file content/ does not read is not content: treat it as the strictest kind


def requirements(config: Config, today: date, changed: Iterable[str]) -> list[Requirement]:
    """What each touched part needs, in the order of the config's rules, governance last."""
    by_area: dict[str, list[str]] = {}
    for path in sorted(set(changed)):
        by_area.setdefault(area_of(path), []).append(path)
    approvals = config.review.approvals
    strictest_section = max(approvals.values(), default=1)
    found = []
    for area, paths in by_area.items():
        if area == GOVERNANCE:
            needed = governance_needed(config, today)
            size = len(current_members(config, today))
            rule = (f"a majority of the {size} members of the committee ({needed})"
                    if config.review.governance == "majority" else _approvals(needed))
        elif area in approvals:
            needed, rule = approvals[area], _approvals(approvals[area])
        else:
            needed, rule = strictest_section, f"{_approvals(strictest_section)} (no rule of its own: the strictest section's)"
        found.append(Requirement(area, needed, rule, tuple(paths)))
    order = {area: index for index, area in enumerate([*approvals, "media", "board", GOVERNANCE])}
    return sorted(found, key=lambda r: (order.get(r.area, len(order)), r.area))


def _approvals(number: int) -> str:
    return "no approval" if number == 0 else "1 approval" if number == 1 else f"{number} approvals"


def decide(config: Config, logins: Mapping[str, str], today: date, author: str, changed: Iterable[str],
           reviews: list[Review], head: str | None,
           people: Mapping[str, Iterable[str]] | None = None, consents: Iterable[Consent] = (),
           newcomers: Mapping[str, str] | None = None, recused: Mapping[str, str] | None = None) -> Decision:
    """The decision on a pull request by `author` (GitHub login) at commit `head` changing `changed` (paths from
    the repository root), given its `reviews`. `logins` maps handles to GitHub logins (the profiles at the base);
    `people` maps changed items to the handles of their authors, organisers and interviewers, whose approval
    does not count; `consents` are the members the change speaks for, who must each approve it (or have opened
    it), `newcomers` the logins of the profiles it adds (a member it creates consents with that login; it never
    makes anyone a reviewer), `recused` the members whose approval does not count and why (committee/recusal.py).
    Without `head` no approval can be matched to the latest commit: none counts."""
    handle_of = {login.casefold(): handle for handle, login in logins.items()}
    seats = terms(config, today)
    committee = current_members(config, today)
    author_handle = handle_of.get(author.casefold())
    involved = {handle: f"{handle} is among the people of {path}"
                for path, handles in sorted((people or {}).items()) for handle in handles}
    for handle, why in sorted((recused or {}).items()):
        involved.setdefault(handle, f"{handle} is recused: {why}")
    consents = sorted(set(consents))
    for handle in sorted({consent.handle for consent in consents}):
        first = next(consent for consent in consents if consent.handle == handle)
        if handle in involved:
            involved[handle] += ": their approval is their consent, not a committee approval"
        else:
            involved[handle] = (f"{handle}'s consent is needed ({first.what}): their approval is that consent, "
                                "not a committee approval")
    reqs = requirements(config, today, changed)
    needed = max((r.needed for r in reqs), default=1)
    decision = Decision(False, needed, reqs)
    latest = _latest(reviews)

    for login, review in latest.items():
        handle = handle_of.get(login.casefold())
        why = _not_a_reviewer(login, handle, author, author_handle, committee, seats)
        if why:
            decision.not_counted.append((login, why + _what(review)))
        elif review.state == "CHANGES_REQUESTED":
            decision.blocking.append(handle)
        elif handle in involved:
            decision.not_counted.append((login, involved[handle] + _what(review)))
        elif not head:
            decision.not_counted.append((login, "the pull request's latest commit is not known (--head): no approval "
                                                "can be matched to it"))
        elif not _same_commit(review.commit_id, head):
            decision.stale.append(handle)
            decision.not_counted.append((login, f"approved {_short(review.commit_id)}, not the latest commit {_short(head)}: "
                                                "approve again"))
        else:
            decision.approved.append(handle)

    eligible = [h for h in committee if h != author_handle and h not in involved]
    owners = [h for r in reqs for h in _owners(config, today, r.area)]
    waiting = [h for h in eligible if h not in decision.approved and h not in decision.blocking]
    decision.could_review = sorted(waiting, key=lambda h: (h not in owners, owners.index(h) if h in owners else 0, h))
    decision.approved.sort(key=committee.index)
    decision.blocking.sort(key=committee.index)
    decision.stale.sort(key=committee.index)
    decision.not_counted.sort()
    known = {**(newcomers or {}), **logins}  # a profile at the base is never replaced by the pull request's
    decision.consents = [_consent_state(c, known, author, latest, head) for c in consents]
    decision.recused = [(handle, involved[handle]) for handle in committee if handle in involved]
    decision.reasons = _reasons(decision, eligible)
    decision.met = not decision.reasons
    return decision


def _consent_state(consent: Consent, logins: Mapping[str, str], author: str, latest: dict[str, Review],
                   head: str | None) -> ConsentState:
    """Whether the member concerned gave their consent: they opened the pull request, or approved its head."""
    login = next((login for handle, login in sorted(logins.items()) if handle.casefold() == consent.handle), None)
    review = next((r for name, r in latest.items() if login and name.casefold() == login.casefold()), None)
    given, why = False, "has not approved the pull request"
    if login is None:
        why = "has no profile at the base: nobody can consent for them"
    elif login.casefold() == author.casefold():
        given, why = True, "opened the pull request"
    elif review is None:
        pass
    elif review.state == "CHANGES_REQUESTED":
        why = "requested changes"
    elif not head:
        why = "the pull request's latest commit is not known (--head)"
    elif not _same_commit(review.commit_id, head):
        why = f"approved {_short(review.commit_id)}, not the latest commit {_short(head)}: approve again"
    else:
        given, why = True, "approved the latest commit"
    return ConsentState(consent.handle, login, consent.path, consent.line, consent.field, consent.what, given, why)


def _latest(reviews: list[Review]) -> dict[str, Review]:
    """Each reviewer's latest decisive review (approval or changes requested), by login as written last."""
    latest: dict[str, Review] = {}
    submitted = [r for r in reviews if r.submitted_at is not None and r.state != "PENDING" and r.login]
    # Chronological: the API lists reviews oldest first, but the decision must not depend on that.
    for review in sorted(submitted, key=lambda r: (r.submitted_at.timestamp(), r.id)):
        key = review.login.casefold()
        if review.state == "DISMISSED":
            latest.pop(key, None)  # a dismissed review withdraws the reviewer's decision
        elif review.state in ("APPROVED", "CHANGES_REQUESTED"):
            latest[key] = review
    return {review.login: review for review in sorted(latest.values(), key=lambda r: r.login.casefold())}


def _not_a_reviewer(login: str, handle: str | None, author: str, author_handle: str | None,
                    committee: list[str], seats: list[Term]) -> str:
    """Why this reviewer does not count at all, or an empty string when they do."""
    if login.casefold() == author.casefold() or (handle is not None and handle == author_handle):
        return "the author of the pull request"
    if handle is None:
        return "no profile has this GitHub login: not on the committee"
    if handle in committee:
        return ""
    theirs = [seat for seat in seats if seat.handle == handle]
    former = [seat for seat in theirs if seat.status == "former"]
    upcoming = [seat for seat in theirs if seat.status == "upcoming"]
    if former:
        return f"{handle} is a former member (term ended {max(s.end for s in former).isoformat()})"
    if upcoming:
        return f"{handle}'s term begins {min(s.start for s in upcoming).isoformat()}"
    return f"{handle} is not on the committee"


def _what(review: Review) -> str:
    return "; their request for changes does not block" if review.state == "CHANGES_REQUESTED" else ""


def _same_commit(commit: str | None, head: str) -> bool:
    # A full SHA from the API against --head, which may be abbreviated (at least 7 characters).
    if not commit:
        return False
    commit, head = commit.lower(), head.lower()
    return commit == head or (len(head) >= 7 and commit.startswith(head))


def _short(sha: str | None) -> str:
    return (sha or "an unknown commit")[:7]


def _owners(config: Config, today: date, area: str) -> list[str]:
    """Members GitHub asks first (CODEOWNERS): a section's editors and the editor-in-chief."""
    return editors_of(config, today, area) if area in config.sections or area in KINDS else []


def _reasons(decision: Decision, eligible: list[str]) -> list[str]:
    reasons = []
    waiting: dict[str, list[ConsentState]] = {}
    for state in decision.missing_consents:
        waiting.setdefault(state.handle, []).append(state)
    for handle, states in sorted(waiting.items()):
        who = f"{handle} (@{states[0].login})" if states[0].login else handle
        what = "; ".join(f"{s.what} in {s.path} ({s.field})" for s in states)
        reasons.append(f"consent of {who} missing: {what}; {handle} {states[0].why}")
    if decision.blocking:
        reasons.append(f"changes requested by {', '.join(decision.blocking)}: they must approve, "
                       "or their review must be dismissed")
    if decision.missing:
        strictest = [r for r in decision.requirements if r.needed == decision.needed]
        areas = ", ".join(r.area for r in strictest)
        reasons.append(f"{len(decision.approved)} of {decision.needed} approvals ({areas} needs {strictest[0].rule})"
                       if strictest else f"{len(decision.approved)} of {decision.needed} approvals")
        if len(eligible) < decision.needed:
            reasons.append(f"only {len(eligible)} current member(s) may approve it (not its author, not the people "
                           f"of the changed items): the committee must act, e.g. another member opens it, "
                           f"or the rule in {CONFIG_FILE} changes")
    return reasons

"""Pull request checks: what a PR changes (read from git), who may change it, and what only a PR can smuggle in.

`agora check --pr-author LOGIN --base REF` adds these problems to the ordinary check:

- ``ownership``: a contributor may add items they author, edit and delete their own items (they are among the
  item's people *at the base*, so nobody can add themselves to another's text and edit it in one go), add and
  edit their own profile (its ``github`` equals the PR author's login, case-insensitively), add media, and
  propose or claim topics on the board. Any other change — someone else's file, site_config.yaml, themes/,
  plugins/, .github/ (workflows, CODEOWNERS), the build settings — needs the committee: an error for non-members,
  a warning (needs committee review) for current members. Membership is read from the *base* config and
  profiles, never from the pull request itself.
- ``lookalike-author``: the author's login reads like another member's login (an error) or handle (a warning)
  without being theirs.
- ``consent`` (a warning): the pull request credits a member other than its author (author, co-author, organiser,
  interviewer, interviewee, the original of a translation, a board topic's proposer or volunteer) or takes such a
  credit away; that member must approve it (committee/consent.py; `agora review` waits for them).
- ``lookalike-name``, ``copied-avatar``: a profile takes another member's display name (read as it looks) or
  their avatar picture: nobody can be asked, so the committee decides (an error for non-members, a warning for
  current members, as for ownership).
- ``moved-address``: a published item renamed or moved (``git diff --find-renames`` from the merge base), or given
  another slug, must keep its old address in ``aliases:`` and its feed id in ``id:`` (the old path under content/).
- ``symlink``, ``submodule``, ``executable``: file modes from ``git diff --raw`` (120000, 160000, 100755 under
  content/).

Only the changed files are looked at (their images decoded whole), so a PR on a big portal is checked fast.
Git runs with list arguments, never through a shell, and reads blobs with plumbing commands (no diff drivers,
no text conversion a PR could configure).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from . import yamlstrict
from .committee.consent import Consent, find_original, member, needed_consents
from .committee.likeness import resemblances
from .config import CONFIG_FILE, Config
from .content.kinds import BOARD_FILE, CREDIT_FIELDS, KINDS, MEDIA_FOLDER
from .content.loader import CONTENT_DIR
from .content.source import split_front_matter
from .graph import as_datetime
from .lookalikes import is_confusable_with
from .problems import AgoraError, Problem
from .revisions import REF, Commit, WorkTree, git, renames
from .rules.files import IMAGE_FORMATS, media_problems
from .schema import alias_path, validate
from .site import Portal

SYMLINK, SUBMODULE, EXECUTABLE = "120000", "160000", "100755"
#: Fields of an item that name the people it belongs to.
PEOPLE_FIELDS = CREDIT_FIELDS
_ON_THE_COMMITTEE = " (you are on the committee: it needs committee review)"


@dataclass(frozen=True)
class Change:
    """One file the pull request adds (A), modifies (M), deletes (D) or changes the type of (T)."""

    status: str
    path: str
    old_mode: str
    new_mode: str


@dataclass
class PullRequest:
    """Who opened the pull request, what it changes and what that is allowed to be."""

    author: str
    base: str  # the merge base the changes are measured from
    changes: list[Change]
    handle: str | None = None  # the author's handle: their profile at the base, else the one the PR adds
    member: bool = False  # a current committee member, by the base config
    problems: list[Problem] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)  # who must approve it, besides the committee
    logins: dict[str, str] = field(default_factory=dict)  # handle -> GitHub login of every profile at the base

    @property
    def paths(self) -> set[str]:
        return {change.path for change in self.changes}


def changed_files(root: Path, base: str) -> tuple[str, list[Change]]:
    """The merge base of `base` and HEAD, and every file changed since, with its modes."""
    if not REF.fullmatch(base):
        raise AgoraError(f"--base {base!r} is not a commit or branch name")
    base_sha = _text(git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", check=False)).strip()
    if not base_sha:
        raise AgoraError(f"--base {base!r}: no such commit here (fetch it, e.g. actions/checkout with fetch-depth: 0)")
    merge_base = _text(git(root, "merge-base", base_sha, "HEAD")).strip()
    raw = _text(git(root, "diff", "--raw", "--no-renames", "-z", "--no-ext-diff", "--no-textconv", f"{base_sha}...HEAD"))
    return merge_base, parse_raw_diff(raw)


def parse_raw_diff(raw: str) -> list[Change]:
    """`git diff --raw -z` output: ':old new sha sha status' NUL path NUL, per file."""
    parts = raw.split("\0")
    changes = []
    # A trailing NUL leaves one empty part: zip stops at the last complete pair.
    for meta, path in zip(parts[0::2], parts[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        old_mode, new_mode, _old, _new, status = meta[1:].split()
        changes.append(Change(status[0], path, old_mode, new_mode))
    return sorted(changes, key=lambda change: change.path)


def _text(out: bytes) -> str:
    return out.decode("utf-8", "surrogateescape")


def _front_matter(text: str | None) -> dict:
    """The front matter of a Markdown text as plain data ({} when it cannot be read: then nobody owns it)."""
    if text is None:
        return {}
    source = split_front_matter(text, "", "", [])
    data = source.doc.data if source is not None else None
    return data if isinstance(data, dict) else {}


def _people(data: dict) -> set[str]:
    people = set()
    for name in PEOPLE_FIELDS:
        value = data.get(name)
        if isinstance(value, list):
            people |= {str(handle) for handle in value}
    return people


def _same_login(a: object, b: str) -> bool:
    # GitHub logins are case-insensitive; look-alikes are never the same login (see lookalike-author).
    return isinstance(a, str) and a.casefold() == b.casefold()


def checked_in_themselves(changes: list[Change]) -> set[str] | None:
    """The files under content/ a pull request's check reads in full (their paths under content/), or None for all.

    A file the pull request neither adds nor changes was checked in itself when it was merged, and its own checks
    give the same answer now, unless what they read changed too: the config, the board, themes, plugins or Agora
    itself (anything outside content/), or another file (a deleted or retyped file breaks the links to it). Then
    every file is checked in full; otherwise only the checks across files (addresses, handles, translations,
    identities) read the other files, and those read their front matter alone."""
    paths = set()
    prefix = f"{CONTENT_DIR}/"
    for change in changes:
        if not change.path.startswith(prefix) or change.path == f"{prefix}{BOARD_FILE}" or change.status not in ("A", "M"):
            return None
        paths.add(change.path[len(prefix):])
    return paths


def check_pull_request(portal: Portal, author: str, base: str,
                       changed: tuple[str, list[Change]] | None = None) -> PullRequest:
    """The pull request of `author` from `base` to the checked-out HEAD, and its problems (`changed`: what
    changed_files gave, when it was already asked)."""
    root = portal.root
    merge_base, changes = changed or changed_files(root, base)
    pr = PullRequest(author, merge_base, changes)
    reader = _Reader(portal, pr)
    pr.handle, head_handle = reader.author_handles()
    pr.member = pr.handle is not None and pr.handle in _current_committee(reader.base, portal)
    pr.logins = dict(reader.base_profiles)
    pr.problems += reader.lookalikes()
    for change in changes:
        pr.problems += _modes(change)
        pr.problems += reader.ownership(change, head_handle)
        pr.problems += reader.deep_media(change)
    pr.consents = needed_consents(sorted(pr.paths), reader.base_text, reader.head_text, (pr.handle, head_handle),
                                  lambda kind, slug: find_original(reader.base, kind, slug))
    pr.problems += reader.consent_problems(pr.consents)
    pr.problems += reader.likeness()
    pr.problems += _moves(reader, renames(root, merge_base, f"{CONTENT_DIR}/"))
    return pr


def _moves(reader: _Reader, renamed: list[tuple[str, str]]) -> list[Problem]:
    """A published item renamed, moved or given another slug keeps its old address (an alias) and its feed id
    (`id:`): the pull request is asked for both, so readers' links and feed readers never see a new item."""
    pairs = renamed + [(c.path, c.path) for c in reader.pr.changes if c.status == "M" and _is_markdown(c.path)]
    problems = []
    for old, new in pairs:
        before, after = _front_matter(reader.base_text(old)), reader.head_text(new)
        address, now = _address(old, before), _address(new, _front_matter(after))
        if address is None or now is None or before.get("status") == "draft":
            continue
        data = _front_matter(after)
        source = split_front_matter(after or "", "", "", [])
        line = source.doc.line_of(("aliases",), 1) if source is not None else 1
        kept = set()
        for alias in data["aliases"] if isinstance(data.get("aliases"), list) else []:
            try:
                kept.add(alias_path(alias))
            except ValueError:  # the check of the file itself says what is wrong with it
                continue
        if address != now and address not in kept:
            problems.append(Problem(new, line, "moved-address", "aliases", f"the item was published at /{address} "
                                    f"(as {old}): that address would break", f"add '/{address}' to aliases:"))
        first = str(before.get("id") or old.removeprefix(f"{CONTENT_DIR}/"))
        if old != new and str(data.get("id") or new.removeprefix(f"{CONTENT_DIR}/")).removeprefix(f"{CONTENT_DIR}/") != first:
            problems.append(Problem(new, line, "moved-address", "id", f"the item was {old}: its feed id would change "
                                    "and feed readers would show it again", f"add 'id: {first}'"))
    return problems


def _address(path: str, data: dict) -> str | None:
    """The address an item's file gives it (None for a file that is no page: a profile, the board)."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != CONTENT_DIR or parts[1] not in KINDS or parts[1] == "contributors" \
            or not _is_markdown(path):
        return None
    slug = data.get("slug") if isinstance(data.get("slug"), str) else posixpath.splitext(parts[-1])[0]
    return KINDS[parts[1]].url_for(slug)


def _modes(change: Change) -> list[Problem]:
    if change.status == "D":
        return []
    if change.new_mode == SYMLINK:
        return [Problem(change.path, 0, "symlink", "", "the pull request adds a symbolic link",
                        "commit the real file: a link could make the build read outside the repository")]
    if change.new_mode == SUBMODULE:
        return [Problem(change.path, 0, "submodule", "", "the pull request adds a Git submodule",
                        "copy the files you need into the repository instead")]
    if change.new_mode == EXECUTABLE and change.path.startswith(f"{CONTENT_DIR}/"):
        return [Problem(change.path, 0, "executable", "", "the file is executable; content is data, never a program",
                        f"run 'git update-index --chmod=-x {change.path}' and commit")]
    return []


def _current_committee(base: Commit, portal: Portal) -> set[str]:
    """Handles of the committee members whose term covers the build clock, by the config at the base."""
    text = base.text(CONFIG_FILE)
    if text is None:
        return set()
    config, _ = validate(Config, yamlstrict.load(text), CONFIG_FILE, "config")
    if config is None:
        return set()
    now = portal.graph.now
    return {seat.handle for seat in config.committee.members
            if _day(seat.term_from, portal) <= now.date() and (seat.term_to is None or now.date() <= _day(seat.term_to, portal))}


def _day(moment: date | datetime, portal: Portal) -> date:
    return as_datetime(moment, portal.graph.tz).date() if isinstance(moment, datetime) else moment


class _Reader:
    """Reads the base and head versions of changed files for one pull request."""

    def __init__(self, portal: Portal, pr: PullRequest):
        self.portal = portal
        self.root = portal.root
        self.pr = pr
        self.changed = {change.path: change for change in pr.changes}
        self.base = Commit(self.root, pr.base)
        self.head = WorkTree(self.root)
        self._base_texts: dict[str, str | None] = {}

    def base_text(self, path: str) -> str | None:
        change = self.changed.get(path)
        if change is not None and change.status == "A":
            return None  # not there before the pull request: no need to ask git
        if path not in self._base_texts:  # ownership, consent and the report all read the same few files
            self._base_texts[path] = self.base.text(path)
        return self._base_texts[path]

    def head_text(self, path: str) -> str | None:
        return self.head.text(path)

    def base_data(self, path: str) -> bytes | None:
        """A file's bytes at the base: unchanged files from the work tree (the same bytes), the others from git."""
        change = self.changed.get(path)
        if change is None:
            return self.head.data(path)
        return None if change.status == "A" else self.base.data(path)

    @cached_property
    def base_profile_fields(self) -> dict[str, dict]:
        """handle -> front matter of every profile at the base: unchanged ones from the graph, others from git."""
        profiles = {handle: item.meta.model_dump() for handle, item in self.portal.graph.contributors.items()
                    if f"{CONTENT_DIR}/{item.relpath}" not in self.changed}
        for path, change in self.changed.items():
            handle = _profile_handle(path)
            if handle and change.status != "A":
                profiles[handle] = _front_matter(self.base_text(path))
        return profiles

    @cached_property
    def base_profiles(self) -> dict[str, str]:
        """handle -> GitHub login of every profile at the base."""
        return {handle: data["github"] for handle, data in self.base_profile_fields.items()
                if isinstance(data.get("github"), str)}

    @cached_property
    def new_profiles(self) -> dict[str, str]:
        """handle -> GitHub login of the profiles the pull request adds: the login that consents for a member it
        creates, e.g. the sender of a "send a text" issue (adding someone else's profile is an ownership matter)."""
        added = {}
        for path, change in self.changed.items():
            handle = _profile_handle(path)
            github = _front_matter(self.head_text(path)).get("github") if handle and change.status == "A" else None
            if isinstance(github, str) and handle not in self.base_profiles:
                added[handle] = github
        return added

    def author_handles(self) -> tuple[str | None, str | None]:
        """(the author's handle at the base, their handle in the pull request)."""
        author = self.pr.author
        base = next((h for h, login in sorted(self.base_profiles.items()) if _same_login(login, author)), None)
        profiles = sorted(self.portal.graph.contributors.items())
        head = next((h for h, item in profiles if _same_login(item.meta.github, author)), None)
        if head is None:  # a new profile the loader refused still says who the author means to be
            for path, change in self.changed.items():
                handle = _profile_handle(path)
                if handle and change.status != "D" and _same_login(_front_matter(self.head_text(path)).get("github"), author):
                    head = handle
        return base, head or base

    def lookalikes(self) -> list[Problem]:
        problems = []
        author = self.pr.author
        for handle, login in sorted(self.base_profiles.items()):
            if _same_login(login, author):
                continue
            path = f"{CONTENT_DIR}/contributors/{handle}.md"
            if is_confusable_with(login, author):
                problems.append(Problem(
                    path, 0, "lookalike-author", "github",
                    f"the pull request author '{author}' reads like '{login}', the GitHub login of this member",
                    "only the member themselves may act as them; a reviewer should check who opened this"))
            elif is_confusable_with(handle, author):
                problems.append(Problem(
                    path, 0, "lookalike-author", "",
                    f"the pull request author '{author}' reads like the handle '{handle}' of another member",
                    "a reviewer should check that the author is not passing for this member", severity="warning"))
        return problems

    def ownership(self, change: Change, head_handle: str | None) -> list[Problem]:
        verdict = self._verdict(change, head_handle)
        if verdict is None:
            return []
        message, line, severity = verdict
        if severity == "warning" or not self.pr.member:
            hint = "ask the people concerned or the committee to make this change, or leave it out of this pull request"
            return [Problem(change.path, line, "ownership", "", message, hint, severity)]
        return [Problem(change.path, line, "ownership", "", message + _ON_THE_COMMITTEE,
                        "another committee member must review this change", "warning")]

    def _for_the_committee(self, path: str, line: int, rule: str, field_name: str, message: str, hint: str) -> Problem:
        """What only the committee may let through: an error for others, a warning for a current member."""
        if self.pr.member:
            return Problem(path, line, rule, field_name, message + _ON_THE_COMMITTEE,
                           "another committee member must review this change", "warning")
        return Problem(path, line, rule, field_name, message, hint)

    def consent_problems(self, consents: list[Consent]) -> list[Problem]:
        logins = {member(handle): login for handle, login in self.new_profiles.items()}
        logins.update({member(handle): login for handle, login in self.base_profiles.items()})
        return [Problem(c.path, c.line, "consent", c.field, c.message, c.hint(logins.get(c.handle)), "warning")
                for c in consents]

    def likeness(self) -> list[Problem]:
        """Profiles the pull request adds or changes that take another member's display name or avatar."""
        problems = []
        base = self.base_profile_fields
        for handle, path in sorted(self._profiles_to_compare().items()):
            source = split_front_matter(self.head_text(path) or "", "", "", [])
            data = source.doc.data if source is not None and isinstance(source.doc.data, dict) else {}
            before = {} if path in self.changed and self.changed[path].status == "A" else base.get(handle, {})
            avatar = data.get("avatar")
            picture = self.head.data(_avatar_path(avatar)) if isinstance(avatar, str) and _avatar_path(avatar) else None
            others = {h: fields for h, fields in base.items() if h != handle}
            for found in resemblances(data.get("name"), before.get("name"), avatar, picture, others,
                                      lambda theirs: self.base_data(_avatar_path(theirs)) if _avatar_path(theirs) else None):
                rule = "lookalike-name" if found.field == "name" else "copied-avatar"
                problems.append(self._for_the_committee(path, source.doc.line_of((found.field,)), rule, found.field,
                                                        found.message, found.hint))
        return problems

    def _profiles_to_compare(self) -> dict[str, str]:
        """handle -> profile path, of the profiles whose name or avatar the pull request may have set."""
        chosen = {handle: path for path, change in self.changed.items()
                  if (handle := _profile_handle(path)) and change.status != "D"}
        for handle, item in self.portal.graph.contributors.items():
            avatar = item.meta.avatar
            if avatar and _avatar_path(avatar) in self.changed:  # a new picture under an unchanged profile
                chosen.setdefault(handle, f"{CONTENT_DIR}/{item.relpath}")
        return chosen

    def _verdict(self, change: Change, me: str | None) -> tuple[str, int, str] | None:
        """None when the author may make this change, else (what is wrong, line, severity)."""
        path, status = change.path, change.status
        verb = {"A": "adds", "D": "deletes"}.get(status, "changes")
        if not path.startswith(f"{CONTENT_DIR}/"):
            return f"{verb} {_outside_label(path, self)}, which only the committee may change", 0, "error"
        rel = path[len(CONTENT_DIR) + 1:]
        handle = _profile_handle(path)
        if handle is not None:
            return self._profile_verdict(change, handle, verb)
        top = rel.split("/", 1)[0]
        if top == "contributors":  # an avatar beside a profile
            return self._avatar_verdict(rel, me, verb)
        if top == MEDIA_FOLDER:
            return None if status == "A" else (f"{verb} a shared media file other pages may use", 0, "error")
        if rel == BOARD_FILE:
            return self._board_verdict(me)
        if top in KINDS and _is_markdown(rel):
            return self._item_verdict(change, me, verb)
        return None  # a file no kind reads: the loader already refuses it

    def _avatar_verdict(self, rel: str, me: str | None, verb: str) -> tuple[str, int, str] | None:
        """A file beside the profiles: the avatar of the profiles that show it at the base, else of the handle it is
        named after (an avatar's name is free: 'portrait.png' is not the picture of a member called 'portrait')."""
        mine = {me, self.pr.handle} - {None}
        name = rel.split("/", 1)[1]
        if "/" in name:
            return (f"{verb} a file in a sub-folder of {CONTENT_DIR}/contributors/, which holds profiles and avatars only",
                    0, "error")
        showing = {handle for handle, data in self.base_profile_fields.items() if data.get("avatar") == name}
        if showing - mine:
            owner = sorted(showing - mine)[0]
            return f"{verb} the avatar of {owner}'s profile", 0, "error"
        profile = self.portal.graph.contributors.get(me) if me else None
        if showing or (profile is not None and profile.meta.avatar == name):  # one's own, before or after
            return None
        owner = posixpath.splitext(name)[0]
        return None if owner in mine else (f"{verb} a file of {owner}'s profile", 0, "error")

    def _profile_verdict(self, change: Change, handle: str, verb: str) -> tuple[str, int, str] | None:
        head = _front_matter(self.head_text(change.path)).get("github") if change.status != "D" else None
        base = _front_matter(self.base_text(change.path)).get("github") if change.status != "A" else None
        if change.status == "A":
            if _same_login(head, self.pr.author):
                return None
            return (f"adds a profile for the GitHub account '{head}'; a pull request may only add its author's own profile",
                    2, "error")
        if not _same_login(base, self.pr.author):
            return f"{verb} the profile of '{handle}' (GitHub '{base}')", 0, "error"
        if change.status != "D" and not _same_login(head, self.pr.author):
            return f"changes the GitHub login of your profile to '{head}'", 0, "error"
        return None

    def _item_verdict(self, change: Change, me: str | None, verb: str) -> tuple[str, int, str] | None:
        head = _front_matter(self.head_text(change.path)) if change.status != "D" else {}
        if change.status == "A":
            if me is None:
                return (f"adds an item, but '{self.pr.author}' has no profile: add content/contributors/<handle>.md "
                        f"with 'github: {self.pr.author}'", 0, "error")
            if me in _people(head):
                return None
            return f"adds an item that does not list you ('{me}') among its authors", 0, "error"
        owners = _people(_front_matter(self.base_text(change.path)))
        if self.pr.handle is None or self.pr.handle not in owners:
            names = ", ".join(sorted(owners)) or "nobody"
            return f"{verb} an item by {names}: only its authors or the committee may", 0, "error"
        return None  # whom the change credits or un-credits is a matter of consent (consent_problems)

    def _board_verdict(self, me: str | None) -> tuple[str, int, str] | None:
        path = f"{CONTENT_DIR}/{BOARD_FILE}"
        before = _topics(self.base_text(path))
        after = _topics(self.head_text(path))
        for topic_id in sorted(set(before) | set(after)):
            old, new = before.get(topic_id), after.get(topic_id)
            if old == new:
                continue
            if old is None:
                allowed = new.get("proposed_by") == me or new.get("claimed_by") == me
            elif new is None:
                allowed = old.get("proposed_by") == me and old.get("claimed_by") in (None, me)
            else:
                # Anyone may claim an open topic; what is proposed or claimed by someone else is theirs.
                allowed = me in {old.get("proposed_by"), old.get("claimed_by")} or \
                    (old.get("claimed_by") is None and new.get("claimed_by") == me)
            if not allowed or me is None:
                return f"changes the board topic '{topic_id}', which is someone else's", 0, "error"
        return None

    def deep_media(self, change: Change) -> list[Problem]:
        """Images the pull request adds or replaces, decoded whole (the full check only reads headers)."""
        rel = change.path[len(CONTENT_DIR) + 1:] if change.path.startswith(f"{CONTENT_DIR}/") else ""
        is_image = rel.startswith(f"{MEDIA_FOLDER}/") and posixpath.splitext(rel)[1].lower() in IMAGE_FORMATS
        if change.status == "D" or not is_image:
            return []
        file = self.root / change.path
        if file.is_symlink() or not file.is_file():
            return []
        limit = self.portal.config.moderation.max_image_kb * 1024
        return media_problems(file, change.path, limit, limit, deep=True)


def _avatar_path(avatar: str) -> str:
    """Where a profile's avatar is, from the repository root: beside the profiles ('' when it points elsewhere)."""
    path = posixpath.normpath(posixpath.join(CONTENT_DIR, "contributors", avatar))
    return path if posixpath.dirname(path) == f"{CONTENT_DIR}/contributors" else ""


def _profile_handle(path: str) -> str | None:
    prefix = f"{CONTENT_DIR}/contributors/"
    if path.startswith(prefix) and _is_markdown(path) and "/" not in path[len(prefix):]:
        return path[len(prefix):-3]
    return None


def _is_markdown(path: str) -> bool:
    """A Markdown file's name, whatever the case of its extension ('.MD' is refused by the loader, but it is still
    somebody's text to the gate)."""
    return path.lower().endswith(".md")


def _topics(text: str | None) -> dict[str, dict]:
    data = yamlstrict.load(text).data if text else None
    topics = data.get("topics") if isinstance(data, dict) else None
    return {str(t.get("id")): t for t in topics or [] if isinstance(t, dict)}


def _outside_label(path: str, reader: _Reader) -> str:
    """What a file outside content/ is, for a reviewer."""
    name = posixpath.basename(path)
    if path == CONFIG_FILE:
        return f"the portal configuration ({_config_keys(reader)})"
    if name == "CODEOWNERS":
        return "CODEOWNERS (who reviews what)"
    if path.startswith(".github/workflows/"):
        return f"the workflow {path}"
    if path.startswith(".github/"):
        return f"the GitHub settings file {path}"
    if path.startswith("themes/"):
        return f"the theme file {path}"
    if path.startswith("plugins/"):
        return f"the plugin file {path}"
    if name in {"pyproject.toml", "setup.py", "setup.cfg"} or name.startswith("requirements"):
        return f"the build settings {path}"
    return f"{path}, outside content/"


def _config_keys(reader: _Reader) -> str:
    before = yamlstrict.load(reader.base_text(CONFIG_FILE) or "").data or {}
    after = yamlstrict.load(reader.head_text(CONFIG_FILE) or "").data or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return "its structure"
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(f"'{k}'" for k in keys) or "its formatting"

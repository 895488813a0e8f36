"""The "send a text" issue form: its fields, and turning a submitted issue into a content file and a profile stub.

GitHub writes an issue form's answers into the issue body as Markdown, one section per field in the
form's order: `### <label>`, a blank line, the answer (`_No response_` when left empty; `- [X] ...`
for a ticked box). The labels below are those of .github/ISSUE_TEMPLATE/send-a-text.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..content.kinds import KINDS, RESERVED_HANDLES
from ..content.loader import CONTENT_DIR
from ..content.source import split_front_matter
from ..problems import Problem
from ..scaffold.items import Draft, handle_text, quoted
from ..schema import _HANDLE, _SLUG, _TAG, validate
from ..text import slugify, tag_slug


@dataclass(frozen=True)
class FormField:
    """One field of the issue form: its key here and the label GitHub writes as the section heading."""

    key: str
    label: str
    required: bool = False
    label_fr: str = ""  # the label of the French form `agora init --language fr` writes


#: The fields of the form, in its order (GitHub writes the answers in this order).
FORM = (
    FormField("kind", "Kind", True, "Type"),
    FormField("title", "Title", True, "Titre"),
    FormField("summary", "Summary", False, "Résumé"),
    FormField("tags", "Tags", False, "Étiquettes"),
    FormField("text", "Text", True, "Texte"),
    FormField("event_start", "Event start", False, "Début de l'événement"),
    FormField("event_location", "Event location", False, "Lieu de l'événement"),
    FormField("interviewee", "Interviewee", False, "Personne interviewée"),
    FormField("name", "Your name", False, "Votre nom"),
    FormField("consent", "Publication", True, "Publication"),
)
#: The French form's kinds, by the kind they name.
KIND_WORDS_FR = {"article": "article", "entretien": "interview", "événement": "event"}
#: What the form offers to send: the sections, by the name the form gives them ("article" -> "articles").
KIND_FOLDERS = {kind.name: kind.folder for kind in KINDS.values() if kind.section}
NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*#*[ \t]*$")
_TICKED = re.compile(r"^\s*[-*] \[[xX]\] ")
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2})[:hH](\d{2}))?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,?\s+(\d{1,2})[:hH](\d{2}))?$")


@dataclass
class Submission:
    """What a submitter sent, read from the issue."""

    number: int
    login: str
    user_id: int | None
    created: datetime | None
    answers: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.answers.get(key, "")


@dataclass
class Imported:
    """The files an issue becomes, and how to credit its submitter in the commit."""

    item: Draft
    profile: Draft | None  # a stub, when the submitter had no profile
    handle: str
    co_author: str  # a Co-authored-by trailer
    number: int = 0  # the issue

    def commit_message(self, title: str) -> str:
        return f"{title} (from issue #{self.number})\n\n{self.co_author}\n"


def parse_body(body: str) -> dict[str, str]:
    """The answers of an issue-form body, by field key. A `###` line inside an answer (a heading in the
    submitter's text) is kept as text: only the form's labels, in the form's order, start a field."""
    order = {label.casefold(): (index, f.key) for index, f in enumerate(FORM) for label in (f.label, f.label_fr) if label}
    answers: dict[str, list[str]] = {}
    current, position = None, -1
    for line in body.replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line)
        known = order.get(match.group(1).casefold()) if match else None
        if known is not None and known[0] > position:
            position, current = known
            answers[current] = []
        elif current is not None:
            answers[current].append(line)
    result = {}
    for key, lines in answers.items():
        value = "\n".join(lines).strip("\n").strip()
        result[key] = "" if value == NO_RESPONSE else value
    if "kind" in result:
        result["kind"] = KIND_WORDS_FR.get(result["kind"].strip().lower(), result["kind"])
    return result


def read_issue(payload: object, display: str) -> tuple[Submission | None, list[Problem]]:
    """The submission in an issue payload: an `issues` event, or the issue itself as the REST API gives it."""
    issue = payload.get("issue", payload) if isinstance(payload, dict) else None
    if not isinstance(issue, dict) or not isinstance(issue.get("body"), (str, type(None))) or "user" not in issue:
        return None, [_problem(display, "", "this is not a GitHub issue (no 'body' and 'user')",
                               "give the issue as JSON: gh issue view N --json number,body,author,createdAt, "
                               "or the issues event payload")]
    user = issue.get("user") or issue.get("author") or {}
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(login, str) or not re.match(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", login):
        return None, [_problem(display, "", "the issue has no valid author login", "give the whole issue payload")]
    created_text = issue.get("created_at") or issue.get("createdAt")
    try:
        created = datetime.fromisoformat(created_text.replace("Z", "+00:00")) if isinstance(created_text, str) else None
    except ValueError:
        created = None
    # type(), not isinstance(): true and false are ints too ('issue #True', 'True+login@...').
    number = issue.get("number") if type(issue.get("number")) is int else 0
    user_id = user.get("id") if type(user.get("id")) is int else None
    submission = Submission(number, login, user_id, created, parse_body(issue.get("body") or ""))
    return submission, check_answers(submission, display)


def check_answers(submission: Submission, display: str) -> list[Problem]:
    """What the submitter must fix in the form, every problem at once."""
    problems = []
    labels = {f.key: f.label for f in FORM}
    for form_field in FORM:
        if form_field.required and form_field.key != "consent" and not submission[form_field.key]:
            problems.append(_problem(display, form_field.label, "is empty", f"fill in '{form_field.label}' and save the issue"))
    kind = submission["kind"].strip().lower()
    if kind and kind not in KIND_FOLDERS:
        problems.append(_problem(display, labels["kind"], f"'{submission['kind']}' is not something the portal publishes",
                                 f"choose one of: {', '.join(KIND_FOLDERS)}"))
    if not _TICKED.match(submission["consent"]):
        problems.append(_problem(display, labels["consent"], "the box saying you wrote the text and accept the code of "
                                 "conduct is not ticked", "tick it (edit the issue), or the text cannot be published"))
    for key in ("title", "summary"):
        if "\n" in submission[key]:
            problems.append(_problem(display, labels[key], "must fit on one line", "write it on one line"))
    for tag in split_tags(submission["tags"]):
        if not _TAG.match(tag):
            problems.append(_problem(display, labels["tags"], f"'{tag}' is not a tag",
                                     "tags are words without punctuation, separated by commas, e.g. repair, bicycles"))
    if kind == "event":
        if not submission["event_start"]:
            problems.append(_problem(display, labels["event_start"], "an event needs its date and time",
                                     "write e.g. 2026-03-14 19:00"))
        elif parse_start(submission["event_start"]) is None:
            problems.append(_problem(display, labels["event_start"], f"'{submission['event_start']}' is not a date and time",
                                     "write e.g. 2026-03-14 19:00 (or 14/03/2026 19:00)"))
        if not submission["event_location"]:
            problems.append(_problem(display, labels["event_location"], "an event needs a place or an online address",
                                     "write the place and its address, or the https:// address of the online room"))
    if kind == "interview" and not submission["interviewee"]:
        problems.append(_problem(display, labels["interviewee"], "an interview needs the name of the person interviewed",
                                 "write their name"))
    return problems


def split_tags(text: str) -> list[str]:
    return list(dict.fromkeys(t.strip().lower() for t in re.split(r"[,\n]", text) if t.strip()))


def parse_start(text: str) -> date | datetime | None:
    """'2026-03-14 19:00', '2026-03-14T19:00', '14/03/2026 19h00' or a date alone (an all-day event)."""
    text = text.strip()
    match = _DATE_TIME.match(text)
    if match:
        year, month, day, hour, minute = match.groups()
    else:
        match = _DMY.match(text)
        if not match:
            return None
        day, month, year, hour, minute = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        return datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError:
        return None


def handle_for(login: str, profiles: dict[str, str]) -> tuple[str, bool]:
    """(the submitter's handle, whether their profile exists): the profile whose github is their login
    (without case), else a new handle from the login, numbered when another member has it."""
    for handle, github in sorted(profiles.items()):
        if github.casefold() == login.casefold():
            return handle, True
    base = slugify(login) or "member"
    handle, number = base, 1
    # A login the portal keeps for itself ('admin', 'null', 'feeds') gets a number too: the check refuses it as a handle.
    while (handle in profiles or handle in RESERVED_HANDLES or not _HANDLE.match(handle)) and number < 1000:
        number += 1
        handle = f"{base.strip('-')[:35]}-{number}"
    return handle, False


def build_files(submission: Submission, profiles: dict[str, str], taken: set[str], tz: ZoneInfo,
                day: date | None = None, tags: Iterable[str] = ()) -> tuple[Imported | None, list[Problem]]:
    """The item (and the profile stub) for a submission whose answers passed check_answers.

    `profiles` maps handles to GitHub logins; `taken` holds the paths under content/ that exist already; `tags`
    are the portal's tags, whose spelling a submitted tag with the same address takes ('réparation' -> 'reparation')."""
    kind = submission["kind"].strip().lower()
    folder = KIND_FOLDERS[kind]
    handle, known = handle_for(submission.login, profiles)
    day = day or _day_opened(submission, tz)
    title = submission["title"].strip()
    base = slugify(title)[:60].strip("-") or f"issue-{submission.number}"
    slug, number = base, 1
    while f"{folder}/{slug}.md" in taken or not _SLUG.match(slug):
        number += 1
        slug = f"{base}-{number}"
    lines = ["---", f"# Sent by @{submission.login} with the \"send a text\" form (issue #{submission.number}).",
             f"title: {quoted(title)}", f"date: {day.isoformat()}", f"authors: [{handle_text(handle)}]"]
    spelled = {tag_slug(tag): tag for tag in sorted(tags, reverse=True)}
    tags = list(dict.fromkeys(spelled.get(tag_slug(tag), tag) for tag in split_tags(submission["tags"])))
    lines.append(f"tags: [{', '.join(quoted(t) for t in tags)}]")
    if submission["summary"]:
        lines.append(f"summary: {quoted(submission['summary'])}")
    if kind == "interview":
        lines += ["interviewee:", f"  name: {quoted(submission['interviewee'].splitlines()[0].strip())}",
                  f"interviewers: [{handle_text(handle)}]"]
    if kind == "event":
        lines += _event_lines(submission, handle)
    item = Draft(f"{folder}/{slug}.md", "\n".join([*lines, "---", "", submission["text"].strip(), ""]))
    profile = None
    if not known:
        name = submission["name"].splitlines()[0].strip() if submission["name"] else submission.login
        profile = Draft(f"contributors/{handle}.md", "\n".join([
            "---", f"name: {quoted(name)}", f"github: {quoted(submission.login)}", f"joined: {day.isoformat()}", "---", "",
            f"{name} sent a first text with the \"send a text\" form (issue #{submission.number}).", ""]))
    problems = [p for draft in (item, profile) if draft is not None for p in validate_draft(draft)]
    if problems:
        return None, problems
    name = _trailer_name(submission["name"].splitlines()[0] if submission["name"] else "") or submission.login
    email = f"{submission.user_id}+{submission.login}" if submission.user_id else submission.login
    co_author = f"Co-authored-by: {name} <{email}@users.noreply.github.com>"
    return Imported(item, profile, handle, co_author, submission.number), []


def _day_opened(submission: Submission, tz: ZoneInfo) -> date:
    """The day the issue was opened, in the portal's zone; as written when that day is past the years Python
    counts (9999-12-31T23:59Z is in the year 10000 in Paris): the check then says the year is out of range."""
    if submission.created is None:
        return datetime.now(tz).date()
    try:
        return submission.created.astimezone(tz).date()
    except (OverflowError, ValueError):
        return submission.created.date()


def _trailer_name(name: str) -> str:
    """The submitter's name as a Co-authored-by trailer may show it: no '<' or '>' (GitHub credits the first address
    of the line, so 'Bob <bob@example.org>' credited the owner of that address) and no invisible character."""
    kept = "".join(char for char in name if char not in "<>\"" and char.isprintable())
    return " ".join(kept.split())


def _event_lines(submission: Submission, handle: str) -> list[str]:
    start = parse_start(submission["event_start"])
    when = quoted(start.strftime("%Y-%m-%dT%H:%M")) if isinstance(start, datetime) else start.isoformat()
    place = ", ".join(line.strip() for line in submission["event_location"].splitlines() if line.strip())
    where = "online" if re.match(r"^https?://\S+$", place) else "name"
    lines = [f"start: {when}"]
    if not isinstance(start, datetime):
        lines.append("all_day: true")
    return lines + ["location:", f"  {where}: {quoted(place)}", f"organizers: [{handle_text(handle)}]"]


def validate_draft(draft: Draft) -> list[Problem]:
    """The front matter of a file about to be written, checked by its kind's schema."""
    display = f"{CONTENT_DIR}/{draft.relpath}"
    problems: list[Problem] = []
    source = split_front_matter(draft.text, draft.relpath, display, problems)
    if source is None:
        return problems
    kind = KINDS[draft.relpath.split("/", 1)[0]]
    _meta, found = validate(kind.schema, source.doc, display, "schema")
    issues = [Problem(display, i.line, i.rule, i.field, i.message, i.hint) for i in source.doc.issues]
    return problems + issues + found


def _problem(display: str, label: str, message: str, hint: str) -> Problem:
    return Problem(display, 0, "issue-form", label, message, hint)


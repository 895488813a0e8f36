"""Starting files of each kind, valid as written: what `agora new` scaffolds and `agora init` shows as examples."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..content.kinds import KINDS

#: The kinds `agora new` knows, by the singular name people type.
KIND_FOLDERS = {kind.name: kind.folder for kind in KINDS.values()}


@dataclass(frozen=True)
class Draft:
    """A file to write: its path under content/ and its text."""

    relpath: str
    text: str


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML), so no value changes type."""
    return json.dumps(text, ensure_ascii=False)


_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def handle_text(handle: str) -> str:
    """A handle as YAML: bare when it cannot be read as anything but text (e.g. ana-l), else quoted
    (a login such as 1234 or on would become a number or a boolean)."""
    return handle if _PLAIN.match(handle) and handle not in _YAML_WORDS else quoted(handle)


def _handles(handles: list[str]) -> str:
    return "[" + ", ".join(handle_text(h) for h in handles) + "]"


def _when(moment: date | datetime) -> str:
    # A date-time is quoted: YAML would read an unquoted 19:00 as a number.
    if isinstance(moment, datetime):
        return quoted(moment.strftime("%Y-%m-%dT%H:%M"))
    return moment.isoformat()


_BODIES = {
    "en": {
        "article": "Start with what happened, or what you want to share, in a few sentences.\n\n"
                   "## A heading for the next part\n\nWrite in Markdown: *emphasis*, lists, "
                   "[links](https://example.org/) and images under content/media/ with a text alternative.\n",
        "interview": "A sentence or two to introduce the person and why we talked with them.\n\n"
                     "## What brought you here?\n\nEach `##` heading is a question; the text below it is the answer.\n\n"
                     "## What would you like to tell newcomers?\n\nThe answer.\n",
        "event": "What will happen, who it is for, and what to bring.\n",
        "page": "The text of the page, in Markdown.\n",
        "contributor": "A few sentences about you: what you do, what you care about, what you like to write about.\n",
        "place": "To be announced",
        "interviewee": "Name of the person interviewed",
    },
    "fr": {
        "article": "Commencez par ce qui s'est passé, ou ce que vous voulez partager, en quelques phrases.\n\n"
                   "## Un intertitre pour la suite\n\nÉcrivez en Markdown : *italique*, listes, "
                   "[liens](https://example.org/) et images dans content/media/ avec un texte alternatif.\n",
        "interview": "Une ou deux phrases pour présenter la personne et dire pourquoi nous l'avons rencontrée.\n\n"
                     "## Qu'est-ce qui vous a amené ici ?\n\n"
                     "Chaque intertitre `##` est une question ; le texte en dessous, la réponse.\n\n"
                     "## Que diriez-vous à quelqu'un qui arrive ?\n\nLa réponse.\n",
        "event": "Ce qui va se passer, pour qui, et ce qu'il faut apporter.\n",
        "page": "Le texte de la page, en Markdown.\n",
        "contributor": "Quelques phrases sur vous : ce que vous faites, ce qui vous tient à cœur, ce que vous aimez écrire.\n",
        "place": "Lieu à préciser",
        "interviewee": "Nom de la personne interviewée",
    },
}


def placeholders() -> tuple[str, ...]:
    """The texts `agora init` and `agora new` leave for the writer to replace, in every language: a file that still
    holds one is a warning in `agora check` (rules/placeholders.py). A body's first line stands for the body."""
    found = set()
    for words in _BODIES.values():
        found.update(text.split("\n", 1)[0] for text in words.values())
        # The example link as written ("[links](https://example.org/)"): a profile may name example.org for real.
        found.update(re.findall(r"\[[^\]\n]*\]\(https://example\.org/\)", "\n".join(words.values())))
    return tuple(sorted(found))


def _words(language: str) -> dict[str, str]:
    return _BODIES.get(language.split("-")[0], _BODIES["en"])


def render_item(kind: str, *, title: str, slug: str, day: date, authors: list[str], language: str = "en",
                body: str | None = None) -> Draft:
    """A valid file of `kind` (article, interview, event, page) dated `day`, by `authors` (handles)."""
    words = _words(language)
    folder = KIND_FOLDERS[kind]
    lines = ["---", f"title: {quoted(title)}", f"date: {_when(day)}"]
    if authors:
        lines.append(f"authors: {_handles(authors)}")
    if kind != "page":
        lines.append("tags: []")
    if kind == "interview":
        lines += ["interviewee:", f"  name: {quoted(words['interviewee'])}", f"interviewers: {_handles(authors)}"]
    if kind == "event":
        start = datetime.combine(day + timedelta(days=14), datetime.min.time()).replace(hour=19)
        lines += [
            f"start: {_when(start)}",
            f"end: {_when(start + timedelta(hours=2))}",
            "location:",
            f"  name: {quoted(words['place'])}",
            f"organizers: {_handles(authors)}",
        ]
    lines += ["---", ""]
    return Draft(f"{folder}/{slug}.md", "\n".join(lines) + (body if body is not None else words[kind]))


def render_contributor(*, handle: str, name: str, github: str, day: date, language: str = "en",
                       body: str | None = None) -> Draft:
    """A member's profile: content/contributors/<handle>.md."""
    lines = ["---", f"name: {quoted(name)}", f"github: {quoted(github)}", f"joined: {_when(day)}", "---", ""]
    return Draft(f"contributors/{handle}.md", "\n".join(lines) + (body if body is not None else _words(language)["contributor"]))

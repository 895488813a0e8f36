"""Writing without Git: links that open GitHub's web editor on a new file already holding a valid template.

GitHub's "new file" page reads two query parameters, `filename` (a path from the branch's root) and
`value` (the initial text). GitHub's documentation does not list them, but the page has honoured them
for years and tools rely on them (see github/docs#30967). Saving the file in the web editor makes the
contributor's fork and pull request; the templates pass `agora check` exactly as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from ..config import Config
from ..content.kinds import KINDS
from ..content.loader import CONTENT_DIR
from ..graph import SiteGraph
from ..scaffold.items import render_contributor, render_item
from .terms import current_terms

KINDS_BY_NAME = {kind.name: kind.folder for kind in KINDS.values()}
#: The kinds a contributor can start from the "write for us" page, in the order it lists them.
WRITE_KINDS = tuple(kind.name for kind in KINDS.values() if kind.section)

_WORDS = {
    "fr": {
        "article": ("Mon texte", "mon-texte", "Écrire un article"),
        "interview": ("Mon entretien", "mon-entretien", "Proposer un entretien"),
        "event": ("Mon événement", "mon-evenement", "Annoncer un événement"),
        "profile": ("Votre nom", "votre-pseudo", "Créer ma fiche de membre"),
        "login": "votre-login-github",
        "help": [
            "# Remplissez les champs entre les deux lignes ---, écrivez votre texte en dessous,",
            "# puis « Commit changes… » : GitHub ouvre une pull request que le comité relira.",
            "# authors : votre pseudo, le nom de votre fiche dans content/contributors/ (créez-la d'abord).",
        ],
        "profile_help": [
            "# Le nom du fichier est votre pseudo : remplacez votre-pseudo.md (minuscules, chiffres, tirets).",
            "# github : votre identifiant GitHub, exactement ; c'est lui qui vous identifie auprès du comité.",
        ],
    },
    "en": {
        "article": ("My text", "my-text", "Write an article"),
        "interview": ("My interview", "my-interview", "Propose an interview"),
        "event": ("My event", "my-event", "Announce an event"),
        "profile": ("Your name", "your-handle", "Create my member profile"),
        "login": "your-github-login",
        "help": [
            "# Fill in the fields between the two --- lines, write your text below them,",
            "# then \"Commit changes...\": GitHub opens a pull request the committee will review.",
            "# authors: your handle, the name of your profile in content/contributors/ (create it first).",
        ],
        "profile_help": [
            "# The file name is your handle: replace your-handle.md (lowercase letters, digits, hyphens).",
            "# github: your GitHub login, exactly; it is how the committee knows it is you.",
        ],
    },
}


@dataclass(frozen=True)
class WriteLink:
    """One "write for us" link: what it starts, the file it proposes, and the text in it."""

    kind: str  # article, interview, event, or contributor (a member's profile)
    label: str
    path: str  # from the repository root, e.g. content/articles/mon-texte.md
    text: str
    url: str


def words(language: str) -> dict:
    return _WORDS.get(language.split("-")[0], _WORDS["en"])


def new_file_url(repository: str, branch: str, path: str, text: str) -> str:
    """GitHub's web editor on a new file `path` (from the repository root) holding `text`."""
    # "/" kept as it is: the path stays readable in the address bar; everything else is percent-encoded.
    query = urlencode({"filename": path, "value": text}, quote_via=lambda value, safe, *_: quote(value, safe="/"))
    return f"{repository.rstrip('/')}/new/{quote(branch, safe='')}?{query}"


def placeholder_author(graph: SiteGraph) -> str | None:
    """The handle a template credits until the contributor writes their own: a member with a profile,
    the editor-in-chief first (the committee may act on behalf of others, and `agora check --pr-author`
    refuses a pull request whose author is not among the authors of what it adds)."""
    today = graph.now.astimezone(graph.tz).date()
    seated = [term.handle for term in current_terms(graph.config, today) if term.handle in graph.contributors]
    return (seated or sorted(graph.contributors) or [None])[0]


def templates(graph: SiteGraph) -> list[tuple[str, str, str]]:
    """(kind, path from the repository root, text) of each starting file, valid in this portal today."""
    config: Config = graph.config
    language = config.site.language
    said = words(language)
    day: date = graph.now.astimezone(graph.tz).date()
    author = placeholder_author(graph)
    found = []
    for kind in WRITE_KINDS if author else ():
        title, slug, _label = said[kind]
        draft = render_item(kind, title=title, slug=_free(graph, KINDS_BY_NAME[kind], slug), day=day, authors=[author],
                            language=language)
        found.append((kind, f"{CONTENT_DIR}/{draft.relpath}", _with_help(draft.text, said["help"])))
    name, handle, _label = said["profile"]
    profile = render_contributor(handle=_free(graph, "contributors", handle), name=name, github=said["login"], day=day,
                                 language=language)
    found.append(("contributor", f"{CONTENT_DIR}/{profile.relpath}", _with_help(profile.text, said["profile_help"])))
    return found


def write_links(graph: SiteGraph) -> list[WriteLink]:
    """The links of the "write for us" page; none when the portal names no repository."""
    site = graph.config.site
    if not site.repository:
        return []
    said = words(site.language)
    links = []
    for kind, path, text in templates(graph):
        label = said["profile" if kind == "contributor" else kind][2]
        links.append(WriteLink(kind, label, path, text, new_file_url(site.repository, site.branch, path, text)))
    return links


def _free(graph: SiteGraph, folder: str, slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`...: GitHub refuses to create a file that exists already."""
    taken = {item.relpath for item in graph.items} | set(graph.static)
    candidate, number = slug, 1
    while f"{folder}/{candidate}.md" in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _with_help(text: str, lines: list[str]) -> str:
    """The template with comment lines at the top of its front matter (YAML ignores them)."""
    first, _, rest = text.partition("\n")
    return "\n".join([first, *lines, rest])

"""A new portal repository in one go: configuration, example content, GitHub files, CODEOWNERS and READMEs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template

from .. import __version__, yamlstrict
from ..config import CONFIG_FILE, Config
from ..problems import AgoraError
from ..schema import validate
from . import PAGES_DIR, github_files, readme_template
from .items import Draft, handle_text, quoted, render_contributor, render_item

GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
#: Where else a portal may install Agora Press from: a tag of a Git repository over https, or a wheel over https.
_GIT_TAG = re.compile(r"^git\+https://[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9._~/-]+@[A-Za-z0-9._/-]+$")
_WHEEL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9._~%/+-]+\.whl$")
PAGES = ("about", "charter", "code-of-conduct", "write-for-us")

#: Files a fresh GitHub repository often has already: kept as they are, never replaced.
KEPT_IF_PRESENT = {"README.md", ".gitignore"}

_WORDS = {
    "en": {"committee": "Editorial committee", "articles": "Articles", "interviews": "Interviews", "events": "Events",
           "welcome": "Welcome to {title}", "interview": "Meet our first interviewee", "event": "Our first meetup",
           "topic": "What should we write about first?"},
    "fr": {"committee": "Comité éditorial", "articles": "Articles", "interviews": "Entretiens", "events": "Agenda",
           "welcome": "Bienvenue sur {title}", "interview": "Notre premier entretien", "event": "Notre première rencontre",
           "topic": "Par quoi commencer ?"},
}


#: The comments of the files `agora init` writes, in the portal's language.
_NOTES = {
    "en": {"built": "a community portal built with Agora Press {version}.",
           "config": "The one configuration file of the portal; `agora check` explains any mistake in it.",
           "committee": "The people's editorial committee: add the members you elect, each with a profile in\n"
                        "# content/contributors/, then run `agora committee codeowners` to update .github/CODEOWNERS.",
           "review": "Distinct committee approvals a pull request needs, per section (the author's never counts).",
           "pin": "The portal is not a Python package: this file pins the Agora Press that builds it.",
           "upgrade": "Upgrading Agora Press is a change of this line (README.md says how); Dependabot proposes it as a "
                      "pull request.",
           "board": "The editorial board: topics to write, who volunteered, and the deadline they set themselves."},
    "fr": {"built": "un portail communautaire construit avec Agora Press {version}.",
           "config": "Le seul fichier de configuration du portail ; `agora check` explique toute erreur qu'il contient.",
           "committee": "Le comité éditorial du peuple : ajoutez les membres que vous élisez, chacun avec un profil dans\n"
                        "# content/contributors/, puis lancez `agora committee codeowners` pour mettre à jour "
                        ".github/CODEOWNERS.",
           "review": "Approbations distinctes du comité qu'il faut à une pull request, par rubrique (celle de l'auteur ne "
                     "compte jamais).",
           "pin": "Le portail n'est pas un paquet Python : ce fichier fixe la version d'Agora Press qui le construit.",
           "upgrade": "Mettre à jour Agora Press, c'est changer cette ligne (README.md explique comment) ; Dependabot le "
                      "propose en pull request.",
           "board": "Le tableau éditorial : les sujets à écrire, qui s'est proposé, et l'échéance qu'il s'est fixée."},
}


@dataclass(frozen=True)
class PortalSpec:
    """The answers `agora init` collects, from flags or prompts."""

    title: str
    description: str
    url: str
    repository: str
    language: str
    timezone: str
    owner: str  # GitHub login of the first committee member
    owner_name: str
    #: The requirement the portal installs Agora Press with (pyproject.toml), see `agora_requirement`.
    requirement: str = f"agorapress=={__version__}"

    @property
    def handle(self) -> str:
        return self.owner.lower()

    @property
    def words(self) -> dict[str, str]:
        return _WORDS.get(self.language.split("-")[0], _WORDS["en"])

    @property
    def notes(self) -> dict[str, str]:
        return _NOTES.get(self.language.split("-")[0], _NOTES["en"])


def agora_requirement(source: str | None) -> str:
    """The portal's pin: the running version from the package index, or `agorapress @ URL` for a Git tag or a
    wheel (ValueError, saying what is accepted, for anything else: the pin is installed by every CI run)."""
    if not source:
        return f"agorapress=={__version__}"
    if _GIT_TAG.match(source) or _WHEEL.match(source):
        return f"agorapress @ {source}"
    raise ValueError(f"'{source}' is neither a Git tag (git+https://github.com/ORG/agorapress@v1.2.3) nor a wheel "
                     "(https://.../agorapress-1.2.3-py3-none-any.whl)")


def create_portal(target: Path, spec: PortalSpec, today: date, codeowners: Callable[[Config], str]) -> list[str]:
    """Write a new portal into `target`; return the paths written. Nothing is replaced: if any file
    Agora would write exists already (README.md and .gitignore aside), nothing is written at all.
    `codeowners` renders .github/CODEOWNERS from the configuration (the committee's code does it)."""
    if not GITHUB_LOGIN.match(spec.owner):
        raise AgoraError(f"'{spec.owner}' is not a GitHub login: give --owner with your login, e.g. --owner ana-lopez")
    files = _portal_files(spec, today)
    config = _checked_config(str(files[CONFIG_FILE]))
    clashes = sorted(path for path in files if path not in KEPT_IF_PRESENT and (target / path).exists())
    if (target / "content").exists():
        clashes.insert(0, "content/")
    if clashes:
        raise AgoraError(f"{target} already holds a portal or some of its files ({', '.join(clashes[:5])}); "
                         "choose an empty folder")
    files[".github/CODEOWNERS"] = codeowners(config)
    written = []
    for path, text in files.items():
        out = target / path
        if out.exists():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        written.append(path)
    return sorted(written)


def _checked_config(text: str) -> Config:
    """The configuration about to be written, checked first: a bad flag writes nothing."""
    doc = yamlstrict.load(text)
    config, problems = validate(Config, doc, CONFIG_FILE, "config")
    if config is None or doc.issues:
        details = [f"{CONFIG_FILE}:{i.line}: {i.message}" for i in doc.issues] + [p.as_text() for p in problems]
        raise AgoraError("these answers do not make a valid site_config.yaml:\n" + "\n".join(details))
    return config


def _portal_files(spec: PortalSpec, today: date) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        CONFIG_FILE: _site_config(spec, today),
        "pyproject.toml": _pyproject(spec),
        "README.md": _readme(spec),
        # The build's staging and previous folders sit beside output/ while it runs, its trash after it. Agora's
        # cache lives outside the repository; .agora-cache/ stays ignored because an older Agora kept it there.
        ".gitignore": ("/output/\n/.output.staging/\n/.output.old/\n/.output.trash/\n.agora-cache/\n__pycache__/\n"
                       "*.egg-info/\n/build/\n"),
        "content/board.yaml": _board(spec),
        "content/media/.gitkeep": "",
    }
    files.update({f".github/{path}": data for path, data in github_files(spec.language).items()})
    words, handle, lang = spec.words, spec.handle, spec.language
    drafts: list[Draft] = [
        render_contributor(handle=handle, name=spec.owner_name, github=spec.owner, day=today, language=lang),
        render_item("article", title=words["welcome"].format(title=spec.title), slug="welcome", day=today,
                    authors=[handle], language=lang),
        render_item("interview", title=words["interview"], slug="first-interview", day=today, authors=[handle], language=lang),
        render_item("event", title=words["event"], slug="first-meetup", day=today, authors=[handle], language=lang),
    ]
    for draft in drafts:
        files[f"content/{draft.relpath}"] = draft.text
    page_dir = PAGES_DIR / (spec.language.split("-")[0] if (PAGES_DIR / spec.language.split("-")[0]).is_dir() else "en")
    for name in PAGES:
        text = Template((page_dir / f"{name}.md").read_text(encoding="utf-8"))
        files[f"content/pages/{name}.md"] = text.substitute(title=spec.title, committee=words["committee"])
    return files


def _site_config(spec: PortalSpec, today: date) -> str:
    words, notes = spec.words, spec.notes
    return f"""\
# {spec.title}: {notes["built"].format(version=__version__)}
# {notes["config"]}
site:
  title: {quoted(spec.title)}
  description: {quoted(spec.description)}
  url: {quoted(spec.url)}
  language: {quoted(spec.language)}
  timezone: {quoted(spec.timezone)}
  repository: {quoted(spec.repository)}
  branch: main

sections:
  articles:
    title: {quoted(words["articles"])}
  interviews:
    title: {quoted(words["interviews"])}
  events:
    title: {quoted(words["events"])}

# {notes["committee"]}
committee:
  name: {quoted(words["committee"])}
  members:
    - handle: {handle_text(spec.handle)}
      role: editor-in-chief
      from: {today.isoformat()}

# {notes["review"]}
review:
  approvals:
    articles: 1
    interviews: 1
    events: 1
    pages: 1
    contributors: 1
  governance: majority

moderation:
  html: github
"""


def _pyproject(spec: PortalSpec) -> str:
    # `pip install .` in the workflows installs the pinned Agora Press; Dependabot proposes updates.
    name = re.sub(r"[^a-z0-9]+", "-", spec.repository.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-") or "portal"
    return f"""\
# {spec.notes["pin"]}
[project]
name = {quoted(name if name.endswith("portal") else name + "-portal")}
version = "0"
requires-python = ">=3.11"
# {spec.notes["upgrade"]}
dependencies = [{quoted(spec.requirement)}]

[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
bypass-selection = true
"""


def _board(spec: PortalSpec) -> str:
    return f"""\
# {spec.notes["board"]}
topics:
  - id: first-topic
    title: {quoted(spec.words["topic"])}
    section: articles
    proposed_by: {handle_text(spec.handle)}
    status: open
"""


def _readme(spec: PortalSpec) -> str:
    text = Template(readme_template(spec.language).read_text(encoding="utf-8"))
    return text.substitute(title=spec.title, repository=spec.repository, url=spec.url, requirement=spec.requirement,
                           version=__version__)

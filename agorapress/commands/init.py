"""`agora init DIR`: a new portal repository that builds and checks clean at once."""

from __future__ import annotations

import re
import shlex
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import click

from .common import run

_GITHUB_REPO = re.compile(r"^https://github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)/?$")
_DESCRIPTIONS = {"fr": "Le journal des membres de {title}.", "en": "The journal written by the members of {title}."}


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="Name of the portal (default: from the folder name).")
@click.option("--description", help="One sentence saying what the community is about.")
@click.option("--repository", help="GitHub repository URL, e.g. https://github.com/org/portal.")
@click.option("--url", help="Public address (default: the repository's GitHub Pages address).")
@click.option("--owner", help="Your GitHub login: the first member of the committee (default: git config github.user).")
@click.option("--language", help="Language of the portal: en or fr (default: en).")
@click.option("--timezone", help="IANA time zone of the community (default: Europe/Paris).")
@click.option("--agora-from", "agora_from", metavar="URL",
              help="Install Agora Press from a Git tag (git+https://github.com/ORG/agorapress@v1.2.3) or a wheel URL "
                   "instead of the package index (default: the running version from the index).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for what the flags do not give (default: only in a terminal).")
def init(directory: Path, title: str | None, description: str | None, repository: str | None, url: str | None,
         owner: str | None, language: str | None, timezone: str | None, agora_from: str | None,
         interactive: bool | None) -> None:
    """Create a new portal in DIRECTORY: configuration, example content of each kind, GitHub
    workflows and templates, CODEOWNERS and a README for contributors."""
    from ..committee.codeowners import render_codeowners
    from ..scaffold.author import git_config
    from ..scaffold.portal import GITHUB_LOGIN, PortalSpec, agora_requirement, create_portal

    ask = sys.stdin.isatty() if interactive is None else interactive
    here = directory.resolve()
    # Flags are checked before any question is asked: a typo is never found after five answers.
    def check_login(login: str) -> None:
        if not GITHUB_LOGIN.match(login):
            raise click.BadParameter(f"'{login}' is not a GitHub login (letters, digits and single hyphens, e.g. "
                                     "ana-lopez)", param_hint="--owner")

    if owner:
        check_login(owner)
    try:
        requirement = agora_requirement(agora_from)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--agora-from") from None

    def answer(value: str | None, question: str, default: str) -> str:
        if value:
            return value
        return click.prompt(question, default=default) if ask else default

    title = answer(title, "Name of the portal", here.name.replace("-", " ").replace("_", " ").strip().title() or "Portal")
    language = answer(language, "Language (en or fr)", "en")
    description = answer(description, "One sentence about the community",
                         _DESCRIPTIONS.get(language.split("-")[0], _DESCRIPTIONS["en"]).format(title=title))
    where = here if here.exists() else here.parent  # git reads the configuration of the repository there too
    known_login = git_config("github.user", where)
    repo_match = _GITHUB_REPO.match(repository or "")
    owner = answer(owner, "Your GitHub login", known_login or (repo_match.group(1) if repo_match else ""))
    if not owner:
        raise click.UsageError("agora init needs your GitHub login, which it asks for on a terminal: give it with "
                               "--owner YOUR-LOGIN (it makes you the first member of the committee)")
    check_login(owner)  # as answered, or as git config gave it
    repository = answer(repository, "GitHub repository", f"https://github.com/{owner}/{_repo_name(here.name)}")
    repo_match = _GITHUB_REPO.match(repository)
    if not repo_match:
        raise click.BadParameter("expected https://github.com/OWNER/NAME", param_hint="--repository")
    pages = f"https://{repo_match.group(1).lower()}.github.io/{repo_match.group(2)}/"
    url = answer(url, "Public address", pages)
    timezone = answer(timezone, "Time zone", "Europe/Paris")
    if timezone not in available_timezones():
        raise click.BadParameter(f"unknown time zone {timezone!r}, e.g. Europe/Paris or America/Montreal",
                                 param_hint="--timezone")
    owner_name = git_config("user.name", where) or owner

    spec = PortalSpec(title=title, description=description, url=url, repository=repository, language=language,
                      timezone=timezone, owner=owner, owner_name=owner_name,
                      requirement=requirement)
    # The real clock is right here: the examples are dated the day the portal is created.
    today = datetime.now(ZoneInfo(timezone)).date()

    # CODEOWNERS comes from the committee in the new configuration, by the same code as
    # `agora committee codeowners`, so the check workflow's --check passes at once.
    def codeowners(config) -> str:
        return render_codeowners(config, {spec.handle: spec.owner}, today)

    written = run(lambda: create_portal(here, spec, today, codeowners))
    click.echo(f"Created {len(written)} files in {directory}.", err=True)
    # Quoted for the shell: a folder named "My portal" is one argument when pasted.
    click.echo(f"""
Next steps:
  cd {shlex.quote(str(directory))}
  agora build && agora serve        # look at it on http://127.0.0.1:8000/
  git init -b main && git add . && git commit -m "A new Agora Press portal"
  git remote add origin {shlex.quote(repository + ".git")} && git push -u origin main
Then on GitHub: Settings -> Pages -> Source: GitHub Actions; README.md lists the other settings.""", err=True)


def _repo_name(folder: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folder).strip("-") or "portal"

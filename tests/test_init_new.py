"""`agora init` makes a portal that checks and builds clean at once; every `agora new` file passes `agora check`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.config import load_config
from agorapress.scaffold import github_files
from agorapress.site import load_portal


@pytest.fixture(autouse=True)
def no_personal_git_config(tmp_path, monkeypatch):
    """The machine's own git identity must not leak into what the tests expect."""
    (tmp_path / "empty-gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def git_identity(tmp_path):
    """A git configuration of our own: github.user and user.name as a contributor would have them."""

    def make(**values: str) -> dict[str, str]:
        config = tmp_path / "gitconfig"
        lines = []
        for key, value in values.items():
            section, name = key.split("_", 1)
            lines.append(f"[{section}]\n\t{name} = {value}\n")
        config.write_text("".join(lines), encoding="utf-8")
        return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}

    return make


def agora(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def init_portal(tmp_path: Path, *extra: str, env=None) -> Path:
    root = tmp_path / "velo"
    result = agora("init", str(root), "--owner", "Ana-L", "--repository", "https://github.com/velo-commun/journal",
                   "--title", "Vélo Commun", "--no-interactive", *extra, env=env)
    assert result.exit_code == 0, result.output
    return root


def assert_clean(root: Path) -> None:
    portal = load_portal(root)
    # Nothing but the warnings about the example text left for the owner to replace (rules/placeholders.py).
    assert [p.as_text() for p in portal.problems if p.rule != "placeholder"] == []
    assert all(p.severity == "warning" for p in portal.problems)
    result = agora("--root", str(root), "check")
    assert result.exit_code == 0, result.output


def test_init_writes_a_portal_that_checks_and_builds_clean(tmp_path, git_identity):
    root = init_portal(tmp_path, env=git_identity(user_name="Ana Lopez"))

    assert_clean(root)
    output = build(root).output  # the real clock: the examples are dated today
    for page in ("index.html", "articles/welcome/index.html", "interviews/first-interview/index.html",
                 "events/first-meetup/index.html", "about/index.html", "charter/index.html",
                 "code-of-conduct/index.html", "write-for-us/index.html", "contributors/ana-l/index.html"):
        assert (output / page).is_file(), page
    config, _, _ = load_config(root)
    assert config.site.url == "https://velo-commun.github.io/journal/"
    assert config.site.repository == "https://github.com/velo-commun/journal"
    assert [(m.handle, m.role) for m in config.committee.members] == [("ana-l", "editor-in-chief")]
    profile = (root / "content" / "contributors" / "ana-l.md").read_text(encoding="utf-8")
    assert 'name: "Ana Lopez"' in profile and 'github: "Ana-L"' in profile
    assert (root / "content" / "board.yaml").is_file()
    assert "agorapress==" in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert "/output/" in (root / ".gitignore").read_text(encoding="utf-8")
    assert "Send a text" in (root / "README.md").read_text(encoding="utf-8")


def test_init_ships_the_workflows_and_a_codeowners_from_the_committee(tmp_path):
    root = init_portal(tmp_path)
    for name, data in github_files().items():
        assert (root / ".github" / name).read_bytes() == data, name
    assert (root / ".github" / "workflows" / "check.yml").is_file()
    # Exactly what `agora committee codeowners` writes, so the check workflow passes at once.
    result = agora("--root", str(root), "committee", "codeowners", "--check")
    assert result.exit_code == 0, result.output
    assert "@ana-l" in (root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")


def test_init_in_french_builds_with_french_pages(tmp_path):
    root = init_portal(tmp_path, "--language", "fr", "--timezone", "America/Montreal")
    assert_clean(root)
    assert "Charte éditoriale" in (root / "content" / "pages" / "charter.md").read_text(encoding="utf-8")
    assert build(root).output.is_dir()


def test_init_asks_in_a_terminal(tmp_path):
    root = tmp_path / "asked"
    answers = "\n".join(["Le Jardin", "fr", "Les jardiniers du quartier.", "jardin-org",
                         "https://github.com/jardin-org/site", "", "Europe/Brussels"]) + "\n"
    result = agora("init", str(root), "--interactive", input=answers)
    assert result.exit_code == 0, result.output
    config, _, _ = load_config(root)
    assert (config.site.title, config.site.language, config.site.timezone) == ("Le Jardin", "fr", "Europe/Brussels")
    assert config.site.url == "https://jardin-org.github.io/site/"
    assert_clean(root)


def test_init_never_replaces_a_portal(tmp_path):
    root = init_portal(tmp_path)
    config = (root / "site_config.yaml").read_bytes()
    result = agora("init", str(root), "--owner", "someone-else", "--no-interactive")
    assert result.exit_code == 2
    assert "already holds a portal" in result.output
    assert (root / "site_config.yaml").read_bytes() == config


def test_init_keeps_an_existing_readme_and_refuses_bad_answers(tmp_path):
    root = tmp_path / "clone"
    root.mkdir()
    (root / "README.md").write_text("# Ours\n", encoding="utf-8")
    bad = agora("init", str(root), "--owner", "ana", "--timezone", "Mars/Olympus", "--no-interactive")
    assert bad.exit_code == 2 and "unknown time zone" in bad.output
    bad_url = agora("init", str(root), "--owner", "ana", "--url", "ftp://example.org/", "--no-interactive")
    assert bad_url.exit_code == 2 and "site.url" in bad_url.output
    assert sorted(p.name for p in root.iterdir()) == ["README.md"]  # nothing written by a refused init
    assert agora("init", str(root), "--owner", "ana", "--no-interactive").exit_code == 0
    assert (root / "README.md").read_text(encoding="utf-8") == "# Ours\n"


@pytest.mark.parametrize("kind, title, path", [
    ("article", "Notre café réparation de novembre", "content/articles/notre-cafe-reparation-de-novembre.md"),
    ("interview", "Meet the bike mechanic", "content/interviews/meet-the-bike-mechanic.md"),
    ("event", "Winter repair party", "content/events/winter-repair-party.md"),
    ("page", "Partners", "content/pages/partners.md"),
    ("contributor", "Bea Lima", "content/contributors/bea-l.md"),
])
def test_every_new_file_passes_check(tmp_path, kind, title, path, git_identity):
    root = init_portal(tmp_path)
    env = git_identity(github_user="bea-l") if kind == "contributor" else None
    args = ["--author", "ana-l"] if kind != "contributor" else []
    result = agora("--root", str(root), "new", kind, title, *args, env=env)
    assert result.exit_code == 0, result.output
    assert path in result.output
    assert (root / path).is_file()
    assert_clean(root)
    portal = load_portal(root)
    item = portal.graph.by_path[path.removeprefix("content/")]
    if kind == "contributor":
        assert (item.meta.name, item.meta.github) == ("Bea Lima", "bea-l")
    else:
        assert item.meta.title == title
        assert portal.graph.is_published(item)  # dated today


def test_new_finds_the_author_in_git_config_and_dates_the_file(tmp_path, git_identity):
    root = init_portal(tmp_path)
    result = agora("--root", str(root), "new", "article", "Spring is coming", "--date", "2099-03-21",
                   env=git_identity(github_user="ANA-L"))
    assert result.exit_code == 0, result.output
    text = (root / "content" / "articles" / "spring-is-coming.md").read_text(encoding="utf-8")
    assert "authors: [ana-l]" in text and "date: 2099-03-21" in text
    assert_clean(root)
    portal = load_portal(root)
    assert not portal.graph.is_published(portal.graph.by_path["articles/spring-is-coming.md"])  # scheduled
    by_name = agora("--root", str(root), "new", "event", "Picnic", env=git_identity(user_name="ana-l"))
    assert by_name.exit_code == 0, by_name.output
    assert "organizers: [ana-l]" in (root / "content" / "events" / "picnic.md").read_text(encoding="utf-8")


def test_new_refuses_to_overwrite_or_to_guess(tmp_path, git_identity):
    root = init_portal(tmp_path)
    path = root / "content" / "articles" / "welcome.md"
    before = path.read_bytes()
    again = agora("--root", str(root), "new", "article", "Welcome", "--author", "ana-l")
    assert again.exit_code == 2 and "exists already" in again.output
    assert path.read_bytes() == before
    nobody = agora("--root", str(root), "new", "article", "Who am I", env=git_identity(user_name="Stranger"))
    assert nobody.exit_code == 2 and "--author" in nobody.output
    ghost = agora("--root", str(root), "new", "article", "Ghost text", "--author", "ghost")
    assert ghost.exit_code == 2 and "agora new contributor" in ghost.output
    untitled = agora("--root", str(root), "new", "article", "--author", "ana-l")
    assert untitled.exit_code == 2 and "give a title" in untitled.output
    assert not (root / "content" / "articles" / "who-am-i.md").exists()
    outside = agora("--root", str(tmp_path / "nowhere"), "new", "article", "X", "--author", "ana-l")
    assert outside.exit_code == 2 and "agora init" in outside.output


def test_new_works_in_the_tiny_test_portal(portal):
    root = portal()
    result = agora("--root", str(root), "new", "interview", "Ana talks to the baker", "--author", "ana")
    assert result.exit_code == 0, result.output
    assert [p.as_text() for p in load_portal(root).problems.errors] == []
    assert os.path.isfile(root / "content" / "interviews" / "ana-talks-to-the-baker.md")


@pytest.mark.parametrize("login", ["On", "1234"])
def test_logins_yaml_would_misread_stay_text(tmp_path, login):
    # YAML 1.1 reads `on` as true and `1234` as a number: the files quote them.
    root = tmp_path / "odd"
    assert agora("init", str(root), "--owner", login, "--no-interactive").exit_code == 0
    handle = login.lower()
    result = agora("--root", str(root), "new", "event", "Odd meetup", "--author", handle)
    assert result.exit_code == 0, result.output
    assert_clean(root)
    assert load_portal(root).graph.by_path["events/odd-meetup.md"].meta.organizers == [handle]

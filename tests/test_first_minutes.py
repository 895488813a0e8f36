"""The first five minutes: `agora init` pins Agora Press, refuses bad flags by name, and says what to do next."""

from __future__ import annotations

import shlex
import tomllib

import pytest
from click.testing import CliRunner

from agorapress import __version__
from agorapress.cli import main


def agora(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def init_portal(tmp_path, *extra: str):
    root = tmp_path / "velo"
    result = agora("init", str(root), "--owner", "Ana-L", "--repository", "https://github.com/velo-commun/journal",
                   "--no-interactive", *extra)
    assert result.exit_code == 0, result.output
    return root


def test_init_pins_the_running_version_from_the_index_by_default(tmp_path):
    root = init_portal(tmp_path)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dependencies"] == [f"agorapress=={__version__}"]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"`agorapress=={__version__}`" in readme and "## Upgrading Agora Press" in readme
    assert "git+https://" in readme  # how to move to a Git tag instead


@pytest.mark.parametrize("source", ["git+https://github.com/agora-press/agorapress@v0.1.0",
                                    "https://example.org/dist/agorapress-0.1.0-py3-none-any.whl"])
def test_init_agora_from_pins_a_git_tag_or_a_wheel(tmp_path, source):
    root = init_portal(tmp_path, "--agora-from", source)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dependencies"] == [f"agorapress @ {source}"]
    assert f"`agorapress @ {source}`" in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("source", ["git+ssh://git@github.com/x/agorapress@v1", "http://example.org/a.whl",
                                    "git+https://github.com/x/agorapress", "https://example.org/a.whl; rm -rf /",
                                    "--index-url=https://evil.example/"])
def test_init_refuses_another_source_naming_the_flag(tmp_path, source):
    root = tmp_path / "p"
    result = agora("init", str(root), "--owner", "ana", "--agora-from", source, "--no-interactive")
    assert result.exit_code == 2 and "--agora-from" in result.output
    assert not root.exists()


def test_init_refuses_a_login_with_a_space_naming_owner_before_any_question(tmp_path):
    result = agora("init", str(tmp_path / "p"), "--owner", "alice smith", "--interactive", input="")
    assert result.exit_code == 2
    assert "--owner" in result.output and "'alice smith' is not a GitHub login" in result.output
    assert "Name of the portal" not in result.output  # refused before the first prompt


def test_init_off_a_terminal_names_the_one_flag_it_needs(tmp_path):
    result = agora("init", str(tmp_path / "p"), "--no-interactive",
                   env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)})
    assert result.exit_code == 2 and "--owner YOUR-LOGIN" in result.output


def test_next_steps_quote_a_folder_with_spaces(tmp_path):
    root = tmp_path / "my portal"
    result = agora("init", str(root), "--owner", "ana", "--no-interactive")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.strip().startswith("cd "))
    assert shlex.split(line.strip()) == ["cd", str(root)]


def test_check_on_a_missing_path_or_outside_content_is_a_usage_error(tmp_path, monkeypatch):
    root = init_portal(tmp_path)
    (tmp_path / "elsewhere.md").write_text("x", encoding="utf-8")
    for given in ("content/articles/nope.md", str(tmp_path / "elsewhere.md"), "../elsewhere.md", "themes"):
        result = agora("--root", str(root), "check", given)
        assert result.exit_code == 2, (given, result.output)
        assert "no problems" not in result.output.lower() and repr(given)[1:-1] in result.output
    monkeypatch.chdir(root)
    assert agora("check", "content/articles/welcome.md").exit_code == 0
    assert agora("--root", str(root), "check", str(root / "content")).exit_code == 0
    monkeypatch.chdir(tmp_path)
    assert agora("--root", str(root), "check", "content/articles").exit_code == 0


def test_example_text_left_in_the_scaffold_is_a_warning_naming_line_and_field(tmp_path):
    root = init_portal(tmp_path)
    result = agora("--root", str(root), "check")
    assert result.exit_code == 0  # warnings: the check still passes
    interview = [line for line in result.output.splitlines() if line.startswith("content/interviews/first-interview.md")]
    assert any("warning[placeholder]: interviewee.name: still holds the example text 'Name of the person interviewed'"
               in line for line in interview), result.output
    assert "'[links](https://example.org/)'" in result.output
    # Replaced: the warning goes.
    path = root / "content/interviews/first-interview.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Name of the person interviewed", "Jeanne Martin"),
                    encoding="utf-8")
    assert "Name of the person interviewed" not in agora("--root", str(root), "check").output


@pytest.mark.parametrize(("front", "expected"), [
    ('location: "Salle"', "location: expected fields written below 'location:', each indented on its own line "
                          "(name, address, geo, online), found 'Salle' (write 'location:' alone on its line and below it, "
                          "indented by two spaces, 'name: Salle')"),
    ("location:\n\tname: Salle", "a tab character (column 1): YAML lines up fields with spaces only (replace the tab with "
                                 "spaces, two for each level)"),
    ('location:\n  name: "Salle', "a quote is opened and not closed"),
    ("location: {name: Salle", "a '{' is opened and not closed"),
    ("location:\n  name: @salle", "a value cannot start with '@'"),
    ("location:\n  name: Salle\n capacity: 3", "does not line up with the fields around it"),
])
def test_front_matter_messages_never_speak_the_librarys_words(portal, front, expected):
    event = f'---\ntitle: "Rencontre"\ndate: 2026-01-02\nauthors: [ana]\nstart: "2026-02-01T19:00"\n{front}\n---\nTexte.\n'
    root = portal({"content/events/e.md": event})
    result = agora("--root", str(root), "check")
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if line.startswith("content/events/e.md"))
    assert expected in line
    for library in ("Input should", "instance of", "token", "scalar", "block end", "mapping values", "YAML syntax error"):
        assert library not in line

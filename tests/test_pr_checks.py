"""`agora check --pr-author --base` on real git repositories: a base branch, a pull request branch, then the check."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from conftest import write_portal
from markdown_it import MarkdownIt
from PIL import Image

from agorapress.cli import main
from agorapress.pr import parse_raw_diff

NOW = "2026-06-01T12:00:00+02:00"
CONFIG = """\
site:
  title: Mini
  description: A tiny portal.
  url: https://example.org/mini/
  repository: https://github.com/example/mini
committee:
  members:
    - {handle: ana, role: editor-in-chief, from: 2026-01-01}
    - {handle: carol, role: moderator, from: 2025-01-01, to: 2025-12-31}
moderation:
  flagged_terms: [crypto]
"""


def profile(name: str, login: str) -> str:
    return f"---\nname: {name}\ngithub: {login}\n---\nBio of {name}.\n"


def item(title: str, authors: str, body: str = "Some text.\n", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2026-01-10\nauthors: [{authors}]\n{extra}---\n{body}"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


BASE_FILES = {
    "content/contributors/bob.md": profile("Bob Martin", "bob-m"),
    "content/contributors/carol.md": profile("Carol Roy", "carol-r"),
    "content/articles/anas-text.md": item("Ana's text", "ana"),
    "content/articles/bobs-text.md": item("Bob's text", "bob"),
    "content/media/shared.png": png(),
    "content/board.yaml": "topics:\n  - id: open-topic\n    title: Repair cafés\n    section: articles\n    proposed_by: ana\n"
                          "  - id: anas-topic\n    title: Bicycles\n    section: articles\n    proposed_by: ana\n"
                          "    claimed_by: ana\n    status: claimed\n",
    "themes/agora/templates/extra.html": "<p>theme</p>\n",
    ".github/workflows/check.yml": "name: check\n",
    ".github/CODEOWNERS": "* @example/editorial\n",
}


def git(repo: Path, *args: str) -> str:
    """git with a fixed identity and none of the machine's configuration."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo.parent),
           "GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "someone@example.org",
           "GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "someone@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def pull_request(tmp_path: Path, change: Callable[[Path], None], base_extra: dict | None = None) -> Path:
    """main holds the portal; the branch 'pr' holds one contributor's commit; HEAD is the PR branch."""
    repo = tmp_path / "repo"
    write_portal(repo, {**BASE_FILES, **(base_extra or {})}, config=CONFIG)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The portal")
    git(repo, "checkout", "-q", "-b", "pr")
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "A contribution")
    return repo


def check(repo: Path, author: str, *extra: str):
    return CliRunner().invoke(main, ["--root", str(repo), "check", "--now", NOW, "--pr-author", author, "--base", "main", *extra])


def ownership(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if "[ownership]" in line]


def messages(repo: Path, author: str, rule: str = "ownership") -> list[tuple[str, str, str]]:
    """(path, severity, message) of each problem of `rule`, read from the JSON output."""
    result = check(repo, author, "--format", "json")
    return [(p["path"], p["severity"], p["message"]) for p in json.loads(result.stdout) if p["rule"] == rule]


def write(repo: Path, rel: str, text: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


# --- what a contributor may do ----------------------------------------------------------------------------------

def test_a_member_adds_their_own_article_with_an_image(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/media/bobs-photo.png", png())
        body = "Look: ![a blue bicycle](../media/bobs-photo.png)\n"
        write(repo, "content/articles/new-text.md", item("Bob's new text", "bob", body))

    result = check(pull_request(tmp_path, change), "bob-m")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_a_member_edits_their_own_article_and_profile_login_case_ignored(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/bobs-text.md", item("Bob's text, revised", "bob"))
        write(repo, "content/contributors/bob.md", profile("Bob Martin-Roux", "bob-m"))

    result = check(pull_request(tmp_path, change), "BOB-M")  # GitHub logins are case-insensitive
    assert result.exit_code == 0, result.output


def test_a_newcomer_adds_their_profile_and_first_article(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/contributors/dan.md", profile("Dan Nguyen", "dan-n"))
        write(repo, "content/articles/hello.md", item("Hello from Dan", "dan"))

    result = check(pull_request(tmp_path, change), "dan-n")
    assert result.exit_code == 0, result.output


def test_claiming_an_open_board_topic_is_allowed_taking_someone_elses_is_not(tmp_path: Path) -> None:
    def claim(repo: Path) -> None:
        board = (repo / "content/board.yaml").read_text(encoding="utf-8")
        claimed = "    proposed_by: ana\n    claimed_by: bob\n    status: claimed\n  - id: anas-topic"
        write(repo, "content/board.yaml", board.replace("    proposed_by: ana\n  - id: anas-topic", claimed))

    assert check(pull_request(tmp_path / "claim", claim), "bob-m").exit_code == 0

    def steal(repo: Path) -> None:
        board = (repo / "content/board.yaml").read_text(encoding="utf-8")
        write(repo, "content/board.yaml", board.replace("    claimed_by: ana\n", "    claimed_by: bob\n"))

    result = check(pull_request(tmp_path / "steal", steal), "bob-m")
    assert result.exit_code == 1
    assert ownership(result) == ["content/board.yaml: error[ownership]: changes the board topic 'anas-topic', which is someone "
                                 "else's (ask the people concerned or the committee to make this change, or leave it out of "
                                 "this pull request)"]


# --- what needs the committee -----------------------------------------------------------------------------------

def test_editing_someone_elses_article_is_an_error_for_a_non_member(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/anas-text.md", item("Ana's text", "ana", "A sentence slipped in.\n"))

    result = check(pull_request(tmp_path, change), "bob-m")
    assert result.exit_code == 1
    assert ownership(result) == ["content/articles/anas-text.md: error[ownership]: changes an item by ana: only its authors or "
                                 "the committee may (ask the people concerned or the committee to make this change, or leave "
                                 "it out of this pull request)"]


def test_adding_oneself_as_author_does_not_make_an_item_ones_own(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/anas-text.md", item("Ana's text", "ana, bob", "Rewritten by Bob.\n"))

    result = check(pull_request(tmp_path, change), "bob-m")
    assert result.exit_code == 1 and "changes an item by ana" in result.stdout


def test_an_item_must_name_its_author_and_a_profile_its_owner(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/in-anas-name.md", item("Written as Ana", "ana"))
        write(repo, "content/contributors/mallory.md", profile("Mallory", "not-mallory"))

    repo = pull_request(tmp_path, change)
    assert check(repo, "bob-m").exit_code == 1
    assert messages(repo, "bob-m") == [
        ("content/articles/in-anas-name.md", "error", "adds an item that does not list you ('bob') among its authors"),
        ("content/contributors/mallory.md", "error", "adds a profile for the GitHub account 'not-mallory'; a pull request may "
                                                     "only add its author's own profile"),
    ]


def test_an_author_without_a_profile_is_told_to_add_one(tmp_path: Path) -> None:
    result = check(pull_request(tmp_path, lambda repo: write(repo, "content/articles/x.md", item("X", "bob"))), "stranger")
    assert result.exit_code == 1
    assert "'stranger' has no profile: add content/contributors/<handle>.md with 'github: stranger'" in result.stdout


def test_taking_over_a_profile_or_changing_ones_login_needs_the_committee(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/contributors/carol.md", profile("Carol Roy", "bob-m"))
        write(repo, "content/contributors/bob.md", profile("Bob Martin", "bob-new"))

    assert messages(pull_request(tmp_path, change), "bob-m") == [
        ("content/contributors/bob.md", "error", "changes the GitHub login of your profile to 'bob-new'"),
        ("content/contributors/carol.md", "error", "changes the profile of 'carol' (GitHub 'carol-r')"),
    ]


def test_governance_theme_workflows_and_codeowners_need_the_committee(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        config = (repo / "site_config.yaml").read_text(encoding="utf-8")
        seat = "    - {handle: bob, role: editor-in-chief, from: 2026-01-01}\n"
        write(repo, "site_config.yaml", config.replace("committee:\n  members:\n", "committee:\n  members:\n" + seat))
        write(repo, "themes/agora/templates/extra.html", "<script>alert(1)</script>\n")
        write(repo, ".github/workflows/check.yml", "name: pwned\n")
        write(repo, ".github/CODEOWNERS", "* @bob-m\n")
        write(repo, "plugins/evil/__init__.py", "import os\n")
        write(repo, "pyproject.toml", "[project]\nname = 'x'\n")

    result = check(pull_request(tmp_path, change), "bob-m")
    assert result.exit_code == 1
    assert [line.split(" (ask")[0] for line in ownership(result)] == [
        ".github/CODEOWNERS: error[ownership]: changes CODEOWNERS (who reviews what), which only the committee may change",
        ".github/workflows/check.yml: error[ownership]: changes the workflow .github/workflows/check.yml, which only the "
        "committee may change",
        "plugins/evil/__init__.py: error[ownership]: adds the plugin file plugins/evil/__init__.py, which only the committee "
        "may change",
        "pyproject.toml: error[ownership]: adds the build settings pyproject.toml, which only the committee may change",
        "site_config.yaml: error[ownership]: changes the portal configuration ('committee'), which only the committee may change",
        "themes/agora/templates/extra.html: error[ownership]: changes the theme file themes/agora/templates/extra.html, which "
        "only the committee may change",
    ]


def test_a_current_committee_member_gets_warnings_a_former_one_errors(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/bobs-text.md", item("Bob's text", "bob", "Edited by the committee.\n"))

    ana = CliRunner().invoke(main, ["--root", str(pull_request(tmp_path / "ana", change)), "check", "--now", NOW,
                                    "--pr-author", "ana-l", "--base", "main"])
    assert ana.exit_code == 0, ana.output
    assert ownership(ana) == ["content/articles/bobs-text.md: warning[ownership]: changes an item by bob: only its authors "
                              "or the committee may (you are on the committee: it needs committee review) (another committee "
                              "member must review this change)"]
    carol = check(pull_request(tmp_path / "carol", change), "carol-r")  # her term ended in 2025
    assert carol.exit_code == 1 and "error[ownership]" in carol.stdout


def test_membership_comes_from_the_base_not_from_the_pull_request(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        config = (repo / "site_config.yaml").read_text(encoding="utf-8")
        write(repo, "site_config.yaml", config.replace("{handle: carol, role: moderator, from: 2025-01-01, to: 2025-12-31}",
                                                      "{handle: bob, role: moderator, from: 2025-01-01}"))
        write(repo, "content/articles/anas-text.md", item("Ana's text", "ana", "Bob, now 'on the committee'.\n"))

    result = check(pull_request(tmp_path, change), "bob-m")
    assert result.exit_code == 1
    assert all("error[ownership]" in line for line in ownership(result)) and len(ownership(result)) == 2


def test_replacing_shared_media_needs_the_committee(tmp_path: Path) -> None:
    result = check(pull_request(tmp_path, lambda repo: write(repo, "content/media/shared.png", png() + b"")), "bob-m")
    assert result.exit_code == 0  # the same bytes: git sees no change
    def change(repo: Path) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10), (255, 0, 0)).save(buffer, "PNG")
        write(repo, "content/media/shared.png", buffer.getvalue())

    result = check(pull_request(tmp_path / "again", change), "bob-m")
    assert "content/media/shared.png: error[ownership]: changes a shared media file other pages may use" in result.stdout


# --- identity and file modes ------------------------------------------------------------------------------------

def test_a_lookalike_login_cannot_pass_for_a_member(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/bobs-text.md", item("Bob's text", "bob", "Signed, Bob.\n"))

    result = check(pull_request(tmp_path, change), "b0b-m")  # zero, not o
    assert result.exit_code == 1
    assert ("content/contributors/bob.md: error[lookalike-author]: github: the pull request author 'b0b-m' reads like 'bob-m', "
            "the GitHub login of this member") in result.stdout
    assert "error[ownership]" in result.stdout  # and the look-alike owns nothing


def test_symlinks_submodules_and_executables_are_refused(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        (repo / "content/media/passwd.png").symlink_to("/etc/passwd")
        (repo / "themes/agora/link").symlink_to("../../..")
        write(repo, "content/articles/run.md", item("Run", "bob"))
        (repo / "content/articles/run.md").chmod(0o755)
        sha = git(repo, "rev-parse", "HEAD")
        # A gitlink with an empty folder: what a committed, uninitialised submodule looks like.
        (repo / "content/vendor").mkdir()
        git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},content/vendor")

    repo = pull_request(tmp_path, change)
    result = check(repo, "bob-m")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "content/media/passwd.png: error[symlink]: the pull request adds a symbolic link (commit the real file: a link " \
           "could make the build read outside the repository)" in lines
    assert any(line.startswith("themes/agora/link: error[symlink]") for line in lines)
    assert any(line.startswith("content/vendor: error[submodule]: the pull request adds a Git submodule") for line in lines)
    assert any(line.startswith("content/articles/run.md: error[executable]") for line in lines)


def test_a_damaged_image_is_caught_by_the_deep_check_of_changed_files(tmp_path: Path) -> None:
    damaged = png()[:-40]  # a valid header, a truncated body: only decoding finds it

    def change(repo: Path) -> None:
        write(repo, "content/media/broken.png", damaged)

    repo = pull_request(tmp_path, change)
    plain = CliRunner().invoke(main, ["--root", str(repo), "check", "--now", NOW])
    # The whole-portal check decodes only the pictures the site publishes; an unused one is only said to be unused.
    assert "not-an-image" not in plain.stdout and "'media/broken.png': it is not published" in plain.stdout
    result = check(repo, "bob-m")
    assert result.exit_code == 1
    assert "content/media/broken.png: error[not-an-image]: 'broken.png' is damaged or not really a PNG image" in result.stdout


def test_only_the_changed_files_warnings_are_reported(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/new.md", item("New", "bob", "About crypto.\n"))

    repo = pull_request(tmp_path, change, {"content/articles/old.md": item("Old", "ana", "Old crypto text.\n")})
    result = check(repo, "bob-m")
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["content/articles/new.md"]
    everything = CliRunner().invoke(main, ["--root", str(repo), "check", "--now", NOW])
    assert "content/articles/old.md" in everything.stdout


# --- the command line -------------------------------------------------------------------------------------------

def test_the_options_go_together_and_a_bad_base_is_a_usage_error(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: None)
    alone = CliRunner().invoke(main, ["--root", str(repo), "check", "--pr-author", "bob-m"])
    assert alone.exit_code == 2 and "--pr-author and --base go together" in alone.output
    for base in ("no-such-branch", "--output=/tmp/x", "main;rm -rf /"):
        result = CliRunner().invoke(main, ["--root", str(repo), "check", "--pr-author", "bob-m", "--base", base])
        assert result.exit_code == 2, (base, result.output)


def test_paths_with_odd_characters_come_through_git_intact() -> None:
    raw = ":000000 100644 " + "0" * 40 + " " + "a" * 40 + " A\0content/media/é \"x\".png\0" \
          ":100644 120000 " + "b" * 40 + " " + "c" * 40 + " T\0content/a\nb.md\0"
    changes = parse_raw_diff(raw)
    assert [(c.status, c.path, c.new_mode) for c in changes] == [
        ("T", "content/a\nb.md", "120000"), ("A", 'content/media/é "x".png', "100644")]


# --- the report -------------------------------------------------------------------------------------------------

HOSTILE_TITLE = "Hi <img src=x onerror=alert(1)> [click](https://evil.example) @everyone ![p](https://t.example/p.gif)"


def test_the_report_tells_reviewers_what_changes_and_what_was_found(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/media/bike.png", png())
        body = ("About crypto and repairs. " * 30 + "\n\nSee [the guide](https://guide.example/repair) and "
                "![a green bicycle](../media/bike.png).\n")
        write(repo, "content/articles/repairs.md", item(f'"{HOSTILE_TITLE}"', "bob", body))
        write(repo, "content/articles/anas-text.md", item("Ana's text", "ana", "Edited.\n"))

    repo = pull_request(tmp_path, change)
    report_path = tmp_path / "out" / "report.md"
    result = check(repo, "bob-m", "--report", str(report_path))
    assert result.exit_code == 1
    report = report_path.read_text(encoding="utf-8")
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings == ["# Agora moderation report", "## What the pull request changes", "### Links to other sites",
                        "### Images", "## Flagged and refused terms", "## Ownership", "## Consents needed", "## Problems",
                        "### Errors", "### Warnings", "## Rules"]
    assert "**❌ 1 error(s), 1 warning(s)**" in report
    assert "Pull request by GitHub user `bob-m` (member `bob`, not on the committee), 3 file(s) changed" in report
    row = next(line for line in report.splitlines() if "repairs.md" in line)
    assert row.startswith("| added | `content/articles/repairs.md` | article | Hi ")
    assert row.endswith("| `bob` | 134 | 1 min |")
    assert "- `content/articles/repairs.md`: `https://guide.example/repair`" in report
    assert "- `content/articles/repairs.md`: `media/bike.png` — in the text, with alt text" in report
    assert "`content/articles/repairs.md:6` flagged: 'crypto' is flagged for the reviewers" in report
    assert "❌ `content/articles/anas-text.md` changes an item by ana" in report
    rules = report.split("## Rules")[1]
    assert "| `ownership` | 1 | 0 |" in rules and "| `flagged-term` | 0 | 1 |" in rules
    assert "✅ Passed" in rules and "`svg-refused`" in rules and "`yaml-duplicate-key`" in rules
    # The contributor's title is inert text: no HTML, no link, no image, no mention (every opener is escaped).
    assert not re.search(r"(?<!\\)(<img|\]\(https|!\[)", report) and "@everyone" not in report
    assert "Hi \\<img src=x onerror=alert(1)\\> \\[click\\](https://evil.example) @\u200beveryone \\!\\[p\\]" in report
    # Rendered as GitHub renders Markdown (tables, raw HTML allowed), it is a page of text, tables and code.
    rendered = MarkdownIt("gfm-like", {"linkify": False}).render(report)
    document = html5lib.parse(rendered, treebuilder="etree", namespaceHTMLElements=False)
    assert {element.tag for element in document.iter()} <= {"html", "head", "body", "h1", "h2", "h3", "p", "strong", "code",
                                                              "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
    assert len(document.findall(".//table")) == 2


def test_a_clean_pull_request_gets_a_short_green_report(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/new.md", item("New", "bob")))
    result = check(repo, "bob-m", "--report", str(tmp_path / "report.md"))
    assert result.exit_code == 0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "**✅ No problems found.**" in report
    assert "## Ownership\n\n✅ Every change is the author's own to make." in report
    assert "## Problems" not in report


def test_a_report_is_written_even_when_the_config_is_broken(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "site_config.yaml", "site: [\n"))
    result = check(repo, "bob-m", "--report", str(tmp_path / "report.md"))
    assert result.exit_code == 2
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "**❌ 2 error(s)" in report and "**yaml-syntax**" in report


@pytest.mark.parametrize("fmt", ["github"])
def test_pull_request_problems_become_annotations(tmp_path: Path, fmt: str) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/anas-text.md", item("Ana's text", "ana", "Edited.\n"))

    result = check(pull_request(tmp_path, change), "bob-m", "--format", fmt)
    assert result.stdout.startswith("::error file=content/articles/anas-text.md,title=ownership::changes an item by ana")


def test_a_report_without_a_pull_request_covers_the_whole_portal(tmp_path: Path) -> None:
    files = {**BASE_FILES, "content/articles/a.md": item("A", "ana", "About crypto.\n")}
    repo = write_portal(tmp_path / "portal", files, config=CONFIG)
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--now", NOW, "--report", str(tmp_path / "r.md")])
    assert result.exit_code == 0
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "No pull request given (`--pr-author`, `--base`): the whole portal was checked." in report
    assert "## What the pull request changes" not in report and "## Ownership" not in report
    assert "`content/articles/a.md:6` flagged: 'crypto' is flagged for the reviewers" in report
    assert "review-quorum" in report  # warnings of the whole portal are listed too

"""Hostile pull requests that went through `agora check --pr-author --base` and `agora review` without a word: file
names the loader reads but the gate did not look at, and files of another member's profile."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image
from test_pr_checks import check, git, item, profile, pull_request, write

from agorapress.committee.consent import needed_consents
from agorapress.committee.quorum import people_in


def picture(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def problems(repo: Path, author: str) -> list[tuple[str, str, str]]:
    """(path, severity, rule) of every problem of the pull request check."""
    result = check(repo, author, "--format", "json")
    return [(p["path"], p["severity"], p["rule"]) for p in json.loads(result.stdout)]


def test_an_item_named_with_an_upper_case_extension_is_not_a_way_round_ownership_and_consent(tmp_path: Path) -> None:
    """A stranger adds content/articles/fake.MD crediting bob alone: the loader read it as an article and the build
    published it, while the gate (which looked for '.md') saw no item, so no ownership error and no consent."""
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/fake.MD", item("Bob endorses this", "bob")))
    result = check(repo, "mallory")
    assert result.exit_code == 1, result.output
    assert ("content/articles/fake.MD", "error", "unclaimed-file") in problems(repo, "mallory")


def test_the_review_names_the_people_of_an_item_whatever_the_case_of_its_extension() -> None:
    """`agora review` asks the credited member's consent, and does not count their approval, for any Markdown file."""
    text = item("Bob endorses this", "bob")
    consents = needed_consents(["content/articles/fake.MD"], lambda path: None, lambda path: text, ["mal"],
                               lambda kind, slug: None)
    assert [(c.handle, c.field) for c in consents] == [("bob", "authors[0]")]
    assert people_in("content/articles/fake.Md", text) == {"bob"}
    assert people_in("content/contributors/bob.MD", None) == {"bob"}


def test_a_profile_in_a_sub_folder_cannot_change_the_login_of_a_member(tmp_path: Path) -> None:
    """Mal deletes content/contributors/mal.md and adds content/contributors/x/mal.md with another GitHub login: the
    loader read it as mal's profile (the handle is the file name), the gate saw 'a file beside mal's profile'."""
    def change(repo: Path) -> None:
        git(repo, "rm", "-q", "content/contributors/mal.md")
        write(repo, "content/contributors/x/mal.md", profile("Mal Lory", "someone-else"))

    repo = pull_request(tmp_path, change, {"content/contributors/mal.md": profile("Mal Lory", "mallory")})
    result = check(repo, "mallory")
    assert result.exit_code == 1, result.output
    found = problems(repo, "mallory")
    assert ("content/contributors/x/mal.md", "error", "unclaimed-file") in found
    assert ("content/contributors/x/mal.md", "error", "ownership") in found


def test_replacing_the_avatar_of_another_member_needs_them(tmp_path: Path) -> None:
    """Bob's avatar is portrait.png; a newcomer whose handle is 'portrait' replaced that picture: the gate took the
    file's owner from its name, not from the profile that shows it."""
    base = {"content/contributors/bob.md": "---\nname: Bob Martin\ngithub: bob-m\navatar: portrait.png\n---\nBio.\n",
            "content/contributors/portrait.png": picture((1, 2, 3))}

    def change(repo: Path) -> None:
        write(repo, "content/contributors/portrait.md", profile("Mal Lory", "mallory"))
        write(repo, "content/contributors/portrait.png", picture((250, 0, 0)))

    repo = pull_request(tmp_path, change, base)
    result = check(repo, "mallory")
    assert result.exit_code == 1, result.output
    assert ("content/contributors/portrait.png", "error", "ownership") in problems(repo, "mallory")
    # Bob himself may still change his own picture.
    own = pull_request(tmp_path / "own", lambda repo: write(repo, "content/contributors/portrait.png", picture((9, 9, 9))), base)
    assert check(own, "bob-m").exit_code == 0

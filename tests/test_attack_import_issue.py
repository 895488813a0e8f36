"""`agora import-issue` with hostile issue JSON: every payload gets problem lines or valid files, never a traceback,
and the commit it proposes credits nobody but the submitter."""

from __future__ import annotations

import json
from pathlib import Path

from test_import_issue import agora, with_answers, write

from agorapress.site import load_portal


def test_an_issue_opened_in_the_year_9999_is_a_problem_not_a_traceback(portal, tmp_path: Path) -> None:
    """created_at 9999-12-31T23:59:59Z is past Python's last date once moved to the portal's zone (OverflowError)."""
    data = with_answers()
    data["issue"]["created_at"] = "9999-12-31T23:59:59Z"
    result = agora(portal(), write(tmp_path, data))
    assert result.exit_code == 1
    assert "the year 9999 is out of range" in result.stdout


def test_the_co_author_trailer_names_no_other_address(portal, tmp_path: Path) -> None:
    """'Your name: Bob <bob@example.org>' made 'Co-authored-by: Bob <bob@example.org> <7700123+...>': GitHub reads the
    first address, so the commit credited whoever owns bob@example.org."""
    data = with_answers(Your_name="Bob <bob@example.org>")
    result = agora(portal(), write(tmp_path, data), "--output-dir", str(tmp_path / "out"))
    trailer = next(line for line in result.stderr.splitlines() if line.startswith("Co-authored-by:"))
    assert trailer.count("<") == 1 and trailer.count(">") == 1, trailer
    assert trailer.endswith("<7700123+Ines-Karim@users.noreply.github.com>")


def test_a_login_yaml_would_read_as_a_number_or_a_word_is_written_as_text(portal, tmp_path: Path) -> None:
    """GitHub logins '1234', 'on' or 'null' became authors: [1234], [on] or [null]: the import refused the submitter's
    own text with a fix ('quote it') they could not make."""
    for login in ("1234", "on", "null", "0x1f"):
        root = portal() if login == "1234" else root
        data = with_answers()
        data["issue"]["user"]["login"] = login
        data["issue"]["number"] += 1
        result = agora(root, write(tmp_path, data))
        assert result.exit_code == 0, (login, result.output)
    assert not load_portal(root).problems.errors


def test_a_login_the_portal_keeps_for_itself_gets_another_handle(portal, tmp_path: Path) -> None:
    """GitHub user 'admin' became content/contributors/admin.md, which the check refuses (reserved-handle)."""
    data = with_answers()
    data["issue"]["user"]["login"] = "admin"
    root = portal()
    result = agora(root, write(tmp_path, data))
    assert result.exit_code == 0, result.output
    assert "content/contributors/admin.md" not in result.stdout
    assert not load_portal(root).problems.errors


def test_odd_numbers_and_ids_are_not_written(portal, tmp_path: Path) -> None:
    data = with_answers()
    data["issue"]["number"], data["issue"]["user"]["id"] = True, True
    result = agora(portal(), write(tmp_path, data), "--output-dir", str(tmp_path / "out"))
    assert "#True" not in result.stderr and "True+" not in result.stderr
    json.dumps(data)

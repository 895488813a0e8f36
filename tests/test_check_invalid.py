"""Deliberately broken portals: `agora check` must print exactly the expected lines and exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agorapress.cli import main

CASES = Path(__file__).parent / "sites" / "invalid"


def run_check(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), "check", *args])


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_invalid_site_reports_exactly(case: str, tmp_path: Path) -> None:
    root = shutil.copytree(CASES / case, tmp_path / case)
    result = run_check(root)
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8")
    assert result.stdout == expected
    assert result.exit_code == int((CASES / case / "expected_exit").read_text())


def test_json_format_lists_every_field(tmp_path: Path) -> None:
    root = shutil.copytree(CASES / "schema", tmp_path / "schema")
    result = run_check(root, "--format", "json")
    problems = json.loads(result.stdout)
    assert {"path", "line", "rule", "field", "message", "hint", "severity"} <= set(problems[0])
    assert ("content/articles/unknown-field.md", 5, "schema-unknown", "sumary") in {
        (p["path"], p["line"], p["rule"], p["field"]) for p in problems
    }


def test_github_format_escapes_user_text(portal) -> None:
    root = portal({"content/articles/x.md": "---\ntitle: ok\ndate: 2026-01-01\nauthors: [ana]\nbad,key%0A: 1\n---\nBody.\n"})
    result = run_check(root, "--format", "github")
    line = next(out for out in result.stdout.splitlines() if "schema-unknown" in out)
    assert line.startswith("::error file=content/articles/x.md,line=5,title=schema-unknown::")
    assert "bad,key%250A" in line  # '%' escaped, so no newline can be injected into the annotation
    assert result.exit_code == 1


def test_paths_limit_the_report_but_not_the_reading(tmp_path: Path) -> None:
    root = shutil.copytree(CASES / "references", tmp_path / "references")
    result = run_check(root, "content/articles/same-slug-a.md")
    assert result.stdout.splitlines() == [
        "content/articles/same-slug-a.md:5: error[url-collision]: slug: /articles/twins/ is also the URL of "
        "content/articles/same-slug-b.md (give one of them another slug or file name)"
    ]
    assert result.exit_code == 1


def test_clean_portal_exits_zero(portal) -> None:
    root = portal({"content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nauthors: [ana]\n---\nHello.\n"})
    result = run_check(root)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""

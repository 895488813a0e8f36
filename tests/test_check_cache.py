"""The caches behind `agora check`: a check after a small change re-reads and re-checks only the changed files,
and reports exactly what a check from scratch reports."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from conftest import write_portal
from test_pr_checks import BASE_FILES, CONFIG, NOW, item, pull_request, write

from agorapress import rules
from agorapress.cache import PortalCache
from agorapress.cli import main
from agorapress.content import loader
from agorapress.content.loader import ParseCache, load
from agorapress.content.markdown import Options
from agorapress.site import load_portal

#: Unchanged files around the pull request, one of them with a warning (a flagged term) and one with an error.
MANY = {f"content/articles/text-{i:02d}.md": item(f"Text {i}", "bob") for i in range(20)}
OLD_PROBLEMS = {
    "content/articles/old-warning.md": item("Old", "bob", "About crypto.\n"),
    "content/articles/old-error.md": item("Old error", "bob", "An image: ![](../media/nowhere.png)\n"),
}


def check_json(repo: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--now", NOW, "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def planted(repo: Path) -> None:
    """Three files, each wrong in a way only the rest of the portal can tell, and one wrong in itself."""
    # Takes the URL of an existing article.
    write(repo, "content/articles/collides.md", item("Collides", "bob", extra="slug: text-03\n"))
    # Names a member nobody knows, and carries a bidi override in its title.
    write(repo, "content/articles/stranger.md", item("Stranger\u202e", "bob, nobody"))
    # Someone else's article, edited, with a flagged term.
    write(repo, "content/articles/anas-text.md", item("Ana's text", "ana", "Now about crypto.\n"))


def test_pr_check_on_warm_caches_reports_what_a_check_from_scratch_reports(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        # The base is checked first, as the portal's last build would have: every cache is warm.
        check_json(repo)
        planted(repo)

    repo = pull_request(tmp_path, change, base_extra={**MANY, **OLD_PROBLEMS})
    assert PortalCache(repo).read("rules.pickle") is not None
    warm = check_json(repo, "--pr-author", "bob-m", "--base", "main")
    assert PortalCache(repo).clear()
    cold = check_json(repo, "--pr-author", "bob-m", "--base", "main")
    assert warm == cold
    found = {(p["path"], p["rule"]) for p in warm}
    assert {("content/articles/collides.md", "url-collision"), ("content/articles/stranger.md", "unknown-contributor"),
            ("content/articles/stranger.md", "invisible-character"), ("content/articles/anas-text.md", "ownership"),
            ("content/articles/anas-text.md", "flagged-term")} <= found, found
    # A file the PR does not change passed its own checks when it was merged, warnings and errors alike: the PR is
    # checked for what it adds and what it breaks (text-03's address, taken by collides.md).
    assert not any(p["path"] in OLD_PROBLEMS for p in warm)
    assert ("content/articles/text-03.md", "url-collision") in found
    # The changed files' problems are those of the full check, plus what only a PR can get wrong.
    changed = {"content/articles/collides.md", "content/articles/stranger.md", "content/articles/anas-text.md"}
    full = [p for p in check_json(repo) if p["path"] in changed]
    assert [p for p in warm if p["path"] in changed and p["rule"] not in {"ownership", "consent"}] == full


def test_a_pr_that_deletes_a_file_has_every_file_checked_in_itself(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/new.md", item("New", "bob", "Links to [a text](text-04.md).\n"))
        (repo / "content/articles/text-04.md").unlink()

    repo = pull_request(tmp_path, change, base_extra={**MANY, **OLD_PROBLEMS})
    found = {(p["path"], p["rule"]) for p in check_json(repo, "--pr-author", "bob-m", "--base", "main")}
    assert ("content/articles/new.md", "broken-link") in found
    # Checked in full, the unchanged files show their own errors again (a deletion may break any link to it).
    assert ("content/articles/old-error.md", "image-alt-missing") in found


def test_a_content_pr_reads_the_other_files_front_matter_only(tmp_path: Path, monkeypatch) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/new.md", item("New", "bob", "About crypto.\n"))

    repo = pull_request(tmp_path, change, base_extra=MANY)
    seen = _counting(monkeypatch)
    rendered: list[str] = []
    original = loader.render
    monkeypatch.setattr(loader, "render", lambda body, relpath, *args, **kwargs: rendered.append(relpath) or original(body, relpath, *args, **kwargs))
    found = {(p["path"], p["rule"]) for p in check_json(repo, "--pr-author", "bob-m", "--base", "main")}
    assert ("content/articles/new.md", "flagged-term") in found
    assert rendered == ["articles/new.md"] and seen == ["articles/new.md"]
    # Nothing read for its front matter only is kept: a later check from the cache renders every body.
    rendered.clear()
    check_json(repo)
    others = {str(path.relative_to(repo / "content")) for path in (repo / "content").rglob("*.md")} - {"articles/new.md"}
    assert sorted(rendered) == sorted(others)  # new.md comes from the cache


def _counting(monkeypatch) -> list[str]:
    """The relpaths the item rules run on, from now on."""
    seen: list[str] = []

    def spy(item, graph):
        seen.append(item.relpath)
        return []

    monkeypatch.setattr(rules, "ITEM_RULES", [spy, *rules.ITEM_RULES])
    return seen


def test_item_rules_run_again_on_exactly_the_edited_file(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "portal"
    write_portal(repo, {**BASE_FILES, **MANY}, config=CONFIG)
    now = datetime.fromisoformat(NOW)
    before = list(load_portal(repo, now=now).problems)
    seen = _counting(monkeypatch)
    assert list(load_portal(repo, now=now).problems) == before
    assert seen == []
    write(repo, "content/articles/text-07.md", item("Text 7, edited", "bob", "Now about crypto.\n"))
    edited = load_portal(repo, now=now).problems
    assert seen == ["articles/text-07.md"]
    assert [p.rule for p in edited if p.path == "content/articles/text-07.md"] == ["flagged-term"]
    # A deleted file leaves the memo; the others stay.
    seen.clear()
    assert "articles/text-08.md" in _memo_entries(repo)
    (repo / "content/articles/text-08.md").unlink()
    load_portal(repo, now=now)
    assert seen == []
    entries = _memo_entries(repo)
    assert "articles/text-08.md" not in entries and "articles/text-07.md" in entries


def _memo_entries(repo: Path) -> dict:
    return PortalCache(repo).load_pickle("rules.pickle")[1]


def test_a_config_change_runs_every_item_rule_again(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "portal"
    write_portal(repo, MANY, config=CONFIG)
    now = datetime.fromisoformat(NOW)
    load_portal(repo, now=now)
    seen = _counting(monkeypatch)
    (repo / "site_config.yaml").write_text(CONFIG.replace("[crypto]", "[crypto, bitcoin]"), encoding="utf-8")
    load_portal(repo, now=now)
    assert sorted(seen) == sorted(rel.removeprefix("content/") for rel in [*MANY, "content/contributors/ana.md"])


def test_an_edit_rewrites_one_shard_of_the_parse_cache(tmp_path: Path) -> None:
    repo = tmp_path / "portal"
    write_portal(repo, MANY)
    folder = PortalCache(repo).path

    def run() -> ParseCache:
        cache = ParseCache(PortalCache(repo), "test")
        load(repo / "content", options=Options("none"), max_bytes=1 << 20, cache=cache)
        return cache

    run()
    def shards() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in folder.glob("parsed-*.pickle")}

    stamps = shards()
    assert run().hits == len(MANY) + 1
    assert shards() == stamps  # nothing changed: nothing written
    write(repo, "content/articles/text-05.md", item("Text 5, edited", "bob"))
    assert run().hits == len(MANY)
    rewritten = [name for name, stamp in shards().items() if stamp != stamps.get(name)]
    assert len(rewritten) == 1


def test_check_from_the_command_line_prints_everything_and_keeps_its_exit_code(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = write_portal(tmp_path / "portal", {"content/articles/bad.md": item("Bad", "nobody")})
    done = subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(repo), "check", "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert [p["rule"] for p in json.loads(done.stdout)] == ["unknown-contributor"]
    clean = subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(tmp_path / "nowhere"), "check"],
                           capture_output=True, text=True, check=False)
    assert clean.returncode == 2 and "site_config.yaml" in clean.stdout + clean.stderr

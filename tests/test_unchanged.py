"""An unchanged build said from the files' status alone (build/unchanged.py): nothing loaded, the same warnings, and
never when an input, the clock, the day or the output says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_NOW, copy_demo

from agorapress.cli import main

UNCHANGED = "Nothing changed since the last build"


def _build(root: Path, *args: str, now=DEMO_NOW) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--now", now.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def demo(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("AGORA_CACHE_DIR", str(tmp_path / "cache"))
    root = copy_demo(tmp_path / "demo")
    assert UNCHANGED not in _build(root)
    return root


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith(UNCHANGED)]


def test_a_second_build_loads_nothing_and_says_the_same_warnings(demo: Path):
    # In a process of its own: what was imported is what an unchanged build costs.
    probe = ("import sys\nfrom agorapress.cli import main\n"
             f"try:\n    main(['--root', {str(demo)!r}, 'build', '--now', {DEMO_NOW.isoformat()!r}])\n"
             "except SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in ('pelican', 'markdown_it', 'agorapress.content.loader', "
             "'agorapress.rules', 'PIL') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=120)
    assert UNCHANGED in done.stderr, done.stderr
    assert "LOADED []" in done.stdout, done.stdout
    # The long way, forced to decide from the files' bytes, finds the same and says the same warnings.
    quick = _build(demo)
    (demo / "content/articles/dire-merci-aux-benevoles.md").touch()
    slow = _build(demo)
    assert UNCHANGED in quick and UNCHANGED in slow
    assert _lines(quick) == _lines(slow) and any("warning[" in line for line in _lines(quick))
    assert UNCHANGED in _build(demo)  # the long way recorded the new status


def test_new_bytes_under_the_same_size_and_time_are_built(demo: Path):
    article = demo / "content/articles/dire-merci-aux-benevoles.md"
    before = article.stat()
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("merci", "MERCI", 1), encoding="utf-8")  # same size
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same modification time, set back
    assert article.stat().st_size == before.st_size
    assert UNCHANGED not in _build(demo)
    assert "MERCI" in (demo / "output/articles/dire-merci-aux-benevoles/index.html").read_text(encoding="utf-8")


def test_the_clock_and_the_day_are_heard(demo: Path):
    from agorapress.build.unchanged import inputs_status, unchanged

    def quick(now) -> bool:
        return unchanged(demo, None, now, inputs_status(demo)) is not None

    assert quick(DEMO_NOW) and quick(DEMO_NOW + timedelta(hours=1))
    # A scheduled article (10 December) is the site's next change: from then on the long way decides, and builds it.
    december = DEMO_NOW.replace(month=12, day=10, hour=23)
    assert not quick(december)
    assert UNCHANGED not in _build(demo, now=december)
    assert (demo / "output/articles/le-jardin-des-pentes-en-hiver/index.html").is_file()
    assert quick(december)
    # Another day, even with nothing new to publish: the committee's reminders count days.
    assert not quick(december + timedelta(days=1))


def test_a_touched_output_or_another_output_is_decided_the_long_way(demo: Path, tmp_path: Path):
    (demo / "output/index.html").unlink()
    assert UNCHANGED not in _build(demo)
    assert (demo / "output/index.html").is_file()
    elsewhere = tmp_path / "elsewhere"
    assert UNCHANGED not in _build(demo, "--output", str(elsewhere))
    assert UNCHANGED in _build(demo, "--output", str(elsewhere))


def test_forced_and_draft_builds_never_take_the_quick_way(demo: Path):
    assert "Built " in _build(demo, "--force")
    assert "Built " in _build(demo, "--drafts", "--output", str(demo.parent / "drafts"))
    assert UNCHANGED in _build(demo)  # a drafts build is never recorded, and the public site's record still holds

"""The benchmark command runs end to end on a tiny corpus and prints its tables (timings are not asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_command_builds_every_tool_and_prints_the_table() -> None:
    pytest.importorskip("markdown", reason="stock Pelican reads the corpus with Python-Markdown: pip install -e '.[bench]'")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "40", "--runs", "1"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split("|")[1:-1] for line in result.stdout.splitlines() if line.startswith("| 40 |")]
    builds = [cells for cells in rows if len(cells) > 4]
    serve, pr_check = [cells for cells in rows if len(cells) == 4], [cells for cells in rows if len(cells) == 3]
    assert [cells[1].strip() for cells in builds] == ["full", "no-change", "one-edit", "fresh-clone"]
    # agora serve: a save, then the reload signal, the page served with the edit (checked by the command), the rebuild.
    assert len(serve) == 1
    signal_ms, page_ms, rebuilt_s = (float(cell) for cell in serve[0][1:])
    assert 0 < signal_ms <= page_ms <= rebuilt_s * 1000 + 10  # the rebuild is printed to 10 ms
    # The pull-request gate on three new articles, with the builds' cache and with none (it passed: exit 0).
    assert len(pr_check) == 1 and all(float(cell) > 0 for cell in pr_check[0][1:])
    rows = builds
    for cells in rows:
        agora, pelican = float(cells[2]), float(cells[3])
        assert agora > 0 and pelican > 0
        assert float(cells[6]) == pytest.approx(agora / pelican, rel=0.05, abs=0.02)  # the ratio of the same run's (unrounded) figures
        assert float(cells[11]) > 0  # CPU seconds of Agora's processes


def test_pathological_benchmark_runs_every_case_and_prints_its_table() -> None:
    """The hostile files of benchmarks/pathological.py, at 16 KiB (--quick): every case runs and is printed; at that
    size none comes near the 2-second limit, so the command exits 0."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from pathological import CASES
    finally:
        sys.path.pop(0)
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "pathological.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    rows = [line.split("|")[1:-1] for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert [cells[0].strip() for cells in rows[1:]] == list(CASES)
    for name, size, seconds, problems in rows[1:]:
        assert 8_000 < int(size.replace(",", "")) <= 16 * 1024, name
        assert float(seconds) < 2 and int(problems.replace(",", "")) >= 0, name


def _zola_blog(root: Path) -> Path:
    """A tiny blog laid out as the Rust blog is (Zola: TOML front matter, a post as a folder with its pictures, links
    between posts written three ways, an SVG, a form feed), for the real-corpus mode of the benchmark."""
    from PIL import Image  # noqa: PLC0415

    content = root / "content"
    (content / "inside-rust" / "2-folder-post").mkdir(parents=True)
    (content / "_index.md").write_text('+++\ntitle = "Blog"\n+++\n', encoding="utf-8")
    (content / "1-first.md").write_text(
        '+++\npath = "2020/01/02/first"\ntitle = "First \\"post\\""\nauthors = ["Ana Lima", "The Core Team"]\n'
        'description = "What it is about."\n+++\n\nSee [the second](@/inside-rust/2-folder-post/index.md) and '
        "[again](/inside-rust/2021/03/04/second/).\n\nA form feed\x0c here.\n", encoding="utf-8")
    folder = content / "inside-rust" / "2-folder-post"
    (folder / "index.md").write_text(
        '+++\npath = "inside-rust/2021/03/04/second"\ntitle = "Second"\nauthors = ["Ana Lima"]\n+++\n\n'
        "![A square](square.png) and ![a drawing](drawing.svg), [the first](../../../../2020/01/02/first/), "
        "[elsewhere](https://example.org/x).\n\n<img src=\"square.png\" alt=\"again\">\n", encoding="utf-8")
    Image.new("RGB", (8, 8), "white").save(folder / "square.png")
    (folder / "drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    return root


def test_a_zola_blog_converts_to_an_agora_portal_that_passes_the_check_and_to_a_pelican_site(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import realcorpus
    finally:
        sys.path.pop(0)
    posts = realcorpus.read_posts(_zola_blog(tmp_path / "blog"))
    assert [(post.slug, post.day) for post in posts] == [("2020-01-02-first", "2020-01-02"),
                                                         ("2021-03-04-second", "2021-03-04")]
    agora = realcorpus.write_agora(tmp_path / "agora", posts)
    pelican = realcorpus.write_pelican(tmp_path / "pelican", posts)
    first = (agora / "content/articles/2020-01-02-first.md").read_text(encoding="utf-8")
    assert "authors: [ana-lima, the-core-team]" in first and 'summary: "What it is about."' in first
    assert first.count("(2021-03-04-second.md)") == 2 and "\x0c" not in first
    second = (agora / "content/articles/2021-03-04-second.md").read_text(encoding="utf-8")
    assert "](../media/2021-03-04-second/square.png)" in second and "](2020-01-02-first.md)" in second
    assert "](https://blog.rust-lang.org/inside-rust/2021/03/04/second/drawing.svg)" in second  # SVG: left on the old site
    assert (agora / "content/media/2021-03-04-second/square.png").is_file()
    assert not list(agora.rglob("*.svg"))
    assert "](../media/2021-03-04-second/square.png)" not in (pelican / "content/articles/2021-03-04-second.md").read_text()
    assert "{static}/media/2021-03-04-second/square.png" in (pelican / "content/articles/2021-03-04-second.md").read_text()
    check = subprocess.run([sys.executable, "-m", "agorapress.cli", "check", "--now", "2026-11-22T12:00:00+01:00"],
                           cwd=agora, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "AGORA_CACHE_DIR": str(tmp_path / "cache")})
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no problems found" in check.stdout + check.stderr


def test_the_real_corpus_mode_measures_agora_a_baseline_checkout_and_pelican(tmp_path: Path) -> None:
    """`--real` with `--baseline` (here this same checkout): one table, three scenarios, the ratio to Pelican beside
    the issue's target, the baseline's columns, memory of the whole process tree."""
    pytest.importorskip("markdown", reason="stock Pelican reads the corpus with Python-Markdown: pip install -e '.[bench]'")
    blog = _zola_blog(tmp_path / "blog")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--real", str(blog), "--runs", "1",
                             "--baseline", str(ROOT)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split("|")[1:-1] for line in result.stdout.splitlines() if line.startswith("| blog |")]
    assert [cells[1].strip() for cells in rows] == ["full", "no-change", "one-edit", "fresh-clone"]
    for cells in rows:
        agora, pelican, before = float(cells[2]), float(cells[3]), float(cells[11])
        assert agora > 0 and pelican > 0 and before > 0
        assert float(cells[4]) == pytest.approx(agora / pelican, rel=0.05, abs=0.02)
        assert float(cells[12]) == pytest.approx(agora / before, rel=0.05, abs=0.02)
        assert cells[5].strip().startswith("≤") or cells[1].strip() == "fresh-clone"  # no target for a fresh clone
        assert int(cells[6]) > 20 and int(cells[7]) > 20  # MiB: Python, Pelican and Agora's processes together

"""The benchmark command runs end to end on a tiny corpus and prints its tables (timings are not asserted)."""

from __future__ import annotations

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
    assert [cells[1].strip() for cells in builds] == ["full", "no-change", "one-edit"]
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

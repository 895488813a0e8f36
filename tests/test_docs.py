"""The documentation site: generated reference pages are current, `mkdocs build --strict` passes, examples work."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO_NOW, REPO, write_portal
from PIL import Image

from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.docgen import write_reference
from agorapress.site import load_portal

DOCS = REPO / "docs"
REQUIREMENTS = DOCS / "requirements.txt"
#: Material for MkDocs needs a newer Pygments than Pelican accepts, so the docs get a venv of their own,
#: kept between runs and rebuilt only when docs/requirements.txt changes.
VENV = REPO / ".agora-cache" / "docs-venv"
NETWORK_ERRORS = ("Could not find a version", "No matching distribution", "Failed to establish a new connection",
                  "Temporary failure in name resolution", "Network is unreachable", "ProxyError")


def test_generated_reference_pages_are_up_to_date(tmp_path: Path) -> None:
    written = write_reference(tmp_path, main)
    assert {p.name for p in written} >= {"config.md", "front-matter.md", "cli.md", "rules.md"}
    stale = [p.name for p in written if not (DOCS / "reference" / p.name).is_file()
             or (DOCS / "reference" / p.name).read_text(encoding="utf-8") != p.read_text(encoding="utf-8")]
    assert not stale, f"docs/reference/{', '.join(stale)} out of date: run `agora reference --output docs/reference`"


def _docs_python() -> Path:
    """The docs venv's Python, creating or refreshing the venv when docs/requirements.txt changed."""
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = VENV / "bin" / "python"
    if python.exists() and stamp.is_file() and stamp.read_text() == wanted:
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
                         capture_output=True, text=True, timeout=600)
    if pip.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        if any(marker in pip.stderr for marker in NETWORK_ERRORS):
            pytest.skip(f"cannot install docs/requirements.txt (no network?): {pip.stderr.strip()[-300:]}")
        raise AssertionError(f"pip install -r docs/requirements.txt failed:\n{pip.stderr[-2000:]}")
    stamp.write_text(wanted)
    return python


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    """No broken link, no missing page, no page left out of the nav: --strict turns every warning into a failure."""
    python = _docs_python()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run([str(python), "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
                             "--site-dir", str(tmp_path / "site")], capture_output=True, text=True, cwd=REPO, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "site" / "owners" / "plugins" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "config" / "index.html").is_file()


def _markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_every_page_is_in_the_nav_and_every_relative_link_resolves() -> None:
    """The same guarantee as --strict, without the venv: runs even offline."""
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    broken = []
    for page in _markdown_pages():
        rel = page.relative_to(DOCS).as_posix()
        assert f" {rel}" in nav, f"{rel} is not in the nav of mkdocs.yml"
        text = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#")[0]
            if path and not (page.parent / path).resolve().exists():
                broken.append(f"{rel}: {target}")
    assert not broken, broken


def _example_files(page: Path) -> dict[str, str]:
    """The files a page shows as **`path`** followed by a fenced block, by path."""
    text = page.read_text(encoding="utf-8")
    return {path: code for path, code in
            re.findall(r"\*\*`([^`]+)`\*\*\n\n```[a-z]*\n(.*?)```", text, flags=re.S)}


def test_plugin_example_builds(tmp_path: Path) -> None:
    """The plugin and template override shown in docs/owners/plugins.md, verbatim, do what the page says."""
    files = _example_files(DOCS / "owners" / "plugins.md")
    assert {"plugins/reading_time.py", "themes/agora/templates/article.html", "site_config.yaml"} <= set(files)
    config = files.pop("site_config.yaml")
    assert config.strip() == "plugins: [reading_time]"
    article = "---\ntitle: Repairing a bike\ndate: 2026-11-01\nauthors: [ana]\n---\n" + "word " * 450 + "\n"
    root = write_portal(tmp_path / "portal", {**files, "content/articles/bike.md": article})
    (root / "site_config.yaml").write_text((root / "site_config.yaml").read_text(encoding="utf-8") + config,
                                           encoding="utf-8")
    build(root, now=DEMO_NOW)
    html = (root / "output" / "articles" / "bike" / "index.html").read_text(encoding="utf-8")
    assert '<p class="reading-time">3 min read</p>' in html
    assert "Repairing a bike" in html  # the shipped template still renders around the override


def test_screenshots_are_small_pngs() -> None:
    shots = sorted((DOCS / "assets" / "screenshots").glob("*.png"))
    assert {p.stem for p in shots} >= {"home", "article", "event", "profile"}
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size < 200_000, f"{shot.name} is {shot.stat().st_size} bytes"


def test_theming_example_builds(tmp_path: Path) -> None:
    """The options example of docs/owners/theming.md, verbatim: colours and logo, stylesheet and base override."""
    files = _example_files(DOCS / "owners" / "theming.md")
    assert {"site_config.yaml", "themes/agora/static/css/portal.css", "themes/agora/templates/base.html"} <= set(files)
    config = files.pop("site_config.yaml")
    logo = Image.new("RGB", (64, 64), "#0b6e4f")
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    root = write_portal(tmp_path / "portal", {**files, "content/media/logo.png": buffer.getvalue(), "content/articles/bike.md":
                                              "---\ntitle: Bikes\ndate: 2026-11-01\nauthors: [ana]\n---\nBody.\n"})
    (root / "site_config.yaml").write_text((root / "site_config.yaml").read_text(encoding="utf-8") + config,
                                           encoding="utf-8")
    build(root, now=DEMO_NOW)
    for page in ("index.html", "articles/bike/index.html"):
        html = (root / "output" / page).read_text(encoding="utf-8")
        assert "<style>:root{--agora-accent:#0b6e4f;--agora-accent-dark:#7fd8b4}</style>" in html
        assert 'theme/css/portal.css"' in html and 'media/logo.png" alt=""' in html
    assert (root / "output" / "theme" / "css" / "portal.css").read_text(encoding="utf-8") == files[
        "themes/agora/static/css/portal.css"]


def test_front_matter_examples_pass_the_check(tmp_path: Path) -> None:
    """Each example file of the front matter reference, by the member `ana`, is accepted as it is."""
    text = (DOCS / "reference" / "front-matter.md").read_text(encoding="utf-8")
    examples = dict(re.findall(r"`agora new (\w+)` writes it:\n\n````markdown\n(.*?)````", text, flags=re.S))
    assert set(examples) == {"article", "interview", "event", "page", "contributor"}
    folders = {"article": "articles", "interview": "interviews", "event": "events", "page": "pages"}
    files = {(f"content/{folders[kind]}/example.md" if kind in folders else "content/contributors/ana.md"): body
             for kind, body in examples.items()}
    root = write_portal(tmp_path / "portal", files)
    problems = [str(p) for p in load_portal(root, now=DEMO_NOW).problems if p.severity == "error"]
    assert not problems, problems

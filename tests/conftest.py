"""Shared fixtures: tiny portals written in a temp dir, and the demo portal built once per session."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from agorapress.build.pipeline import build
from agorapress.cache import ENV_VAR

REPO = Path(__file__).resolve().parent.parent
#: Debian's Chromium, or the one $AGORA_CHROMIUM names on machines where it lives elsewhere: the browser tests drive
#: it and Playwright never downloads a browser of its own.
CHROMIUM = Path(os.environ.get("AGORA_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM}: the browser tests need it")
#: The clock every demo build is pinned to, so outputs and tests never depend on the day they run.
DEMO_NOW = datetime.fromisoformat("2026-11-22T12:00:00+01:00")

MINIMAL_CONFIG = """\
site:
  title: Mini
  description: A tiny portal.
  url: https://example.org/mini/
  repository: https://github.com/example/mini
"""

MINIMAL_PROFILE = """\
---
name: Ana Lopez
github: ana-l
---
Ana writes about bicycles.
"""


def write_portal(root: Path, files: dict[str, str | bytes], *, config: str = MINIMAL_CONFIG) -> Path:
    """A portal with a config, one member (ana) and the given files (paths relative to root)."""
    (root / "content" / "contributors").mkdir(parents=True, exist_ok=True)
    (root / "site_config.yaml").write_text(config, encoding="utf-8")
    (root / "content" / "contributors" / "ana.md").write_text(MINIMAL_PROFILE, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return root


@pytest.fixture
def portal(tmp_path: Path):
    """Factory: portal({'content/articles/a.md': '...'}) -> root path."""

    def make(files: dict[str, str | bytes] | None = None, **kwargs) -> Path:
        return write_portal(tmp_path / "portal", files or {}, **kwargs)

    return make


def copy_demo(target: Path) -> Path:
    """A copy of this repository's demo portal (config, content, themes, plugins, the committee's record)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "site_config.yaml", target / "site_config.yaml")
    for folder in ("content", "themes", "plugins", "committee"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


_DEMO_OUTPUT = pytest.StashKey[Path]()

#: Set by CI (GitHub sets CI=true, and so does .ci/run): there, a test that would skip fails instead, since a
#: check that did not run proves nothing. Outside CI a browser or Java test may skip with its reason.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may pass by skipping: {reason}"


def pytest_configure(config: pytest.Config) -> None:
    """Every portal's cache goes to a folder of this run, never into the real home: set here rather than in a
    fixture because the demo may be built while tests are collected (see demo_output), before any fixture runs.
    Subprocesses inherit it."""
    folder = tempfile.mkdtemp(prefix="agora-cache-")
    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = folder

    def restore() -> None:
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous
        shutil.rmtree(folder, ignore_errors=True)

    config.add_cleanup(restore)


def demo_output(config: pytest.Config) -> Path:
    """The demo portal, built once per run with the pinned clock; callable at collection time, so a test
    module can parametrize over the pages of the built demo (see test_theme_browser.py)."""
    if _DEMO_OUTPUT not in config.stash:
        # Not tmp_path_factory: that is a fixture, and collection runs before any fixture.
        tmp = Path(tempfile.mkdtemp(prefix="agora-demo-"))
        config.add_cleanup(functools.partial(shutil.rmtree, tmp, ignore_errors=True))
        root = copy_demo(tmp / "demo")
        config.stash[_DEMO_OUTPUT] = build(root, root / "output", now=DEMO_NOW).output
    return config.stash[_DEMO_OUTPUT]


@pytest.fixture(scope="session")
def demo_site(request) -> Path:
    """The demo portal, built once with the pinned clock; tests only read it."""
    return demo_output(request.config)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(output: Path, tmp: Path) -> Iterator[str]:
    """`output` served by http.server on 127.0.0.1 under /portal/, like https://org.github.io/portal/."""
    shutil.copytree(output, tmp / "portal")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/portal/"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def demo_url(demo_site, tmp_path_factory) -> Iterator[str]:
    """The demo portal served on localhost under /portal/ for the whole run."""
    with serving(demo_site, tmp_path_factory.mktemp("served_demo")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole run; each test opens its own context (no shared cache or storage)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # An explicit executable: Playwright never downloads a browser of its own.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def spoken_text(element) -> str:
    """The text of a parsed element as a screen reader reads it: aria-hidden parts left out, spaces collapsed."""
    parts: list[str] = []

    def walk(node) -> None:
        if node.get("aria-hidden") == "true":
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())

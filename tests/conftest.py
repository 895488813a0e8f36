"""Shared fixtures: tiny portals written in a temp dir, and the demo portal built once per session."""

from __future__ import annotations

import shutil
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from agorapress.engine.build import build

REPO = Path(__file__).resolve().parent.parent
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
    """A copy of this repository's demo portal (config, content, themes, plugins)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "site_config.yaml", target / "site_config.yaml")
    for folder in ("content", "themes", "plugins"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo portal, built once with the pinned clock; tests only read it."""
    root = copy_demo(tmp_path_factory.mktemp("demo"))
    result = build(root, root / "output", now=DEMO_NOW)
    return result.output


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

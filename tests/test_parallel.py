"""Rendering on several cores writes exactly the bytes of a serial build."""

from __future__ import annotations

from datetime import datetime

from agorapress.engine import parallel
from agorapress.engine.build import build
from test_build import article, tree_digest

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def test_sharded_render_is_byte_identical_to_serial(portal, tmp_path, monkeypatch) -> None:
    files = {f"content/articles/a{i:02d}.md": article(title=f"Item {i}", date=f"2026-01-{i % 28 + 1:02d}") for i in range(30)}
    files["content/pages/about.md"] = "---\ntitle: About\n---\nUs.\n"
    root = portal(files)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    serial = build(root, tmp_path / "serial", now=NOW, workers=1).output
    sharded = build(root, tmp_path / "sharded", now=NOW, workers=3).output
    assert tree_digest(serial) == tree_digest(sharded)
    assert (sharded / "contributors/ana/index.html").exists()  # written once, by the shard that runs every generator


def test_every_file_has_exactly_one_shard() -> None:
    names = [f"articles/a{i}/index.html" for i in range(200)]
    for shards in (1, 2, 3):
        for name in names:
            assert sum(parallel.owns(name, k, shards) for k in range(shards)) == 1

"""Rendering on several cores writes exactly the bytes of a serial build."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime

import pytest
from conftest import DEMO_NOW, copy_demo
from pelican import signals
from test_build import article, tree_digest

from agorapress.build.pipeline import build
from agorapress.cache import ENV_VAR
from agorapress.problems import BuildFailed
from agorapress.render import shards as parallel

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


def test_every_file_is_claimed_once_by_the_first_shard_to_come_to_it() -> None:
    import multiprocessing
    import random

    names = [f"articles/a{i}/index.html" for i in range(300)]
    for shards in (2, 3):
        counter = multiprocessing.get_context("fork").Value("q", 0)
        claims = [parallel.Claims(counter) for _ in range(shards)]
        walked = [0] * shards
        owner: dict[str, int] = {}
        rng = random.Random(shards)
        # The shards step through the same names at their own pace; a name asked twice gets the same answer.
        while min(walked) < len(names):
            shard = rng.choice([k for k in range(shards) if walked[k] < len(names)])
            name = names[walked[shard]]
            if claims[shard].claim(name):
                assert name not in owner
                owner[name] = shard
            assert claims[shard].claim(name) == (owner.get(name) == shard)
            walked[shard] += 1
        assert sorted(owner) == sorted(names) and len(set(owner.values())) == shards
        assert len({c.digest() for c in claims}) == 1


def test_demo_portal_sharded_is_byte_identical_to_serial(tmp_path, monkeypatch) -> None:
    # The demo has events, tags, members and avatars: feeds, calendars and profiles are split by file too.
    root = copy_demo(tmp_path / "demo")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    # Each build with a cache of its own: pictures and cards are encoded again on as many threads as workers.
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache-serial"))
    serial = build(root, tmp_path / "serial", now=DEMO_NOW, workers=1).output
    for workers in (2, 3):
        monkeypatch.setenv(ENV_VAR, str(tmp_path / f"cache-{workers}"))
        sharded = build(root, tmp_path / f"sharded-{workers}", now=DEMO_NOW, workers=workers).output
        assert tree_digest(serial) == tree_digest(sharded), f"{workers} shards"
    assert (serial / "pagefind" / "pagefind-entry.json").is_file()
    assert (serial / "events" / "calendar.ics").is_file()


STRAYING_PLUGIN = '''
import os
from pelican import signals
from agorapress.render.writer import writes

class Straying:
    shards_by_file = True

    def __init__(self, **kwargs):
        pass

    def generate_output(self, writer):
        # A shard that comes to a file the others do not: who writes it, and the files after it, is no longer agreed.
        if os.getpid() != int(os.environ["AGORA_TEST_PARENT"]):
            writes(writer, "stray/index.html")

def add_generators(pelican):
    return [Straying]

def register():
    signals.get_generators.connect(add_generators)
'''


@contextlib.contextmanager
def portal_plugin(root, name: str, source: str, monkeypatch):
    """The portal's own plugin `name`, which may tell the parent process (AGORA_TEST_PARENT) from the shards."""
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / f"{name}.py").write_text(source, encoding="utf-8")
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"plugins: [{name}]\n", encoding="utf-8")
    monkeypatch.setenv("AGORA_TEST_PARENT", str(os.getpid()))
    try:
        yield
    finally:
        # Pelican's signals outlive a build: later builds in this process must not meet the plugin.
        signals.get_generators.disconnect(sys.modules[name].add_generators)


def test_shards_that_come_to_different_files_fail_the_build(tmp_path, monkeypatch) -> None:
    root = copy_demo(tmp_path / "demo")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    with portal_plugin(root, "straying", STRAYING_PLUGIN, monkeypatch), pytest.raises(BuildFailed) as failed:
        build(root, root / "output", now=DEMO_NOW, workers=2)
    assert any("came to other pages than shard 0" in p.message for p in failed.value.problems.items)
    assert not (root / "output").exists()


CRASHING_PLUGIN = '''
import os
from pelican import signals

class Crashing:
    def __init__(self, **kwargs):
        pass

    def generate_context(self):
        if os.getpid() != int(os.environ["AGORA_TEST_PARENT"]):
            raise RuntimeError("this shard broke before writing its pages")

def add_generators(pelican):
    return [Crashing]

def register():
    signals.get_generators.connect(add_generators)
'''


def test_a_shard_that_crashes_before_its_pages_fails_the_build_and_keeps_the_output(tmp_path, monkeypatch) -> None:
    root = copy_demo(tmp_path / "demo")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    first = build(root, root / "output", now=DEMO_NOW, workers=2).output
    before = tree_digest(first)
    with portal_plugin(root, "crashing", CRASHING_PLUGIN, monkeypatch), pytest.raises(BuildFailed) as failed:
        build(root, root / "output", now=DEMO_NOW, workers=2)
    assert any("this shard broke before writing its pages" in p.message for p in failed.value.problems.items)
    assert tree_digest(first) == before
    assert not (root / ".output.staging").exists()


def test_work_beside_the_rendering_that_fails_fails_the_build(tmp_path, monkeypatch) -> None:
    from agorapress.people import People
    from agorapress.render.context import RenderContext
    from agorapress.render.settings import pelican_settings
    from agorapress.site import load_portal

    root = copy_demo(tmp_path / "demo")
    portal = load_portal(root, now=DEMO_NOW)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    for workers in (1, 2):
        staging = tmp_path / f"staging-{workers}"
        staging.mkdir()
        context = RenderContext(portal, People(portal.graph), staging)
        settings = pelican_settings(context)

        def broken() -> list:
            raise RuntimeError("the outputs broke")

        complaints = parallel.render(settings, context, 10, workers, beside=broken)
        assert any(isinstance(c, str) and "beside the rendering failed" in c and "the outputs broke" in c
                   for c in complaints), complaints

        def full_disk(staging=staging) -> list:
            raise OSError(28, "No space left on device", str(staging / "feeds/all.atom.xml"))

        context = RenderContext(portal, People(portal.graph), staging)
        complaints = parallel.render(pelican_settings(context), context, 10, workers, beside=full_disk)
        assert [(c.path, c.rule) for c in complaints if not isinstance(c, str)] == [("(output)/feeds/all.atom.xml",
                                                                                     "file-system")], complaints

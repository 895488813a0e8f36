"""Nothing read from the repository runs: the cache lives outside it, and no cache file is loaded unless its tag verifies."""

from __future__ import annotations

import builtins
import json
import marshal
import os
import pickle
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO
from test_build import NOW, article, tree_digest
from workflow_steps import git

from agorapress.cache import ENV_VAR, KEY_FILE, PortalCache, cache_base
from agorapress.content import loader
from agorapress.site import load_portal

FILES = {"content/articles/a.md": article(title="First"), "content/articles/b.md": article(title="Second")}


class _Planted:
    """Unpickling this creates `marker`: what a pickle from a pull request could do, harmlessly."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return builtins.open, (self.marker, "w")


def planted_pickle(marker: Path) -> bytes:
    payload = pickle.dumps(_Planted(marker))
    # The payload is live: loading it does create the marker (then the marker is removed for the real test).
    pickle.loads(payload).close()
    assert marker.exists()
    marker.unlink()
    return payload


def plant_in_repository(root: Path, marker: Path) -> None:
    """Every file an older Agora read from <root>/.agora-cache, each one running code when loaded."""
    payload = planted_pickle(marker)
    folder = root / ".agora-cache"
    for rel in ("parsed/00.pickle", "parsed/07.pickle", "rules.pickle", "render-state.pickle"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(payload)
    (folder / "build.json").write_text(json.dumps({"fingerprint": "x", "output": str(root / "output")}), encoding="utf-8")


def agora(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(root), *args], capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=300)


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr


def serve_first_build(root: Path) -> str:
    """Start `agora serve`, wait for its first build to be served, stop it; what it printed."""
    process = subprocess.Popen([sys.executable, "-m", "agorapress.cli", "--root", str(root), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "NO_COLOR": "1"})
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Serving "):
                break
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return "".join(lines)


def test_a_pickle_planted_in_the_repository_never_runs(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    marker = tmp_path / "ran"
    plant_in_repository(root, marker)
    before = tree_digest(root / ".agora-cache")

    checked = agora(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr  # an untracked leftover is simply ignored
    built = agora(root, "build", "--now", NOW.isoformat())
    assert built.returncode == 0, built.stderr
    served = serve_first_build(root)
    assert "Serving " in served, served

    assert not marker.exists()
    assert tree_digest(root / ".agora-cache") == before  # nothing written there either
    assert "committed-cache" not in checked.stdout


def test_a_file_tampered_with_in_the_real_cache_is_ignored(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    assert agora(root, "build", "--now", NOW.isoformat()).returncode == 0
    folder = PortalCache(root).path
    pickles = sorted(folder.glob("*.pickle"))
    assert {p.name for p in pickles} >= {"rules.pickle", "render-state.pickle"} and any(
        p.name.startswith("parsed-") for p in pickles)
    marker = tmp_path / "ran"
    payload = planted_pickle(marker)
    for path in pickles:
        path.write_bytes(payload)  # its tag is left as it was: it no longer verifies
    code_marker = tmp_path / "ran-code"
    bytecodes = sorted(folder.glob("jinja-*.bytecode"))
    assert bytecodes
    for path in bytecodes:
        path.write_bytes(planted_bytecode(path.read_bytes(), code_marker))
    build_info = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    (folder / "build.json").write_text(json.dumps({**build_info, "files": 1}), encoding="utf-8")

    assert PortalCache(root).read("build.json") is None  # not believed either

    checked = agora(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = agora(root, "build", "--now", NOW.isoformat(), "--force")  # every template is loaded
    assert built.returncode == 0, built.stderr
    assert not marker.exists() and not code_marker.exists()
    # Written again, each file verifies once more.
    again = PortalCache(root)
    assert all(again.load_pickle(p.name) is not None for p in pickles)


def planted_bytecode(original: bytes, marker: Path) -> bytes:
    """`original` (Jinja's cached code for a template) with its code replaced by code that creates `marker`: Jinja
    would run it on loading, since the header still matches the template's source."""
    import io

    from jinja2.bccache import bc_magic

    stream = io.BytesIO(original)
    assert stream.read(len(bc_magic)) == bc_magic
    pickle.load(stream)  # the source checksum, kept as it is
    header = original[:stream.tell()]
    code = compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")
    forged = header + marshal.dumps(code)
    exec(marshal.loads(forged[len(header):]))  # live: running it creates the marker
    assert marker.exists()
    marker.unlink()
    return forged


def test_a_tag_made_with_another_key_does_not_verify(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    load_portal(root, now=NOW)
    mine = PortalCache(root)
    other = PortalCache(root, base=tmp_path / "other-base")
    marker = tmp_path / "ran"
    assert other.write("rules.pickle", planted_pickle(marker))
    for name in ("rules.pickle", "rules.pickle.tag"):
        (mine.path / name).write_bytes((other.path / name).read_bytes())
    assert mine.read("rules.pickle") is None
    load_portal(root, now=NOW)
    assert not marker.exists()


def test_a_tracked_cache_folder_is_an_error(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    marker = tmp_path / "ran"
    plant_in_repository(root, marker)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A cache slipped in")
    assert ".agora-cache/parsed/00.pickle" in git(root, "ls-files")

    checked = agora(root, "check")
    assert checked.returncode == 1
    assert re.search(r"^\.agora-cache: error\[committed-cache\]: .*git tracks 5 file\(s\).*\(delete it from the "
                     r"repository.*cache lives outside it now", checked.stdout, re.M), checked.stdout
    built = agora(root, "build", "--now", NOW.isoformat())
    assert built.returncode == 1 and "committed-cache" in built.stdout
    assert not (root / "output").exists()
    assert not marker.exists()
    no_traceback(built)
    # Deleted from the repository (the files may stay behind, untracked): the portal builds.
    git(root, "rm", "-r", "-q", "--cached", ".agora-cache")
    assert agora(root, "check").returncode == 0


def test_a_cache_folder_that_is_a_link_is_an_error_and_nothing_goes_through_it(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".agora-cache").symlink_to(outside)
    checked = agora(root, "check")
    assert checked.returncode == 1
    assert ".agora-cache: error[committed-cache]: is a symbolic link" in checked.stdout, checked.stdout
    built = agora(root, "build", "--now", NOW.isoformat())
    assert built.returncode == 1
    serve_first_build(root)
    assert list(outside.iterdir()) == []
    (root / ".agora-cache").unlink()
    (root / ".agora-cache").symlink_to(tmp_path / "nowhere")  # dangling: the same
    assert "committed-cache" in agora(root, "check").stdout
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("where", [".", "cache", "content/../.cache"])
def test_a_cache_base_inside_the_portal_is_refused(portal, where: str) -> None:
    root = portal(FILES)
    env = {ENV_VAR: str(root / where)}
    for command in (["check"], ["build", "--now", NOW.isoformat()], ["cache", "--path"]):
        done = agora(root, *command, env=env)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "inside the portal" in done.stderr and ENV_VAR in done.stderr
        no_traceback(done)
    assert not (root / "output").exists() and not (root / "cache").exists() and not (root / ".cache").exists()


def test_agora_cache_prints_and_clears_the_portals_folder(portal) -> None:
    root = portal(FILES)
    folder = PortalCache(root).path
    shown = agora(root, "cache", "--path")
    assert shown.returncode == 0 and shown.stdout == f"{folder}\n" and not folder.exists()
    assert agora(root, "check").returncode == 0
    listed = agora(root, "cache")
    assert listed.stdout == f"{folder}\n" and re.fullmatch(r"\d+ file\(s\), [\d,]+ bytes\n", listed.stderr), listed.stderr
    assert (folder / "rules.pickle").is_file() and (folder / "rules.pickle.tag").stat().st_size == 32
    cleared = agora(root, "cache", "--clear")
    assert cleared.returncode == 0 and f"removed {folder}" in cleared.stderr and not folder.exists()
    assert cache_base().is_dir() and (cache_base() / KEY_FILE).is_file()  # the key is every portal's: kept
    assert agora(root, "cache", "--path", "--clear").returncode == 2


def test_the_cache_folder_is_named_after_the_portal_and_its_path(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "my-portal"
    root.mkdir()
    digest = __import__("hashlib").sha256(str(root.resolve()).encode()).hexdigest()[:12]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "base"))
    assert PortalCache(root).path == tmp_path / "base" / f"my-portal-{digest}"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_base() == tmp_path / "xdg" / "agora"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_base() == tmp_path / "home" / ".cache" / "agora"


def test_the_key_is_private_made_once_and_refused_when_others_can_read_it(portal) -> None:
    root = portal(FILES)
    load_portal(root, now=NOW)
    key = cache_base() / KEY_FILE
    info = key.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_size == 32
    first = key.read_bytes()
    load_portal(root, now=NOW)
    assert key.read_bytes() == first
    key.chmod(0o644)
    try:
        done = agora(root, "check")
        assert done.returncode == 2 and "cannot be trusted" in done.stderr, done.stderr
        no_traceback(done)
    finally:
        key.chmod(0o600)


def test_nothing_is_read_through_a_link_in_the_cache(portal, tmp_path: Path) -> None:
    root = portal(FILES)
    load_portal(root, now=NOW)
    cache = PortalCache(root)
    assert cache.read("rules.pickle") is not None
    # A link in place of a file, to a copy that verifies: not followed.
    copy = tmp_path / "copy"
    copy.write_bytes((cache.path / "rules.pickle").read_bytes())
    (cache.path / "rules.pickle").unlink()
    (cache.path / "rules.pickle").symlink_to(copy)
    assert cache.read("rules.pickle") is None
    # A link in place of the portal's folder: neither read nor written through.
    moved = tmp_path / "moved"
    cache.path.rename(moved)
    cache.path.symlink_to(moved)
    fresh = PortalCache(root)
    assert fresh.read("build.json") is None and fresh.load_pickle("parsed-00.pickle") is None
    before = sorted(p.name for p in moved.iterdir())
    portal_loaded = load_portal(root, now=NOW)
    assert sorted(p.name for p in moved.iterdir()) == before
    assert [p.rule for p in portal_loaded.problems.warnings] == ["cache-unwritable"]


def test_a_warm_cache_still_spares_every_parse_and_rule(portal, monkeypatch) -> None:
    from agorapress import rules

    root = portal({f"content/articles/a{i}.md": article(title=f"A{i}") for i in range(8)})
    load_portal(root, now=NOW)
    parsed: list[str] = []
    original = loader.parse_file
    monkeypatch.setattr(loader, "parse_file", lambda root_, rel, *a, **k: parsed.append(rel) or original(root_, rel, *a, **k))
    ruled: list[str] = []
    monkeypatch.setattr(rules, "ITEM_RULES", [lambda item, graph: ruled.append(item.relpath) or [], *rules.ITEM_RULES])
    load_portal(root, now=NOW)  # a new PortalCache, as in a new process: everything comes from authenticated files
    assert parsed == [] and ruled == []


def test_no_unpickling_or_unmarshalling_outside_the_cache_module() -> None:
    package = REPO / "agorapress"
    pattern = re.compile(r"\b(pickle|marshal|cPickle|_pickle)\s*\.\s*(loads?|Unpickler)\b|\bfrom\s+(pickle|marshal)\s+import"
                         r"|\bimport\s+shelve\b|\byaml\.(unsafe_)?load\(|\bUnsafeLoader\b")
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in sorted(package.rglob("*.py")) if path != package / "cache.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == [], "load cached objects through agorapress.cache.PortalCache only:\n" + "\n".join(found)
    assert "pickle.loads(data)" in (package / "cache.py").read_text(encoding="utf-8")  # the one place, after read()

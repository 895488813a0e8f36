"""The search index in parts: a large site's index is split by a hash of each page's address, each part indexed on
its own; an incremental build indexes again only the part of the pages it rendered, links the others, and makes the
site a full build makes; the search page finds every page whatever its part (headless Chromium)."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import needs_chromium, serving, write_portal
from hypothesis import given
from hypothesis import strategies as st
from test_build import tree_digest

from agorapress.build.pipeline import build
from agorapress.problems import AgoraError
from agorapress.render import shards
from agorapress.render.search import index
from agorapress.render.search.index import BUNDLE_DIR, MAX_PARTS, PART_PAGES, Indexes, SearchCopies, search_parts
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
#: Words found in one article each, none a stem of another.
WORDS = ["bicyclette", "tournevis", "compost", "lanterne", "couture", "apiculture", "menuiserie", "soudure",
         "tricot", "poterie", "reliure", "vannerie"]
FILES = {
    f"content/articles/texte-{n:02d}.md": (
        f"---\ntitle: Texte {n}\ndate: 2026-01-{n + 1:02d}\nauthors: [ana]\n---\n"
        f"Nous parlons de {word} ce mois-ci, et de rien d'autre.\n"
    )
    for n, word in enumerate(WORDS)
}
#: Pages per part in these tests: 13 searchable pages (12 articles and a profile) make 4 parts.
SMALL_PARTS = 4

names = st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=30), unique=True, max_size=5000)


@given(names)
def test_parts_hold_every_page_once_in_the_index_order(order: list[str]) -> None:
    parts = search_parts(order)
    assert len(parts) == (min(MAX_PARTS, math.ceil(len(order) / PART_PAGES)) if len(order) > PART_PAGES else 1)
    assert sorted(name for _, part in parts for name in part) == sorted(order)
    position = {name: at for at, name in enumerate(order)}
    for _, part in parts:
        assert [position[name] for name in part] == sorted(position[name] for name in part)
    folders = [folder for folder, _ in parts]
    assert folders == [BUNDLE_DIR] or all(folder.startswith(f"{BUNDLE_DIR}/") for folder in folders)


@given(names, st.data())
def test_a_page_keeps_its_part_while_the_site_keeps_its_number_of_parts(order: list[str], data) -> None:
    # Each page's part depends on its address alone: other pages coming and going never move it.
    where = {name: folder for folder, part in search_parts(order) for name in part}
    others = data.draw(st.lists(st.sampled_from(order), unique=True) if order else st.just([]))
    fewer = [name for name in order if name not in set(others)]
    if len(search_parts(fewer)) == len(search_parts(order)):
        assert all(where[name] == folder for folder, part in search_parts(fewer) for name in part)


@pytest.fixture
def small_parts(monkeypatch) -> None:
    monkeypatch.setattr(index, "PART_PAGES", SMALL_PARTS)


@pytest.fixture
def portal_in_parts(tmp_path: Path, small_parts) -> Path:
    return write_portal(tmp_path / "portal", FILES)


def test_each_part_is_the_index_pagefind_makes_of_its_pages_and_the_search_page_names_them(portal_in_parts, tmp_path):
    output = build(portal_in_parts, now=NOW).output
    order = index.searchable_pages(load_portal(portal_in_parts, now=NOW).graph)
    parts = search_parts(order)
    assert len(parts) == 4 and not (output / BUNDLE_DIR / "pagefind-entry.json").exists()
    counts = 0
    for folder, names in parts:
        entry = json.loads((output / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts += sum(language["page_count"] for language in entry["languages"].values())
        # Pagefind handed this part's written pages, uncut and in the same order, makes the same bundle.
        alone = tmp_path / "alone"
        alone.mkdir(exist_ok=True)
        Indexes(SearchCopies(copied(output, names, tmp_path / folder), alone, names), [(folder, names)]).finish()
        assert tree_digest(alone / folder) == tree_digest(output / folder)
    assert counts == len(order)
    config = (output / "search/index.html").read_text(encoding="utf-8").split('id="search-config">')[1].split("</script>")[0]
    assert json.loads(config)["parts"] == [folder for folder, _ in parts]


def test_a_body_edit_indexes_its_part_again_and_links_the_others(portal_in_parts, tmp_path):
    output = build(portal_in_parts, now=NOW).output
    order = index.searchable_pages(load_portal(portal_in_parts, now=NOW).graph)
    edited = "articles/texte-03/index.html"
    own = next(folder for folder, names in search_parts(order) if edited in names)
    before = {p.relative_to(output): p.stat().st_ino for p in (output / BUNDLE_DIR).rglob("*") if p.is_file()}
    path = portal_in_parts / "content/articles/texte-03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEt un peu de jardinage.\n", encoding="utf-8")
    result = build(portal_in_parts, now=NOW)
    assert result.rendered == {edited}
    after = {p.relative_to(output): p.stat().st_ino for p in (output / BUNDLE_DIR).rglob("*") if p.is_file()}
    for folder, _ in search_parts(order):
        files = [name for name in after if name.as_posix().startswith(f"{folder}/")]
        linked = [name for name in files if before.get(name) == after[name]]
        if folder == own:
            assert len(linked) < len(files)  # its word lists hold the new word: written again
        else:
            assert linked == files  # every file of the other parts is the last output's, linked
    # The new word is found in the edited page's part; the site is the one a full build makes.
    full = build(portal_in_parts, tmp_path / "full", now=NOW, force=True)
    assert full.rendered is None
    assert tree_digest(output) == tree_digest(full.output)


@pytest.fixture(scope="module")
def parts_site(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "PART_PAGES", SMALL_PARTS)
        output = build(write_portal(tmp_path_factory.mktemp("parts") / "portal", FILES), now=NOW).output
    assert len(list((output / BUNDLE_DIR).iterdir())) == 4
    return output


@pytest.fixture(scope="module")
def parts_url(parts_site, tmp_path_factory) -> Iterator[str]:
    with serving(parts_site, tmp_path_factory.mktemp("served_parts")) as url:
        yield url


@needs_chromium
def test_search_finds_every_page_whatever_its_part(browser, parts_url) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for n, word in enumerate(WORDS):
        page.goto(f"{parts_url}search/?q={word}")
        page.wait_for_selector(f"#search-results a[href$='articles/texte-{n:02d}/']", timeout=20_000)
        assert page.eval_on_selector_all("#search-results li", "items => items.length") == 1
    assert errors == []
    page.close()


def test_a_part_whose_pagefind_dies_fails_the_build_and_leaves_no_service_behind(portal_in_parts, tmp_path, monkeypatch):
    output = build(portal_in_parts, now=NOW).output
    before = tree_digest(output)
    # One of the services (the first to claim the failure) dies after reading a little of its input, as Pagefind
    # out of memory would; the others are the real Pagefind.
    started, script = tmp_path / "started", tmp_path / "pagefind"
    script.write_text(f"""#!/bin/sh
echo "$$" >> '{started}'
if mkdir '{tmp_path / "failed"}' 2> /dev/null; then head -c 100 > /dev/null; echo "memory allocation failed" >&2; exit 3; fi
exec '{index.pagefind_executable()}' "$@"
""", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    with pytest.raises(AgoraError, match=r"search index: Pagefind failed on pagefind/\d+/ \(memory allocation failed\)"):
        build(portal_in_parts, now=NOW, force=True)
    assert len(started.read_text().split()) == 4  # every part had its service
    assert tree_digest(output) == before  # the last site stays published, whole
    assert not [command for command in _children() if "--service" in command], "no Pagefind service outlives the build"


def test_the_parts_are_finished_once_the_other_render_processes_have_ended(portal_in_parts, tmp_path, monkeypatch):
    # A part makes its whole index in memory when asked for it: never while another render process still holds its
    # own pages and Pelican's context (that made the peak memory of a 10k build).
    monkeypatch.setattr(shards, "PARALLEL_THRESHOLD", 1)
    pids = tmp_path / "shards"
    real_child, real_close = shards._child, index.Indexing.close

    def child(*args):
        with open(pids, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        real_child(*args)

    def close(indexing) -> None:
        # What counts is the memory: a process that has ended, or is ending, has none left (its statm reads all
        # zeros; the kernel gives the memory back before it closes the files whose closing ends the wait, so the
        # process may still be running its exit then, which its state once said in CI).
        sizes = []
        for pid in pids.read_text(encoding="utf-8").split():
            try:
                sizes.append(int(Path(f"/proc/{pid}/statm").read_text().split()[0]))
            except OSError:
                sizes.append(0)  # gone
        asked.append(sizes)
        real_close(indexing)

    asked: list[list[int]] = []
    monkeypatch.setattr(shards, "_child", child)
    monkeypatch.setattr(index.Indexing, "close", close)
    build(portal_in_parts, now=NOW, workers=2, force=True)
    assert len(asked) == 4 and all(sizes and set(sizes) == {0} for sizes in asked), asked


def test_a_build_that_stops_while_the_parts_wait_for_the_other_processes_does_not_wait_for_them(portal_in_parts, tmp_path):
    output = build(portal_in_parts, now=NOW).output
    folder, names = search_parts(index.searchable_pages(load_portal(portal_in_parts, now=NOW).graph))[0]
    alone = tmp_path / "alone"
    alone.mkdir()
    running = Indexes(SearchCopies(copied(output, names, tmp_path / "pages"), alone, names), [(folder, names)])
    waited = threading.Event()

    def others_never_end(stop: threading.Event) -> None:  # as a child blocked on its last message would
        waited.set()
        assert stop.wait(timeout=60)

    running.finish_soon(after=others_never_end)
    assert waited.wait(timeout=60)
    running.stop()  # the build failed: returns at once, nothing finished, no service left
    assert running.finishing is not None and not running.finishing.is_alive()
    assert not (alone / folder).exists()
    assert not [command for command in _children() if "--service" in command]


def copied(output: Path, names: list[str], folder: Path) -> Path:
    """The written pages `names`, whole, in a folder of their own: what Pagefind is handed (each is deleted once it is)."""
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((output / name).read_bytes())
    return folder


def _children() -> list[str]:
    """The command lines of this process's living children (a browser and a server may be among them)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return found


@needs_chromium
def test_a_part_that_cannot_be_loaded_leaves_the_others_searchable(browser, parts_site, tmp_path, small_parts) -> None:
    # A part that does not answer (a network hiccup, a deploy half done): the pages of the others are still found.
    import shutil

    site = tmp_path / "site"
    shutil.copytree(parts_site, site)
    order = index.searchable_pages(load_portal(parts_site.parent, now=NOW).graph)
    parts = search_parts(order)
    assert len(parts) == 4
    lost_folder, lost = next(part for part in reversed(parts) if any(name.startswith("articles/") for name in part[1]))
    shutil.rmtree(site / lost_folder)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serving(site, tmp_path / "served") as url:
        for n, word in enumerate(WORDS):
            name = f"articles/texte-{n:02d}/index.html"
            page.goto(f"{url}search/?q={word}")
            if name in lost:
                page.wait_for_function("document.getElementById('search-status').textContent.includes('»')")
                assert page.eval_on_selector_all("#search-results li", "items => items.length") == 0
            else:
                page.wait_for_selector(f"#search-results a[href$='articles/texte-{n:02d}/']", timeout=20_000)
    assert errors == []
    page.close()


def test_an_incremental_build_never_mixes_parts_of_two_pagefinds(portal_in_parts, tmp_path, monkeypatch):
    # Another Pagefind (an upgrade, PAGEFIND_BINARY_PATH) renders everything: no part of the last index is kept.
    build(portal_in_parts, now=NOW)
    path = portal_in_parts / "content/articles/texte-03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEt un peu de jardinage.\n", encoding="utf-8")
    other = tmp_path / "pagefind"
    other.write_text(f"#!/bin/sh\nexec '{index.pagefind_executable()}' \"$@\"\n", encoding="utf-8")
    other.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(other))
    assert build(portal_in_parts, now=NOW).rendered is None

"""The demo portal of this repository, built with the real engine and the clock pinned: every page kind is there."""

from __future__ import annotations

import hashlib
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from conftest import DEMO_NOW, REPO, copy_demo
from linkcheck import broken_links

from agorapress.build.pipeline import build
from agorapress.cli import main

PAGE_KINDS = [
    "index.html", "404.html", "articles/index.html", "interviews/index.html", "events/index.html",
    "events/past/index.html", "tags/index.html", "archives/index.html", "contributors/index.html",
    "contributors/amelie/index.html", "about/index.html", "charter/index.html", "code-of-conduct/index.html",
    "write-for-us/index.html", "articles/comment-fonctionne-le-comite-editorial/index.html",
    "interviews/la-ressourcerie-d-a-cote/index.html", "events/cafe-reparation-mensuel/index.html",
]

pytestmark = pytest.mark.skipif(not (REPO / "content").is_dir(), reason="the demo portal's content/ is missing")


def test_demo_checks_clean() -> None:
    result = CliRunner().invoke(main, ["--root", str(REPO), "check", "--now", DEMO_NOW.isoformat()])
    assert result.exit_code == 0, result.output
    # One warning, on purpose: the demo's phone photo carries a GPS position, which the published copy loses
    # (tests/demo_media.py, tests/test_media_pipeline.py).
    assert [line.split(": ")[0:2] for line in result.stdout.splitlines() if line] == [
        ["content/media/cafe-reparation-mai.jpg", "avertissement[media-location]"]]  # the demo speaks French


@pytest.mark.parametrize("page", PAGE_KINDS)
def test_every_page_kind_is_built(demo_site: Path, page: str) -> None:
    path = demo_site / page
    assert path.is_file(), page
    document = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    assert document.find(".//main") is not None
    assert document.find(".//h1") is not None


def test_no_broken_internal_link(demo_site: Path) -> None:
    assert broken_links(demo_site) == []


def test_draft_and_scheduled_items_stay_unpublished(demo_site: Path) -> None:
    for source in ("l-atelier-velo-passe-l-hiver", "le-jardin-des-pentes-en-hiver"):
        assert not (demo_site / "articles" / source).exists()
        assert source not in (demo_site / "archives/index.html").read_text(encoding="utf-8")


def test_every_published_item_has_its_page(demo_site: Path) -> None:
    from agorapress.site import load_portal

    graph = load_portal(REPO, now=DEMO_NOW, use_cache=False).graph
    published = graph.published()
    assert len(published) == 18  # 8 articles (one draft, one scheduled left out), 2 interviews, 4 events, 4 pages
    for item in published:
        assert (demo_site / item.url / "index.html").is_file(), item.relpath
    for handle in graph.contributors:
        assert (demo_site / "contributors" / handle / "index.html").is_file()


def test_demo_builds_byte_identical_twice(demo_site: Path, tmp_path: Path) -> None:
    again = build(copy_demo(tmp_path / "again"), tmp_path / "again" / "output", now=DEMO_NOW).output

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(again) == digest(demo_site)


def test_broken_copy_of_the_demo_lists_every_planted_problem(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "broken")
    articles = root / "content/articles"
    first = articles / "premiers-pas-a-la-fabrique.md"
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("authors:", "colour: red\nauthors:", 1), encoding="utf-8")
    second = articles / "dire-merci-aux-benevoles.md"
    second.write_text(second.read_text(encoding="utf-8").replace("\ndate:", "\ndate: 2026-02-30\nupdated:", 1), encoding="utf-8")
    (articles / "copie.md").write_text(
        "---\ntitle: Copie\ndate: 2026-01-05\nauthors: [amelie, zoe]\nslug: choisir-des-logiciels-libres\n---\nTexte.\n", encoding="utf-8")
    (articles / "oui.md").write_text("---\ntitle: Oui\ndate: 2026-01-05\nauthors: [amelie]\ntags: [yes]\n---\nTexte.\n",
                                     encoding="utf-8")
    (root / "content/interviews/notes.docx").write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--format", "json", "--now", DEMO_NOW.isoformat()])
    assert result.exit_code == 1
    import json

    found = {(p["path"], p["rule"], p["field"]) for p in json.loads(result.stdout)}
    assert found >= {
        ("content/articles/premiers-pas-a-la-fabrique.md", "schema-unknown", "colour"),
        ("content/articles/dire-merci-aux-benevoles.md", "schema-type", "date"),
        ("content/articles/copie.md", "unknown-contributor", "authors[1]"),
        ("content/articles/copie.md", "url-collision", "slug"),
        ("content/articles/choisir-des-logiciels-libres.md", "url-collision", "slug"),
        ("content/articles/oui.md", "yaml-ambiguous", "tags[0]"),
        ("content/interviews/notes.docx", "unclaimed-file", ""),
    }
    assert all(p["line"] > 0 for p in json.loads(result.stdout) if p["path"].endswith(".md"))

"""Incremental builds: after edits to items' bodies only, the pages rendered again and the files linked from the
last output make exactly the site a full build makes; any other edit renders everything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import DEMO_NOW, copy_demo
from test_build import tree_digest

from agorapress.build.pipeline import build

#: (file, words of its last paragraph, the same number of other words): bodies edited below their first paragraph.
BODY_EDITS = {
    "articles/moderation-that-keeps-the-place-kind.md": ("always happy to learn", "always glad to learn"),
    "interviews/la-ressourcerie-d-a-cote.md": ("mérite d'être réparé", "mérite d'être recousu"),
    "events/cafe-reparation-mensuel.md": ("nous nous organiserons", "nous nous arrangerons"),
    "pages/charter.md": ("la confirmer ou l'annuler", "la confirmer ou la refuser"),
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path / "demo")
    assert build(root, now=DEMO_NOW).rendered is None  # the first build renders everything
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, rel
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(output: Path) -> dict[int, bytes]:
    """Every file of an output by inode: what a write through a hard link would change."""
    return {p.stat().st_ino: p.read_bytes() for p in output.rglob("*") if p.is_file()}


def assert_same_as_full_build(root: Path, tmp_path: Path) -> None:
    full = build(root, tmp_path / "full", now=DEMO_NOW, force=True)
    assert full.rendered is None
    assert tree_digest(root / "output") == tree_digest(full.output)


@pytest.mark.parametrize("rel", sorted(BODY_EDITS))
def test_a_body_edit_renders_the_item_page_and_is_byte_identical_to_a_full_build(demo: Path, tmp_path: Path, rel: str) -> None:
    before = snapshot(demo / "output")
    edit(demo, rel, *BODY_EDITS[rel])
    result = build(demo, now=DEMO_NOW)
    slug = Path(rel).stem
    page = f"{slug}/index.html" if rel.startswith("pages/") else f"{rel.split('/')[0]}/{slug}/index.html"
    assert result.rendered == {page}
    # The page shows the edit with its typographic apostrophe (smart quotes follow the page's language).
    assert BODY_EDITS[rel][1].replace("'", "’") in (demo / "output" / page).read_text(encoding="utf-8")
    # No writer wrote into a file shared with the last output: every inode kept from it has the bytes it had.
    after = {p.stat().st_ino: p for p in (demo / "output").rglob("*") if p.is_file()}
    kept = [ino for ino in after if ino in before]
    assert len(kept) > len(after) // 2  # most files are the last build's, linked
    assert all(after[ino].read_bytes() == before[ino] for ino in kept)
    assert_same_as_full_build(demo, tmp_path)


def test_two_body_edits_and_the_search_index_follow(demo: Path, tmp_path: Path) -> None:
    for rel in ("articles/moderation-that-keeps-the-place-kind.md", "events/cafe-reparation-mensuel.md"):
        edit(demo, rel, *BODY_EDITS[rel])
    result = build(demo, now=DEMO_NOW)
    assert result.rendered is not None and len(result.rendered) == 2
    assert_same_as_full_build(demo, tmp_path)


FULL_EDITS = {
    "a title": ("articles/moderation-that-keeps-the-place-kind.md", "title: \"", "title: \"Edited — "),
    "a first paragraph": ("pages/charter.md", "Cette charte", "Cette charte révisée"),
    "a profile's bio": ("contributors/amelie.md", "\n---\n", "\n---\nEdited. "),
}


@pytest.mark.parametrize("what", sorted(FULL_EDITS))
def test_an_edit_other_pages_show_renders_everything(demo: Path, tmp_path: Path, what: str) -> None:
    rel, old, new = FULL_EDITS[what]
    path = demo / "content" / rel
    text = path.read_text(encoding="utf-8")
    at = text.index(old, 4)  # the first occurrence after the front matter's opening line
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    assert build(demo, now=DEMO_NOW).rendered is None
    assert_same_as_full_build(demo, tmp_path)


def test_a_new_item_renders_everything(demo: Path, tmp_path: Path) -> None:
    source = demo / "content/articles/moderation-that-keeps-the-place-kind.md"
    (demo / "content/articles/a-new-one.md").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert build(demo, now=DEMO_NOW).rendered is None
    assert_same_as_full_build(demo, tmp_path)


def test_force_a_template_override_or_an_edited_output_render_everything(demo: Path, tmp_path: Path) -> None:
    rel = "articles/moderation-that-keeps-the-place-kind.md"
    edit(demo, rel, *BODY_EDITS[rel])
    assert build(demo, now=DEMO_NOW, force=True).rendered is None
    edit(demo, rel, *reversed(BODY_EDITS[rel]))
    (demo / "output" / "404.html").unlink()  # the output is no longer the one the last build left
    assert build(demo, now=DEMO_NOW).rendered is None
    edit(demo, rel, *BODY_EDITS[rel])
    override = demo / "themes/agora/templates/partials/card.html"  # a portal's template may show anything of an item
    override.parent.mkdir(parents=True)
    override.write_text("<article>{{ entry.content }}</article>\n", encoding="utf-8")
    assert build(demo, now=DEMO_NOW).rendered is None
    edit(demo, rel, *reversed(BODY_EDITS[rel]))
    assert build(demo, now=DEMO_NOW).rendered is None
    assert_same_as_full_build(demo, tmp_path)
    assert os.path.isfile(demo / "output" / "index.html")


def test_an_edit_that_leaves_the_page_as_it_was(demo: Path, tmp_path: Path) -> None:
    # Markdown that renders the same: the page is the last output's file again (a link onto a link to the same file).
    rel = "articles/moderation-that-keeps-the-place-kind.md"
    path = demo / "content" / rel
    path.write_text(path.read_text(encoding="utf-8").replace("\n\nIf you run", "\n\n\n\nIf you run"), encoding="utf-8")
    before = (demo / "output/articles/moderation-that-keeps-the-place-kind/index.html").stat().st_ino
    assert build(demo, now=DEMO_NOW).rendered == {"articles/moderation-that-keeps-the-place-kind/index.html"}
    assert (demo / "output/articles/moderation-that-keeps-the-place-kind/index.html").stat().st_ino == before
    assert not list((demo / "output").rglob("*.agora-*"))
    assert_same_as_full_build(demo, tmp_path)


def inodes(output: Path, folder: str) -> dict[str, int]:
    return {str(p.relative_to(output)): p.stat().st_ino for p in (output / folder).rglob("*") if p.is_file()}


def test_a_body_edit_links_the_media_theme_and_sitemap_unless_it_adds_or_removes_a_picture(demo: Path, tmp_path: Path) -> None:
    output = demo / "output"
    rel = "articles/moderation-that-keeps-the-place-kind.md"
    media, theme = inodes(output, "media"), inodes(output, "theme")
    site_map = [(output / name).stat().st_ino for name in ("sitemap.xml", "robots.txt")]
    edit(demo, rel, *BODY_EDITS[rel])
    assert build(demo, now=DEMO_NOW).rendered == {"articles/moderation-that-keeps-the-place-kind/index.html"}
    assert inodes(output, "media") == media and inodes(output, "theme") == theme  # linked, never written again
    assert [(output / name).stat().st_ino for name in ("sitemap.xml", "robots.txt")] == site_map  # the same pages
    assert_same_as_full_build(demo, tmp_path)

    # A picture nobody uses yet (a new file: everything is rendered), then a use of it added at the end of a body.
    (demo / "content/media/extra.png").write_bytes((demo / "content/media/merci-benevoles.png").read_bytes())
    assert build(demo, now=DEMO_NOW).rendered is None
    assert not list((output / "media").glob("extra*"))
    picture = "\n\n![A picture added at the end.](../media/extra.png)\n"
    path = demo / "content" / rel
    path.write_text(path.read_text(encoding="utf-8") + picture, encoding="utf-8")
    assert build(demo, now=DEMO_NOW).rendered == {"articles/moderation-that-keeps-the-place-kind/index.html"}
    assert list((output / "media").glob("extra*"))  # published with the page that uses it, in every width
    assert_same_as_full_build(demo, tmp_path / "added")

    # The use removed again (after a build of the portal's own output: the next build compares with it), and the
    # picture is no longer published.
    assert build(demo, now=DEMO_NOW, force=True).rendered is None
    path.write_text(path.read_text(encoding="utf-8").replace(picture, ""), encoding="utf-8")
    assert build(demo, now=DEMO_NOW).rendered == {"articles/moderation-that-keeps-the-place-kind/index.html"}
    assert not list((output / "media").glob("extra*"))
    assert_same_as_full_build(demo, tmp_path / "removed")


def test_another_picture_encoder_renders_everything(demo: Path, tmp_path: Path, monkeypatch) -> None:
    # A page lists the formats this Pillow writes (AVIF or not), and an incremental build links the last media.
    from agorapress.build import plan  # noqa: PLC0415
    from agorapress.images import can_write_avif  # noqa: PLC0415

    rel = "articles/moderation-that-keeps-the-place-kind.md"
    edit(demo, rel, *BODY_EDITS[rel])
    monkeypatch.setattr(plan, "can_write_avif", lambda: not can_write_avif())
    assert build(demo, now=DEMO_NOW).rendered is None

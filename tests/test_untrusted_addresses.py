"""Addresses nobody can take from the portal or from each other, and feeds that say only plain text where plain
text is due: what a contribution can otherwise do to every reader's view of the site."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from conftest import DEMO_NOW, copy_demo
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

from agorapress.build.pipeline import build
from agorapress.graph import RESERVED_URLS
from agorapress.site import load_portal
from agorapress.text import plain_text, tag_slug

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def article(tags: str = "[velo]", title: str = "Hello", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2026-01-02\nauthors: [ana]\ntags: {tags}\n{extra}---\nSome text.\n"


@pytest.mark.parametrize("path, slug", [
    ("content/pages/p.md", "pagefind"), ("content/pages/p.md", "previews"), ("content/pages/p.md", "theme"),
    ("content/articles/a.md", "page"), ("content/events/e.md", "past"), ("content/interviews/i.md", "page"),
])
def test_the_portals_own_addresses_are_reserved(portal, path: str, slug: str) -> None:
    meta = {"content/pages/p.md": "---\ntitle: P\nslug: {slug}\n---\nx\n",
            "content/events/e.md": "---\ntitle: E\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-07-01\nslug: {slug}\n---\nx\n",
            "content/interviews/i.md": "---\ntitle: I\ndate: 2026-01-01\nauthors: [ana]\ninterviewee: {{name: Zoé}}\nslug: {slug}\n---\nx\n",
            "content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nauthors: [ana]\nslug: {slug}\n---\nx\n"}[path]
    root = portal({path: meta.format(slug=slug)})
    problems = load_portal(root, now=NOW, use_cache=False).problems.errors
    assert [(p.path, p.line, p.rule, p.field) for p in problems] == [(path, meta.count("\n", 0, meta.index("slug:")) + 1,
                                                                     "url-collision", "slug")], problems


def test_every_address_the_demo_build_writes_itself_is_reserved(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    portal = load_portal(root, now=DEMO_NOW, use_cache=False)
    out = build(root, now=DEMO_NOW).output
    items = {item.url for item in portal.graph.items}
    written = {f"{p.relative_to(out).as_posix()}/" for p in out.iterdir() if p.is_dir()}
    for section in ("articles", "interviews", "events"):
        written |= {f"{p.relative_to(out).as_posix()}/" for p in (out / section).iterdir() if p.is_dir()}
    assert written - items <= RESERVED_URLS, sorted(written - items - RESERVED_URLS)


def test_two_spellings_of_one_tag_are_reported_not_merged(portal) -> None:
    root = portal({
        "content/articles/a.md": article("[cafe, velo]"),
        "content/articles/b.md": article("[cafe]"),
        "content/articles/c.md": article("[Café]"),
        "content/articles/d.md": article("[CAFE, Vélo]"),
    })
    problems = load_portal(root, now=NOW, use_cache=False).problems.errors
    found = sorted((p.path, p.line, p.field, p.message) for p in problems)
    assert found == [
        ("content/articles/c.md", 5, "tags[0]", "'Café' and 'cafe' are one topic (/tags/cafe/)"),
        ("content/articles/d.md", 5, "tags[0]", "'CAFE' and 'cafe' are one topic (/tags/cafe/)"),
        ("content/articles/d.md", 5, "tags[1]", "'Vélo' and 'velo' are one topic (/tags/velo/)"),
    ]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30))
def test_tag_addresses_are_pelicans(name: str) -> None:
    # Agora decides a tag's address itself; it is the one Pelican gave it, so no address moved.
    assert tag_slug(name) == Tag(name, DEFAULT_CONFIG).slug


HOSTILE_TITLE = 'Why <b>bold</b> <img src=x onerror="alert(1)"> Vec<T> <!-- note -->matters'
HOSTILE_SUMMARY = "<em>Short</em> and <script>alert(2)</script> sweet"


def test_feeds_carry_titles_and_summaries_as_plain_text(portal) -> None:
    root = portal({"content/articles/a.md": article(title=json.dumps(HOSTILE_TITLE), extra=f"summary: {json.dumps(HOSTILE_SUMMARY)}\n")})
    out = build(root, now=NOW).output
    clean_title = "Why bold Vec<T> matters"
    for name in ("all.atom.xml", "all.rss.xml"):
        entry = feedparser.parse((out / "feeds" / name).read_bytes()).entries[0]
        assert entry.title == clean_title, name
        assert "<" not in entry.summary.replace("Vec<T>", "") and "alert(2)" in entry.summary, name
    item = json.loads((out / "feeds/all.json").read_text(encoding="utf-8"))["items"][0]
    assert item["title"] == clean_title
    assert item["summary"] == "Short and alert(2) sweet"
    # The page itself shows what was written, as text.
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


@given(st.text(max_size=60))
def test_plain_text_leaves_no_tag_of_an_html_element(value: str) -> None:
    import re

    from agorapress.text import HTML_ELEMENTS

    cleaned = plain_text(value)
    for name in re.findall(r"</?([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>", cleaned):
        assert name.lower() not in HTML_ELEMENTS, (value, cleaned)
    assert "<!--" not in cleaned

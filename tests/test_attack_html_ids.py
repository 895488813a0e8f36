"""With `allow_html: true`, raw HTML kept its ids: `<div id="theme-toggle">` took the id of the theme's colour button
(the theme's script looks it up by id), `<p id="section">` and `<p id="fn1">` the ids of a heading and a footnote.
Heading ids must never clash with the theme's ids, and every id of a page must be unique."""

from __future__ import annotations

import re

import html5lib
from conftest import MINIMAL_CONFIG
from test_no_script import NOW

from agorapress.build import build
from agorapress.content.markdown import THEME_IDS, render
from agorapress.site import load_portal

BODY = ('<div id="theme-toggle">x</div>\n\n<p id="written">w</p>\n\n<p id="section">s</p>\n\n## Section\n\nText[^1].\n\n'
        '<p id="fn1">f</p>\n\n<a id="fnref1">r</a>\n\n<span id="search-q">q</span>\n\n## Main\n\n[^1]: A note.\n')


def test_raw_html_takes_no_id_of_the_theme_and_no_id_of_the_page() -> None:
    html = render(BODY, "articles/a.md", 6, allow_html=True).html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert ids == ["section", "fnref1", "main-1", "fn1"], html
    assert not set(ids) & THEME_IDS
    # The footnote still links both ways, the headings keep their anchors.
    assert 'href="#fn1"' in html and 'href="#fnref1"' in html and '<h2 id="section">' in html


def test_no_page_of_a_portal_that_allows_html_has_an_id_twice(portal) -> None:
    root = portal({"content/articles/a.md": "---\ntitle: T\ndate: 2026-01-01\nauthors: [ana]\n---\n" + BODY},
                  config=MINIMAL_CONFIG + "moderation:\n  allow_html: true\n")
    assert not load_portal(root, now=NOW, use_cache=False).problems.errors
    out = build(root, root / "output", now=NOW).output
    document = html5lib.parse((out / "articles" / "a" / "index.html").read_bytes(), treebuilder="etree",
                              namespaceHTMLElements=False)
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_without_raw_html_the_ids_are_unchanged() -> None:
    body = "## Section\n\nText[^1].\n\n## Main\n\n[^1]: A note.\n"
    def ids(allow_html: bool) -> list[str]:
        return re.findall(r'(?:id|href)="([^"]+)"', render(body, "a.md", 1, allow_html=allow_html).html)

    assert ids(True) == ids(False) == ["section", "#section", "#fn1", "fnref1", "main-1", "#main-1", "fn1", "#fnref1"]

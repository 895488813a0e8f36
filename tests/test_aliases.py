"""Old addresses: `aliases:` publishes redirect pages and the redirect map; collisions are errors; `id:` keeps a feed id."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from agorapress.build import build
from agorapress.outputs.feeds import entry_id
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SITE = "https://example.org/mini/"

ARTICLE = """\
---
title: Bicycles in winter
date: 2026-03-01T10:00
authors: [ana]
aliases:
  - /2019/05/15/bicycles.html
  - /blog/bicycles
  - "/caf%C3%A9/old/"
id: articles/old-name.md
---
Ride slowly.
"""


def _problems(root: Path) -> list:
    return [p for p in load_portal(root, now=NOW, use_cache=False).problems if p.severity == "error"]


def test_each_alias_is_a_redirect_page_and_in_the_map(portal) -> None:
    root = portal({"content/articles/bikes.md": ARTICLE})
    assert _problems(root) == []
    out = build(root, root / "output", now=NOW).output
    for file, href in (("2019/05/15/bicycles.html", "../../../articles/bikes/"),
                       ("blog/bicycles/index.html", "../../articles/bikes/"),
                       ("café/old/index.html", "../../articles/bikes/")):
        page = BeautifulSoup((out / file).read_bytes(), "html5lib")
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
        assert refresh == f"0; url={href}", file
        assert page.find("link", rel="canonical")["href"] == SITE + "articles/bikes/"
        assert page.find("a")["href"] == href
        # The relative target resolves to the item's page in the output.
        assert (out / file).parent.joinpath(href, "index.html").resolve() == (out / "articles/bikes/index.html").resolve()
        assert not page.find("script")
    text = (out / "redirects.txt").read_text()
    assert "/mini/2019/05/15/bicycles.html /mini/articles/bikes/ 301\n" in text
    assert "/mini/blog/bicycles /mini/articles/bikes/ 301\n" in text
    assert "/mini/caf%C3%A9/old/ /mini/articles/bikes/ 301\n" in text
    rows = json.loads((out / "redirects.json").read_text())["redirects"]
    assert {"from": "/mini/blog/bicycles/", "to": "/mini/articles/bikes/", "status": 301} in rows
    sitemap = (out / "sitemap.xml").read_text()
    assert "bicycles" not in sitemap and "articles/bikes/" in sitemap
    # The feed id is the one of the file's first name, kept by `id:`.
    entry = feedparser.parse((out / "feeds/articles.atom.xml").read_bytes()).entries[0]
    assert entry.id == entry_id(SITE, "articles/old-name.md") != entry_id(SITE, "articles/bikes.md")


def test_a_uri_id_is_kept_as_it_is(portal) -> None:
    root = portal({"content/articles/bikes.md": ARTICLE.replace("articles/old-name.md", "tag:example.org,2019:42")})
    out = build(root, root / "output", now=NOW).output
    assert feedparser.parse((out / "feeds/all.atom.xml").read_bytes()).entries[0].id == "tag:example.org,2019:42"


def test_drafts_keep_their_aliases_hidden(portal) -> None:
    root = portal({"content/articles/bikes.md": ARTICLE.replace("id: articles/old-name.md", "status: draft")})
    out = build(root, root / "output", now=NOW).output
    assert not (out / "2019/05/15/bicycles.html").exists()
    assert not (out / "redirects.txt").exists() and not (out / "redirects.json").exists()


OTHER = """\
---
title: Other
date: 2026-03-02
authors: [ana]
aliases: [{alias}]
---
Text.
"""


@pytest.mark.parametrize(("alias", "message"), [
    ("/articles/bikes/", "/articles/bikes/ is the address of content/articles/bikes.md"),
    ("/articles/other/", "/articles/other/ is the item's own address"),
    ("/Blog/Bicycles/", "/blog/bicycles/ is already an alias in content/articles/bikes.md:7"),
    ("/tags/rust/", "/tags/rust/ is an address the portal itself publishes"),
    ("/articles/page/2/", "an address the portal itself publishes"),
    ("/404.html", "an address the portal itself publishes"),
    ("/feeds/all.html", "an address the portal itself publishes"),
])
def test_an_alias_that_collides_is_an_error_with_its_line(portal, alias: str, message: str) -> None:
    root = portal({"content/articles/bikes.md": ARTICLE, "content/articles/other.md": OTHER.format(alias=alias)})
    found = [p for p in _problems(root) if p.rule == "alias-collision"]
    assert len(found) == 1, found
    assert found[0].path == "content/articles/other.md" and found[0].line == 5 and found[0].field == "aliases[0]"
    assert message.lower() in found[0].message.lower()


@pytest.mark.parametrize("alias", ["https://evil.example/x", "//evil.example/x", "/a/../b/", "/.git/x", "/x?p=1",
                                   "/x#top", "/a\\b", "/\"><script>/", ""])
def test_an_alias_no_host_can_serve_is_refused(portal, alias: str) -> None:
    root = portal({"content/articles/other.md": OTHER.format(alias=json.dumps(alias))})
    found = [p for p in _problems(root) if p.field.startswith("aliases")]
    assert found and found[0].line == 5, _problems(root)


def test_a_profile_without_login_is_a_warning_and_builds(portal) -> None:
    root = portal({"content/contributors/bob.md": "---\nname: Bob Martin\n---\nImported.\n",
                   "content/articles/bikes.md": ARTICLE.replace("authors: [ana]", "authors: [bob]")})
    problems = load_portal(root, now=NOW, use_cache=False).problems
    assert [(p.path, p.severity, p.rule, p.field) for p in problems] == [
        ("content/contributors/bob.md", "warning", "unclaimed-profile", "github")]
    out = build(root, root / "output", now=NOW).output
    assert (out / "contributors/bob/index.html").is_file()


def test_a_feed_id_taken_twice_is_an_error(portal) -> None:
    third = OTHER.format(alias="/y/").replace("aliases:", "id: articles/old-name.md\naliases:")
    root = portal({"content/articles/bikes.md": ARTICLE, "content/articles/old-name.md": OTHER.format(alias="/x/"),
                   "content/articles/third.md": third})
    found = [(p.path, p.line) for p in _problems(root) if p.rule == "duplicate-id"]
    assert found == [("content/articles/bikes.md", 9), ("content/articles/third.md", 5)]


def test_a_link_to_an_old_address_is_a_link_to_the_portal_and_a_missing_one_is_reported(portal) -> None:
    """Real posts link to each other by their old addresses: an alias is an address the portal publishes."""
    linking = ("---\ntitle: Winter gear\ndate: 2026-03-02\nauthors: [ana]\n---\n"
               "See [the old post](/mini/2019/05/15/bicycles.html), [its folder](/mini/blog/bicycles/) "
               "and [a lost one](/mini/blog/tricycles/).\n")
    root = portal({"content/articles/bikes.md": ARTICLE, "content/articles/gear.md": linking})
    broken = [p for p in _problems(root) if p.rule == "broken-link"]
    assert [(p.path, p.line) for p in broken] == [("content/articles/gear.md", 6)], broken
    assert "blog/tricycles" in broken[0].message

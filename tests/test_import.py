"""`agora import`: small real sites of each kind (tests/fixtures/import, sources in SOURCES.md) imported into a fresh
portal, checked, built and verified: every old address reaches its post, the text matches the source's rendering,
a second import changes nothing; and hostile sources (links out, XML bombs) read nothing they should not."""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from agorapress.cli import main
from agorapress.importers import run_import
from agorapress.importers.anchors import pin_headings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from import_site import new_portal, verify  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "import"
NOW = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
#: Findings an import may leave, all genuine problems of the sources: profiles to claim, and raw HTML a portal shows
#: as text or removes (the Hugo example's <style> and <script>, class= on spans).
EXPECTED_WARNINGS = {"warning[unclaimed-profile]", "warning[raw-html]", "warning[html-removed]"}

CASES = {
    "zola": FIXTURES / "zola",
    "hugo": FIXTURES / "hugo",
    "hugo-otel": FIXTURES / "hugo-otel",
    "jekyll": FIXTURES / "jekyll",
    "jekyll-docs": FIXTURES / "jekyll-docs",
    "pelican": FIXTURES / "pelican",
    "wordpress": FIXTURES / "wordpress" / "export.xml",
    "feed": FIXTURES / "feed" / "rss2sample.xml",
}


def front(root: Path, rel: str) -> tuple[dict, str]:
    text = (root / "content" / rel).read_text(encoding="utf-8")
    _, matter, body = text.split("---\n", 2)
    return yaml.safe_load(matter), body


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Each fixture imported, checked, built and verified once (benchmarks/import_site.verify)."""
    done = {}
    for kind, source in CASES.items():
        root = new_portal(tmp_path_factory.mktemp(kind) / "portal")
        done[kind] = root, verify(kind.split("-")[0], source, root, now=NOW, report=lambda text: None)
    return done


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_imports_checks_builds_and_keeps_every_address(imported, kind: str) -> None:
    root, figures = imported[kind]
    print(kind, {k: figures[k] for k in ("items", "profiles", "media", "notes", "import_seconds", "similarity")
                 if k in figures})
    assert figures["errors"] == []
    assert set(figures["findings"]) <= EXPECTED_WARNINGS
    assert figures["items"] >= 2
    assert figures["reimport_same"] and figures["reimport_written"] == []
    assert figures["addresses_checked"] >= figures["items"] - 2  # posts without a date are drafts: not published
    assert figures["addresses_missing"] == []
    assert figures["similarity"]["median"] >= 0.85, figures["similarity"]


def test_zola(imported) -> None:
    root, _ = imported["zola"]
    matter, _ = front(root, "articles/something-else.md")
    assert matter["aliases"] == ["/posts/something-else/", "/an-old-url/old-page/", "/an-old-url/an-old-alias.html"]
    assert matter["date"] == "2017-01-01" and matter["tags"] == ["posts"]
    assert matter["id"] == "https://replace-this-with-your-url.com/posts/something-else/"
    rust, _ = front(root, "articles/rust.md")
    assert rust["authors"] == ["foo-doe", "bar-doe", "baz-doe"]
    assert (root / "content/contributors/foo-doe.md").read_text().startswith("---\nname: Foo Doe\n---\n")
    dated, _ = front(root, "articles/a-post-with-dates.md")
    assert dated["date"] == "2016-10-08"  # from the file name
    draft, body = front(root, "articles/draft.md")
    assert draft["status"] == "draft"
    assert "[root](hello.md)" in body  # Zola's @/hello.md, now the imported file
    assert (root / "output/an-old-url/an-old-alias.html").is_file()


def test_hugo(imported) -> None:
    root, _ = imported["hugo"]
    about, _ = front(root, "pages/about.md")
    assert about["aliases"] == ["/about-us/", "/about-hugo/", "/contact/"]  # /about/ is its address still
    post, body = front(root, "articles/markdown-syntax.md")
    assert post["aliases"] == ["/post/markdown-syntax/", "/post/migrate-from-jekyl/"]
    assert post["tags"] == ["markdown", "css", "html", "themes", "syntax"]
    assert "```html\n" in body and "{{<" not in body.split("## Code Blocks")[1].split("## List Types")[0]
    assert "   Name | Age\n--------|------" in body  # tables kept as written
    assert "[^1]" in body  # footnotes kept


def test_hugo_shortcodes_languages_and_credits_of_a_real_site(imported) -> None:
    # opentelemetry.io's blog: its configuration in config/_default/, its content per language, its authors written
    # as links with an affiliation, and the built-in shortcodes whose output is known.
    root, _ = imported["hugo-otel"]
    swift, body = front(root, "articles/swift.md")
    assert swift["aliases"] == ["/blog/2021/swift/"] and swift["id"] == "https://opentelemetry.io/blog/2021/swift/"
    assert "[original post]: <https://medium.com/opentelemetry/opentelemetry-swift-1-0-beta-8f729fd058b2>" in body
    graduates, _ = front(root, "articles/otel-graduates.md")
    assert graduates["aliases"] == ["/es/blog/2026/otel-graduates/"] and graduates["lang"] == "es"
    alibaba, body = front(root, "articles/otip-alibaba.md")
    assert alibaba["authors"] == ["dan-gomez-blanco"]
    profile, _ = front(root, "contributors/dan-gomez-blanco.md")
    assert profile["name"] == "Dan Gomez Blanco" and "github" not in profile  # a link to them, not their consent
    assert profile["links"] == [{"label": "GitHub", "url": "https://github.com/danielgblanco"}]
    assert '<a href="https://www.youtube.com/watch?v=fgbB0HhVBq8">' in body and "{{<" not in body
    _, body = front(root, "articles/otel-day.md")
    assert "cSpell" not in body and "comment" not in body  # what {{< comment >}} holds is not published
    page = (root / "output/articles/otip-alibaba/index.html").read_text(encoding="utf-8")
    assert 'href="https://www.youtube.com/watch?v=fgbB0HhVBq8"' in page


def test_jekyll(imported) -> None:
    root, _ = imported["jekyll"]
    override, _ = front(root, "articles/layout-author-override.md")
    assert override["authors"] == ["billy-rick"]
    assert override["updated"] == "2018-09-10T12:32:27-04:00"
    assert override["aliases"] == ["/minimal-mistakes/layout-author-override/"] or override["aliases"] == \
        ["/layout-author-override/"]
    profile = (root / "content/contributors/billy-rick.md").read_text()
    assert "What do you want, jewels?" in profile and "https://thewhip.com" in profile and "mailto" not in profile
    links, body = front(root, "articles/linking-posts.md")
    assert links["date"] == "2014-01-01T10:00:00+01:00"
    assert links["tags"] == ["Edge Case"]
    assert "[the lists](edge-case-nested-and-mixed-lists.md)" in body
    assert "[the override](layout-author-override.md)" in body
    # Old anchors where Agora's rule differs: kramdown drops the apostrophe, and so does Agora; the accents differ.
    assert "## What's new? {#news}" in body
    assert "## Ünïcode heading & more {#ncode-heading--more}" in body  # kramdown drops what is not ASCII
    highlight, body = front(root, "articles/markup-syntax-highlighting.md")
    assert "```scss\n.highlight {" in body and "{% highlight" not in body


def test_jekyll_liquid_of_a_real_site(imported) -> None:
    # jekyll/jekyll's own news: Liquid the import can know is converted, what {% raw %} holds is kept as text, and a
    # link to a page no post became reaches it on the old site; no link is left with a marker no browser knows.
    root, _ = imported["jekyll-docs"]
    release, body = front(root, "articles/jekyll-4-3-0-released.md")
    assert release["aliases"] == ["/news/2022/10/20/jekyll-4-3-0-released/"]  # the posts collection's own rule
    assert "[roadmap]: https://github.com/jekyll/jekyll/issues/9156" in body  # {{ site.repository }}
    assert "for example `{{ page.name }}`" in body and "{% raw %}" not in body and "{% endraw %}" not in body
    _, body = front(root, "articles/jekyll-3-9-3-released.md")
    assert "[the full release notes](https://jekyllrb.com/docs/history/#v3-9-3)" in body  # {% link _docs/history.md %}
    _, body = front(root, "articles/jekyll-turns-2-0-0.md")
    assert "[jekyll-1]: jekyll-1-0-0-released.md" in body  # {% post_url %} of a .markdown post
    assert not [path for path in (root / "content").rglob("*.md") if "source:" in path.read_text(encoding="utf-8")]
    page = (root / "output/articles/jekyll-4-3-0-released/index.html").read_text(encoding="utf-8")
    assert "{{ page.name }}" in page and "{{ theme }}" in page


def test_pelican(imported) -> None:
    root, _ = imported["pelican"]
    dupes, _ = front(root, "articles/test-metadata-duplicates.md")
    assert dupes["authors"] == ["author-first", "author-second"]
    assert dupes["tags"] == ["foo", "bar", "foobar", "test"]
    assert dupes["date"] == "2010-12-02T10:14:00" and dupes["updated"] == "2010-12-02T10:20:00"
    assert dupes["aliases"] == ["/posts/2010/test-metadata-duplicates.html"]
    assert dupes["id"] == "tag:blog.notmyidea.org,2010-12-02:/posts/2010/test-metadata-duplicates.html/"
    draft, _ = front(root, "articles/draft-article.md")
    assert draft["status"] == "draft"
    about, body = front(root, "pages/about.md")
    assert "(../articles/a-markdown-powered-article.md)" in body
    assert "(../media/about/sushi.jpg)" in body and (root / "content/media/about/sushi.jpg").is_file()
    # reStructuredText, read by docutils as Pelican reads it; both of Pelican's {filename} forms reach it.
    _, body = front(root, "articles/a-markdown-powered-article.md")
    assert "[a root-relative link to unbelievable](unbelievable.md)" in body
    assert "[a file-relative link to unbelievable](unbelievable.md)" in body
    unbelievable, body = front(root, "articles/unbelievable.md")
    assert unbelievable["title"] == "Unbelievable !" and unbelievable["date"] == "2010-10-15T20:30:00"
    assert "```python\ndef run(self):\n    self.assert_has_content()\n" in body  # Pygments' options do not lose it
    assert "## Testing sourcecode directive" in body and ":linenos:" not in body
    footnote, body = front(root, "articles/article-with-markdown-containing-footnotes.md")
    assert "[^footnote]: Named footnote" in body


def test_wordpress(imported) -> None:
    root, _ = imported["wordpress"]
    featured, _ = front(root, "articles/template-featured-image-horizontal.md")
    assert featured["image"] == "media/template-featured-image-horizontal/featured-image-horizontal.jpg"
    assert featured["date"] == "2012-03-15T15:15:12-07:00"  # local time, with the offset WordPress had that day
    assert featured["id"] == "http://wptest.io/demo/?p=1011"  # the guid: feed readers see no new entry
    assert featured["aliases"] == ["/2012/03/15/template-featured-image-horizontal/"]
    draft, _ = front(root, "articles/draft.md")
    assert draft["status"] == "draft"
    about, _ = front(root, "pages/about.md")
    assert about["title"] == "About The Tests"
    embeds, body = front(root, "articles/media-twitter-embeds.md")
    assert "<script" not in body and "platform.twitter.com" not in body
    assert "<https://twitter.com/nacin/status/319508408669708289>" in body  # what WordPress embedded, as a link
    assert (root / "content/contributors/theme-buster.md").is_file()


def test_feed(imported, tmp_path: Path) -> None:
    root, _ = imported["feed"]
    star, body = front(root, "articles/news-starcity.md")
    assert star["id"] == "http://liftoff.msfc.nasa.gov/2003/06/03.html#item573"
    assert star["date"] == "2003-06-03T09:39:21Z" and star["authors"] == ["writer"]
    assert star["aliases"] == ["/news/2003/news-starcity.asp/"]
    assert "[Star City](http://howe.iki.rssi.ru/GCTC/gctc_e.htm)" in body
    portal = new_portal(tmp_path / "json")
    report = run_import("feed", FIXTURES / "feed" / "feed.json", portal)
    assert report.items == 2
    hello, body = front(portal, "articles/initial-post.md")
    assert hello["id"] == "1" and body.strip() == "Hello, world!"


def test_the_command_prints_notes_with_file_and_line(tmp_path: Path) -> None:
    portal = new_portal(tmp_path / "portal")
    result = CliRunner().invoke(main, ["--root", str(portal), "import", "hugo", str(FIXTURES / "hugo"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "content/post/rich-content.md:26: warning[import]: template code not converted: {{< twitter_simple " \
        'user="designreviewed" id="1085870671291310081" >}}' in result.stdout
    assert "4 items, 1 profiles" in result.stderr
    again = CliRunner().invoke(main, ["--root", str(portal), "import", "hugo", str(FIXTURES / "hugo"), "--quiet"])
    assert "0 files written" in again.stderr
    outside = CliRunner().invoke(main, ["--root", str(tmp_path), "import", "hugo", str(FIXTURES / "hugo")])
    assert outside.exit_code == 2 and "no portal" in outside.output


def test_a_renamed_source_post_updates_its_file_and_a_new_one_never_duplicates(tmp_path: Path) -> None:
    source = tmp_path / "site"
    shutil.copytree(FIXTURES / "zola", source)
    portal = new_portal(tmp_path / "portal")
    run_import("zola", source, portal)
    text = (source / "content/posts/simple.md").read_text().replace("A simple page", "A simpler page")
    (source / "content/posts/simple.md").write_text(text)
    report = run_import("zola", source, portal)
    assert report.written == ["content/articles/simple.md"]
    assert sorted(p.name for p in (portal / "content/articles").iterdir()) == sorted(
        ["simple.md", "something-else.md", "top-level-alias.md", "a-post-with-dates.md", "with-assets.md", "draft.md",
         "rust.md", "hello.md"])


def test_a_portal_item_is_never_overwritten_nor_a_member_credited(tmp_path: Path) -> None:
    portal = new_portal(tmp_path / "portal")
    (portal / "content/articles").mkdir(parents=True)
    (portal / "content/articles/rust.md").write_text("mine\n")
    (portal / "content/contributors").mkdir()
    (portal / "content/contributors/foo-doe.md").write_text("---\nname: Foo Doe\ngithub: foo\n---\n")
    run_import("zola", FIXTURES / "zola", portal)
    assert (portal / "content/articles/rust.md").read_text() == "mine\n"
    rust, _ = front(portal, "articles/2017-01-01-rust.md")
    assert rust["authors"] == ["foo-doe-2", "bar-doe", "baz-doe"]


def test_links_out_of_the_source_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes((FIXTURES / "zola/content/posts/with-assets/zola.png").read_bytes())
    source = tmp_path / "site"
    (source / "content/posts").mkdir(parents=True)
    (source / "content/posts/leak.md").write_text("+++\ntitle = \"Leak\"\ndate = 2020-01-01\n+++\n"
                                                  "![x](secret.png) ![y](../../../secret.png) [z](outside/a.md)\n")
    os.symlink(secret, source / "content/posts/secret.png")
    os.symlink(tmp_path, source / "content/posts/outside")
    (tmp_path / "a.md").write_text("+++\ntitle = \"Outside\"\n+++\n")
    portal = new_portal(tmp_path / "portal")
    report = run_import("zola", source, portal)
    assert report.items == 1 and report.media == 0
    assert not (portal / "content/media").exists()
    assert sorted(p.relative_to(portal).as_posix() for p in portal.rglob("*") if p.is_file()) == [
        ".agora-import.json", "content/articles/leak.md", "content/contributors/archive.md", "site_config.yaml"]


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<rss><channel><title>&b;</title></channel></rss>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item>'
    b'<title>&x;</title></item></channel></rss>',
    b'<rss><channel><item><title>unclosed',
])
@pytest.mark.parametrize("kind", ["wordpress", "feed"])
def test_hostile_xml_is_refused_with_a_note(tmp_path: Path, kind: str, document: bytes) -> None:
    (tmp_path / "export.xml").write_bytes(document)
    portal = new_portal(tmp_path / "portal")
    report = run_import(kind, tmp_path / "export.xml", portal)
    assert report.items == 0
    assert report.notes and report.notes[0].file == "export.xml"
    assert not list((portal / "content").rglob("*.md"))


@pytest.mark.parametrize(("rule", "heading", "expected"), [
    ("zola", "## Ünïcode & more", "## Ünïcode & more"),  # the same slug either way: nothing pinned
    ("github", "## Hello, World!", "## Hello, World!"),
    ("github", "## C++ tips", "## C++ tips"),  # c-tips either way
    ("github", "## snake_case names", "## snake_case names {#snake_case-names}"),
    ("github", "## Ünïcode", "## Ünïcode {#ünïcode}"),
    ("kramdown", "## 1. Intro", "## 1. Intro {#intro}"),
    ("github", "## Kept {#mine}", "## Kept {#mine}"),
])
def test_old_anchors_are_pinned_where_the_slug_rule_differs(rule: str, heading: str, expected: str) -> None:
    body = f"{heading}\n\ntext\n\n```\n## not a heading\n```\n"
    assert pin_headings(body, rule) == f"{expected}\n\ntext\n\n```\n## not a heading\n```\n"


def test_a_post_the_source_calls_an_event_becomes_an_event(tmp_path: Path) -> None:
    source = tmp_path / "site"
    (source / "content/events").mkdir(parents=True)
    (source / "content/events/meetup.md").write_text(
        "---\ntitle: Rust meetup\ndate: 2026-03-01T09:00:00+01:00\nstart: 2026-03-12T19:00:00+01:00\n"
        "end: 2026-03-12T21:00:00+01:00\nlocation: Le Local, Lyon\nauthor: Ana Lopez\n---\nBring a laptop.\n")
    portal = new_portal(tmp_path / "portal")
    run_import("hugo", source, portal)
    event, _ = front(portal, "events/meetup.md")
    assert event["start"] == "2026-03-12T19:00:00+01:00" and event["end"] == "2026-03-12T21:00:00+01:00"
    assert event["location"] == {"name": "Le Local, Lyon"}
    assert "aliases" not in event  # /events/meetup/ was its address and still is
    from agorapress.site import load_portal
    problems = load_portal(portal, now=NOW, use_cache=False).problems
    assert [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("line", ["{{ a(" * 40_000, "{{< x " * 40_000, "[caption]" * 40_000, "#" + " " * 200_000 + "x",
                                  "## " + "a " * 100_000 + "#"], ids=["zola", "hugo", "caption", "blanks", "heading"])
def test_hostile_bodies_import_in_linear_time(tmp_path: Path, line: str) -> None:
    source = tmp_path / "site"
    (source / "content").mkdir(parents=True)
    (source / "content/hostile.md").write_text(f"+++\ntitle = \"Hostile\"\ndate = 2020-01-01\n+++\n{line}\n")
    started = time.monotonic()
    run_import("zola", source, new_portal(tmp_path / "portal"))
    run_import("hugo", source, new_portal(tmp_path / "portal2"))
    assert time.monotonic() - started < 5

"""Feeds built by the real engine: Atom, RSS and JSON Feed of every kind parse cleanly and hold exactly
the expected items, with absolute URLs, stable ids, content dates and hostile text intact."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from conftest import DEMO_NOW, MINIMAL_CONFIG, REPO, write_portal
from lxml import etree

from agorapress.build.pipeline import build
from agorapress.outputs import feeds
from agorapress.outputs.feeds import Entry, Feed, Person, absolute_links, entry_id
from agorapress.outputs.jsonfeed import JsonFeedRenderer, render_json

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SITE = "https://example.org/mini/"
HOSTILE_TITLE = "Vélo <b>gras</b> & ]]> fin 🚲"
HOSTILE_NAME = "Chloé <Dev> & Co 🌱"
FILES = {
    "content/contributors/chloe.md": f'---\nname: "{HOSTILE_NAME}"\ngithub: chloe-dev\n---\nChloé répare.\n',
    "content/contributors/dan.md": "---\nname: Dan Quiet\ngithub: dan-q\n---\nDan reads.\n",
    "content/contributors/eve.md": "---\nname: Eve Speaks\ngithub: eve-s\n---\nEve talks.\n",
    "content/articles/hostile.md": (
        f'---\ntitle: "{HOSTILE_TITLE}"\ndate: 2026-03-01T10:00\nauthors: [ana, chloe]\ntags: [vélo, café]\n'
        'summary: "Résumé <i> & ]]> 😀"\n---\n'
        "Texte avec <script>alert(1)</script> & ]]> et 🎉.\n\n"
        "Voir [la page](../pages/about.md), [plus bas](#suite) et ![un vélo](../media/bike.png).\n"
    ),
    "content/articles/english.md": (
        "---\ntitle: Repair night\ndate: 2026-02-01\nupdated: 2026-04-01T09:30\nlang: en\nauthors: [ana]\ntags: [vélo]\n---\n"
        "We are repairing bicycles every Thursday.\n"
    ),
    "content/articles/nosummary.md": (
        "---\ntitle: Sans résumé\ndate: 2026-01-15\nauthors: [chloe]\n---\n"
        "Première phrase du corps qui sert de résumé.\n\nSecond paragraphe.\n"
    ),
    "content/articles/draft.md": (
        "---\ntitle: Brouillon\ndate: 2026-01-10\nauthors: [ana]\ntags: [vélo]\nstatus: draft\n---\nPas prêt.\n"
    ),
    "content/articles/later.md": "---\ntitle: Plus tard\ndate: 2026-09-01\nauthors: [ana]\ntags: [vélo]\n---\nProgrammé.\n",
    "content/interviews/eve.md": (
        "---\ntitle: Entretien avec Eve\ndate: 2026-02-20\nauthors: [chloe]\ninterviewers: [ana]\n"
        "interviewee:\n  name: Eve Speaks\n  handle: eve\n  role: Voisine\n---\n## Qui êtes-vous ?\n\nUne voisine.\n"
    ),
    "content/events/cafe.md": (
        "---\ntitle: Café réparation\ndate: 2026-01-20\nauthors: [chloe]\norganizers: [chloe]\ntags: [café]\n"
        "start: 2026-07-02T18:00\nlocation:\n  name: La Fabrique\n---\nVenez avec vos objets.\n"
    ),
    "content/pages/about.md": "---\ntitle: À propos\n---\nNous.\n",
    "content/media/bike.png": bytes.fromhex(  # the smallest valid PNG: one transparent pixel
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"),
}
EXPECTED = {  # feed key -> item URLs, newest first
    "all": ["articles/hostile/", "interviews/eve/", "articles/english/", "events/cafe/", "articles/nosummary/"],
    "articles": ["articles/hostile/", "articles/english/", "articles/nosummary/"],
    "interviews": ["interviews/eve/"],
    "events": ["events/cafe/"],
    "tags/velo": ["articles/hostile/", "articles/english/"],
    "tags/cafe": ["articles/hostile/", "events/cafe/"],
    "lang/fr": ["articles/hostile/", "interviews/eve/", "events/cafe/", "articles/nosummary/"],
    "lang/en": ["articles/english/"],
    "contributors/ana": ["articles/hostile/", "interviews/eve/", "articles/english/"],
    "contributors/chloe": ["articles/hostile/", "interviews/eve/", "events/cafe/", "articles/nosummary/"],
    "contributors/eve": ["interviews/eve/"],
    "contributors/dan": [],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_portal(tmp_path_factory.mktemp("feeds") / "portal", FILES)
    return build(root, now=NOW).output


def parse(path: Path):
    data = path.read_bytes()
    etree.fromstring(data)  # well-formed XML, whatever feedparser forgives
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    return parsed


def links(entries) -> list[str]:
    return [e.link.removeprefix(SITE) for e in entries]


def test_every_feed_parses_cleanly(site: Path) -> None:
    paths = sorted((site / "feeds").rglob("*.xml"))
    assert len(paths) == 2 * len(list((site / "feeds").rglob("*.json")))
    for path in paths:
        parsed = parse(path)
        assert parsed.version in {"atom10", "rss20"}, path
        assert parsed.feed.title.startswith("Mini")


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_kind_holds_exactly_the_expected_items(site: Path, key: str) -> None:
    atom = parse(site / f"feeds/{key}.atom.xml")
    rss = parse(site / f"feeds/{key}.rss.xml")
    document = json.loads((site / f"feeds/{key}.json").read_text(encoding="utf-8"))
    expected = EXPECTED[key]
    assert links(atom.entries) == expected
    assert links(rss.entries) == expected
    assert [item["url"].removeprefix(SITE) for item in document["items"]] == expected
    # The same entry has the same id in every format.
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries] == [i["id"] for i in document["items"]]


def test_no_draft_scheduled_or_page_in_any_feed(site: Path) -> None:
    for path in (site / "feeds").rglob("*"):
        if path.is_file() and path.name != "index.html":
            text = path.read_text(encoding="utf-8")
            assert "Brouillon" not in text and "Plus tard" not in text and "À propos" not in text, path


def test_hostile_text_round_trips(site: Path) -> None:
    atom = parse(site / "feeds/articles.atom.xml")
    rss = parse(site / "feeds/articles.rss.xml")
    document = json.loads((site / "feeds/articles.json").read_text(encoding="utf-8"))
    # Titles and summaries are plain text in every format: tags of HTML elements are dropped, the rest is kept.
    plain_title = HOSTILE_TITLE.replace("<b>", "").replace("</b>", "")
    for entry in (atom.entries[0], rss.entries[0]):
        assert entry.title == plain_title
        assert [a["name"] for a in entry.authors] == ["Ana Lopez", HOSTILE_NAME]
        assert [t["term"] for t in entry.tags] == ["vélo", "café"]
    assert atom.entries[0].summary == "Résumé & ]]> 😀"  # Atom: a text construct, read as text
    # RSS readers read <description> as HTML: the summary arrives escaped, so "&" shows as "&", never as markup.
    assert rss.entries[0].summary == "Résumé &amp; ]]&gt; 😀"
    item = document["items"][0]
    assert item["title"] == plain_title
    assert item["summary"] == "Résumé & ]]> 😀"
    assert [a["name"] for a in item["authors"]] == ["Ana Lopez", HOSTILE_NAME]
    assert item["tags"] == ["vélo", "café"]
    assert atom.entries[0].authors[1]["href"] == f"{SITE}contributors/chloe/"  # authors from their profiles
    # The raw <script> of the body was removed with its content (moderation.html: github), never passed through.
    body = item["content_html"]
    assert "<script" not in body and "alert(1)" not in body and "🎉" in body
    chloe = parse(site / "feeds/contributors/chloe.atom.xml")
    assert chloe.feed.title == f"Mini · {HOSTILE_NAME}"


def test_content_links_and_images_are_absolute(site: Path) -> None:
    item = json.loads((site / "feeds/all.json").read_text(encoding="utf-8"))["items"][0]
    doc = html5lib.parse(item["content_html"], namespaceHTMLElements=False)
    hrefs = [a.get("href") for a in doc.iter("a")]
    srcs = [img.get("src") for img in doc.iter("img")]
    assert f"{SITE}about/" in hrefs
    assert f"{SITE}articles/hostile/#suite" in hrefs
    assert srcs == [f"{SITE}media/bike.png"]
    assert (site / "media/bike.png").is_file()
    for path in (site / "feeds").rglob("*.xml"):
        for entry in parse(path).entries:
            assert entry.link.startswith(SITE)
            for content in entry.get("content", []):
                for a in html5lib.parse(content.value, namespaceHTMLElements=False).iter("a"):
                    assert urlsplit(a.get("href")).scheme in {"https", "http", "mailto"}, path


def test_item_without_summary_gets_its_first_paragraph(site: Path) -> None:
    document = json.loads((site / "feeds/articles.json").read_text(encoding="utf-8"))
    item = next(i for i in document["items"] if i["url"].endswith("nosummary/"))
    assert item["summary"] == "Première phrase du corps qui sert de résumé."


def test_dates_come_from_content_never_the_clock(site: Path, tmp_path: Path) -> None:
    atom = parse(site / "feeds/articles.atom.xml")
    english = next(e for e in atom.entries if e.link.endswith("english/"))
    assert english.published == "2026-02-01T00:00:00+01:00"
    assert english.updated == "2026-04-01T09:30:00+02:00"
    assert atom.feed.updated == "2026-04-01T09:30:00+02:00"  # the newest change among its entries
    rss = parse(site / "feeds/articles.rss.xml")
    assert rss.feed.updated_parsed == atom.feed.updated_parsed  # lastBuildDate, not the build time
    empty = parse(site / "feeds/contributors/dan.atom.xml")
    assert empty.feed.updated == "2026-04-01T09:30:00+02:00"  # an empty feed: the portal's newest content date
    # A later clock that publishes nothing new changes no feed.
    again = build(write_portal(tmp_path / "again", FILES), now=datetime.fromisoformat("2026-07-01T12:00:00+02:00")).output
    for path in sorted((site / "feeds").rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(site)).read_bytes(), path


def test_entry_ids_come_from_the_file_not_title_or_date(site: Path, tmp_path: Path) -> None:
    first = parse(site / "feeds/articles.atom.xml").entries
    assert first[0].id == entry_id(SITE, "articles/hostile.md")
    files = dict(FILES)
    files["content/articles/hostile.md"] = FILES["content/articles/hostile.md"].replace(
        HOSTILE_TITLE, "Nouveau titre").replace("2026-03-01T10:00", "2026-03-02T11:00")
    changed = build(write_portal(tmp_path / "changed", files), now=NOW).output
    second = parse(changed / "feeds/articles.atom.xml").entries
    assert second[0].title == "Nouveau titre"
    assert second[0].id == first[0].id
    assert len({e.id for e in first}) == len(first)


def test_json_feed_has_the_required_fields(site: Path) -> None:
    for path in sorted((site / "feeds").rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["title"]
        assert document["home_page_url"].startswith(SITE)
        assert document["feed_url"] == SITE + str(path.relative_to(site))
        assert isinstance(document["items"], list)
        for item in document["items"]:
            assert item["id"] and ("content_html" in item or "content_text" in item)
            assert item["url"].startswith(SITE)
            datetime.fromisoformat(item["date_published"])
            datetime.fromisoformat(item["date_modified"])
            assert all(a["name"] and a["url"].startswith(SITE) for a in item["authors"])
            assert item["language"] in {"fr", "en"}


def test_member_with_no_items_gets_a_valid_empty_feed(site: Path) -> None:
    for form in ("atom", "rss"):
        parsed = parse(site / f"feeds/contributors/dan.{form}.xml")
        assert parsed.entries == []
        assert parsed.feed.title == "Mini · Dan Quiet"
    document = json.loads((site / "feeds/contributors/dan.json").read_text(encoding="utf-8"))
    assert document["items"] == [] and document["authors"][0]["name"] == "Dan Quiet"


def test_opml_lists_every_member_feed(site: Path) -> None:
    root = etree.fromstring((site / "feeds/contributors.opml").read_bytes())
    outlines = root.findall("./body/outline")
    assert [o.get("text") for o in outlines] == ["Ana Lopez", HOSTILE_NAME, "Dan Quiet", "Eve Speaks"]
    for outline in outlines:
        assert (site / outline.get("xmlUrl").removeprefix(SITE)).is_file()
        assert (site / outline.get("htmlUrl").removeprefix(SITE) / "index.html").is_file()


def test_feeds_page_links_every_feed(site: Path) -> None:
    doc = html5lib.parse((site / "feeds/index.html").read_bytes(), namespaceHTMLElements=False)
    hrefs = {a.get("href") for a in doc.iter("a")}
    written = {f"../{p.relative_to(site)}" for p in (site / "feeds").rglob("*") if p.is_file() and p.name != "index.html"}
    assert written <= hrefs


def test_summary_mode_and_limit(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG + "feeds:\n  content: summary\n  limit: 2\n"
    out = build(write_portal(tmp_path / "summary", FILES, config=config), now=NOW).output
    atom = parse(out / "feeds/all.atom.xml")
    assert links(atom.entries) == EXPECTED["all"][:2]
    assert all("content" not in e for e in atom.entries)
    assert atom.entries[0].summary
    document = json.loads((out / "feeds/all.json").read_text(encoding="utf-8"))
    assert [set(i) & {"content_html", "content_text"} for i in document["items"]] == [{"content_text"}] * 2


def _feed(title: str, body: str) -> Feed:
    when = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    person = Person(title, SITE)
    entry = Entry(id="urn:uuid:1", url=SITE + "a/", title=title, published=when, updated=when, summary=title,
                  content_html=body, authors=(person,), tags=(title,), language="fr")
    return Feed(key="all", id="urn:uuid:0", title=title, subtitle="", home_url=SITE, site_url=SITE, language="fr",
                updated=when, author=person, entries=(entry,))


def test_renderers_survive_control_characters_without_the_engine() -> None:
    # The checks refuse control characters in titles; the renderers drop what XML cannot carry anyway.
    feed = _feed("Bell\x07 <&> ]]> 🎉", "<p>form\x0cfeed ]]&gt;</p>")
    for data in (feeds.render_atom(feed), feeds.render_rss(feed)):
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0
        assert parsed.entries[0].title == "Bell <&> ]]> 🎉"
    document = json.loads(render_json(feed))
    assert document["items"][0]["title"] == "Bell\x07 <&> ]]> 🎉"  # JSON escapes it, nothing is lost
    assert feeds.xml_text("a\x00b\x1fc\td") == "abc\td"


def test_absolute_links_rewrites_every_url_attribute() -> None:
    markup = '<a href="../b/">b</a><img src="x.png" srcset="x.png 1x, y.png 2x" alt=""><a href="#f">f</a><a href="https://o.org/">o</a>'
    result = absolute_links(markup, SITE + "articles/a/")
    assert 'href="https://example.org/mini/articles/b/"' in result
    assert 'src="https://example.org/mini/articles/a/x.png"' in result
    assert 'srcset="https://example.org/mini/articles/a/x.png 1x, https://example.org/mini/articles/a/y.png 2x"' in result
    assert 'href="https://example.org/mini/articles/a/#f"' in result
    assert 'href="https://o.org/"' in result


@pytest.mark.skipif(not (REPO / "content").is_dir(), reason="the demo portal's content/ is not written yet")
def test_demo_feeds_are_valid(demo_site: Path) -> None:
    paths = sorted((demo_site / "feeds").rglob("*.xml"))
    assert paths
    for path in paths:
        parse(path)
    everything = json.loads((demo_site / "feeds/all.json").read_text(encoding="utf-8"))
    assert everything["items"], "the demo portal publishes items"
    for handle in ("amelie", "bastien", "chloe", "damien", "elise", "farid", "gaelle", "hugo"):
        assert (demo_site / f"feeds/contributors/{handle}.atom.xml").is_file()
    assert DEMO_NOW.year == 2026


def test_every_entry_links_to_a_written_page(site: Path) -> None:
    # "Never a broken link": items in another language than the portal's included.
    for path in sorted((site / "feeds").rglob("*.atom.xml")):
        for entry in parse(path).entries:
            assert (site / entry.link.removeprefix(SITE) / "index.html").is_file(), (path.name, entry.link)


def test_shared_entries_render_the_bytes_feedgen_writes_for_each_whole_feed() -> None:
    # The feeds generator serialises each entry once per form and reuses it in every feed that holds it;
    # each feed must still be exactly what feedgen (and the JSON encoder) write for that feed alone.
    when = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    person = Person("Amélie", SITE + "contributors/amelie/")

    def entry(n: int) -> Entry:
        body = f"<p>Item {n}\nover <em>two</em> lines &amp; a ]]&gt;</p>\n<pre>  indented\n    code</pre>"
        return Entry(id=f"urn:uuid:{n}", url=f"{SITE}a{n}/", title=f"Item {n} <&>", published=when, updated=when,
                     summary=f"Summary {n}", content_html=body, authors=(person,), tags=("vélo", f"t{n}"), language="fr")

    entries = [entry(n) for n in range(6)]
    shapes = [(0, 1, 2, 3), (2, 4), (5, 3, 0), (), (4,)]
    chosen = [Feed(key=f"tags/t{i}", id=f"urn:uuid:f{i}", title=f"Feed {i}", subtitle="Sub", home_url=SITE, site_url=SITE,
                   language="fr", updated=when, author=person, entries=tuple(entries[k] for k in shape))
              for i, shape in enumerate(shapes)]
    xml, json_renderer = feeds.FeedRenderer(), JsonFeedRenderer()
    for feed in chosen:
        for form in ("atom", "rss"):
            alone = feeds._serialise(feeds._generator(feed, form), form)
            assert xml.render(feed, form) == alone, (feed.key, form)
        assert json_renderer.render(feed) == render_json(feed), feed.key
    assert len(feedparser.parse(xml.render(chosen[0], "atom")).entries) == 4

"""Discovery: sitemap and robots.txt, canonical URLs, feed autodiscovery, Open Graph, JSON-LD and search
metadata on the pages of a real build; and the whole output, search index included, is reproducible."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from conftest import write_portal
from lxml import etree

from agorapress.build.pipeline import build

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SITE = "https://example.org/mini/"
SCRIPT_TITLE = "Fin </script><script>alert(1)</script> & ]]> 🎈"
FILES = {
    "content/contributors/eve.md": (
        "---\nname: Eve Speaks\ngithub: eve-s\nlinks:\n  - label: Site\n    url: https://eve.example/\n"
        "---\nEve parle aux voisins.\n"
    ),
    "content/articles/first.md": (
        "---\ntitle: Premier texte\ndate: 2026-01-02\nupdated: 2026-03-04T10:00\nauthors: [ana]\ntags: [vélo]\n"
        "summary: Un résumé.\nimage: media/bike.png\nimage_alt: Un vélo rouge\n---\nDu texte.\n"
    ),
    "content/media/bike.png": bytes.fromhex(  # the smallest valid PNG: one transparent pixel
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"),
    "content/articles/script.md": f'---\ntitle: "{SCRIPT_TITLE}"\ndate: 2026-02-01\nauthors: [ana]\n---\nCorps.\n',
    "content/articles/draft.md": "---\ntitle: Brouillon\ndate: 2026-01-10\nauthors: [ana]\nstatus: draft\n---\nPas prêt.\n",
    "content/articles/later.md": "---\ntitle: Plus tard\ndate: 2026-09-01\nauthors: [ana]\n---\nProgrammé.\n",
    "content/interviews/eve.md": (
        "---\ntitle: Entretien avec Eve\ndate: 2026-02-20\nauthors: [ana]\ninterviewers: [ana]\n"
        "interviewee:\n  name: Eve Speaks\n  handle: eve\n  role: Voisine\n  links:\n    - label: Blog\n      url: https://eve.example/blog\n"
        "---\n## Qui êtes-vous ?\n\nUne voisine.\n"
    ),
    "content/events/cafe.md": (
        "---\ntitle: Café réparation\ndate: 2026-01-20\nauthors: [ana]\norganizers: [ana]\n"
        "start: 2026-07-02T18:00\nlocation:\n  name: La Fabrique\n---\nVenez.\n"
    ),
    "content/pages/about.md": "---\ntitle: À propos\n---\nNous.\n",
    "content/articles/english.md": "---\ntitle: In English\ndate: 2026-01-05\nlang: en\nauthors: [ana]\n---\nWe repair.\n",
}
PUBLIC_ITEMS = ["articles/first/", "articles/script/", "articles/english/", "interviews/eve/", "events/cafe/", "about/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_portal(tmp_path_factory.mktemp("seo") / "portal", FILES)
    return build(root, now=NOW).output


def page(site: Path, url: str):
    return html5lib.parse((site / url / "index.html" if not url.endswith(".html") else site / url).read_bytes(),
                          namespaceHTMLElements=False)


def head(doc, tag: str, **attrs) -> list:
    return [e for e in doc.find("head").iter(tag) if all(e.get(k) == v for k, v in attrs.items())]


def meta(doc, key: str) -> list[str]:
    return [e.get("content") for e in doc.find("head").iter("meta") if key in (e.get("property"), e.get("name"))]


def json_ld(doc) -> list[dict]:
    return [json.loads(s.text) for s in doc.iter("script") if s.get("type") == "application/ld+json"]


def sitemap(site: Path) -> dict[str, str | None]:
    root = etree.fromstring((site / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in root.findall("s:url", ns)}


def test_sitemap_lists_every_public_page_and_nothing_else(site: Path) -> None:
    urls = sitemap(site)
    pages = {SITE + str(p.relative_to(site).parent).removeprefix(".") + "/" for p in site.rglob("index.html")
             if p.relative_to(site).parts[0] not in {"pagefind", "theme"}}
    assert set(urls) == {u.replace("mini//", "mini/") for u in pages}
    for url in PUBLIC_ITEMS + ["", "articles/", "tags/", "tags/velo/", "contributors/", "contributors/eve/", "feeds/", "search/"]:
        assert SITE + url in urls, url
    assert SITE + "articles/draft/" not in urls and SITE + "articles/later/" not in urls
    assert not any(u.endswith("404.html") for u in urls)
    assert list(urls) == sorted(urls)


def test_sitemap_dates_come_from_content(site: Path) -> None:
    urls = sitemap(site)
    assert urls[SITE + "articles/first/"] == "2026-03-04T10:00:00+01:00"  # updated wins over date
    assert urls[SITE + "articles/script/"] == "2026-02-01T00:00:00+01:00"
    assert urls[SITE] == "2026-03-04T10:00:00+01:00"  # a list changes with its newest item
    assert urls[SITE + "contributors/eve/"] == "2026-02-20T00:00:00+01:00"  # the interview she gave
    assert urls[SITE + "about/"] is None and urls[SITE + "search/"] is None


def test_drafts_of_a_preview_stay_out_of_the_sitemap(tmp_path: Path) -> None:
    out = build(write_portal(tmp_path / "preview", FILES), now=NOW, drafts=True).output
    assert (out / "articles/draft/index.html").is_file()
    assert SITE + "articles/draft/" not in sitemap(out)


def test_robots_points_at_the_sitemap(site: Path) -> None:
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and f"Sitemap: {SITE}sitemap.xml" in robots


@pytest.mark.parametrize("url", PUBLIC_ITEMS + ["", "articles/", "tags/velo/", "contributors/ana/", "feeds/", "search/"])
def test_canonical_url_is_absolute(site: Path, url: str) -> None:
    doc = page(site, url)
    assert [link.get("href") for link in head(doc, "link", rel="canonical")] == [SITE + url]
    assert meta(doc, "og:url") == [SITE + url]


def test_404_is_not_indexed(site: Path) -> None:
    doc = page(site, "404.html")
    assert head(doc, "link", rel="canonical") == []
    assert meta(doc, "robots") == ["noindex"]


@pytest.mark.parametrize("url, feeds", [
    ("", ["all"]),
    ("articles/first/", ["all", "articles"]),
    ("interviews/eve/", ["all", "interviews"]),
    ("articles/", ["all", "articles"]),
    ("tags/velo/", ["all", "tags/velo"]),
    ("contributors/eve/", ["all", "contributors/eve"]),
])
def test_feed_autodiscovery_names_the_feeds_of_the_page(site: Path, url: str, feeds: list[str]) -> None:
    doc = page(site, url)
    links = [link for link in head(doc, "link", rel="alternate") if link.get("type") != "text/html"]
    expected = [f"feeds/{key}{suffix}" for key in feeds for suffix in (".atom.xml", ".rss.xml", ".json")]
    found = [(site / url / link.get("href")).resolve() for link in links]
    assert sorted(found) == sorted({(site / path).resolve() for path in expected})
    assert all(path.is_file() for path in found)
    assert {link.get("type") for link in links} == {"application/atom+xml", "application/rss+xml", "application/feed+json"}
    assert len({link.get("title") for link in links}) == len(links)


def test_open_graph_and_twitter_card(site: Path) -> None:
    doc = page(site, "articles/script/")
    assert meta(doc, "og:title") == [SCRIPT_TITLE] == meta(doc, "twitter:title")
    assert meta(doc, "og:type") == ["article"]
    assert meta(doc, "og:locale") == ["fr_FR"]
    assert meta(doc, "og:site_name") == ["Mini"]
    assert meta(doc, "article:published_time") == ["2026-02-01T00:00:00+01:00"]
    assert meta(doc, "article:author") == [SITE + "contributors/ana/"]
    # Every page has a social card drawn at build time (outputs/cards.py): its own, or the portal's.
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    assert meta(doc, "og:image") == [SITE + "articles/script/social.png"] == meta(doc, "twitter:image")
    assert meta(doc, "og:description") == ["Corps."]
    pictured = page(site, "articles/first/")
    assert meta(pictured, "og:image") == [SITE + "articles/first/social.png"] == meta(pictured, "twitter:image")
    assert meta(pictured, "og:image:alt") == ["Premier texte · Mini"]
    assert meta(pictured, "twitter:card") == ["summary_large_image"]
    assert meta(pictured, "og:description") == ["Un résumé."]
    assert (site / "media/bike.png").is_file()
    article = next(d for d in json_ld(pictured) if d["@type"] == "Article")
    assert article["image"] == SITE + "media/bike.png" and article["dateModified"] == "2026-03-04T10:00:00+01:00"
    assert meta(page(site, "contributors/eve/"), "og:type") == ["profile"]
    assert meta(page(site, ""), "og:type") == ["website"]


def test_json_ld_survives_a_hostile_title(site: Path) -> None:
    raw = (site / "articles/script/index.html").read_text(encoding="utf-8")
    head_html = raw.split("</head>")[0]
    assert head_html.count("<script") == head_html.count("</script>")  # the title closes no script element
    data = json_ld(page(site, "articles/script/"))
    article = next(d for d in data if d["@type"] == "Article")
    assert article["headline"] == SCRIPT_TITLE
    assert article["author"] == [{"@type": "Person", "name": "Ana Lopez", "url": SITE + "contributors/ana/"}]
    crumbs = next(d for d in data if d["@type"] == "BreadcrumbList")
    assert [c["item"] for c in crumbs["itemListElement"]] == [SITE, SITE + "articles/", SITE + "articles/script/"]
    assert [c["position"] for c in crumbs["itemListElement"]] == [1, 2, 3]


def test_json_ld_of_each_kind_of_page(site: Path) -> None:
    interview = next(d for d in json_ld(page(site, "interviews/eve/")) if d["@type"] == "Article")
    assert interview["about"] == {"@type": "Person", "name": "Eve Speaks", "jobTitle": "Voisine",
                                  "url": SITE + "contributors/eve/", "sameAs": ["https://eve.example/blog"]}
    assert interview["datePublished"] == "2026-02-20T00:00:00+01:00"
    profile = next(d for d in json_ld(page(site, "contributors/eve/")) if d["@type"] == "ProfilePage")
    assert profile["mainEntity"]["@type"] == "Person"
    assert profile["mainEntity"]["name"] == "Eve Speaks"
    assert profile["mainEntity"]["sameAs"] == ["https://eve.example/"]
    home = next(d for d in json_ld(page(site, "")) if d["@type"] == "WebSite")
    action = home["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == SITE + "search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    tag = next(d for d in json_ld(page(site, "tags/velo/")) if d["@type"] == "BreadcrumbList")
    assert tag["itemListElement"][-1]["item"] == SITE + "tags/velo/"
    assert not [d for d in json_ld(page(site, "events/cafe/")) if d["@type"] == "Article"]


def test_an_item_in_another_language_announces_its_language_feed(site: Path) -> None:
    doc = page(site, "articles/english/")
    assert doc.get("lang") == "en"
    assert meta(doc, "og:locale") == ["en_US"]
    hrefs = [link.get("href") for link in head(doc, "link", rel="alternate")]
    assert "../../feeds/lang/en.atom.xml" in hrefs


def test_no_hreflang_without_translations(site: Path) -> None:
    assert [link for link in head(page(site, "articles/first/"), "link") if link.get("hreflang")] == []


def test_search_metadata_on_item_pages(site: Path) -> None:
    doc = page(site, "interviews/eve/")
    found = {e.get("data-pagefind-meta"): e.get("content") for e in doc.find("head").iter("meta") if e.get("data-pagefind-meta")}
    assert found["kind[content]"] == "interviews"
    assert found["section[content]"] == "Interviews"
    assert found["author[content]"] == "Ana Lopez"
    assert found["date[content]"] == "20 février 2026"


def test_footer_links_to_feeds_and_search(site: Path) -> None:
    for url in ("", "articles/first/", "tags/velo/"):
        hrefs = [a.get("href") for a in page(site, url).find(".//footer[@class='site-footer']").iter("a")]
        assert any(h.endswith("feeds/") for h in hrefs) and any(h.endswith("search/") for h in hrefs)


def test_search_page_without_javascript_points_to_topics(site: Path) -> None:
    doc = page(site, "search/")
    form = doc.find(".//form[@role='search']")
    assert form is not None and form.get("hidden") is not None  # shown by the script only
    noscript = doc.find(".//noscript")
    assert noscript is not None
    hrefs = [a.get("href") for a in noscript.iter("a")]
    assert "../tags/" in hrefs and "../tags/velo/" in hrefs
    assert "JavaScript" in "".join(noscript.itertext())


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    again = build(write_portal(tmp_path / "elsewhere" / "copy", FILES), now=NOW).output
    first, second = digest(site), digest(again)
    assert any(name.startswith("pagefind/") for name in first)  # the search index is part of the comparison
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en", "fr"]  # Pagefind lists them in hash-map order; Agora sorts them
    assert first == second


def test_search_index_holds_the_items_and_profiles_and_nothing_else(site: Path) -> None:
    marked = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert any(p.parent.parent.name == "contributors" for p in marked)  # profiles are searchable too
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(marked)


def test_pagefind_reads_the_html_tag_the_marked_head_tags_and_the_main_of_a_page() -> None:
    from agorapress.render.search.index import search_copy

    head = b'<head><meta charset="utf-8"><title>T</title><meta name="x" content="1" data-pagefind-meta="x[content]"></head>'
    main = b'<main id="main" data-pagefind-body><h1>T</h1><p data-pagefind-ignore>no</p></main>'
    page = b'<!DOCTYPE html><html lang="fr">' + head + b'<body><header>Site</header>' + main + b'<footer>F</footer></body></html>'
    assert search_copy(page) == (b'<!DOCTYPE html><html lang="fr"><head><meta name="x" content="1" data-pagefind-meta="x[content]">'
                                 b"</head><body>" + main + b"</body></html>")
    # Anything else marked for Pagefind outside <main>, or a <main> that is not the indexed part: the page, whole.
    outside = page.replace(b"<header>", b'<header data-pagefind-filter="a:b">')
    assert search_copy(outside) == outside
    unmarked = page.replace(b" data-pagefind-body", b"")
    assert search_copy(unmarked) == unmarked
    assert search_copy(page.replace(b' lang="fr"', b"")).startswith(b"<!DOCTYPE html><html><head><meta name")


def test_search_index_is_the_one_pagefind_makes_of_the_whole_pages(site: Path, tmp_path: Path) -> None:
    # Pagefind handed the written pages uncut, in the same order, makes the same index byte for byte.
    from agorapress.render.search.index import BUNDLE_DIR, Indexes, SearchCopies, searchable_pages
    from agorapress.site import load_portal

    order = searchable_pages(load_portal(site.parent, now=NOW).graph)
    whole = tmp_path / "whole"
    for name in order:
        (whole / name).parent.mkdir(parents=True, exist_ok=True)
        (whole / name).write_bytes((site / name).read_bytes())
    (tmp_path / "out").mkdir()
    copies = SearchCopies(whole, tmp_path / "out", order)
    Indexes(copies, [(BUNDLE_DIR, order)]).finish()
    assert digest(tmp_path / "out" / BUNDLE_DIR) == digest(site / BUNDLE_DIR)


def test_each_copy_is_deleted_once_handed_to_pagefind(site: Path, tmp_path: Path) -> None:
    # The copies live in the build's scratch folder, memory when it can be: none is kept once Pagefind has it.
    from agorapress.render.search.index import BUNDLE_DIR, Indexes, SearchCopies, searchable_pages
    from agorapress.site import load_portal

    order = searchable_pages(load_portal(site.parent, now=NOW).graph)
    (tmp_path / "out").mkdir()
    copies = SearchCopies(tmp_path / "copies", tmp_path / "out", order)
    for name in order:
        copies(name, (site / name).read_bytes())
    assert all((copies.folder / name).is_file() for name in order)
    Indexes(copies, [(BUNDLE_DIR, order)]).finish()
    assert not [path for path in copies.folder.rglob("*") if path.is_file()]
    assert digest(tmp_path / "out" / BUNDLE_DIR) == digest(site / BUNDLE_DIR)


def test_search_index_does_not_depend_on_how_a_disk_lists_a_folder(tmp_path: Path) -> None:
    # Pagefind's own walk numbers pages in the order the file system lists them: by a hash on ext4, by creation
    # on tmpfs. Agora hands the pages over in its own order, so the index is the same on any disk.
    memory = Path("/dev/shm")
    if not (memory.is_dir() and os.access(memory, os.W_OK)):
        pytest.skip("no tmpfs at /dev/shm to build on a second kind of file system")
    files = {f"content/articles/text-{i:02d}.md": f"---\ntitle: Texte {i}\ndate: 2026-01-{i + 1:02d}\nauthors: [ana]\n"
             f"---\nMot{i} vélo atelier.\n" for i in range(16)}
    root = write_portal(tmp_path / "portal", files)
    on_disk = build(root, tmp_path / "out", now=NOW).output
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        in_memory = build(root, Path(folder) / "out", now=NOW).output
        assert digest(in_memory) == digest(on_disk)


def test_a_page_written_again_without_the_writer_is_indexed_as_written(site: Path, tmp_path: Path) -> None:
    # Pelican writes a page a second time by its own rules without the writer's hooks (they get None): the
    # index is then made again from the written pages, so it holds what the page finally says.
    import shutil

    from agorapress.render.search.index import BUNDLE_DIR, Indexes, SearchCopies, searchable_pages
    from agorapress.site import load_portal

    output = tmp_path / "site"
    shutil.copytree(site, output)
    shutil.rmtree(output / BUNDLE_DIR)
    order = searchable_pages(load_portal(site.parent, now=NOW).graph)
    copies = SearchCopies(tmp_path / "copies", output, order)
    for name in order:
        copies(name, b"<!DOCTYPE html><html lang='fr'><body><main data-pagefind-body>Old words</main></body></html>")
    copies(order[0], None)
    assert copies.stale and not (copies.folder / order[0]).exists()
    first_of_all = SearchCopies(tmp_path / "not-yet", output, order)
    first_of_all(order[0], None)  # before any copy was made
    assert first_of_all.stale
    Indexes(copies, [(BUNDLE_DIR, order)]).finish()  # the copies were stale: every page is read as written
    assert not copies.stale
    assert digest(output / BUNDLE_DIR) == digest(site / BUNDLE_DIR)

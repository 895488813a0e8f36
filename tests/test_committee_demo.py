"""The committee over time, in the built demo: the committee page (seats, continuity rule, record), the "relu par"
line, a withdrawn text's notice (and its absence everywhere else) and a corrected article."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import html5lib
from conftest import DEMO_NOW, copy_demo, spoken_text

from agorapress.build import build

NS = {"h": "http://www.w3.org/1999/xhtml"}
WITHDRAWN = "articles/une-offre-de-partenaire/"
CORRECTED = "articles/premier-cafe-reparation-cote-ordinateurs/"


def page(out: Path, url: str):
    return html5lib.parse((out / url / "index.html").read_bytes(), namespaceHTMLElements=False)


def test_the_committee_page_shows_seats_continuity_and_record(demo_site) -> None:
    doc = page(demo_site, "committee/")
    main = doc.find(".//main")
    current = [spoken_text(li) for li in main.iterfind(".//li[@class='seat seat-current']")]
    assert len(current) == 4 and all("2028" in line for line in current)  # the demo's terms run to the end of 2028
    assert "Bastien" in spoken_text(main.find(".//section[@class='committee-former']"))
    assert spoken_text(main.find(".//p[@id='continuity']")).startswith(
        "Quand un mandat prend fin, la personne reste en fonction jusqu'à ce que son ou sa successeur·e siège")
    rules = spoken_text(main.find(".//section[@class='committee-rules']"))
    assert "ni celle des membres qu'un texte déclare en conflit d'intérêts" in rules
    record = main.find(".//section[@class='committee-record']")
    assert spoken_text(record.find("p")) == ("2 modifications publiées, 1 retirées avant publication. Délai médian entre "
                                             "la pull request et la décision : 3 jours.")
    rows = [[spoken_text(cell) for cell in row] for row in record.iterfind(".//tbody/tr")]
    assert rows == [["Élise Bertrand", "2"], ["Amélie Durand", "1"], ["Chloé Nguyen", "1"]]


def test_items_say_who_reviewed_them(demo_site) -> None:
    line = page(demo_site, "interviews/la-ressourcerie-d-a-cote/").find(".//p[@class='reviewed']")
    assert spoken_text(line) == "Relu par Élise Bertrand et Amélie Durand, publié le 29 septembre 2026."
    assert [a.get("href") for a in line.iterfind("a")] == ["../../contributors/elise/", "../../contributors/amelie/"]
    # An item the record does not name says nothing of its review.
    assert page(demo_site, "articles/premiers-pas-a-la-fabrique/").find(".//p[@class='reviewed']") is None


def test_a_withdrawn_text_leaves_a_notice_and_nothing_else(demo_site) -> None:
    doc = page(demo_site, WITHDRAWN)
    main = spoken_text(doc.find(".//main"))
    assert main.startswith("Texte retiré Comité éditorial du peuple a retiré « Une offre de partenaire pour les "
                           "adhérents » le 4 novembre 2026.")
    assert "Pourquoi : Le texte présentait l'offre commerciale" in main
    assert doc.find(".//meta[@name='robots']").get("content") == "noindex"
    assert doc.find(".//main//article").get("data-pagefind-ignore") == "all"
    # Out of every listing, feed, calendar, sitemap and search index.
    mentions = sorted(str(path.relative_to(demo_site)) for path in demo_site.rglob("*")
                      if path.is_file() and path.suffix in {".html", ".xml", ".json", ".ics", ".opml"}
                      and (b"une-offre-de-partenaire" in path.read_bytes()
                           or b"Une offre de partenaire" in path.read_bytes()))
    assert mentions == [f"{WITHDRAWN}index.html"]
    pagefind = [path for path in (demo_site / "pagefind").rglob("*") if path.is_file()]
    assert pagefind and not any(b"une-offre-de-partenaire" in path.read_bytes() for path in pagefind
                                if path.suffix in {".json", ".js"})


def test_a_preview_shows_drafts_but_never_a_withdrawn_text(tmp_path: Path) -> None:
    """A preview (--drafts) shows drafts and scheduled items; a withdrawn text stays a notice there too (it was
    once written twice at its address: as the article and as the notice)."""
    root = copy_demo(tmp_path / "demo")
    out = build(root, tmp_path / "preview", now=DEMO_NOW, drafts=True).output
    main = spoken_text(page(out, WITHDRAWN).find(".//main"))
    assert main.startswith("Texte retiré") and "Pourquoi : " in main
    assert not (out / "index.html").read_bytes().count(b"une-offre-de-partenaire")


def test_a_corrected_article_shows_its_corrections_and_feeds_carry_the_update(demo_site) -> None:
    box = page(demo_site, CORRECTED).find(".//main//aside[@class='corrections']")
    assert spoken_text(box) == ("Corrections Mis à jour le 16 novembre 2026. 16 novembre 2026 — Le café réparation a "
                                "eu lieu le 5 novembre, pas le 6 comme l'indiquait une première version.")
    feed = feedparser.parse((demo_site / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith(CORRECTED))
    assert entry.updated.startswith("2026-11-16") and entry.published.startswith("2026-11-12")
    items = json.loads((demo_site / "feeds" / "all.json").read_text(encoding="utf-8"))["items"]
    listed = next(item for item in items if item["url"].endswith(CORRECTED))
    assert listed["date_modified"].startswith("2026-11-16")

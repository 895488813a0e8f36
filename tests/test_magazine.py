"""The magazine layout on the built demo: pictures with their size and text, covers on cards and the home page,
each item once on the home page, and the rough edges a new reader met, each fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pages(demo_site: Path) -> dict[str, BeautifulSoup]:
    return {p.relative_to(demo_site).as_posix(): soup_of(p) for p in sorted(demo_site.rglob("*.html"))}


def test_every_img_has_width_height_and_alt(pages):
    seen = 0
    for name, soup in pages.items():
        for img in soup.find_all("img"):
            seen += 1
            assert img.get("width") and img.get("height"), (name, str(img)[:120])
            assert img.has_attr("alt"), (name, str(img)[:120])
    assert seen > 50


def test_first_picture_is_eager_and_the_others_lazy(pages):
    checked = 0
    for name, soup in pages.items():
        pictures = [img for img in soup.select("main img") if img.find_parent("picture")]
        if not pictures:
            continue
        checked += 1
        assert pictures[0].get("loading") == "eager" and pictures[0].get("fetchpriority") == "high", name
        for img in pictures[1:]:
            assert img.get("loading") == "lazy" and not img.has_attr("fetchpriority"), (name, img.get("src"))
    assert checked >= 5


def test_pictures_offer_widths_and_formats(pages):
    article = pages["articles/premier-cafe-reparation-cote-ordinateurs/index.html"]
    cover = article.select_one(".item-image picture")
    assert {s["type"] for s in cover.find_all("source")} >= {"image/webp"}
    img = cover.find("img")
    assert img["alt"].startswith("Aplats bleus")
    assert " 480w" in img["srcset"] and img["sizes"]
    body = article.select(".prose picture img")
    assert body and body[0]["alt"].startswith("Aplats bleus et jaunes")


def test_cards_show_covers_their_own_or_generated(pages):
    section = pages["articles/index.html"]
    cards = section.select(".card")
    assert cards
    for card in cards:
        cover = card.select_one(".card-cover")
        assert cover.find("img") is not None or cover.select_one("svg.cover-generated") is not None
    own = [c for c in cards if c.select_one(".card-cover img")]
    assert own and all(c.select_one(".card-cover img")["alt"] for c in own)


def test_home_has_a_lead_story_and_shows_each_item_once(pages):
    home = pages["index.html"]
    lead = home.select_one(".home-lead .card-lead")
    assert lead is not None and lead.select_one(".card-cover img") is not None
    links = [a["href"] for a in home.select(".card-title a, .home-events .event-row a")]
    assert len(links) == len(set(links)), links
    assert home.select_one(".featured .card-interviews") is not None
    assert home.select(".new-members .avatar")


def test_event_cards_show_the_event_date(pages):
    cards = [c for soup in pages.values() for c in soup.select(".card-events")]
    assert cards
    for card in cards:
        assert card.select_one(".card-when time") is not None
        assert card.select_one(".byline") is None


def test_postponed_or_cancelled_event_offers_no_calendar_entry(pages):
    for name, soup in pages.items():
        banner = soup.select_one(".status-banner")
        if banner and ({"status-postponed", "status-cancelled"} & set(banner.get("class", []))):
            assert soup.select_one(".event-calendar") is None, name


def test_write_for_us_has_one_destination(pages):
    targets = set()
    for name, soup in pages.items():
        depth = name.count("/")
        for a in soup.find_all("a"):
            if a.get_text(strip=True) in {"Écrire pour nous", "Write for us"}:
                href = a["href"]
                for _ in range(depth):
                    href = href.removeprefix("../")
                targets.add(href.removeprefix("./"))
    assert len(targets) == 1, targets


def test_code_blocks_take_keyboard_focus(pages):
    blocks = [pre for soup in pages.values() for pre in soup.select("main pre")]
    assert blocks
    assert all(pre.get("tabindex") == "0" for pre in blocks)


def test_no_member_is_both_new_and_long_standing(pages):
    wall = pages["contributors/index.html"]
    for member in wall.select(".member-new"):
        badges = [a.get("href", "") for a in member.select(".badge")]
        assert not any(href.endswith("#long-standing") for href in badges), member.get_text(" ", strip=True)


def test_favicon_and_page_titles_in_one_face(demo_site: Path, pages):
    from PIL import Image

    with Image.open(demo_site / "favicon.png") as icon:
        assert icon.size == (64, 64)
    assert pages["index.html"].find("link", rel="icon")
    css = (demo_site / "theme/css/agora.css").read_text()
    assert "h1 { font-family: var(--serif)" in css

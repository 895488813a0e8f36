"""Social cards: a 1200×630 PNG for every page, identical across builds, named by og:image with its alt text."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import DEMO_NOW, copy_demo
from PIL import Image

from agorapress.build.pipeline import build
from agorapress.cache import ENV_VAR, PortalCache


def _meta(soup: BeautifulSoup, prop: str) -> str | None:
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    return tag["content"] if tag else None


def test_every_page_names_a_card_that_exists(demo_site: Path):
    site_url = "https://agora-press.github.io/agora-press/"
    pages = sorted(demo_site.rglob("index.html"))
    assert len(pages) > 20
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        image = _meta(soup, "og:image")
        assert image and image.startswith(site_url), page
        assert _meta(soup, "og:image:alt"), page
        assert _meta(soup, "twitter:card") == "summary_large_image", page
        card = demo_site / image.removeprefix(site_url)
        with Image.open(card) as picture:
            assert picture.format == "PNG" and picture.size == (1200, 630), card
            assert not picture.getexif()


def test_items_and_profiles_have_their_own_card(demo_site: Path):
    article = demo_site / "articles/premier-cafe-reparation-cote-ordinateurs/social.png"
    interview = demo_site / "interviews/la-ressourcerie-d-a-cote/social.png"
    profile = next(demo_site.glob("contributors/*/social.png"))
    cards = {p.read_bytes() for p in (article, interview, profile, demo_site / "social.png")}
    assert len(cards) == 4  # each drawn from its own page's facts
    # Text and shapes only: a palette keeps every colour; a photo (the interviewee's portrait) keeps its true colours.
    with Image.open(demo_site / "social.png") as plain, Image.open(interview) as portrait:
        assert (plain.mode, portrait.mode) == ("P", "RGB")
        assert len(plain.convert("RGB").getcolors(1 << 16) or []) > 16  # anti-aliased text, not posterised
    # A scheduled item has no card yet: nothing about it is published before its date.
    assert not (demo_site / "articles/le-jardin-des-pentes-en-hiver").exists()


def test_cards_are_identical_across_two_builds(tmp_path: Path, monkeypatch):
    root = copy_demo(tmp_path / "demo")
    first = build(root, tmp_path / "one", now=DEMO_NOW).output
    # A second build with a cache folder of its own: the cards are drawn again, not copied.
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "another-cache"))
    second = build(root, tmp_path / "two", now=DEMO_NOW).output
    cards = sorted(p.relative_to(first) for p in first.rglob("social.png"))
    assert len(cards) > 20
    assert [name for name, _ in PortalCache(root).files() if name.startswith("card-") and "." not in name]
    for rel in cards:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_a_full_rebuild_draws_again_only_the_cards_whose_facts_changed(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    root = copy_demo(tmp_path / "demo")
    first = build(root, tmp_path / "one", now=DEMO_NOW).output

    def kept() -> set[str]:
        return {name for name, _ in PortalCache(root).files() if name.startswith("card-") and "." not in name}

    drawn = kept()
    assert len(drawn) == len(list(first.rglob("social.png")))
    article = root / "content/articles/premier-cafe-reparation-cote-ordinateurs.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Notre ", 1), encoding="utf-8")
    second = build(root, tmp_path / "two", now=DEMO_NOW).output
    assert len(kept() - drawn) == 1  # the new title's card; the others came from the cache
    for card in first.rglob("social.png"):
        rel = card.relative_to(first)
        same = card.read_bytes() == (second / rel).read_bytes()
        assert same == (rel.parts[:2] != ("articles", "premier-cafe-reparation-cote-ordinateurs")), rel
    with Image.open(second / "articles/premier-cafe-reparation-cote-ordinateurs/social.png") as picture:
        assert picture.size == (1200, 630)


def test_card_shows_event_date_in_page_language():
    from agorapress.outputs.cards import CardFacts, draw_card

    plain = draw_card(CardFacts("Café réparation", "La Fabrique", "#9b2c1f", "fr", section="Agenda"))
    dated = draw_card(CardFacts("Café réparation", "La Fabrique", "#9b2c1f", "fr", section="Agenda",
                                when="samedi 12 décembre 2026, 14:00", where="Maison de quartier"))
    assert plain != dated
    assert re.match(rb"\x89PNG", dated)

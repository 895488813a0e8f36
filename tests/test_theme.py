"""The reader's interface on real builds: French and English catalogues, per-item language, translations of an
item, newer/older links, theme options (colours checked for contrast, logo) and the light/dark toggle's markup."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import html5lib
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, spoken_text

from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.render.settings import PACKAGED_THEMES
from agorapress.render.theme.catalogues import check, languages

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
ARTICLES = {
    "content/articles/velo.md": "---\ntitle: Le vélo cargo\ndate: 2026-03-01\nauthors: [ana]\ntags: [vélo]\n---\n"
                                + "Un texte assez long. " * 300 + "\n",
    "content/articles/cargo-bike.md": "---\ntitle: The cargo bike\ndate: 2026-03-02\nauthors: [ana]\nlang: en\n"
                                      "translation_of: velo\n---\nA text in English.\n",
    "content/articles/jardin.md": "---\ntitle: Le jardin\ndate: 2026-02-01\nauthors: [ana]\n---\nDes légumes.\n",
}


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def run_check(root: Path):
    return CliRunner().invoke(main, ["--root", str(root), "check"])


def test_every_shipped_catalogue_matches_the_templates() -> None:
    # A template message missing from a catalogue would show in English on a French portal.
    reports = check(PACKAGED_THEMES / "agora")
    assert languages(PACKAGED_THEMES / "agora") == ["fr"]
    assert [(r.language, r.missing, r.untranslated, r.obsolete) for r in reports] == [("fr", [], [], [])]


def test_the_translations_command_checks_the_catalogues(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "translations", "--check"])
    assert result.exit_code == 0, result.output


def test_a_new_template_message_is_reported_then_added(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "base.html").write_text('<p>{{ _("Hello") }}</p>', encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(main, ["--root", str(tmp_path), "translations", "--theme", str(theme), "--add", "fr"])
    assert added.exit_code == 0, added.output
    po = theme / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    assert 'msgid "Hello"' in po.read_text(encoding="utf-8")
    checked = runner.invoke(main, ["--root", str(tmp_path), "translations", "--theme", str(theme), "--check"])
    assert checked.exit_code == 1 and "untranslated: 'Hello'" in checked.output


def test_french_portal_speaks_french_and_an_english_item_speaks_english(portal) -> None:
    out = build(portal(ARTICLES), now=NOW).output
    home = parse(out / "index.html")
    assert home.get("lang") == "fr"
    assert home.find(".//a[@class='skip-link']").text == "Aller au contenu"
    assert "Par Ana Lopez" in spoken_text(home.find(".//main"))
    french = parse(out / "articles/velo/index.html")
    assert "min de lecture" in spoken_text(french.find(".//main"))
    assert "1 mars 2026" in spoken_text(french.find(".//main"))
    english = parse(out / "articles/cargo-bike/index.html")
    assert english.get("lang") == "en"
    main_text = spoken_text(english.find(".//main"))
    assert "By Ana Lopez" in main_text and "min read" in main_text and "March 2, 2026" in main_text
    assert english.find(".//a[@class='skip-link']").text == "Skip to content"
    # The portal's own names keep their language, marked so screen readers pronounce them right.
    assert english.find(".//a[@class='site-title']").get("lang") == "fr"
    assert french.find(".//a[@class='site-title']").get("lang") is None  # the page's own language needs no mark


def test_english_portal_speaks_english(portal) -> None:
    config = MINIMAL_CONFIG.replace("  url:", "  language: en\n  url:")
    out = build(portal(ARTICLES | {"content/articles/cargo-bike.md": ARTICLES["content/articles/cargo-bike.md"].replace(
        "lang: en\n", "lang: fr\n")}, config=config), now=NOW).output
    home = parse(out / "index.html")
    assert home.get("lang") == "en"
    text = spoken_text(home.find(".//body"))
    assert "Skip to content" in text and "Upcoming events" not in text and "Latest" in text and "Members" in text
    assert "Aller au contenu" not in text


def test_translations_link_to_each_other_with_hreflang(portal) -> None:
    out = build(portal(ARTICLES), now=NOW).output
    french = parse(out / "articles/velo/index.html")
    link = french.find(".//p[@class='translations']/a")
    assert (link.get("href"), link.get("hreflang"), link.text) == ("../../articles/cargo-bike/", "en", "English")
    english = parse(out / "articles/cargo-bike/index.html")
    assert english.find(".//p[@class='translations']/a").text == "français"
    alternates = {l.get("hreflang"): l.get("href") for l in english.find("head").iter("link") if l.get("hreflang")}
    assert alternates == {"en": "https://example.org/mini/articles/cargo-bike/", "fr": "https://example.org/mini/articles/velo/"}
    assert parse(out / "articles/jardin/index.html").find(".//p[@class='translations']") is None


def test_broken_translations_are_named(portal) -> None:
    root = portal(ARTICLES | {
        "content/articles/typo.md": "---\ntitle: T\ndate: 2026-01-01\nauthors: [ana]\nlang: en\ntranslation_of: vel\n---\nx\n",
        "content/articles/same.md": "---\ntitle: S\ndate: 2026-01-01\nauthors: [ana]\ntranslation_of: jardin\n---\nx\n",
        "content/articles/twice.md": "---\ntitle: W\ndate: 2026-01-01\nauthors: [ana]\nlang: en\ntranslation_of: velo\n---\nx\n",
    })
    lines = run_check(root).stdout.splitlines()
    assert "content/articles/typo.md:6: error[translation]: translation_of: no item 'vel' in articles/ (did you mean 'velo'?)" in lines
    assert ("content/articles/same.md:5: error[translation]: translation_of: 'jardin' is in the same language (fr) "
            "(set `lang:` to the language this text is written in)") in lines
    assert any(line.startswith("content/articles/twice.md:6: error[translation]: translation_of: content/articles/cargo-bike.md "
                               "already translates 'velo' into en") for line in lines)


def test_item_pages_link_to_newer_and_older_items_of_their_section(portal) -> None:
    out = build(portal(ARTICLES), now=NOW).output
    nav = parse(out / "articles/velo/index.html").find(".//nav[@class='neighbours']")
    links = {a.get("rel"): a.get("href") for a in nav.iter("a")}
    assert links == {"prev": "../../articles/cargo-bike/", "next": "../../articles/jardin/"}
    oldest = parse(out / "articles/jardin/index.html").find(".//nav[@class='neighbours']")
    assert [a.get("rel") for a in oldest.iter("a")] == ["prev"]


def test_theme_options_set_colours_and_logo(portal) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")
    config = MINIMAL_CONFIG + "theme:\n  options:\n    accent: '#1D4F91'\n    accent_dark: '#9cc3ff'\n    logo: media/logo.png\n"
    out = build(portal({"content/media/logo.png": png}, config=config), now=NOW).output
    home = parse(out / "index.html")
    styles = [s.text for s in home.find("head").iter("style")]
    assert ":root{--agora-accent:#1d4f91;--agora-accent-dark:#9cc3ff}" in styles
    logo = home.find(".//a[@class='site-title']/img")
    assert (logo.get("src"), logo.get("alt")) == ("./media/logo.png", "")
    assert (out / "media/logo.png").is_file()


def test_unreadable_accent_colours_are_config_errors(portal) -> None:
    config = MINIMAL_CONFIG + "theme:\n  options:\n    accent: '#ffcc00'\n    accent_dark: navy\n"
    result = run_check(portal({}, config=config))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("site_config.yaml:8: error[config-type]: theme.options.accent: #ffcc00 has a contrast of 1.3:1 "
                               "on the light background #f6efe6; links need 4.5:1 to be readable (WCAG 2.2 AA): choose a darker colour")
    assert lines[1].startswith("site_config.yaml:9: error[config-type]: theme.options.accent_dark: expected a colour written #rrggbb")


def test_a_missing_logo_is_named(portal) -> None:
    config = MINIMAL_CONFIG + "theme:\n  options:\n    logo: media/nope.png\n"
    result = run_check(portal({}, config=config))
    assert result.exit_code == 1
    assert ("site_config.yaml:8: error[missing-file]: theme.options.logo: 'media/nope.png' is not an image under content/media/ "
            "(put a square PNG, JPEG or WebP image in content/media/ and give its path, e.g. media/logo.png)") in result.stdout.splitlines()


def test_the_toggle_is_hidden_without_javascript_and_the_stored_choice_applies_before_paint(demo_site: Path) -> None:
    page = parse(demo_site / "index.html")
    button = page.find(".//button[@id='theme-toggle']")
    assert button.get("hidden") is not None and button.get("aria-pressed") == "false"
    head_scripts = [s.text for s in page.find("head").iter("script") if s.get("type") is None]
    assert any("localStorage.getItem(\"agora-theme\")" in text for text in head_scripts)
    assert (demo_site / "theme/js/agora.js").is_file()

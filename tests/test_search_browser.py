"""The search page in headless Chromium: the built site served from a sub-path, as GitHub Pages serves it,
finds an article by a word of its body, shows its section and author, and says what to do without JS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import html5lib
import pytest
from conftest import REPO, needs_chromium, serving, write_portal

from agorapress.build.pipeline import build

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
FILES = {
    "content/articles/atelier.md": (
        "---\ntitle: L'atelier vélo\ndate: 2026-03-01\nauthors: [ana]\ntags: [vélo]\n---\n"
        "Chaque jeudi nous réparons des bicyclettes avec des rustines et beaucoup de patience.\n"
    ),
    "content/articles/english.md": (
        "---\ntitle: Repair night\ndate: 2026-02-01\nlang: en\nauthors: [ana]\n---\nWe are repairing lawnmowers every Thursday.\n"
    ),
    "content/events/cafe.md": (
        "---\ntitle: Café réparation\ndate: 2026-01-20\nauthors: [ana]\nstart: 2026-07-02T18:00\n"
        "location:\n  name: La Fabrique\n---\nApportez vos bicyclettes.\n"
    ),
}

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    return build(write_portal(tmp_path_factory.mktemp("search") / "portal", FILES), now=NOW).output


@pytest.fixture(scope="module")
def site(request, tiny_site) -> tuple[Path, str]:
    """(output folder, URL of an article to find): the demo portal when it exists, else the tiny one."""
    if (REPO / "content").is_dir():
        output = request.getfixturevalue("demo_site")
        article = sorted(p.parent for p in (output / "articles").glob("*/index.html"))[0]
        return output, f"articles/{article.name}/"
    return tiny_site, "articles/atelier/"


@pytest.fixture(scope="module")
def base_url(site, tmp_path_factory) -> Iterator[str]:
    with serving(site[0], tmp_path_factory.mktemp("served")) as url:
        yield url


@pytest.fixture(scope="module")
def tiny_url(tiny_site, tmp_path_factory) -> Iterator[str]:
    with serving(tiny_site, tmp_path_factory.mktemp("served_tiny")) as url:
        yield url


def body_word(site: tuple[Path, str]) -> str:
    """A long word from the body of the article to find, read from its built page."""
    doc = html5lib.parse((site[0] / site[1] / "index.html").read_bytes(), namespaceHTMLElements=False)
    prose = next(e for e in doc.iter("div") if "prose" in (e.get("class") or "").split())
    words = re.findall(r"[^\W\d_]{8,}", " ".join(prose.itertext()))
    assert words, "the article has a long enough word to search for"
    return max(words, key=len)


def results(page) -> list[tuple[str, str]]:
    """(href, facts line) of each result shown."""
    return page.eval_on_selector_all(
        "#search-results li",
        "items => items.map(li => [li.querySelector('a').getAttribute('href'),"
        " (li.querySelector('.kind') || {}).textContent || ''])",
    )


def test_search_finds_an_article_by_a_word_of_its_body(browser, base_url, site) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "search/")
    word = body_word(site)
    page.fill("#search-q", word)
    page.press("#search-q", "Enter")
    target = "/portal/" + site[1]
    page.wait_for_selector(f"#search-results a[href$='{site[1]}']", timeout=20_000)
    found = dict(results(page))
    href = next(h for h in found if h.endswith(target))
    facts = found[href]
    doc = html5lib.parse((site[0] / site[1] / "index.html").read_bytes(), namespaceHTMLElements=False)
    section = doc.find(".//p[@class='kicker']/a").text
    author = doc.find(".//span[@class='authors']/a").text
    assert section in facts and author in facts
    assert "résultat" in page.inner_text("#search-status")
    assert word in unquote(page.url)  # the query is kept in the address, so results can be shared
    page.goto(href if href.startswith("http") else base_url.split("/portal/")[0] + href)
    assert page.url.endswith(target)
    assert errors == []
    page.close()


def test_search_runs_from_the_address(browser, base_url, site) -> None:
    # The WebSite SearchAction of the home page points here: search/?q=...
    page = browser.new_page()
    word = body_word(site)
    page.goto(f"{base_url}search/?q={word}")
    page.wait_for_selector(f"#search-results a[href$='{site[1]}']", timeout=20_000)
    assert page.input_value("#search-q") == word
    page.goto(f"{base_url}search/?q={word}&section=contributors")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('«')", timeout=20_000)
    assert all("/contributors/" in href for href, _ in results(page))
    page.close()


def test_pages_in_another_language_are_found_with_their_stemming(browser, tiny_url) -> None:
    page = browser.new_page()
    page.goto(tiny_url + "search/?q=lawnmower")  # the page says "lawnmowers": English stemming matches
    page.wait_for_selector("#search-results a[href$='articles/english/']", timeout=20_000)
    page.goto(tiny_url + "search/?q=réparer")  # the page says "réparons": French stemming matches
    page.wait_for_selector("#search-results a[href$='articles/atelier/']", timeout=20_000)
    page.close()


def test_without_javascript_the_page_says_so(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "search/")
    assert not page.is_visible("#search-form")
    assert "JavaScript" in page.inner_text("main")
    topics = page.get_by_role("link", name="les thèmes", exact=True)
    assert topics.is_visible()
    topics.click()
    assert page.url.endswith("/portal/tags/")
    context.close()

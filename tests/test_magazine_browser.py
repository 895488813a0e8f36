"""The magazine layout in headless Chromium: no "·" left dangling at a wrapped line's start, the phone navigation
shows that it scrolls, the home page uses a desktop's width, and the pictures load as promised. Screenshots of the
main page kinds at 390 and 1280 px go to test-artifacts/magazine/ for review."""

from __future__ import annotations

import pytest
from conftest import REPO, needs_chromium

pytestmark = needs_chromium

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = REPO / "test-artifacts" / "magazine"

#: For every part of a byline after the first: whether its "·" is visible where a reader would see it. The dot is
#: drawn in the gap before the part; elementFromPoint finds nothing of the byline where clip-path hides it.
DOTS = """(index) => [document.querySelectorAll('.byline')[index]].flatMap(line => {
  const parts = [...line.children].filter(e => e.getBoundingClientRect().width > 0);
  const lineStarts = new Set();
  let top = null;
  for (const part of parts) {
    const r = part.getBoundingClientRect();
    if (top === null || r.top > top + 4) { lineStarts.add(part); top = r.top; }
  }
  return parts.map(part => {
    const r = part.getBoundingClientRect();
    const dot = parseFloat(getComputedStyle(part, '::before').left);
    const x = r.left + dot + 3, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {starts: lineStarts.has(part), visible: !!hit && line.contains(hit), text: part.innerText.slice(0, 30)};
  });
})"""


@pytest.mark.parametrize("path", ["", "articles/", "articles/premier-cafe-reparation-cote-ordinateurs/"])
def test_no_separator_dangles_at_a_line_start(browser, demo_url, path) -> None:
    shown = 0
    for viewport in (PHONE, {"width": 320, "height": 640}, DESKTOP):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(demo_url + path)
        checked = 0
        dots = []
        for index in range(page.locator(".byline").count()):
            page.locator(".byline").nth(index).scroll_into_view_if_needed()
            dots += page.evaluate(DOTS, index)
        context.close()
        for dot in dots:
            checked += 1
            if dot["starts"]:
                assert not dot["visible"], f"{path} at {viewport['width']} px: a '·' begins the line before {dot['text']!r}"
        assert checked, f"no byline on {path}"
        between = [dot for dot in dots if not dot["starts"]]
        assert all(dot["visible"] for dot in between), f"{path} at {viewport['width']} px: a separator between parts is hidden"
        shown += len(between)
    assert shown, f"{path}: no byline has two parts on one line: the separators were never seen"


def test_phone_navigation_shows_that_it_scrolls(browser, demo_url) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(demo_url)
    overflow = page.evaluate("(() => { const u = document.querySelector('.site-nav ul'); "
                             "return u.scrollWidth > u.clientWidth })()")
    cue = page.evaluate("getComputedStyle(document.querySelector('.site-nav'), '::after').backgroundImage")
    context.close()
    assert overflow, "the navigation fits a phone: nothing to signal"
    assert "gradient" in cue


def test_home_uses_the_width_of_a_desktop(browser, demo_url) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(demo_url)
    main = page.locator("main").bounding_box()
    lead = page.locator(".home-lead").bounding_box()
    events = page.locator(".home-events").bounding_box()
    columns = page.evaluate("getComputedStyle(document.querySelector('.cards')).gridTemplateColumns.split(' ').length")
    context.close()
    assert main["width"] >= 1100
    assert events["x"] > lead["x"] + lead["width"] - 1, "the next events sit beside the lead story"
    assert columns == 3


def test_article_reading_column_stays_comfortable(browser, demo_url) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(demo_url + "articles/premier-cafe-reparation-cote-ordinateurs/")
    prose = page.locator(".prose").bounding_box()
    cover = page.locator(".item-image").bounding_box()
    loaded = page.evaluate("[...document.querySelectorAll('main img')].map(i => [i.currentSrc, i.naturalWidth])")
    context.close()
    assert 560 <= prose["width"] <= 720
    assert cover["width"] > prose["width"] * 1.4
    assert loaded and all(width > 0 for _, width in loaded[:1])


@pytest.mark.parametrize("name,path", [
    ("home", ""), ("article", "articles/premier-cafe-reparation-cote-ordinateurs/"),
    ("interview", "interviews/la-ressourcerie-d-a-cote/"), ("event", "events/festival-de-la-fabrique-2027/"),
    ("profile", "contributors/farid/"), ("wall", "contributors/"),
])
def test_screenshots(browser, demo_url, name, path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("390", PHONE), ("1280", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        response = page.goto(demo_url + path, wait_until="load")
        assert response.status == 200
        page.evaluate("Promise.all([...document.images].map(i => (i.loading = 'eager', i.decode().catch(() => {}))))")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        context.close()

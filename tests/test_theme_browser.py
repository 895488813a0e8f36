"""The theme's quality gate in headless Chromium, on every page kind of the demo portal served on localhost:
axe-core finds nothing, nothing is requested from another origin, phones never scroll sideways, pages work
without JavaScript, and the home page and an article stay within a page-weight budget. Screenshots and
page-weight figures are written to test-artifacts/ for review."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, demo_output, needs_chromium
from page_kinds import page_kinds

pytestmark = needs_chromium

ARTIFACTS = REPO / "test-artifacts"
#: Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA, plus axe's best practices (landmarks, heading order,
#: one h1...): the portal promises WCAG 2.2 AA, and the best practices are what a screen-reader user meets.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
PHONE = {"width": 375, "height": 812}
NARROWEST = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
#: The pages whose screenshots the theme review looks at (an event: the recurring one when there is one).
SCREENSHOT_KINDS = ("home", "article", "interview", "event", "profile")
#: The most a home page or an article may weigh, uncompressed (http.server sends no gzip).
BUDGET = {"requests": 20, "bytes": 500_000}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`kind` is each page kind of the built demo, so a failure names the page; discovered, not listed."""
    if "kind" not in metafunc.fixturenames:
        return
    if not (REPO / "content").is_dir():
        metafunc.parametrize("kind", [pytest.param("-", marks=pytest.mark.skip(reason="no demo portal in content/"))])
        return
    kinds = list(page_kinds(demo_output(metafunc.config)))
    if "screenshots" in metafunc.function.__name__:
        kinds = screenshot_kinds(kinds)
    metafunc.parametrize("kind", kinds)


def screenshot_kinds(kinds: list[str]) -> list[str]:
    """The page kinds screenshotted: those of SCREENSHOT_KINDS, one event (the recurring one if any)."""
    events = [kind for kind in kinds if kind.startswith("event-")]
    event = ["event-recurring"] if "event-recurring" in events else events[:1]
    return [kind for kind in kinds if kind in SCREENSHOT_KINDS or kind in event]


@pytest.fixture(scope="module")
def kinds(demo_site) -> dict[str, str]:
    return page_kinds(demo_site)


@pytest.fixture(scope="module")
def axe_js() -> Path:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (the test extra) ships axe-core")
    return Path(axe.__file__).parent / "axe.min.js"


@contextmanager
def opened(browser, url: str, wait_until: str = "load", **context) -> Iterator[tuple[object, list[str]]]:
    """(page, every URL it requested) for `url` in a fresh context: no cache, no stored state."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(url, wait_until=wait_until)
        yield page, requested
    finally:
        ctx.close()


def describe_violations(kind: str, url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{kind} ({url}): {violation['id']} [{violation['impact']}] {violation['help']} - {violation['helpUrl']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation(browser, demo_url, kinds, axe_js, kind, scheme) -> None:
    # Both colour schemes: contrast is checked on the colours the reader actually gets.
    with opened(browser, demo_url + kinds[kind], color_scheme=scheme) as (page, _):
        page.add_script_tag(path=str(axe_js))  # inlined: axe itself makes no request
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
        )
    assert not result["violations"], "axe-core violations:\n" + describe_violations(
        f"{kind}, {scheme}", "/" + kinds[kind], result["violations"]
    )


def test_nothing_is_requested_from_another_origin(browser, demo_url, kinds, kind) -> None:
    origin = urlsplit(demo_url)[:2]
    # Network idle, not load: a script may fetch later (the search page loads its index on demand).
    with opened(browser, demo_url + kinds[kind], wait_until="networkidle") as (page, requested):
        pass
    foreign = [url for url in requested if not url.startswith("data:") and urlsplit(url)[:2] != origin]
    assert foreign == [], f"{kind} ({kinds[kind]}) requests another origin: {foreign}"


def scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_no_horizontal_scroll_at_320_px(browser, demo_url, kinds, kind) -> None:
    with opened(browser, demo_url + kinds[kind], viewport=NARROWEST) as (page, _):
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                 .slice(0, 5).map(e => [e.tagName.toLowerCase(), e.getAttribute('class')].filter(Boolean).join('.'))"""
        )
        width = scroll_width(page)
    assert width <= NARROWEST["width"], f"{kind} ({kinds[kind]}) is {width} px wide at 320 px; widest elements: {wide}"


def test_screenshots_at_phone_and_desktop_widths(browser, demo_url, kinds, kind) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    name = "event" if kind.startswith("event-") else kind
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        with opened(browser, demo_url + kinds[kind], viewport=viewport) as (page, _):
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
            width = scroll_width(page)
        assert width <= viewport["width"], f"{kind} ({kinds[kind]}) scrolls sideways at {viewport['width']} px ({width} px)"
    assert (folder / f"{name}-phone.png").stat().st_size > 0


@pytest.mark.parametrize("kind_name", ["home", "article"])
def test_without_javascript_main_content_and_navigation_show(browser, demo_url, kinds, kind_name) -> None:
    with opened(browser, demo_url + kinds[kind_name], java_script_enabled=False) as (page, _):
        main = page.locator("main")
        assert main.is_visible() and len(main.inner_text().strip()) > 200, f"{kind_name}: <main> is empty without JS"
        assert page.locator("main h1, main h2").first.is_visible()
        links = page.locator("header nav a")
        assert links.count() >= 3 and all(link.is_visible() for link in links.all()), f"{kind_name}: no visible navigation"
        section = links.first.get_attribute("href")
        links.first.click()
        page.wait_for_load_state()
        assert page.url.endswith(section.lstrip("./")), "a navigation link leads somewhere without JS"


def weigh(browser, base_url: str, path: str) -> dict:
    """Requests made and bytes received (headers and bodies) when `path` is loaded with an empty cache."""
    ctx = browser.new_context()
    page = ctx.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))  # a bound builtin is no Playwright handler
    page.goto(base_url + path, wait_until="networkidle")
    sizes = {request.url.removeprefix(base_url) or "/": request.sizes() for request in finished}
    ctx.close()
    return {
        "url": path,
        "requests": len(finished),
        "bytes": sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes.values()),
        "resources": {url: size["responseBodySize"] for url, size in sizes.items()},
    }


def test_page_weight_of_home_and_an_article(browser, demo_url, kinds) -> None:
    figures = {kind: weigh(browser, demo_url, kinds[kind]) for kind in ("home", "article")}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for kind, figure in figures.items():
        assert figure["requests"] < BUDGET["requests"], f"{kind}: {figure['requests']} requests ({figure['resources']})"
        assert figure["bytes"] < BUDGET["bytes"], f"{kind}: {figure['bytes']} bytes ({figure['resources']})"


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'), url: e.href || null,
          type: e.getAttribute('type'), in_main: !!e.closest('main'), text: (e.innerText || '').trim().slice(0, 40),
          outline: `${s.outlineStyle} ${s.outlineWidth}`, shadow: s.boxShadow,
          focus_visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
          on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
}"""


def tab_until(page, reached, limit: int = 300) -> list[dict]:
    """Each element Tab focuses, from the current focus, up to the first one `reached` accepts (or the end)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if reached(seen[-1]) or seen[-1]["tag"] == "body":  # body: focus left the page, past its last element
            break
    return seen


def test_tab_first_focuses_the_skip_link_which_moves_to_main(browser, demo_url) -> None:
    with opened(browser, demo_url) as (page, _):
        main = page.evaluate("document.querySelector('main').id")
        assert main, "<main> has an id for the skip link to point at"
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUSED)
        assert first["href"] == f"#{main}", f"the first Tab focuses {first}, not a link to #{main}"
        assert first["on_screen"] and first["focus_visible"], f"the focused skip link is not visible: {first}"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == f"#{main}"
        assert page.evaluate(
            """() => Math.abs(document.querySelector('main').getBoundingClientRect().top) < 2
                     || scrollY >= document.scrollingElement.scrollHeight - innerHeight - 1"""
        ), "the page scrolled to <main>"
        after = page.evaluate(FOCUSED)
        if after["tag"] != "main":  # focus stays on the link, but the next Tab must start from <main>
            after = tab_until(page, lambda state: True)[-1]
            assert after["in_main"], f"after the skip link, Tab goes to {after}, outside <main>"


@pytest.mark.parametrize(
    ("kind_name", "target"),
    [("home", "a link to the search page"), ("search", "the search field")],
)
def test_tab_reaches_the_search_with_visible_focus(browser, demo_url, kinds, kind_name, target) -> None:
    search_url = demo_url + kinds["search"]

    def is_search(state: dict) -> bool:
        if kind_name == "search":
            return state["tag"] == "input" and state["type"] == "search"
        return state["tag"] == "a" and state["url"] == search_url

    with opened(browser, demo_url + kinds[kind_name]) as (page, _):
        page.wait_for_load_state("networkidle")  # the search form is shown by its script
        seen = tab_until(page, is_search)
    assert is_search(seen[-1]), (
        f"Tab never reaches {target} on {kind_name}; it goes through {[s['text'] or s['tag'] for s in seen]}"
    )
    unseen = [state for state in seen if not state["focus_visible"]]
    assert not unseen, f"{kind_name}: focus is not visible (outline and box-shadow none) on {unseen}"


BACKGROUND = """() => {
  // The colour behind the text: body's background, else html's, normalised to [r, g, b] by a canvas
  // (getComputedStyle may answer oklch() or color-mix() as written in the CSS).
  const paint = [document.body, document.documentElement].map(e => getComputedStyle(e).backgroundColor)
    .find(c => !/^(transparent|rgba\\(0, 0, 0, 0\\))$/.test(c)) || 'white';
  const ctx = Object.assign(document.createElement('canvas'), {width: 1, height: 1}).getContext('2d');
  ctx.fillStyle = paint; ctx.fillRect(0, 0, 1, 1);
  return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
}"""


def luminance(rgb: list[int]) -> float:
    """WCAG relative luminance: 0 is black, 1 is white."""
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_dark_system_preference_gives_a_dark_page(browser, demo_url) -> None:
    with opened(browser, demo_url, color_scheme="dark") as (page, _):
        dark = page.evaluate(BACKGROUND)
    with opened(browser, demo_url, color_scheme="light") as (page, _):
        light = page.evaluate(BACKGROUND)
    assert luminance(dark) < 0.2 < 0.6 < luminance(light), f"background dark {dark}, light {light}"


def theme_state(page) -> tuple[str | None, str | None, str | None, list[int]]:
    """(data-theme on <html>, aria-pressed of the toggle, the stored choice, the page background)."""
    return (
        page.evaluate("document.documentElement.dataset.theme ?? null"),
        page.evaluate("document.getElementById('theme-toggle')?.getAttribute('aria-pressed') ?? null"),
        page.evaluate("localStorage.getItem('agora-theme')"),
        page.evaluate(BACKGROUND),
    )


def test_the_dark_toggle_switches_and_remembers_the_theme(browser, demo_url) -> None:
    with opened(browser, demo_url, color_scheme="light") as (page, _):
        toggle = page.locator("header button#theme-toggle")
        assert toggle.count() == 1, "a <button id=theme-toggle> in the header"
        light = page.evaluate(BACKGROUND)
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert theme_state(page)[:3] == ("dark", "true", "dark")
        dark = page.evaluate(BACKGROUND)
        assert luminance(dark) < 0.2 < 0.6 < luminance(light), f"background after the toggle {dark}, before {light}"
        page.reload()
        assert theme_state(page) == ("dark", "true", "dark", dark), "the choice survives a reload"
        page.locator("#theme-toggle").click()
        assert theme_state(page) == ("light", "false", "light", light)


def test_a_stored_choice_wins_over_the_system_preference(browser, demo_url) -> None:
    ctx = browser.new_context(color_scheme="dark")
    ctx.add_init_script("localStorage.setItem('agora-theme', 'light')")
    page = ctx.new_page()
    page.goto(demo_url)
    try:
        state = theme_state(page)
        assert state[:3] == ("light", "false", "light") and luminance(state[3]) > 0.6, state
    finally:
        ctx.close()

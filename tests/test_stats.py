"""The community stats page: the numbers on a graph without the engine, then the page built for real."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import html5lib
import pytest
from conftest import MINIMAL_CONFIG
from lxml import etree

from agorapress.build.pipeline import build
from agorapress.outputs.svgchart import nice_max, render_bars, render_columns
from agorapress.people import People
from agorapress.site import load_portal
from agorapress.stats import MAX_MONTHS, community_stats, month_range, next_change

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SVG = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script> & co"
CONFIG = MINIMAL_CONFIG + f"""\
  language: en
sections:
  interviews:
    title: "{XSS}"
"""


def item(title: str, when: str, extra: str = "", authors: str = "ana") -> str:
    return f"---\ntitle: {title}\ndate: {when}\nauthors: [{authors}]\n{extra}---\nText.\n"


#: ana (no join date) and bob (joined in February) write; dan organises; cleo is only interviewed.
FILES = {
    "content/contributors/bob.md": "---\nname: Bob Martin\ngithub: bobm\njoined: 2026-02-15\n---\nBob.\n",
    "content/contributors/cleo.md": "---\nname: Cléo Durand\ngithub: cleo\njoined: 2027-01-01\n---\nCléo.\n",
    "content/contributors/dan.md": "---\nname: Dan\ngithub: dan-gh\n---\nDan.\n",
    "content/articles/a1.md": item("A1", "2026-01-10", "tags: [velo, jardin]\n"),
    "content/articles/a2.md": item("A2", "2026-03-05", "tags: [velo]\n", authors="ana, bob"),
    "content/interviews/i1.md": item("I1", "2026-03-20", authors="bob",
                                     extra="interviewers: [bob]\ninterviewee:\n  name: Cléo Durand\n  handle: cleo\n"),
    "content/events/e1.md": item("E1", "2026-05-02", "start: 2026-06-10T19:00\norganizers: [dan]\n", authors="dan"),
    # 23:30 UTC on 31 May is 1 June in Paris: the portal's calendar decides the month.
    "content/articles/late.md": item("Late", "2026-05-31T23:30:00+00:00"),
    "content/articles/draft.md": item("Draft", "2026-04-01", "status: draft\ntags: [secret]\n", authors="bob"),
    "content/articles/future.md": item("Future", "2026-07-01", "tags: [secret]\n"),
    "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
}
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
#: What FILES gives, month by month (the draft of April and the item of July are not counted).
CONTRIBUTIONS = [1, 0, 2, 0, 1, 1]
ACTIVE = [1, 0, 2, 0, 1, 1]  # March: ana and bob; cleo, interviewed, is not credited
NEWCOMERS = [1, 1, 0, 0, 1, 0]  # ana by her first text, bob by joining, dan by organising; cleo joins later


def values(series) -> list[int]:
    return [p.value for p in series.points]


# --- the numbers, on the graph -------------------------------------------------------------------------------

@pytest.fixture
def graph(portal):
    return load_portal(portal(FILES, config=CONFIG), now=NOW).graph


def test_monthly_series_count_published_items_by_month(graph) -> None:
    stats = community_stats(graph, People(graph), "en")
    assert [p.key for p in stats.contributions.points] == MONTHS
    assert values(stats.contributions) == CONTRIBUTIONS
    assert values(stats.active) == ACTIVE
    assert values(stats.newcomers) == NEWCOMERS
    assert stats.contributions.points[0].label == "January 2026" and stats.contributions.points[0].short == "Jan 26"
    assert stats.first == date(2026, 1, 1) and stats.last == date(2026, 6, 1)


def test_sections_and_tags_count_only_what_is_published(graph) -> None:
    stats = community_stats(graph, People(graph), "en")
    assert [(p.key, p.value) for p in stats.sections.points] == [("articles", 3), ("interviews", 1), ("events", 1)]
    assert stats.sections.points[1].label == XSS
    # Most used first, then by name; the draft's and the future item's tag is nowhere.
    assert [(p.label, p.value) for p in stats.tags.points] == [("velo", 2), ("jardin", 1)]


def test_months_run_from_the_first_contribution_to_the_clock_at_most_two_years(portal) -> None:
    old = load_portal(portal({"content/articles/old.md": item("Old", "2019-05-01")}), now=NOW).graph
    months = month_range(old)
    assert len(months) == MAX_MONTHS and months[-1] == date(2026, 6, 1) and months[0] == date(2024, 7, 1)
    stats = community_stats(old, People(old), "fr")
    assert values(stats.contributions) == [0] * MAX_MONTHS  # the 2019 item is before the window
    assert stats.contributions.points[-1].label == "juin 2026"


def test_an_empty_portal_has_no_month_and_no_next_change(portal) -> None:
    empty = load_portal(portal(), now=NOW).graph
    stats = community_stats(empty, People(empty), "en")
    assert stats.months == () and stats.contributions.points == () and stats.tags.points == ()
    assert next_change(empty) is None


def test_the_page_changes_when_a_month_begins(graph) -> None:
    assert next_change(graph) == datetime.fromisoformat("2026-07-01T00:00:00+02:00")


# --- the charts ------------------------------------------------------------------------------------------------

def test_charts_are_escaped_accessible_svg() -> None:
    bars = [("Jan 26", 3), ("<b>x</b> & y", 0), ("Mar 26", 7)]
    svg = render_columns(bars, chart_id="c", title="Per <month>", desc="Three & more")
    root = etree.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Per <month>" and root.find(f"{SVG}desc").text == "Three & more"
    assert len(root.findall(f"{SVG}rect[@class='chart-bar']")) == 3
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt; &amp; y" in svg
    assert re.fullmatch(r'0 0 \d+ \d+', root.get("viewBox"))
    assert not re.search(r'\d\.\d{2,}', svg)  # coordinates rounded to one decimal
    horizontal = etree.fromstring(str(render_bars([("velo", 2), ("jardin", 1)], chart_id="t", title="Tags", desc="d")))
    assert [r.get("width") for r in horizontal.findall(f"{SVG}rect")] == ["360", "180"]
    assert [nice_max(v) for v in (0, 1, 2, 3, 7, 10, 11, 46)] == [1, 1, 2, 5, 10, 10, 20, 50]


# --- the page, built ----------------------------------------------------------------------------------------------

@pytest.fixture
def built(portal, tmp_path) -> Path:
    return build(portal(FILES, config=CONFIG), tmp_path / "out", now=NOW).output


def table(doc, caption: str) -> list[list[str]]:
    for element in doc.iter("table"):
        if "".join(element.find("caption").itertext()).strip() == caption:
            head = [th.get("scope") for th in element.iter("th")]
            assert head[:2] == ["col", "col"] and set(head[2:]) == {"row"}
            return [["".join(cell.itertext()).strip() for cell in row] for row in element.find("tbody").iter("tr")]
    raise AssertionError(f"no table captioned {caption!r}")


def svgs(html: str) -> dict[str, etree._Element]:
    """Every chart of the page (inline SVG with role=img), parsed as XML (it must be well-formed on its own), by id."""
    charts = [etree.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]
    charts = [c for c in charts if c.get("role") == "img"]
    return {c.find(f"{SVG}title").get("id").removesuffix("-title"): c for c in charts}


def test_the_page_shows_each_series_as_a_chart_and_a_table(built: Path) -> None:
    html = (built / "stats" / "index.html").read_text(encoding="utf-8")
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    months = ["January 2026", "February 2026", "March 2026", "April 2026", "May 2026", "June 2026"]
    for caption, numbers in (("Contributions per month", CONTRIBUTIONS), ("Active members per month", ACTIVE),
                             ("New members per month", NEWCOMERS)):
        assert table(doc, caption) == [[m, str(n)] for m, n in zip(months, numbers)], caption
    assert table(doc, "Items by section") == [["Articles", "3"], [XSS, "1"], ["Events", "1"]]
    assert table(doc, "Most used tags") == [["velo", "2"], ["jardin", "1"]]
    assert [t.get("datetime") for t in doc.iter("time")][:6] == MONTHS

    charts = svgs(html)
    assert sorted(charts) == ["active-chart", "contributions-chart", "newcomers-chart", "sections-chart", "tags-chart"]
    for chart_id, bars in (("contributions-chart", 6), ("active-chart", 6), ("newcomers-chart", 6),
                           ("sections-chart", 3), ("tags-chart", 2)):
        chart = charts[chart_id]
        assert len(chart.findall(f".//{SVG}rect[@class='chart-bar']")) == bars, chart_id
        assert chart.get("role") == "img" and chart.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert chart.find(f"{SVG}desc").text
    desc = charts["contributions-chart"].find(f"{SVG}desc").text
    assert desc.startswith("From January 2026 to June 2026; highest: 2 in March 2026")
    # Bars are as high as their numbers: March (2) twice January (1), April (0) flat.
    heights = [float(r.get("height")) for r in charts["contributions-chart"].iter(f"{SVG}rect")]
    assert heights[2] == 2 * heights[0] and heights[3] == 0


def test_content_never_injects_markup(built: Path) -> None:
    html = (built / "stats" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    assert not [s for s in doc.iter("script") if "alert" in (s.text or "")]
    labels = ["".join(t.itertext()) for t in svgs(html)["sections-chart"].iter(f"{SVG}text")]
    assert XSS in labels


def test_nothing_published_yet_says_so(portal, tmp_path) -> None:
    out = build(portal(config=MINIMAL_CONFIG + "  language: en\n"), tmp_path / "out", now=NOW).output
    html = (out / "stats" / "index.html").read_text(encoding="utf-8")
    assert "Nothing has been published yet" in html and "Contributions per month" not in html
    assert "No item has a tag yet." in html and "sections-chart" in html


def test_the_demo_has_a_stats_page_in_its_sitemap(demo_site: Path) -> None:
    page = demo_site / "stats" / "index.html"
    assert page.is_file()
    assert "stats/</loc>" in (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert len(svgs(html)) == 5
    assert "data-pagefind-body" not in html  # numbers, not content: the search index leaves the page out

"""The editorial board, the committee page and the "write for us" links, from the graph to the built pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from click.testing import CliRunner
from conftest import DEMO_NOW, MINIMAL_CONFIG, REPO, copy_demo
from test_committee import COMMITTEE, PROFILES

from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.committee.board import read_board
from agorapress.committee.pages import CommitteePages, next_change
from agorapress.committee.submission import write_links
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-11-22T12:00:00+01:00")

BOARD = """\
topics:
  - {id: velo, title: Réparer son vélo, section: articles, proposed_by: amelie, notes: Un guide pour débuter.}
  - {id: late, title: Un texte en retard,
     section: articles, proposed_by: amelie, claimed_by: hugo, status: claimed, due: 2026-11-01}
  - {id: soon, title: Bientôt écrit,
     section: interviews, proposed_by: elise, claimed_by: gaelle, status: claimed, due: 2026-12-15}
  - {id: yesterday, title: Promis pour hier,
     section: events, proposed_by: farid, claimed_by: farid, status: claimed, due: 2026-11-21}
  - {id: review, title: En relecture, section: articles, proposed_by: elise, claimed_by: chloe, status: in-review,
     due: 2026-11-02}
  - {id: done, title: Publié,
     section: articles, proposed_by: elise, claimed_by: hugo, status: published, item: articles/done.md}
  - {id: later, title: À paraître,
     section: articles, proposed_by: elise, claimed_by: gaelle, status: published, item: articles/later.md}
  - {id: old, title: Abandonné, section: articles, proposed_by: elise, status: dropped}
"""
WRITE_LINKS_INCLUDE = ('{% if page.slug == "write-for-us" %}'
                       '{% include "partials/write_links.html" ignore missing %}{% endif %}')


def page_with_write_links() -> str:
    """The theme's page.html with the one line the write-for-us page needs (until the theme has it)."""
    page = (REPO / "agorapress/themes/agora/templates/page.html").read_text(encoding="utf-8")
    if "partials/write_links.html" in page:
        return page
    return page.replace('  <div class="prose">{{ page.content|safe }}</div>\n',
                        '  <div class="prose">{{ page.content|safe }}</div>\n  ' + WRITE_LINKS_INCLUDE + "\n")


FILES = {
    **PROFILES,
    "content/board.yaml": BOARD,
    "content/articles/done.md": "---\ntitle: Le texte publié\ndate: 2026-11-10\nauthors: [hugo]\n---\nFait.\n",
    "content/articles/later.md": "---\ntitle: Le texte à venir\ndate: 2026-12-01\nauthors: [gaelle]\n---\nBientôt.\n",
    "content/pages/charter.md": "---\ntitle: Charte\n---\nNos règles.\n",
    "content/pages/write-for-us.md": "---\ntitle: Écrire pour nous\n---\nTout le monde peut écrire.\n",
    "themes/agora/templates/page.html": page_with_write_links(),
}


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture
def board_portal(portal):
    return portal(FILES, config=MINIMAL_CONFIG + COMMITTEE)


def test_the_board_at_the_build_clock(board_portal) -> None:
    view = read_board(load_portal(board_portal, now=NOW).graph)
    assert [t.id for t in view.open] == ["velo"]
    # Promised dates first, soonest first; a topic published later is still in progress.
    assert [(t.id, t.days_late, t.scheduled) for t in view.in_progress] == [
        ("late", 21, False), ("review", 0, False), ("yesterday", 1, False), ("soon", 0, False), ("later", 0, True)]
    assert [t.id for t in view.overdue] == ["late", "yesterday"]
    assert [(t.id, t.published_item.url) for t in view.published] == [("done", "articles/done/")]
    assert [t.id for t in view.dropped] == ["old"]
    # On the day it falls due nothing is late yet; after 1 December the scheduled text counts as published.
    later = read_board(load_portal(board_portal, now=datetime.fromisoformat("2026-12-02T09:00:00+01:00")).graph)
    assert [t.id for t in later.published] == ["later", "done"]
    assert [t.id for t in later.overdue] == ["late", "yesterday"]


def test_the_next_day_these_pages_change_by_themselves(board_portal) -> None:
    # Promises of 15 December and 1 November are in progress: the first passes after the 15th; the
    # committee's terms end on 31 December and ines's begins on 1 January.
    assert next_change(load_portal(board_portal, now=NOW).graph).isoformat() == "2026-12-16T00:00:00+01:00"
    later = load_portal(board_portal, now=datetime.fromisoformat("2026-12-20T12:00:00+01:00")).graph
    assert next_change(later).isoformat() == "2027-01-01T00:00:00+01:00"


def test_agora_board_prints_tables(board_portal) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(board_portal), "board", "--now", NOW.isoformat()], catch_exceptions=False)
    assert result.exit_code == 0
    for words in ("Open topics: volunteers wanted (1)", "Being written (5)", "Recently published (1)", "Réparer son vélo",
                  "claimed (overdue 21 days)", "published later", "published: articles/done/"):
        assert words in result.output, words
    assert "2 topic(s) overdue" in result.output
    overdue = runner.invoke(main, ["--root", str(board_portal), "board", "--overdue", "--now", NOW.isoformat()])
    assert "Overdue topics (2)" in overdue.output and "Réparer son vélo" not in overdue.output
    calm = runner.invoke(main, ["--root", str(board_portal), "board", "--overdue", "--now", "2026-10-01T12:00:00+02:00"])
    assert calm.output.strip() == "No topic is overdue."


def test_the_board_page(board_portal) -> None:
    out = build(board_portal, now=NOW).output
    page = parse(out / "board" / "index.html")
    edit = "https://github.com/example/mini/edit/main/content/board.yaml"
    open_topic = page.find(".//li[@id='topic-velo']")
    assert "Réparer son vélo" in text_of(open_topic) and "proposé par Amelie" in text_of(open_topic)
    assert open_topic.find(".//a[@aria-label='Je prends ce sujet : Réparer son vélo']").get("href") == edit
    late = page.find(".//li[@id='topic-late']")
    assert late.get("class") == "overdue"
    assert "promis pour le 1 novembre 2026" in text_of(late)
    assert "La date promise est passée : un coup de main, ou une nouvelle date ?" in text_of(late)
    assert "est passée" not in text_of(page.find(".//li[@id='topic-soon']"))
    assert "à paraître" in text_of(page.find(".//li[@id='topic-later']"))
    # A text in review was delivered: its promised date passing is not held against anyone.
    review = page.find(".//li[@id='topic-review']")
    assert "en relecture" in text_of(review) and review.get("class") is None
    done = page.find(".//li[@id='topic-done']/a")
    assert (done.get("href"), done.text) == ("../articles/done/", "Le texte publié")
    assert page.find(".//li[@id='topic-old']") is None
    home = parse(out / "index.html")
    assert [a.get("href") for a in home.findall(".//section[@class='open-topics']//li/a")] == ["./board/#topic-velo"]


def test_the_committee_page(board_portal) -> None:
    out = build(board_portal, now=NOW).output
    page = parse(out / "committee" / "index.html")
    current = [text_of(span) for span in page.findall(".//section[@class='committee-current']/ul[@class='wall']/li/span")]
    assert current == [
        "Amelie — Rédaction en chef, du 10 janvier 2026 au 31 décembre 2026",
        "Elise — Responsable de rubrique (Articles, Interviews), du 10 janvier 2026 au 31 décembre 2026",
        "Farid — Responsable de rubrique (Events), du 10 janvier 2026 au 31 décembre 2026",
        "Chloe — Modération, du 10 janvier 2026 au 31 décembre 2026",
    ]
    upcoming = [text_of(li) for li in page.findall(".//li[@class='seat seat-upcoming']")]
    assert upcoming == ["Ines — Membre, depuis le 1 janvier 2027"]
    former = [text_of(li) for li in page.findall(".//section[@class='committee-former']/ul/li")]
    assert former == ["Bastien — Rédaction en chef, du 11 janvier 2025 au 9 janvier 2026"]
    rules = {li.get("id"): text_of(li) for li in page.findall(".//section[@class='committee-rules']/ul/li[@id]")}
    assert rules["rule-articles"] == ("Articles : 2 approbations ; relecture demandée d'abord à Elise (responsable de rubrique) "
                                      "et Amelie (rédaction en chef).")
    assert rules["rule-events"].startswith("Events : 1 approbation ; relecture demandée d'abord à Farid")
    assert rules["rule-governance"].endswith("la majorité du comité, soit 3 membres sur 4 ; "
                                             "tout membre du comité peut approuver.")
    assert page.find(".//a[@href='../charter/']").text == "Lire la charte"


def test_write_for_us_links_open_valid_templates(board_portal) -> None:
    out = build(board_portal, now=NOW).output
    links = parse(out / "write-for-us" / "index.html").findall(".//section[@class='write-links']//li/a")
    assert [a.text for a in links] == ["Écrire un article", "Proposer un entretien", "Annoncer un événement",
                                       "Créer ma fiche de membre"]
    saved = []
    for link in links:
        url = urlsplit(link.get("href"))
        assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/example/mini/new/main")
        query = parse_qs(url.query, strict_parsing=True)
        assert set(query) == {"filename", "value"}
        path = board_portal / query["filename"][0]
        assert not path.exists()  # GitHub refuses to create a file that exists
        path.parent.mkdir(parents=True, exist_ok=True)  # GitHub makes the folders too
        path.write_text(query["value"][0], encoding="utf-8")
        saved.append(query["filename"][0])
    assert saved == ["content/articles/mon-texte.md", "content/interviews/mon-entretien.md", "content/events/mon-evenement.md",
                     "content/contributors/votre-pseudo.md"]
    # Saved as they are, the templates pass `agora check`: its only words are the warnings that example text is left.
    problems = [p for p in load_portal(board_portal, now=NOW).problems if p.path in saved]
    assert problems and all((p.rule, p.severity) == ("placeholder", "warning") for p in problems), problems
    # The next build proposes other file names: those exist now.
    paths = [link.path for link in write_links(load_portal(board_portal, now=NOW).graph)]
    assert paths[0] == "content/articles/mon-texte-2.md"


demo = pytest.mark.skipif(not (REPO / "content" / "contributors").is_dir(), reason="the demo content is not there yet")


@demo
def test_the_demo_committee_page(demo_site: Path) -> None:
    page = parse(demo_site / "committee" / "index.html")
    current = [text_of(span) for span in page.findall(".//section[@class='committee-current']/ul[@class='wall']/li/span")]
    roles = [line.split(" — ")[1].rsplit(", du ", 1)[0] for line in current]
    assert roles == ["Rédaction en chef", "Responsable de rubrique (Articles, Entretiens)", "Responsable de rubrique (Agenda)",
                     "Modération"]
    former = [text_of(li) for li in page.findall(".//section[@class='committee-former']/ul/li")]
    assert len(former) == 1 and former[0].endswith("Rédaction en chef, du 11 janvier 2025 au 9 janvier 2026")
    rules = {li.get("id"): text_of(li) for li in page.findall(".//section[@class='committee-rules']/ul/li[@id]")}
    assert rules["rule-articles"].startswith("Articles : 2 approbations ; relecture demandée d'abord à ")
    assert rules["rule-events"].startswith("Agenda : 1 approbation ; ")
    assert "la majorité du comité, soit 3 membres sur 4" in rules["rule-governance"]
    assert page.find(".//a[@href='../charter/']") is not None


@demo
def test_the_demo_board_page(demo_site: Path) -> None:
    import yaml

    topics = yaml.safe_load((REPO / "content" / "board.yaml").read_text(encoding="utf-8"))["topics"]
    page = parse(demo_site / "board" / "index.html")
    edit = "https://github.com/agora-press/agora-press/edit/main/content/board.yaml"
    today = DEMO_NOW.date()
    for topic in topics:
        entry = page.find(f".//li[@id='topic-{topic['id']}']")
        if topic.get("status", "open") == "dropped":
            assert entry is None
        elif topic.get("status", "open") == "open":
            assert entry.find(".//a[@aria-label]").get("href") == edit
        elif topic["status"] in ("claimed", "in-review"):
            late = topic["status"] == "claimed" and topic.get("due") is not None and topic["due"] < today
            assert (entry.get("class") == "overdue") == late, topic["id"]
            assert ("La date promise est passée" in text_of(entry)) == late
        elif topic["status"] == "published":
            slug = topic["item"].rsplit("/", 1)[1].removesuffix(".md")
            assert entry.find("a").get("href") == f"../{topic['item'].split('/')[0]}/{slug}/"
    home = parse(demo_site / "index.html")
    assert len(home.findall(".//section[@class='open-topics']//li")) == sum(
        1 for t in topics if t.get("status", "open") == "open")


@demo
def test_the_demo_write_for_us_links(tmp_path) -> None:
    root = copy_demo(tmp_path / "demo")
    override = root / "themes" / "agora" / "templates" / "page.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(page_with_write_links(), encoding="utf-8")
    out = build(root, now=DEMO_NOW).output
    links = parse(out / "write-for-us" / "index.html").findall(".//section[@class='write-links']//li/a")
    assert len(links) == 4
    saved = []
    for link in links:
        query = parse_qs(urlsplit(link.get("href")).query)
        assert link.get("href").startswith("https://github.com/agora-press/agora-press/new/main?filename=content/")
        path = root / query["filename"][0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(query["value"][0], encoding="utf-8")
        saved.append(query["filename"][0])
    mine = [p for p in load_portal(root, now=DEMO_NOW).problems if p.path in saved]
    assert mine and all((p.rule, p.severity) == ("placeholder", "warning") for p in mine), mine
    assert CommitteePages(load_portal(root, now=DEMO_NOW).graph).write_links[0].path == "content/articles/mon-texte-2.md"


def test_the_board_leads_to_the_open_corrections_and_reports_and_their_forms(board_portal) -> None:
    """The two forms' issues (labelled by the forms themselves) are listed on GitHub; the board links there and to
    each form, so a reader finds both without knowing GitHub. The forms exist in the portal's scaffold."""
    from agorapress.scaffold import github_files

    out = build(board_portal, now=NOW).output
    section = parse(out / "board" / "index.html").find(".//section[@class='board-issues']")
    links = [(a.text, a.get("href")) for a in section.iterfind(".//a")]
    base = "https://github.com/example/mini/issues"
    assert links == [
        ("Corrections proposées, pas encore faites", f"{base}?q=is%3Aissue%20is%3Aopen%20label%3Acorrection"),
        ("Proposer une correction", f"{base}/new?template=propose-a-correction.yml"),
        ("Problèmes signalés à la modération", f"{base}?q=is%3Aissue%20is%3Aopen%20label%3Areport"),
        ("Signaler un problème dans un texte", f"{base}/new?template=report-a-problem.yml"),
    ]
    forms = github_files()
    for label, form in (("correction", "propose-a-correction.yml"), ("report", "report-a-problem.yml")):
        assert f'labels: ["{label}"]' in forms[f"ISSUE_TEMPLATE/{form}"].decode()

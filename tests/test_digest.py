"""The newsletter (agora digest): editions of the demo read back as email, HTML and text; the archive on the portal;
the editions' files checked like other content."""

from __future__ import annotations

import email
import json
import re
from datetime import datetime
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import html5lib
import pytest
from click.testing import CliRunner
from conftest import DEMO_NOW, MINIMAL_CONFIG, copy_demo
from lxml import html as lxml_html

from agorapress.build import build
from agorapress.cli import main
from agorapress.site import load_portal

SITE = "https://agora-press.github.io/agora-press/"
NOW = DEMO_NOW.isoformat()
SCREENS = Path("/work/screens")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("digest") / "demo")


def digest(root: Path, output: Path, *args: str, now: str = NOW):
    result = CliRunner().invoke(main, ["--root", str(root), "digest", "--now", now, "--output", str(output), *args])
    return result


@pytest.fixture(scope="module")
def editions(demo, tmp_path_factory) -> dict[str, Path]:
    """The demo's edition of 1 November 2026, in French (the portal's language) and in English."""
    made = {}
    for lang in ("fr", "en"):
        out = tmp_path_factory.mktemp(f"edition-{lang}")
        result = digest(demo, out, "--edition", "2026-11-01", "--lang", lang)
        assert result.exit_code == 0, result.output
        made[lang] = out
    return made


def message_of(folder: Path) -> email.message.EmailMessage:
    data = (folder / "edition-2026-11-01.eml").read_bytes()
    return email.message_from_bytes(data, policy=policy.default)


def parts(message) -> tuple[str, str]:
    # On the wire lines end with CRLF; the files beside the .eml have the text's own line ends.
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    markup = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    return text, markup


# --- the email -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_eml_is_a_multipart_alternative_dated_from_the_edition(editions, lang):
    message = message_of(editions[lang])
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "La lettre de novembre : un festival en préparation, un article promis et tenu"
    assert message["From"] == "La Fabrique Commune <infolettre@fabrique-commune.example>"
    # The edition's moment (midnight in the portal's zone), never the clock of the run.
    assert parsedate_to_datetime(message["Date"]).isoformat() == "2026-11-01T00:00:00+01:00"
    assert message["Message-ID"] == f"<digest.2026-11-01.{lang}@agora-press.github.io>"
    assert message["Content-Language"] == lang
    assert message["List-Archive"] == f"<{SITE}digest/>"
    raw = (editions[lang] / "edition-2026-11-01.eml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout, as SMTP sends it
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # RFC 5322's line limit


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_part_is_valid_self_contained_and_untracked(editions, lang):
    _, markup = parts(message_of(editions[lang]))
    assert markup.rstrip("\n") == (editions[lang] / "edition-2026-11-01.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(markup)  # raises on any parse error
    tree = lxml_html.document_fromstring(markup)
    assert tree.get("lang") == lang
    # The committee wrote the introduction in French: an English edition says so.
    assert tree.xpath("//td[contains(., 'Bonjour à toutes')]/@lang") == ([] if lang == "fr" else ["fr"])
    assert not tree.xpath("//script|//style|//link[@rel='stylesheet']|//iframe|//form|//object|//embed")
    assert tree.xpath("//meta[@name='color-scheme']/@content") == ["light dark"]
    assert "@import" not in markup and "@font-face" not in markup and "url(" not in markup
    # Tables lay it out, and the styles are inline: mail clients drop <style> and ignore most of CSS layout.
    assert tree.xpath("//table[@role='presentation']")
    assert tree.xpath("//h2[@style]") and tree.xpath("//a[@style]")
    # Every address is absolute; every request the HTML makes is an image on the portal's own address.
    for attribute in ("href", "src", "background", "srcset", "poster", "action"):
        for value in tree.xpath(f"//@{attribute}"):
            assert value.startswith(("https://", "mailto:")), (attribute, value)
    for image in tree.xpath("//img"):
        assert image.get("src").startswith(SITE) and image.get("alt") is not None
    # No tracking: no 1x1 image, no link rewritten through a redirector, no query string added to any link.
    assert not tree.xpath("//img[@width='1' or @height='1']")
    links = tree.xpath("//a/@href")
    assert all(link.startswith(SITE) or link.startswith("mailto:") for link in links), links
    assert not [link for link in links if "?" in link or "utm_" in link]
    assert f"{SITE}articles/j-ai-promis-un-article/" in links
    assert f"{SITE}digest/2026-11-01/" in links  # the web version
    assert f"{SITE}events/festival-de-la-fabrique-2027/" in links  # a link of the introduction, made absolute


def test_the_edition_lists_the_period_by_section_then_events_members_topics(editions):
    _, markup = parts(message_of(editions["fr"]))
    tree = lxml_html.document_fromstring(markup)
    headings = [" ".join(h.text_content().split()) for h in tree.xpath("//h2")]
    assert headings == ["Articles", "Agenda", "Prochains événements", "Bienvenue aux nouveaux membres", "Sujets à prendre"]
    titles = [" ".join(h.text_content().split()) for h in tree.xpath("//h3")]
    # October 2026: the only article and event published then (the interview of 30 September went out with the
    # edition of 1 October).
    assert titles == ["Promis, fais-le : j'ai choisi un sujet, une date, et je m'y suis tenue", "Festival de la Fabrique 2027"]
    body = " ".join(tree.text_content().split())
    assert "Hugo Lefèvre" in body  # joined on 6 October
    assert "Gaëlle Petit" in body and "Bonjour à toutes et à tous" in body
    assert "Café réparation mensuel" in body and "Reporté" in body


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Prochains événements", "Lire cette édition sur le portail", "1 novembre 2026", "Sujets à prendre"]),
    ("en", ["Upcoming events", "Read this edition on the portal", "November 1, 2026", "Topics looking for a writer"]),
])
def test_the_text_part_is_readable_with_every_address_spelled_out(editions, lang, words):
    text, markup = parts(message_of(editions[lang]))
    assert text == (editions[lang] / "edition-2026-11-01.txt").read_text(encoding="utf-8")
    assert not re.search(r"</?[a-z][a-z0-9]*[\s>]", text), "no markup in the text part"
    assert text.startswith("La lettre de novembre")
    for word in words:
        assert word.casefold() in text.casefold()  # the text part writes its headings in capitals
    tree = lxml_html.document_fromstring(markup)
    for link in set(tree.xpath("//a/@href")):
        assert link in text, link  # every address of the HTML part is in the text part too
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 90


def test_the_same_repository_and_period_give_the_same_bytes(demo, editions, tmp_path):
    again = tmp_path / "again"
    # Another day's clock: nothing of the edition depends on when it is made.
    assert digest(demo, again, "--edition", "2026-11-01", now="2026-11-28T09:30:00+01:00").exit_code == 0
    for name in ("edition-2026-11-01.eml", "edition-2026-11-01.html", "edition-2026-11-01.txt", "edition.json"):
        assert (again / name).read_bytes() == (editions["fr"] / name).read_bytes(), name
    summary = json.loads((again / "edition.json").read_text(encoding="utf-8"))
    assert summary["since"] == "2026-10-01T00:00:00+02:00" and summary["until"] == "2026-11-01T00:00:00+01:00"
    assert summary["provider"] is None and summary["web"] == f"{SITE}digest/2026-11-01/"


def test_the_latest_edition_is_the_default_and_options_narrow_it(demo, tmp_path):
    result = digest(demo, tmp_path / "latest")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "latest" / "edition-2026-11-15.eml").is_file()
    text = (tmp_path / "latest" / "edition-2026-11-15.txt").read_text(encoding="utf-8")
    assert "Mon premier café réparation" in text and "Promis, fais-le" not in text  # since 1 November only
    assert "L'atelier vélo passe l'hiver" not in text  # a draft
    result = digest(demo, tmp_path / "month", "--period", "month", "--section", "articles")
    text = (tmp_path / "month" / "edition-2026-11-15.txt").read_text(encoding="utf-8")
    assert "Promis, fais-le" in text and "Festival de la Fabrique 2027" not in text  # 15 Oct -> 15 Nov, articles only
    for args, message in ((["--section", "artcles"], "did you mean 'articles'"), (["--lang", "french"], "fr"),
                          (["--since", "1 nov"], "YYYY-MM-DD"), (["--since", "2026-11-01", "--period", "week"], "not both")):
        result = digest(demo, tmp_path / "bad", *args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
        assert "Traceback" not in result.output


# --- small portals: periods, covers, languages, checks -------------------------------------------------------

NEWSLETTER = MINIMAL_CONFIG + """\
newsletter:
  frequency: week
  start: 2026-11-02
  sender: "Mini <news@example.org>"
"""

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63382127f71f0004ba02043e571fc70000000049454e44ae426082")


def article(slug: str, when: str, **fields: str) -> dict[str, str]:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return {f"content/articles/{slug}.md": f"---\ntitle: {slug}\ndate: {when}\nauthors: [ana]\n{extra}---\nThe text of {slug}.\n"}


def test_an_edition_covers_from_the_previous_one_included_to_its_own_day_excluded(portal, tmp_path):
    root = portal({**article("before", "2026-11-01T23:59"), **article("first", "2026-11-02"),
                   **article("last", "2026-11-08T23:00"), **article("next", "2026-11-09"),
                   **article("cover", "2026-11-05", image="media/cover.png", image_alt='"A red bicycle"'),
                   "content/media/cover.png": PIXEL}, config=NEWSLETTER)
    result = digest(root, tmp_path / "out", "--edition", "2026-11-09", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 0, result.output
    tree = lxml_html.document_fromstring((tmp_path / "out" / "edition-2026-11-09.html").read_bytes())
    assert [h.text_content().strip() for h in tree.xpath("//h3")] == ["last", "cover", "first"]  # newest first
    (image,) = tree.xpath("//img")
    assert image.get("src") == "https://example.org/mini/media/cover.png" and image.get("alt") == "A red bicycle"
    # The regular editions of 2 (the first: the week before it), 9 and 16 November are on the portal's archive.
    graph = load_portal(root, now=DEMO_NOW.replace(day=20)).graph
    from agorapress.digest.editions import editions as listed

    found = listed(graph)
    assert [e.slug for e in found] == ["2026-11-02", "2026-11-09", "2026-11-16"]
    assert found[0].start.isoformat() == "2026-10-26T00:00:00+01:00" and found[1].start == found[0].end


def test_an_edition_prefers_the_translation_in_its_language(portal, tmp_path):
    root = portal({**article("velo", "2026-11-03"),
                   **article("bike", "2026-11-04", lang="en", translation_of="velo")}, config=NEWSLETTER)
    for lang, title in (("en", "bike"), ("fr", "velo")):
        result = digest(root, tmp_path / lang, "--edition", "2026-11-09", "--lang", lang, now="2026-11-20T10:00:00+01:00")
        assert result.exit_code == 0, result.output
        tree = lxml_html.document_fromstring((tmp_path / lang / "edition-2026-11-09.html").read_bytes())
        assert [h.text_content().strip() for h in tree.xpath("//h3")] == [title]


def test_an_empty_period_says_so_and_a_day_without_edition_gets_one(portal, tmp_path):
    root = portal({}, config=NEWSLETTER)
    result = digest(root, tmp_path / "out", "--edition", "2026-11-11", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "edition-2026-11-11.txt").read_text(encoding="utf-8")
    assert text.startswith("Mini · Infolettre du 11 novembre 2026\n")  # no file: the portal's name and the date
    assert "Rien de nouveau n'a été publié depuis la dernière édition." in text
    result = digest(root, tmp_path / "due", "--due", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 0 and not (tmp_path / "due").exists()
    assert "no edition is dated 2026-11-20" in result.output
    result = digest(root, tmp_path / "due", "--due", now="2026-11-16T07:00:00+01:00")
    assert result.exit_code == 0 and (tmp_path / "due" / "edition-2026-11-16.eml").is_file()


def test_edition_files_are_checked_like_other_content(portal, tmp_path):
    root = portal({
        "content/digests/2026-11-09.md": "---\ndate: 2026-11-09\ntitel: Hello\n---\nIntro.\n",
        "content/digests/2026-11-10.md": "---\ndate: 2026-11-11\n---\nIntro.\n",
        "content/digests/2026-11-12.md": "---\ndate: 2026-11-12\nsummary: [not, one, line]\n---\nIntro.\n",
    }, config=NEWSLETTER)
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--now", "2026-11-20T10:00:00+01:00"])
    assert result.exit_code == 1
    out = result.output
    assert re.search(r"content/digests/2026-11-09\.md:3.*titel.*did you mean 'title'", out), out
    assert re.search(r"content/digests/2026-11-10\.md:2.*digest-date.*rename the file content/digests/2026-11-11\.md", out), out
    assert re.search(r"content/digests/2026-11-12\.md:3.*summary", out), out
    assert "Traceback" not in out
    result = digest(root, tmp_path / "out", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 1 and not (tmp_path / "out").exists()


def test_a_draft_edition_and_a_future_one_are_not_published(portal):
    root = portal({"content/digests/2026-11-05.md": "---\ndate: 2026-11-05\nstatus: draft\n---\nSoon.\n",
                   "content/digests/2026-12-24.md": "---\ndate: 2026-12-24\n---\nLater.\n"}, config=MINIMAL_CONFIG)
    from agorapress.digest.editions import editions as listed

    assert listed(load_portal(root, now=DEMO_NOW).graph) == []
    assert [e.slug for e in listed(load_portal(root, now=DEMO_NOW, drafts=True).graph)] == ["2026-11-05"]


@pytest.mark.parametrize("provider, keys", [
    ("listmonk", {"name", "subject", "lists", "from_email", "type", "messenger", "content_type", "body", "altbody", "tags"}),
    ("buttondown", {"subject", "body", "status"}),
])
def test_a_provider_gets_the_body_of_its_api_request(portal, tmp_path, provider, keys):
    config = NEWSLETTER + f"  provider: {provider}\n  lists: [3]\n"
    root = portal(article("one", "2026-11-03"), config=config)
    assert digest(root, tmp_path, "--edition", "2026-11-09", now="2026-11-20T10:00:00+01:00").exit_code == 0
    body = json.loads((tmp_path / "request.json").read_text(encoding="utf-8"))
    assert set(body) == keys
    assert body["body"] == (tmp_path / "edition-2026-11-09.html").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "edition.json").read_text(encoding="utf-8"))
    assert summary["provider"] == provider and summary["endpoint"] in {"/api/campaigns", "/emails"}
    if provider == "listmonk":
        assert body["lists"] == [3] and body["content_type"] == "html" and body["from_email"] == "Mini <news@example.org>"
    else:
        assert body["status"] == "draft"


def test_a_sender_that_is_no_address_is_refused(portal):
    root = portal({}, config=NEWSLETTER.replace('"Mini <news@example.org>"', "the committee"))
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    assert result.exit_code == 2 and "newsletter.sender" in result.output and "not an email address" in result.output


# --- the archive on the portal ---------------------------------------------------------------------------------

def test_every_edition_has_its_page_an_index_and_a_feed(demo_site):
    archive = demo_site / "digest"
    assert sorted(p.name for p in archive.iterdir()) == ["2026-10-01", "2026-11-01", "2026-11-15", "feed.atom.xml",
                                                         "index.html"]
    page = (archive / "2026-11-01" / "index.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)
    tree = lxml_html.document_fromstring(page)
    assert tree.findtext(".//title") == "La lettre de novembre : un festival en préparation, un article promis et tenu"
    hrefs = tree.xpath("//a/@href")
    assert "../../digest/2026-11-01/" not in hrefs and f"{SITE}digest/2026-11-01/" not in hrefs  # not to itself
    # On the portal its own pictures and links are relative (an absolute one is another origin in a preview).
    assert not [url for url in tree.xpath("//img/@src") + hrefs if url.startswith(SITE)]
    assert tree.xpath("//meta[@property='og:image']/@content") == [f"{SITE}social.png"]
    index = lxml_html.document_fromstring((archive / "index.html").read_bytes())
    assert index.xpath("//ul/li/a/@href") == ["../digest/2026-11-15/", "../digest/2026-11-01/", "../digest/2026-10-01/"]
    assert "La Fabrique Commune · Infolettre du 1 octobre 2026" in index.text_content()  # a regular edition
    feed = feedparser.parse((archive / "feed.atom.xml").read_bytes())
    assert not feed.bozo and feed.feed.title == "La Fabrique Commune · Les éditions de l'infolettre"
    assert [e.link for e in feed.entries] == [f"{SITE}digest/{day}/" for day in ("2026-11-15", "2026-11-01", "2026-10-01")]
    assert feed.entries[0].updated == "2026-11-15T00:00:00+01:00" and feed.feed.updated == feed.entries[0].updated
    assert feed.entries[0].summary.startswith("Un récit de café réparation")
    # The email's "read on the portal" link is this page.
    for edition in ("2026-10-01", "2026-11-01", "2026-11-15"):
        assert (archive / edition / "index.html").is_file()


# --- how it looks ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [390, 640])
def test_the_html_part_reads_on_a_phone_and_a_desktop_and_requests_nothing_else(browser, editions, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requested = []

    def answer(route):
        requested.append(route.request.url)
        route.abort()

    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else answer(route))
    page.goto((editions["fr"] / "edition-2026-11-01.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    assert all(url.startswith(SITE) for url in requested), requested
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h3')).fontSize)")
    assert size >= 16
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"digest-{width}.png"), full_page=True)
    page.close()


def test_an_introduction_cannot_make_the_email_call_another_site(portal, tmp_path):
    intro = ("Hello ![a pixel](https://tracker.example/p.gif) and ![our bike](../media/cover.png)\n\n"
             "<img src=https://tracker.example/raw.gif> <script>alert(1)</script>\n")
    # (A javascript: link is an error of `agora check` now, which refuses the edition: see test_markdown_fidelity.)
    root = portal({"content/digests/2026-11-09.md": f"---\ndate: 2026-11-09\n---\n{intro}",
                   "content/media/cover.png": PIXEL}, config=NEWSLETTER)
    result = digest(root, tmp_path, "--edition", "2026-11-09", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 0, result.output
    markup = (tmp_path / "edition-2026-11-09.html").read_text(encoding="utf-8")
    tree = lxml_html.document_fromstring(markup)
    assert tree.xpath("//img/@src") == ["https://example.org/mini/media/cover.png"]
    assert "https://tracker.example/p.gif" in tree.xpath("//a/@href")  # shown as a link the reader may follow
    assert not tree.xpath("//script") and "javascript:" not in " ".join(tree.xpath("//a/@href"))
    assert "a pixel" in (tmp_path / "edition-2026-11-09.txt").read_text(encoding="utf-8")


def test_years_of_editions_and_events_cost_a_linear_time(portal, tmp_path):
    """A weekly newsletter started in 1990 keeps its last ten years of editions; hundreds of editions over hundreds
    of items and a weekly event render in seconds, each edition with its own week."""
    import time

    from agorapress.build.pipeline import build
    from agorapress.digest.editions import MAX_REGULAR
    from agorapress.digest.editions import editions as listed

    files = {}
    for n in range(300):
        files.update(article(f"a{n}", f"2020-01-{1 + n % 28:02d}T{n % 24:02d}:00"))
    files["content/events/weekly.md"] = ("---\ntitle: Weekly\ndate: 2019-01-01\nauthors: [ana]\nstart: 2019-01-07T19:00\n"
                                         "recurrence: FREQ=WEEKLY\nlocation:\n  name: Hall\n---\nEvery Monday.\n")
    root = portal(files, config=NEWSLETTER.replace("start: 2026-11-02", "start: 1990-01-01"))
    graph = load_portal(root, now=DEMO_NOW).graph
    found = listed(graph)
    assert len(found) == MAX_REGULAR and found[-1].day.isoformat() == "2026-11-16" and found[0].day.year == 2016
    started = time.perf_counter()
    output = build(root, tmp_path / "out", now=DEMO_NOW).output
    assert time.perf_counter() - started < 120
    pages = sorted((output / "digest").glob("*/index.html"))
    assert len(pages) == MAX_REGULAR
    week = lxml_html.document_fromstring((output / "digest" / "2026-11-16" / "index.html").read_bytes())
    (when,) = week.xpath("//td[a[normalize-space()='Weekly']]/preceding-sibling::td")
    assert [t.strip() for t in when.itertext()] == ["16 nov. 2026", "19:00"]  # the week's own next meeting


def test_an_introduction_with_control_characters_builds_and_mails(portal, tmp_path):
    """HTML tolerates `&#x1b;` and its kin; XML tools refuse the whole text (found by test_hostile_properties)."""
    intro = "<script>alert(1)</script> &#0; &#x1b; &#12; \u202eevil and a page break\n"
    root = portal({"content/digests/2026-11-09.md": f"---\ndate: 2026-11-09\n---\n{intro}"}, config=NEWSLETTER)
    out = build(root, tmp_path / "site", now=datetime.fromisoformat("2026-11-20T10:00:00+01:00")).output
    assert (out / "digest" / "2026-11-09" / "index.html").is_file()
    result = digest(root, tmp_path, "--edition", "2026-11-09", now="2026-11-20T10:00:00+01:00")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "edition-2026-11-09.eml").read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "evil" in text and "\x1b" not in text and "\x0c" not in text

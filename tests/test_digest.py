"""The newsletter (agora digest): editions of the demo read back as email, HTML and text; the archive on the portal;
the editions' files checked like other content."""

from __future__ import annotations

import email
import json
import re
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import html5lib
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from agorapress.cli import main
from agorapress.site import load_portal

from conftest import DEMO_NOW, copy_demo

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

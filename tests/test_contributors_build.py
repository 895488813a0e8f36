"""Profiles, the contributors wall, the badges page and the home page's newcomers, built with the real engine."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path

import html5lib
from conftest import MINIMAL_CONFIG
from PIL import Image
from test_no_script import THEME_SCRIPT_FILE, THEME_SCRIPTS

from agorapress.build.pipeline import build

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SVG = "{http://www.w3.org/2000/svg}"
CONFIG = MINIMAL_CONFIG + """\
committee:
  name: Comité du peuple
  members:
    - {handle: bob, role: section-editor, sections: [events], from: 2026-01-01, to: 2026-12-31}
    - {handle: bob, role: editor-in-chief, from: 2025-01-01, to: 2025-12-31}
"""


def png(size=(300, 240)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


BOB = """\
---
name: Bob Martin
github: bobm
avatar: bob.png
pronouns: il/lui
location: Lyon
joined: 2021-03-01
interests: [vélos, réparation]
links:
  - label: Site
    url: https://bob.example/
  - label: Courriel
    url: mailto:bob@example.org
---
Bob **répare** des vélos.
"""

FILES = {
    "content/contributors/bob.md": BOB,
    "content/contributors/bob.png": png(),
    "content/contributors/cleo.md": "---\nname: Cléo Durand\ngithub: cleo\njoined: 2026-05-20\n---\nNouvelle.\n",
    "content/articles/one.md": "---\ntitle: One\ndate: 2026-01-10\nauthors: [ana]\n---\nText.\n",
    "content/articles/two.md": "---\ntitle: Two\ndate: 2026-05-01\nauthors: [bob, ana]\n---\nText.\n",
    "content/interviews/meet-ana.md": (
        "---\ntitle: Meet Ana\ndate: 2026-04-01\nauthors: [bob]\ninterviewers: [bob]\n"
        "interviewee:\n  name: Ana Lopez\n  handle: ana\n---\n## Why?\nBecause.\n"),
    "content/events/repair.md": (
        "---\ntitle: Repair café\ndate: 2026-03-15\nauthors: [bob]\nstart: 2026-06-10T19:00\norganizers: [bob]\n---\nCome.\n"),
    "content/board.yaml": (
        "topics:\n  - {id: bikes, title: Bikes in winter, section: articles, proposed_by: ana, claimed_by: bob,"
        " status: claimed, due: 2026-07-01}\n"),
}


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def main_of(path: Path):
    return parse(path).find(".//main")


def test_profile_page_shows_everything_about_a_member(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    page = out / "contributors/bob/index.html"
    main = main_of(page)
    assert main.find(".//h1").text == "Bob Martin"
    facts = text_of(main.find(".//p[@class='profile-facts']"))
    assert facts == "il/lui · Lyon · membre depuis le 1 mars 2021 · première publication le 15 mars 2026"
    # The avatar: resized WebP files beside the page, the original never published.
    img = main.find(".//img[@class='avatar']")
    assert img.get("src") == "../../contributors/bob/avatar-128.webp" and img.get("alt") == ""
    assert "../../contributors/bob/avatar-256.webp 2x" in img.get("srcset")
    assert sorted(p.name for p in (out / "contributors/bob").iterdir()) == [
        "avatar-128.webp", "avatar-256.webp", "avatar-64.webp", "index.html", "social.png"]
    assert main.find(".//div[@class='prose p-note']/p/strong").text == "répare"
    assert text_of(main.find(".//p[@class='interests']")) == "Centres d'intérêt : vélos, réparation"
    links = main.findall(".//ul[@class='links']//a")
    assert [(a.get("href"), a.get("rel")) for a in links] == [
        ("https://bob.example/", "me ugc noopener"), ("mailto:bob@example.org", "me ugc noopener")]
    roles = [text_of(li) for li in main.findall(".//section[@class='roles']//li")]
    assert roles == [
        "Responsable de rubrique (Events) au Comité du peuple, du 1 janvier 2026 au 31 décembre 2026",
        "Rédaction en chef au Comité du peuple, du 1 janvier 2025 au 31 décembre 2025 (mandat terminé)",
    ]
    groups = {h3.get("id"): text_of(h3) for h3 in main.findall(".//section[@class='contributions']/h3")}
    assert groups == {"written": "Textes écrits (3)", "interviews_conducted": "Entretiens menés (1)",
                      "events_organised": "Événements organisés (1)",
                      "topics_claimed": "Sujets pris au tableau éditorial (1)"}
    assert text_of(main.find(".//h2[@id='contributions-title']")) == "Contributions (3)"
    badges = [a.get("href") for a in main.findall(".//section[@class='badges']//a")]
    assert badges == ["../../badges/#first-publication", "../../badges/#interviewer", "../../badges/#organiser",
                      "../../badges/#committee", "../../badges/#long-standing"]
    feed = main.find(".//p[@class='feed']/a")
    assert feed.get("href") == "../../feeds/contributors/bob.atom.xml"
    assert (out / "feeds/contributors/bob.atom.xml").is_file()  # written by the feeds plugin for every member
    edit = main.find(".//p[@class='correction']/a").get("href")
    assert edit == "https://github.com/example/mini/edit/main/content/contributors/bob.md"


def test_member_without_avatar_gets_initials_and_interviews_given(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    main = main_of(out / "contributors/ana/index.html")
    svg = main.find(f".//{SVG}svg")
    assert svg.get("aria-hidden") == "true" and text_of(svg) == "AL"
    assert [e.tag for e in svg] == [f"{SVG}circle", f"{SVG}text"]
    section = main.find(".//section[@class='contributions']")
    assert [h3.get("id") for h3 in section.findall("h3")] == ["written", "interviews_given"]
    lists = section.findall("ul")
    assert [a.get("href") for a in lists[1].findall(".//a")] == ["../../interviews/meet-ana/"]
    assert not (out / "contributors/ana/avatar-64.webp").exists()


def test_wall_has_three_static_views_with_counts(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    expected = {
        "contributors/index.html": ["Ana Lopez", "Bob Martin", "Cléo Durand"],
        "contributors/active/index.html": ["Bob Martin", "Ana Lopez", "Cléo Durand"],
        "contributors/newest/index.html": ["Cléo Durand", "Ana Lopez", "Bob Martin"],
    }
    for rel, names in expected.items():
        main = main_of(out / rel)
        assert [text_of(li.find("div/a")) for li in main.findall(".//ul[@class='wall']/li")] == names, rel
        current = main.findall(".//nav[@class='views']//a[@aria-current='page']")
        assert len(current) == 1 and current[0].get("href").rstrip("/").endswith(rel.removesuffix("/index.html").split("/")[-1])
        assert main.find(".//script") is None  # the views are pages: nothing needs JavaScript
    wall = main_of(out / "contributors/index.html")
    counts = {text_of(li.find("div/a")): text_of(li.find("div/span[@class='count']"))
              for li in wall.findall(".//ul[@class='wall']/li")}
    assert counts == {"Ana Lopez": "2 contributions · 1 entretien donné",
                      "Bob Martin": "3 contributions · membre depuis mars 2021",
                      "Cléo Durand": "0 contribution · membre depuis mai 2026"}
    new = [text_of(li.find("div/a")) for li in wall.findall(".//li[@class='member member-new']")]
    # bob first published in March but joined long ago: a long-standing member, not a new one.
    assert new == ["Cléo Durand"]


def test_badges_page_explains_each_badge_and_lists_holders(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    main = main_of(out / "badges/index.html")
    sections = {s.get("id"): s for s in main.findall(".//section[@class='badge-entry']")}
    assert list(sections) == ["first-publication", "contributions-5", "contributions-10", "contributions-25",
                              "interviewer", "organiser", "committee", "former-committee", "long-standing"]
    holders = {key: [text_of(a) for a in s.findall(".//li/a")] for key, s in sections.items()}
    assert holders["first-publication"] == ["Ana Lopez", "Bob Martin"]
    assert holders["committee"] == ["Bob Martin"] and holders["former-committee"] == []
    assert text_of(sections["former-committee"].find("p[2]")) == "Personne pour l'instant."
    assert text_of(sections["interviewer"].find("p")) == "A mené au moins un entretien."


def test_home_page_welcomes_new_members(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    strip = parse(out / "index.html").find(".//section[@class='new-members']")
    assert strip is not None
    assert [text_of(a) for a in strip.findall(".//li//a")] == ["Cléo Durand"]
    assert strip.find(".//p/a").get("href") == "./contributors/newest/"
    # Months later nobody is new, and the strip disappears rather than showing an empty box.
    later = build(portal(FILES, config=CONFIG), now=datetime.fromisoformat("2027-06-01T12:00:00+02:00")).output
    assert parse(later / "index.html").find(".//section[@class='new-members']") is None


HOSTILE = """\
---
name: "Eve <script>alert(1)</script>"
github: eve
pronouns: "<img src=x onerror=alert(2)>"
location: "\\" onmouseover=\\"alert(3)"
interests: ["<b>bold</b>"]
links:
  - label: "<a href='javascript:alert(4)'>x</a>"
    url: https://eve.example/?q="><script>alert(5)</script>
---
Hi <script>alert(6)</script> <img src=x onerror=alert(7)> [click](https://eve.example/?q="><script>alert(8)</script>)
"""
# (A `javascript:` link in a body is an error of the check, so such a profile is never built: see
# test_markdown_fidelity.py for how it is neutralised and reported.)


def _theme_script(element) -> bool:
    if element.get("src") is not None:
        return element.get("src").endswith(THEME_SCRIPT_FILE) and not (element.text or "").strip()
    return (element.text or "").strip() in THEME_SCRIPTS


def test_nothing_from_a_profile_is_rendered_unescaped(portal) -> None:
    out = build(portal({"content/contributors/eve.md": HOSTILE,
                        "content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nauthors: [eve]\n---\nx\n"}), now=NOW).output
    for rel in ["contributors/eve/index.html", "contributors/index.html", "contributors/active/index.html",
                "contributors/newest/index.html", "badges/index.html", "index.html", "articles/a/index.html"]:
        doc = parse(out / rel)
        # Structured data (JSON-LD) is inert and the theme's own scripts hold no content; any other script would run.
        scripts = doc.findall(".//script")
        assert [s for s in scripts if s.get("type") != "application/ld+json" and not _theme_script(s)] == [], rel
        assert all("<" not in (s.text or "") for s in scripts), rel
        for element in doc.iter():
            assert not [name for name in element.attrib if name.lower().startswith("on")], (rel, element.tag)
            for name in ("href", "src"):
                assert not (element.get(name) or "").lower().startswith("javascript:"), (rel, element.get(name))
    main = main_of(out / "contributors/eve/index.html")
    assert main.find(".//h1").text == "Eve <script>alert(1)</script>"  # shown as text, not run
    assert text_of(main.find(f".//{SVG}svg")) == "E"


def test_avatars_are_reproducible_across_builds(portal, tmp_path: Path) -> None:
    root = portal(FILES, config=CONFIG)
    first = build(root, tmp_path / "one", now=NOW).output
    second = build(root, tmp_path / "two", now=NOW, force=True).output

    def digests(out: Path) -> dict[str, str]:
        return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out.rglob("*")) if p.is_file() and ("contributors" in p.parts or "badges" in p.parts)}

    assert digests(first) == digests(second)
    with Image.open(first / "contributors/bob/avatar-64.webp") as image:
        assert image.size == (64, 64) and not image.getexif()


# --- the demo portal ------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def demo_front_matter() -> dict[str, dict]:
    """Front matter of every demo file, read independently of Agora's loader (plain PyYAML)."""
    import yaml

    found = {}
    for path in sorted((REPO / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found[path.relative_to(REPO / "content").as_posix()] = yaml.safe_load(text.split("---", 2)[1])
    return found


def expected_counts(now: datetime) -> dict[str, int]:
    """Contributions per member: published items they wrote, conducted or organised, each once."""
    from zoneinfo import ZoneInfo

    from agorapress.graph import as_datetime

    counts: dict[str, int] = {}
    for rel, meta in demo_front_matter().items():
        if rel.startswith("contributors/") or meta.get("status") in ("draft", "withdrawn") or "date" not in meta:
            continue
        when = meta["date"]
        when = as_datetime(datetime.fromisoformat(when) if isinstance(when, str) else when, ZoneInfo("Europe/Paris"))
        if when > now:
            continue
        for handle in set(meta.get("authors", [])) | set(meta.get("interviewers", [])) | set(meta.get("organizers", [])):
            counts[handle] = counts.get(handle, 0) + 1
    return counts


def demo_or_skip(request):
    if not (REPO / "content" / "contributors").is_dir():
        import pytest

        pytest.skip("the demo content/ is not written yet")
    return request.getfixturevalue("demo_site")


def test_every_demo_member_has_a_complete_profile(request) -> None:
    out = demo_or_skip(request)
    from conftest import DEMO_NOW

    counts = expected_counts(DEMO_NOW)
    members = demo_front_matter()
    handles = sorted(rel[len("contributors/"):-3] for rel in members if rel.startswith("contributors/"))
    assert handles == ["amelie", "bastien", "chloe", "damien", "elise", "farid", "gaelle", "hugo"]
    for handle in handles:
        meta = members[f"contributors/{handle}.md"]
        main = main_of(out / "contributors" / handle / "index.html")
        assert main.find(".//h1").text == meta["name"], handle
        assert main.find(".//img[@class='avatar']") is not None or main.find(f".//{SVG}svg") is not None
        assert text_of(main.find(".//div[@class='prose p-note']")), f"{handle} has no bio"
        total = text_of(main.find(".//h2[@id='contributions-title']"))
        assert total == f"Contributions ({counts.get(handle, 0)})", handle
        for link in main.findall(".//ul[@class='links']//a"):
            assert link.get("rel") == "me ugc noopener"
        assert main.find(".//p[@class='feed']/a").get("href") == f"../../feeds/contributors/{handle}.atom.xml"
        badges = {a.get("href").split("#")[1] for a in main.findall(".//section[@class='badges']//a[@class='badge']")}
        assert ("first-publication" in badges) == (counts.get(handle, 0) >= 1), handle
        assert ("contributions-5" in badges) == (counts.get(handle, 0) >= 5), handle
    wall = main_of(out / "contributors/index.html")
    assert len(wall.findall(".//ul[@class='wall']/li")) == len(handles)
    assert (out / "badges/index.html").is_file()
    assert parse(out / "contributors/active/index.html").find(".//ul[@class='wall']/li/div/a") is not None


def test_links_from_people_pages_are_not_dead(portal) -> None:
    out = build(portal(FILES, config=CONFIG), now=NOW).output
    pages = ["contributors/index.html", "contributors/active/index.html", "contributors/newest/index.html",
             "contributors/ana/index.html", "contributors/bob/index.html", "contributors/cleo/index.html",
             "badges/index.html", "index.html"]
    for rel in pages:
        for element in parse(out / rel).iter():
            for name in ("href", "src"):
                target = element.get(name) or ""
                if not target or target.startswith(("http", "mailto:", "#")):
                    continue
                path = ((out / rel).parent / target.split("#")[0]).resolve()
                assert path.is_file() or (path / "index.html").is_file(), (rel, target)


def test_most_active_demo_member_profile(request) -> None:
    out = demo_or_skip(request)
    active = main_of(out / "contributors/active/index.html")
    first = active.find(".//ul[@class='wall']/li")
    assert text_of(first.find("div/a")) == "Amélie Durand"
    main = main_of(out / "contributors/amelie/index.html")
    assert text_of(main.find(".//h2[@id='contributions-title']")) == "Contributions (5)"
    groups = {h3.get("id"): text_of(h3) for h3 in main.findall(".//section[@class='contributions']/h3")}
    assert groups == {"written": "Textes écrits (5)", "events_organised": "Événements organisés (2)"}
    roles = [text_of(li) for li in main.findall(".//section[@class='roles']//li")]
    assert roles == ["Rédaction en chef au Comité éditorial du peuple, du 10 janvier 2026 au 31 décembre 2028"]
    badges = [a.get("href").split("#")[1] for a in main.findall(".//section[@class='badges']//a[@class='badge']")]
    assert badges == ["first-publication", "contributions-5", "organiser", "committee", "long-standing"]
    # bastien's term as editor-in-chief ended in January 2026: he is a former committee member.
    former = main_of(out / "badges/index.html").find(".//section[@id='former-committee']")
    assert [text_of(a) for a in former.findall(".//li/a")] == ["Bastien Morel"]
    home = parse(out / "index.html").find(".//section[@class='new-members']")
    assert [a.get("href") for a in home.findall(".//li//a")] == [
        "./contributors/hugo/", "./contributors/gaelle/"]  # damien first published this year, but joined in 2019

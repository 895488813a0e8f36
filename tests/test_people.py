"""Members without the engine: contributions by kind, newcomers, committee seats, badges, avatars, images."""

from __future__ import annotations

import io
import random
import string
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG
from PIL import Image

from agorapress.avatars import MIN_CONTRAST, colours, contrast, initials, letters_of
from agorapress.badges import award, badges_by_member, holds, text
from agorapress.config import BadgeRule
from agorapress.images import check_image, resize_avatar, sniff
from agorapress.people import People
from agorapress.site import ConfigInvalid, load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def profile(name: str, github: str, extra: str = "") -> str:
    return f"---\nname: {name}\ngithub: {github}\n{extra}---\nBio of {name}.\n"


def article(title: str, date: str, authors: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nauthors: [{authors}]\n{extra}---\nText.\n"


#: ana writes and organises; bob interviews ana; cleo has only joined; dan has not published yet.
COMMUNITY = {
    "content/contributors/bob.md": profile("Bob Martin", "bobm", "joined: 2020-02-29\n"),
    "content/contributors/cleo.md": profile("Cléo Durand", "cleo", "joined: 2026-05-20\n"),
    "content/contributors/dan.md": profile("Dan", "dan-gh", "joined: 2021-01-01\n"),
    "content/articles/one.md": article("One", "2026-01-10", "ana"),
    "content/articles/two.md": article("Two", "2026-05-01", "ana, bob"),
    "content/articles/later.md": article("Later", "2026-07-01", "dan"),
    "content/articles/draft.md": article("Draft", "2026-01-01", "dan", "status: draft\n"),
    "content/interviews/meet-ana.md": article(
        "Meet Ana", "2026-04-01", "bob", "interviewers: [bob]\ninterviewee:\n  name: Ana Lopez\n  handle: ana\n"),
    "content/events/repair.md": article(
        "Repair café", "2026-03-15", "ana", "start: 2026-06-10T19:00\norganizers: [ana, bob]\n"),
    "content/pages/about.md": "---\ntitle: About\nauthors: [ana]\n---\nUs.\n",
    "content/board.yaml": (
        "topics:\n"
        "  - {id: bikes, title: Bikes, section: articles, proposed_by: ana, claimed_by: dan, status: claimed, due: 2026-07-01}\n"
        "  - {id: old, title: Old, section: articles, proposed_by: ana, claimed_by: dan, status: dropped}\n"
    ),
}

COMMITTEE = MINIMAL_CONFIG + """\
committee:
  members:
    - {handle: ana, role: editor-in-chief, from: 2026-01-01, to: 2026-12-31}
    - {handle: bob, role: editor-in-chief, from: 2025-01-01, to: 2025-12-31}
    - {handle: bob, role: moderator, from: 2026-09-01}
    - {handle: cleo, role: member, from: 2026-01-01}
"""


def people_of(root: Path, now: datetime = NOW) -> People:
    loaded = load_portal(root, now=now)
    assert not loaded.problems.errors, loaded.problems.render()
    return People(loaded.graph)


def test_contributions_are_grouped_by_kind(portal) -> None:
    people = people_of(portal(COMMUNITY))
    ana, bob, dan = people.get("ana"), people.get("bob"), people.get("dan")
    # Newest first; an undated page counts as published now (the graph's order).
    assert [i.slug for i in ana.written] == ["about", "two", "repair", "one"]
    assert [i.slug for i in ana.interviews_given] == ["meet-ana"]
    assert [i.slug for i in ana.events_organised] == ["repair"]
    assert ana.count == 4  # the event she wrote and organised counts once; the interview she gave does not count
    assert [i.slug for i in ana.involved] == ["about", "two", "meet-ana", "repair", "one"]
    assert bob.counts() == {"written": 2, "interviews_given": 0, "interviews_conducted": 1, "events_organised": 1,
                            "topics_claimed": 0}
    assert bob.count == 3
    # Scheduled and draft items are not contributions yet; a dropped topic is no longer theirs.
    assert dan.count == 0 and dan.first_published is None
    assert [t.id for t in dan.topics_claimed] == ["bikes"]
    assert ana.first_published.date() == date(2026, 1, 10)


def test_sorted_views_and_new_members(portal) -> None:
    people = people_of(portal(COMMUNITY))
    assert [p.handle for p in people.sorted("alphabetical")] == ["ana", "bob", "cleo", "dan"]
    assert [p.handle for p in people.sorted("active")] == ["ana", "bob", "cleo", "dan"]  # ties by name
    assert [p.handle for p in people.sorted("newest")] == ["cleo", "ana", "dan", "bob"]
    # ana first published on 10 January, more than 90 days ago; bob first published in mid-March but joined in 2020:
    # a long-standing member is not new because of a first text (joining, when known, decides).
    assert [p.handle for p in people.new_members()] == ["cleo"]
    assert [p.handle for p in people.new_members(days=200)] == ["cleo", "ana"]  # by the moment that made them new
    with pytest.raises(ValueError):
        people.sorted("random")


def test_new_member_window_is_configurable(portal) -> None:
    root = portal(COMMUNITY, config=MINIMAL_CONFIG + "recognition:\n  new_member_days: 10\n")
    assert [p.handle for p in people_of(root).new_members()] == []
    root = portal(COMMUNITY, config=MINIMAL_CONFIG + "recognition:\n  new_member_days: 365\n")
    assert [p.handle for p in people_of(root).new_members()] == ["cleo", "ana"]


def test_committee_seats_follow_the_clock(portal) -> None:
    people = people_of(portal(COMMUNITY, config=COMMITTEE))
    ana, bob, cleo = people.get("ana"), people.get("bob"), people.get("cleo")
    assert [(s.role, s.status) for s in ana.seats] == [("editor-in-chief", "current")]
    assert [(s.role, s.status) for s in bob.seats] == [("moderator", "upcoming"), ("editor-in-chief", "former")]
    assert bob.former_committee and not bob.on_committee
    assert cleo.on_committee and cleo.seats[0].end is None
    seats = people.committee()
    assert [(p.handle, s.role) for p, s in seats["current"]] == [("ana", "editor-in-chief"), ("cleo", "member")]
    assert [p.handle for p, _ in seats["former"]] == ["bob"]
    # In October bob's new term has begun: he is on the committee again, no longer "former".
    later = people_of(portal(COMMUNITY, config=COMMITTEE), now=datetime.fromisoformat("2026-10-01T12:00:00+02:00"))
    assert later.get("bob").on_committee and not later.get("bob").former_committee


def test_default_badges_match_the_content(portal) -> None:
    people = people_of(portal(COMMUNITY, config=COMMITTEE))
    held = {handle: [b.id for b in badges] for handle, badges in badges_by_member(award(people)).items()}
    assert held == {
        "ana": ["first-publication", "organiser", "committee"],
        "bob": ["first-publication", "interviewer", "organiser", "former-committee", "long-standing"],
        "cleo": ["committee"],
        "dan": ["long-standing"],
    }
    ids = [entry.id for entry in award(people)]
    assert ids == ["first-publication", "contributions-5", "contributions-10", "contributions-25", "interviewer",
                   "organiser", "committee", "former-committee", "long-standing"]


def test_thresholds_and_anniversaries(portal) -> None:
    files = dict(COMMUNITY)
    files.update({f"content/articles/extra-{n}.md": article(f"Extra {n}", "2026-02-01", "ana") for n in range(1, 3)})
    people = people_of(portal(files))
    assert people.get("ana").count == 6
    assert holds(BadgeRule(contributions=5), people.get("ana"), date(2026, 6, 1))
    assert not holds(BadgeRule(contributions=10), people.get("ana"), date(2026, 6, 1))
    bob = people.get("bob")  # joined on 29 February 2020
    assert not holds(BadgeRule(years_since_joined=6), bob, date(2026, 2, 28))
    assert holds(BadgeRule(years_since_joined=6), bob, date(2026, 3, 1))
    assert not holds(BadgeRule(years_since_joined=1), people.get("ana"), date(2026, 6, 1))  # no join date: never


def test_badges_declared_in_the_config_replace_the_defaults(portal) -> None:
    config = MINIMAL_CONFIG + """\
recognition:
  badges:
    - id: storyteller
      label: {fr: Conteuse, en: Storyteller}
      description: Wrote two texts and organised an event.
      rule: {written: 2, events_organised: 1}
"""
    people = people_of(portal(COMMUNITY, config=config))
    awards = award(people)
    assert [(a.id, [p.handle for p in a.holders]) for a in awards] == [("storyteller", ["ana", "bob"])]
    assert text(awards[0].badge.label, "fr") == "Conteuse"
    assert text(awards[0].badge.label, "en-GB") == "Storyteller"
    assert text(awards[0].badge.label, "de") == "Storyteller"
    assert text(awards[0].badge.description, "fr") == "Wrote two texts and organised an event."


def test_bad_badge_declarations_name_the_line(portal) -> None:
    config = MINIMAL_CONFIG + """\
recognition:
  badges:
    - id: empty
      label: Empty
      description: No rule.
      rule: {}
    - id: typo
      label: Typo
      description: Misspelt rule.
      rule: {contributons: 3}
"""
    with pytest.raises(ConfigInvalid) as failure:
        load_portal(portal(COMMUNITY, config=config), now=NOW)
    found = {(p.line, p.rule, p.field) for p in failure.value.problems}
    assert (11, "config-type", "recognition.badges[0].rule") in found
    assert (15, "config-unknown", "recognition.badges[1].rule.contributons") in found
    twice = MINIMAL_CONFIG + "recognition:\n  badges:\n" + "    - {id: a, label: A, description: D, rule: {written: 1}}\n" * 2
    with pytest.raises(ConfigInvalid) as failure:
        load_portal(portal(COMMUNITY, config=twice), now=NOW)
    assert [p.message for p in failure.value.problems] == ["badge id 'a' is used twice; give each badge its own id"]


def test_initials_avatars_have_accessible_contrast() -> None:
    rng = random.Random(7)
    handles = ["".join(rng.choice(string.ascii_lowercase + "-0123456789") for _ in range(rng.randint(1, 20)))
               for _ in range(3000)]
    for handle in handles + ["amelie", "bastien", "chloe", "damien", "elise", "farid", "gaelle", "hugo"]:
        background, foreground = colours(handle)
        assert contrast(background, foreground) >= MIN_CONTRAST, handle
    assert colours("amelie") == colours("amelie") and colours("amelie") != colours("bastien")
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0 and contrast("#777777", "#777777") == 1.0
    assert letters_of("Jean-Marc Dupont", "jm") == "JD"
    assert letters_of("élise", "elise") == "É"
    assert letters_of("<script>", "x-ray") == "X-"
    assert initials("Ana Lopez", "ana").letters == "AL"


# --- images ----------------------------------------------------------------------------------------------------


def image_bytes(fmt: str, size=(40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 60)).save(buffer, fmt, **save)
    return buffer.getvalue()


def test_check_image_accepts_real_images(tmp_path: Path) -> None:
    for name, fmt in (("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.jpeg", "JPEG"), ("a.webp", "WEBP")):
        (tmp_path / name).write_bytes(image_bytes(fmt))
        assert check_image(tmp_path / name, 100_000) is None, name
        assert sniff((tmp_path / name).read_bytes()[:16]) == fmt


@pytest.mark.parametrize("name, data, expected", [
    ("text.png", b"just some text, not an image", "is not a PNG, JPEG or WebP image"),
    ("script.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "is an SVG image"),
    ("plain.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "is an SVG image"),
    ("photo.png", image_bytes("JPEG"), "is a JPEG image named '.png'; rename it to '.jpg'"),
    ("truncated.png", image_bytes("PNG", (300, 300))[:120], "is damaged or not really a PNG image"),
    ("html.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 <html>", "is damaged or not really a WebP image"),
])
def test_check_image_refuses_what_is_not_an_image(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(data)
    assert check_image(tmp_path / name, 100_000).startswith(expected)


def test_check_image_refuses_large_files_and_bombs(tmp_path: Path) -> None:
    data = image_bytes("PNG")
    (tmp_path / "big.png").write_bytes(data + b"\0" * (6000 - len(data)))
    assert check_image(tmp_path / "big.png", 2048) == "is 6 KiB, over the limit of 2 KiB"
    # 6000×6000 one-bit pixels compress to a few KiB but would take 36 million pixels of memory.
    buffer = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buffer, "PNG")
    (tmp_path / "bomb.png").write_bytes(buffer.getvalue())
    assert len(buffer.getvalue()) < 20_000
    assert "more than 25,000,000 pixels" in check_image(tmp_path / "bomb.png", 100_000)
    (tmp_path / "folder.png").mkdir()
    assert check_image(tmp_path / "folder.png", 100_000) == "is not a regular file"


def test_resized_avatars_are_reproducible_and_carry_no_metadata(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the output must be upright
    exif[0x8825] = {2: (45.0, 45.0, 0.0)}  # a GPS position that must not be published
    (tmp_path / "me.jpg").write_bytes(image_bytes("JPEG", (300, 200), exif=exif.tobytes()))
    written = resize_avatar(tmp_path / "me.jpg", tmp_path / "one")
    again = resize_avatar(tmp_path / "me.jpg", tmp_path / "two")
    assert written == again == ["avatar-64.webp", "avatar-128.webp", "avatar-256.webp"]
    for name in written:
        first, second = (tmp_path / "one" / name).read_bytes(), (tmp_path / "two" / name).read_bytes()
        assert first == second
        assert b"Exif" not in first and b"XMP" not in first and b"ICCP" not in first
        with Image.open(tmp_path / "one" / name) as image:
            assert image.format == "WEBP" and image.size[0] == image.size[1] == int(name[7:-5])
            assert not image.getexif()


# --- bad input: `agora check` errors naming file, line and field ---------------------------------------------


def problems_of(root: Path) -> list[tuple[str, int, str, str]]:
    return [(p.path, p.line, p.rule, p.field) for p in load_portal(root, now=NOW).problems]


def test_unknown_handles_in_every_role_are_errors(portal) -> None:
    root = portal({
        "content/articles/a.md": article("A", "2026-01-01", "ana, anna"),
        "content/events/e.md": article("E", "2026-01-01", "ana", "start: 2026-02-01T10:00\norganizers: [ghost]\n"),
        "content/interviews/i.md": article(
            "I", "2026-01-01", "ana", "interviewers: [bobby]\ninterviewee:\n  name: Zoé\n  handle: zoe\n"),
    })
    assert problems_of(root) == [
        ("content/articles/a.md", 4, "unknown-contributor", "authors[1]"),
        ("content/events/e.md", 6, "unknown-contributor", "organizers[0]"),
        ("content/interviews/i.md", 5, "unknown-contributor", "interviewers[0]"),
        ("content/interviews/i.md", 8, "unknown-contributor", "interviewee.handle"),
    ]


def test_github_login_is_unique_whatever_its_case(portal) -> None:
    root = portal({"content/contributors/lopez.md": profile("Ana L.", "Ana-L")})
    problems = load_portal(root, now=NOW).problems
    assert [(p.path, p.line, p.rule, p.field) for p in problems] == [
        ("content/contributors/ana.md", 3, "duplicate-github", "github"),
        ("content/contributors/lopez.md", 3, "duplicate-github", "github"),
    ]
    assert "the GitHub login 'Ana-L' is also on content/contributors/ana.md" in problems.render()


def test_reserved_and_malformed_handles_are_refused(portal) -> None:
    root = portal({
        "content/contributors/admin.md": profile("Not The Admin", "notadmin"),
        "content/contributors/feeds.md": profile("Feeds", "feeds-person"),
        "content/contributors/Ana.md": profile("Ana Again", "ana-again"),
    })
    assert problems_of(root) == [
        ("content/contributors/Ana.md", 0, "file-name", ""),  # one file with ana.md on macOS and Windows
        ("content/contributors/Ana.md", 1, "handle", ""),
        ("content/contributors/Ana.md", 1, "url-collision", "slug"),  # same URL as ana.md, by case
        ("content/contributors/admin.md", 1, "reserved-handle", ""),
        ("content/contributors/ana.md", 0, "file-name", ""),
        ("content/contributors/ana.md", 1, "url-collision", "slug"),
        ("content/contributors/feeds.md", 1, "reserved-handle", ""),
    ]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org/",
                                 "//evil.example/", "vbscript:msgbox", "mailto:no-at-sign"])
def test_profile_links_must_be_http_or_mailto(portal, url: str) -> None:
    extra = f"links:\n  - label: Me\n    url: \"{url}\"\n"
    root = portal({"content/contributors/bob.md": profile("Bob", "bob", extra)})
    assert problems_of(root) == [("content/contributors/bob.md", 6, "schema-type", "links[0].url")]


def avatar_portal(portal, name: str, data: bytes, config: str = MINIMAL_CONFIG) -> Path:
    return portal({"content/contributors/bob.md": profile("Bob", "bob", f"avatar: {name}\n"),
                   f"content/contributors/{name}": data}, config=config)


def test_avatar_that_is_not_an_image_is_refused(portal) -> None:
    root = avatar_portal(portal, "bob.png", b"MZ\x90\x00 an executable in disguise")
    problems = load_portal(root, now=NOW).problems
    assert [(p.path, p.line, p.rule, p.field) for p in problems] == [("content/contributors/bob.md", 4, "bad-avatar", "avatar")]
    assert list(problems)[0].message == "'bob.png' is not a PNG, JPEG or WebP image (its first bytes say otherwise)"


def test_avatar_that_is_an_svg_is_refused(portal) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    disguised = load_portal(avatar_portal(portal, "bob.png", svg), now=NOW).problems
    assert [(p.line, p.rule, p.field) for p in disguised] == [(4, "bad-avatar", "avatar")]
    assert "is an SVG image" in list(disguised)[0].message


def test_avatar_with_svg_suffix_is_refused(portal, tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    problems = load_portal(avatar_portal(portal, "bob.svg", svg), now=NOW).problems
    assert ("content/contributors/bob.md", 4, "bad-avatar", "avatar") in [(p.path, p.line, p.rule, p.field) for p in problems]
    assert all(p.severity == "error" for p in problems)


def test_avatar_too_large_is_refused(portal) -> None:
    config = MINIMAL_CONFIG + "moderation:\n  max_image_kb: 1\n"
    noisy = Image.frombytes("RGB", (64, 64), random.Random(1).randbytes(64 * 64 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    problems = load_portal(avatar_portal(portal, "bob.png", buffer.getvalue(), config), now=NOW).problems
    assert [(p.line, p.rule, p.field) for p in problems] == [(4, "bad-avatar", "avatar")]
    assert list(problems)[0].message.startswith("'bob.png' is ") and "over the limit of 1 KiB" in list(problems)[0].message
    assert list(problems)[0].hint == "make it smaller: 512×512 pixels is plenty for an avatar"


def test_a_real_avatar_passes(portal) -> None:
    root = avatar_portal(portal, "bob.webp", image_bytes("WEBP"))
    assert problems_of(root) == []


def test_next_change_is_when_pages_change_without_new_content(portal) -> None:
    people = people_of(portal(COMMUNITY, config=COMMITTEE))
    # bob first published on 15 March: he stops being new 91 days later, before anything else happens.
    assert people.next_change() == datetime.fromisoformat("2026-06-14T00:00:00+02:00")
    assert people_of(portal(COMMUNITY, config=COMMITTEE), now=datetime.fromisoformat("2026-06-14T00:00:00+02:00")
                     ).next_change() == datetime.fromisoformat("2026-08-19T00:00:00+02:00")  # cleo joined on 20 May
    later = people_of(portal(COMMUNITY, config=COMMITTEE), now=datetime.fromisoformat("2026-08-20T12:00:00+02:00"))
    assert later.next_change() == datetime.fromisoformat("2026-09-01T00:00:00+02:00")  # bob's new term


def test_lookalike_handles_are_refused(portal) -> None:
    root = portal({
        "content/contributors/amelie.md": profile("Amélie", "amelie-b"),
        "content/contributors/arnelie.md": profile("Arnelie", "arn-92"),  # 'rn' reads as 'm'
        "content/contributors/\u0430na.md": profile("Fake Ana", "fake-ana"),  # Cyrillic 'а'
    })
    problems = list(load_portal(root, now=NOW).problems)
    assert [(p.path, p.line, p.rule) for p in problems] == [
        ("content/contributors/amelie.md", 1, "lookalike-handle"),
        ("content/contributors/ana.md", 1, "lookalike-handle"),
        ("content/contributors/arnelie.md", 1, "lookalike-handle"),
        ("content/contributors/\u0430na.md", 1, "handle"),
        ("content/contributors/\u0430na.md", 1, "lookalike-handle"),
    ]
    assert problems[0].message == "'amelie' can be mistaken for 'arnelie' (content/contributors/arnelie.md)"
    assert all(p.severity == "error" for p in problems)


def test_lookalike_github_logins_are_reported_to_reviewers(portal) -> None:
    root = portal({"content/contributors/lopez.md": profile("A. Lopez", "ana-I")})  # capital i, not l
    problems = list(load_portal(root, now=NOW).problems)
    assert [(p.path, p.line, p.rule, p.field, p.severity) for p in problems] == [
        ("content/contributors/ana.md", 3, "lookalike-github", "github", "warning"),
        ("content/contributors/lopez.md", 3, "lookalike-github", "github", "warning"),
    ]

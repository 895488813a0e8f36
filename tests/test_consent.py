"""Consent in `agora check --pr-author --base`: nobody is credited, shown or quoted without agreeing, on real git
repositories (main holds the portal, the branch 'pr' one contribution)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image, PngImagePlugin
from test_pr_checks import check, item, profile, pull_request, write

INTERVIEW = ("---\ntitle: Meeting {who}\ndate: 2026-01-10\nauthors: [bob]\ninterviewee:\n  name: {name}\n  handle: {who}\n"
             "interviewers: [{asking}]\n---\n## Why?\n\nBecause.\n")
CO_AUTHORED = {"content/articles/together.md": item("Together", "bob, carol")}


def problems(repo: Path, author: str, *rules: str) -> list[tuple[str, int, str, str, str, str]]:
    """(path, line, severity, field, message, hint) of each problem of `rules`, from the JSON output."""
    result = check(repo, author, "--format", "json")
    return [(p["path"], p["line"], p["severity"], p["field"], p["message"], p["hint"])
            for p in json.loads(result.stdout) if p["rule"] in rules]


def consents(repo: Path, author: str) -> list[tuple[str, int, str, str]]:
    """(path, line, field, message) of each consent problem; every one is a warning."""
    found = problems(repo, author, "consent")
    assert {severity for _, _, severity, *_ in found} <= {"warning"}
    return [(path, line, field, message) for path, line, _, field, message, _ in found]


# --- 1. crediting another member on a new item -----------------------------------------------------------------

def test_a_co_author_must_consent_and_the_check_still_passes(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/duo.md", item("Duo", "bob, carol")))
    result = check(repo, "bob-m")
    assert result.exit_code == 0, result.output  # a warning: the consent comes in as a review
    assert result.stdout.splitlines() == [
        "content/articles/duo.md:4: warning[consent]: authors[1]: credits 'carol' as a co-author: carol's consent is "
        "needed (ask @carol-r to approve this pull request, or remove them)"]


def test_an_organiser_or_an_only_author_or_an_interviewer_must_consent(tmp_path: Path) -> None:
    event = ("---\ntitle: Repair café\ndate: 2026-01-10\nauthors: [carol]\nstart: 2026-07-01T18:00:00\n"
             "organizers:\n  - bob\n  - ana\n---\nCome.\n")

    def change(repo: Path) -> None:
        write(repo, "content/events/cafe.md", event)
        write(repo, "content/interviews/meeting-dan.md",
              INTERVIEW.format(who="dan", name="Dan Nguyen", asking="bob, ana").replace("  handle: dan\n", ""))

    assert consents(pull_request(tmp_path, change), "bob-m") == [
        ("content/events/cafe.md", 4, "authors[0]", "names 'carol' as the only author: carol's consent is needed"),
        ("content/events/cafe.md", 8, "organizers[1]", "lists 'ana' as an organiser: ana's consent is needed"),
        ("content/interviews/meeting-dan.md", 7, "interviewers[1]", "lists 'ana' as an interviewer: ana's consent is needed"),
    ]


def test_whom_a_handle_names_does_not_depend_on_case_spelling_or_order(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/a.md", "---\ntitle: A\ndate: 2026-01-10\nauthors:\n  - \"Carol\"\n  - bob\n---\nA.\n")
        write(repo, "content/articles/b.md", "---\ntitle: B\ndate: 2026-01-10\nauthors: ['ＡＮＡ', bob]\n---\nB.\n")

    repo = pull_request(tmp_path, change)
    assert check(repo, "bob-m").exit_code == 1  # not handles as the portal spells them: the schema says so
    assert consents(repo, "bob-m") == [
        ("content/articles/a.md", 5, "authors[0]", "credits 'carol' as a co-author: carol's consent is needed"),
        ("content/articles/b.md", 4, "authors[0]", "credits 'ana' as a co-author: ana's consent is needed"),
    ]


def test_the_author_never_needs_their_own_consent_whatever_the_case_of_the_login(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/duo.md", item("Duo", "bob, carol")))
    # carol opened it (GitHub logins are case-insensitive): that is her consent; bob's is still needed.
    assert consents(repo, "CAROL-R") == [
        ("content/articles/duo.md", 4, "authors[0]", "credits 'bob' as a co-author: bob's consent is needed")]
    assert [message.split(":")[0] for *_, message in consents(repo, "car0l-r")] == [  # a look-alike login is somebody else
        "credits 'bob' as a co-author", "credits 'carol' as a co-author"]


# --- 2. quoting a member as the interviewee --------------------------------------------------------------------

def test_an_interviewee_who_is_a_member_must_consent(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/interviews/meeting-carol.md", INTERVIEW.format(who="carol", name="Carol Roy", asking="bob"))

    assert problems(pull_request(tmp_path, change), "bob-m", "consent") == [
        ("content/interviews/meeting-carol.md", 7, "warning", "interviewee.handle",
         "quotes 'carol' as the interviewee: carol's consent is needed",
         "ask @carol-r to approve this pull request, or remove them")]


# --- 3. passing for another member: a look-alike display name, a copied avatar ---------------------------------

def png(colour: tuple[int, int, int] = (30, 60, 90), note: str | None = None) -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if note:
        info.add_text("Comment", note)
    Image.new("RGB", (32, 32), colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


WITH_AVATAR = {"content/contributors/bob.md": "---\nname: Bob Martin\ngithub: bob-m\navatar: bob.png\n---\nBio.\n",
               "content/contributors/bob.png": png()}


def test_a_newcomer_cannot_take_a_members_name_even_written_with_look_alike_letters(tmp_path: Path) -> None:
    for case, name in [("same", "Bob Martin"), ("case", "bob  MARTIN"), ("cyrillic", "Bоb Mаrtin")]:
        repo = pull_request(tmp_path / case, lambda repo, name=name: write(repo, "content/contributors/dan.md",
                                                                           profile(name, "dan-n")))
        result = check(repo, "dan-n")
        assert result.exit_code == 1, case
        assert problems(repo, "dan-n", "lookalike-name") == [
            ("content/contributors/dan.md", 2, "error", "name", f"'{name}' reads like 'Bob Martin', the name of bob's profile",
             "use the name people know you by, told apart from theirs (an initial, a second name), or ask the committee "
             "to add this profile")], case
    other = pull_request(tmp_path / "other",
                         lambda repo: write(repo, "content/contributors/dan.md", profile("Bob Marti", "dan-n")))
    assert problems(other, "dan-n", "lookalike-name") == []


def test_a_committee_member_taking_a_name_needs_committee_review(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/contributors/ana.md", profile("Carol Roy", "ana-l")))
    result = check(repo, "ana-l")
    assert result.exit_code == 0, result.output
    assert "content/contributors/ana.md:2: warning[lookalike-name]: name: 'Carol Roy' reads like 'Carol Roy', the name of " \
           "carol's profile (you are on the committee: it needs committee review) (another committee member must review " \
           "this change)" in result.stdout.splitlines()


def test_a_copied_avatar_is_refused_the_same_bytes_or_the_same_pixels(tmp_path: Path) -> None:
    cases = {"bytes": png(), "metadata": png(note="taken from bob"), "own": png((200, 10, 10))}
    for case, picture in cases.items():
        def change(repo: Path, picture=picture) -> None:
            write(repo, "content/contributors/dan.md", "---\nname: Dan Nguyen\ngithub: dan-n\navatar: dan.png\n---\nBio.\n")
            write(repo, "content/contributors/dan.png", picture)

        repo = pull_request(tmp_path / case, change, WITH_AVATAR)
        found = problems(repo, "dan-n", "copied-avatar")
        if case == "own":
            assert found == [] and check(repo, "dan-n").exit_code == 0
        else:
            assert found == [("content/contributors/dan.md", 4, "error", "avatar",
                              "'dan.png' is the same picture as the avatar of bob ('bob.png')",
                              "use a picture of your own, or remove 'avatar:' to get initials")], case


def test_a_new_picture_under_an_unchanged_profile_is_compared_too_in_any_format(tmp_path: Path) -> None:
    def webp(picture: bytes) -> bytes:  # the same pixels, other bytes, another format
        buffer = io.BytesIO()
        Image.open(io.BytesIO(picture)).save(buffer, "WEBP", lossless=True)
        return buffer.getvalue()

    base = {**WITH_AVATAR, "content/contributors/dan.md": "---\nname: Dan Nguyen\ngithub: dan-n\navatar: dan.webp\n---\nBio.\n",
            "content/contributors/dan.webp": webp(png((200, 10, 10)))}
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/contributors/dan.webp", webp(png())), base)
    assert check(repo, "dan-n").exit_code == 1
    assert [p[4] for p in problems(repo, "dan-n", "copied-avatar")] == [
        "'dan.webp' is the same picture as the avatar of bob ('bob.png')"]


def test_pointing_ones_avatar_at_a_members_picture_is_a_copy_too(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/contributors/dan.md", "---\nname: Dan Nguyen\ngithub: dan-n\navatar: bob.png\n---\nBio.\n")

    repo = pull_request(tmp_path, change, WITH_AVATAR)
    assert [p[4] for p in problems(repo, "dan-n", "copied-avatar")] == [
        "'bob.png' is the same picture as the avatar of bob ('bob.png')"]


# --- 4. a translation attached to another member's item --------------------------------------------------------

def test_translating_someone_elses_item_needs_their_consent_ones_own_does_not(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/anas-text-en.md", item("Ana's text in English", "bob", extra="lang: en\n"
                                                             "translation_of: anas-text\n"))
        write(repo, "content/articles/bobs-text-en.md", item("Bob's text in English", "bob", extra="lang: en\n"
                                                             "translation_of: bobs-text\n"))

    assert problems(pull_request(tmp_path, change), "bob-m", "consent") == [
        ("content/articles/anas-text-en.md", 6, "warning", "translation_of",
         "attaches a translation to 'anas-text', an item by 'ana': ana's consent is needed",
         "ask @ana-l to approve this pull request, or remove translation_of")]


# --- 5. the board ----------------------------------------------------------------------------------------------

def test_a_topic_proposed_in_someone_elses_name_needs_their_consent(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        board = (repo / "content/board.yaml").read_text(encoding="utf-8")
        write(repo, "content/board.yaml", board + "  - id: carols-idea\n    title: Seeds\n    section: articles\n"
                                                  "    proposed_by: carol\n    claimed_by: bob\n    status: claimed\n")

    repo = pull_request(tmp_path, change)
    assert check(repo, "bob-m").exit_code == 0
    assert consents(repo, "bob-m") == [
        ("content/board.yaml", 15, "topics[2].proposed_by",
         "says 'carol' proposed the board topic 'carols-idea': carol's consent is needed")]


def test_handing_a_topic_to_someone_else_or_taking_it_from_them_needs_their_consent(tmp_path: Path) -> None:
    board = ("topics:\n  - id: bobs-idea\n    title: Seeds\n    section: articles\n    proposed_by: bob\n"
             "    claimed_by: carol\n    status: claimed\n  - id: bobs-other\n    title: Tools\n    section: articles\n"
             "    proposed_by: bob\n")

    def change(repo: Path) -> None:
        text = board.replace("    claimed_by: carol\n    status: claimed\n", "")
        write(repo, "content/board.yaml", text + "    claimed_by: ana\n    status: claimed\n")

    repo = pull_request(tmp_path, change, {"content/board.yaml": board})
    assert consents(repo, "bob-m") == [
        ("content/board.yaml", 2, "topics[0]", "removes 'carol' as the volunteer of the board topic 'bobs-idea': "
                                               "carol's consent is needed"),
        ("content/board.yaml", 10, "topics[1].claimed_by", "says 'ana' volunteered for the board topic 'bobs-other': "
                                                           "ana's consent is needed"),
    ]


# --- 6. taking a credit away -----------------------------------------------------------------------------------

def test_removing_a_co_author_or_deleting_a_shared_item_needs_their_consent(tmp_path: Path) -> None:
    def remove(repo: Path) -> None:
        write(repo, "content/articles/together.md", item("Together", "bob"))

    repo = pull_request(tmp_path / "remove", remove, CO_AUTHORED)
    assert check(repo, "bob-m").exit_code == 0
    assert problems(repo, "bob-m", "consent", "ownership") == [
        ("content/articles/together.md", 4, "warning", "authors",
         "takes away the credit of 'carol' as an author: carol's consent is needed",
         "ask @carol-r to approve this pull request, or keep their credit as it was")]

    repo = pull_request(tmp_path / "delete", lambda repo: (repo / "content/articles/together.md").unlink(), CO_AUTHORED)
    assert consents(repo, "bob-m") == [("content/articles/together.md", 0, "authors",
                                        "deletes an item that credits 'carol' as an author: carol's consent is needed")]


def test_moving_names_around_changes_nobodys_credit(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/together.md", item("Together", "carol, bob",
                                                                                                "Edited.\n")), CO_AUTHORED)
    result = check(repo, "bob-m")
    assert result.exit_code == 0 and result.stdout == ""


def test_adding_a_co_author_to_ones_own_item_is_a_consent_not_an_ownership_question(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/bobs-text.md", item("Bob's text", "bob, ana")))
    assert problems(repo, "bob-m", "consent", "ownership") == [
        ("content/articles/bobs-text.md", 4, "warning", "authors[1]", "credits 'ana' as a co-author: ana's consent is needed",
         "ask @ana-l to approve this pull request, or remove them")]


def test_someone_without_a_profile_cannot_consent(tmp_path: Path) -> None:
    repo = pull_request(tmp_path, lambda repo: write(repo, "content/articles/duo.md", item("Duo", "bob, zoe")))
    assert ("content/articles/duo.md", 4, "warning", "authors[1]", "credits 'zoe' as a co-author: zoe's consent is needed",
            "'zoe' has no profile at the base, so nobody can consent for them: remove them") in \
        problems(repo, "bob-m", "consent")


def test_a_member_the_pull_request_creates_consents_with_the_login_of_their_new_profile(tmp_path: Path) -> None:
    def send_a_text(repo: Path) -> None:  # a committee member turns ines's "send a text" issue into files
        write(repo, "content/contributors/ines.md", profile("Inès Karim", "Ines-K"))
        write(repo, "content/articles/kettle.md", item("Mending a kettle", "ines"))

    assert problems(pull_request(tmp_path, send_a_text), "ana-l", "consent") == [
        ("content/articles/kettle.md", 4, "warning", "authors[0]", "names 'ines' as the only author: ines's consent is needed",
         "ask @Ines-K to approve this pull request, or remove them")]


# --- the report -------------------------------------------------------------------------------------------------

def test_the_report_lists_who_must_approve_what(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/articles/duo.md", item("Duo", "bob, carol"))
        write(repo, "content/articles/together.md", item("Together", "bob"))

    repo = pull_request(tmp_path, change, CO_AUTHORED)
    assert check(repo, "bob-m", "--report", str(tmp_path / "report.md")).exit_code == 0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    section = report.split("## Consents needed\n\n")[1].split("\n## ")[0]
    assert section.splitlines()[2:] == [
        "- `carol` (GitHub `carol-r`) must approve this pull request:",
        "  - `content/articles/duo.md:4` `authors[1]`: credits 'carol' as a co-author",
        "  - `content/articles/together.md:4` `authors`: takes away the credit of 'carol' as an author",
    ]
    clean = pull_request(tmp_path / "clean", lambda repo: write(repo, "content/articles/solo.md", item("Solo", "bob")))
    check(clean, "bob-m", "--report", str(tmp_path / "clean.md"))
    assert "## Consents needed\n\n✅ None" in (tmp_path / "clean.md").read_text(encoding="utf-8")


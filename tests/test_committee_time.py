"""The committee over time: terms that end, holdover, recusal and consent, replayed against `agora review` in real
Git repositories, and the checks `agora check` makes of the committee's calendar."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG
from test_committee import COMMITTEE, PROFILES, agora, r, review_repo, write

from agorapress.site import load_portal

NOW = "2026-11-22T12:00:00+01:00"
ELECTION_DAY = "2027-02-01T12:00:00+01:00"  # every 2026 term ended a month ago; nobody succeeded them yet
#: The election of 2027: gaelle becomes editor-in-chief, hugo moderator (amelie and chloe are not re-elected).
ELECTION = (MINIMAL_CONFIG + COMMITTEE).replace(
    "    - {handle: ines, role: member, from: 2027-01-01}\n",
    "    - {handle: ines, role: member, from: 2027-01-01}\n"
    "    - {handle: gaelle, role: editor-in-chief, from: 2027-02-05, to: 2028-12-31}\n"
    "    - {handle: hugo, role: moderator, from: 2027-02-05, to: 2028-12-31}\n")


def replay(tmp_path: Path, change, reviews: list[dict], changed: list[str], author: str = "hugo-l",
           now: str = NOW, base_files: dict[str, str] | None = None) -> tuple[int, dict, str]:
    """One pull request's history: the base, the change, the reviews on its head; the decision as JSON and text."""
    repo = tmp_path / "repo"
    head = review_repo(repo, change, base_files)
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([{**review, "commit_id": review["commit_id"] or head} for review in reviews]),
                    encoding="utf-8")
    args = ["--root", str(repo), "review", "--pr-author", author, "--reviews", str(path), "--head", head,
            "--now", now, *[arg for file in changed for arg in ("--changed", file)]]
    result = agora(*args, "--format", "json")
    return result.exit_code, json.loads(result.output), agora(*args).output


def approve(login: str, minute: int = 1) -> dict:
    return {**r(login, "APPROVED", "", minute), "commit_id": None}


def test_holdover_members_approve_the_election_that_succeeds_them(tmp_path) -> None:
    def elect(root: Path) -> None:
        write(root, "site_config.yaml", ELECTION)

    # On election day the 2026 terms are over: amelie, elise, farid and chloe hold over, ines began; governance
    # needs 3 of those 5. Bastien, whose term ended in January 2026 and who was succeeded, does not count.
    reviews = [approve("amelie-durand", 1), approve("chloe-n", 2), approve("farid-h", 3), approve("bastien-m", 4)]
    code, decision, text = replay(tmp_path, elect, reviews, ["site_config.yaml"], now=ELECTION_DAY)
    assert code == 0, text
    assert decision["approved"] == ["amelie", "farid", "chloe"] and decision["needed"] == 3
    assert decision["recused"] == []  # the election adds seats; it changes none of theirs
    assert ("bastien-m", "bastien is a former member (term ended 2026-01-09)") in [
        (entry["login"], entry["why"]) for entry in decision["not_counted"]]

    # Once gaelle and hugo are seated, the holdovers of their roles end: amelie (chief) and chloe (moderator).
    from agorapress import yamlstrict
    from agorapress.committee.terms import current_members
    from agorapress.config import Config
    from agorapress.schema import validate

    config, _ = validate(Config, yamlstrict.load(ELECTION), "site_config.yaml", "config")
    assert current_members(config, datetime.fromisoformat(ELECTION_DAY).date()) == [
        "amelie", "elise", "farid", "chloe", "ines"]
    assert current_members(config, datetime(2027, 2, 5).date()) == ["gaelle", "elise", "farid", "hugo", "ines"]


def test_a_member_re_elected_by_the_change_is_recused(tmp_path) -> None:
    def reelect(root: Path) -> None:
        write(root, "site_config.yaml", ELECTION.replace(
            "    - {handle: hugo, role: moderator", "    - {handle: chloe, role: moderator"))

    reviews = [approve("amelie-durand", 1), approve("chloe-n", 2), approve("farid-h", 3)]
    code, decision, text = replay(tmp_path, reelect, reviews, ["site_config.yaml"], now=ELECTION_DAY)
    assert code == 1
    assert decision["approved"] == ["amelie", "farid"]
    assert decision["recused"] == [{"handle": "chloe",
                                    "why": "chloe is recused: the change modifies their own seat in site_config.yaml"}]
    assert "recused: chloe (@chloe-n): chloe is recused: the change modifies their own seat in site_config.yaml" in text


INTERVIEW = """\
---
title: Chloé, modératrice
date: 2026-11-01
authors: [hugo]
interviewers: [hugo]
interviewee:
  name: Chloé
  handle: chloe
---
## Pourquoi modérer ?

Parce que.
"""


def test_the_interviewees_approval_is_consent_not_a_review(tmp_path) -> None:
    def interview(root: Path) -> None:
        write(root, "content/interviews/chloe.md", INTERVIEW)

    reviews = [approve("chloe-n", 1), approve("elise-b", 2)]
    code, decision, text = replay(tmp_path, interview, reviews, ["content/interviews/chloe.md"])
    assert code == 1, text
    assert decision["approved"] == ["elise"] and decision["missing"] == 1
    assert [(c["handle"], c["given"]) for c in decision["consents"]] == [("chloe", True)]
    assert [entry["handle"] for entry in decision["recused"]] == ["chloe"]
    assert ("recused: chloe (@chloe-n): chloe is recused: content/interviews/chloe.md quotes them (interviewee): "
            "their approval is their consent, not a committee approval") in text
    code, decision, _ = replay(tmp_path / "2", interview, [*reviews, approve("amelie-durand", 3)],
                               ["content/interviews/chloe.md"])
    assert code == 0 and decision["approved"] == ["amelie", "elise"]


def test_a_co_author_who_did_not_consent_holds_the_merge(tmp_path) -> None:
    article = "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo, farid]\n---\nText.\n"

    def write_article(root: Path) -> None:
        write(root, "content/articles/velo.md", article)

    reviews = [approve("amelie-durand", 1), approve("elise-b", 2)]
    code, decision, text = replay(tmp_path, write_article, reviews, ["content/articles/velo.md"])
    assert code == 1
    assert decision["approved"] == ["amelie", "elise"] and decision["missing"] == 0
    assert decision["missing_consents"] == ["farid"]
    assert "consent of farid (@farid-h): credits 'farid' as a co-author" in text
    code, decision, _ = replay(tmp_path / "2", write_article, [*reviews, approve("farid-h", 3)],
                               ["content/articles/velo.md"])
    assert code == 0 and decision["approved"] == ["amelie", "elise"]  # farid's approval is his consent only


def test_conflicts_recuse_more_members(tmp_path) -> None:
    article = "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo]\nconflicts: [amelie]\n---\nText.\n"
    reviews = [approve("amelie-durand", 1), approve("elise-b", 2)]
    code, decision, _ = replay(tmp_path, lambda root: write(root, "content/articles/velo.md", article), reviews,
                               ["content/articles/velo.md"])
    assert code == 1 and decision["approved"] == ["elise"]
    assert decision["recused"] == [{"handle": "amelie", "why": "amelie is recused: content/articles/velo.md lists "
                                                               "them in conflicts"}]


# --- agora check: the committee's calendar ---------------------------------------------------------------------

def problems_of(portal, committee: str, now: str = NOW, files: dict[str, str] | None = None) -> list:
    root = portal({**PROFILES, **(files or {})}, config=MINIMAL_CONFIG + committee)
    return [p for p in load_portal(root, now=datetime.fromisoformat(now)).problems]


@pytest.mark.parametrize(("to", "within", "left"), [
    ("2027-01-15", 60, 54), ("2026-12-15", 30, 23), ("2026-11-25", 7, 3)])
def test_a_seat_ending_unsucceeded_is_warned_60_30_and_7_days_ahead(portal, to, within, left) -> None:
    committee = ("committee:\n  members:\n"
                 f"    - {{handle: amelie, role: editor-in-chief, from: 2026-01-10, to: {to}}}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2028-12-31}\n")
    found = [p for p in problems_of(portal, committee) if p.rule == "committee-term-end"]
    assert [(p.line, p.field, p.severity) for p in found] == [(len(MINIMAL_CONFIG.splitlines()) + 3,
                                                               "committee.members[0].to", "warning")]
    assert f"ends on {to}, within {within} days ({left} left), and no successor is elected: the seat then holds over " \
           "until a successor is seated" in found[0].message


def test_no_warning_when_a_successor_is_elected_or_far_ahead(portal) -> None:
    committee = ("committee:\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2026-12-15}\n"
                 "    - {handle: gaelle, role: editor-in-chief, from: 2026-12-16, to: 2028-12-31}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2027-06-30}\n")
    assert [p for p in problems_of(portal, committee) if p.rule.startswith(("committee", "review"))] == []


def test_lapse_warns_before_the_committee_could_not_approve_anything(portal) -> None:
    committee = ("committee:\n  on_term_end: lapse\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2026-12-15}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2026-12-15}\n"
                 "    - {handle: farid, role: moderator, from: 2026-01-10, to: 2028-12-31}\n")
    found = {p.rule: p for p in problems_of(portal, committee)}
    assert "the seat then lapses (committee.on_term_end: lapse)" in found["committee-term-end"].message
    assert found["review-quorum"].message == ("from 2026-12-16 (24 days) the committee could not approve a change to "
                                              "articles: it needs 2 approvals and 1 member(s) will be in office")
    assert found["review-quorum"].severity == "warning"
    holdover = committee.replace("on_term_end: lapse", "on_term_end: holdover")
    assert [p.rule for p in problems_of(portal, holdover) if p.rule == "review-quorum"] == []


@pytest.mark.parametrize(("committee", "rule", "line", "field", "message"), [
    ("    - {handle: amelie, role: moderator, from: 2026-01-10, to: 2026-12-31}\n"
     "    - {handle: amelie, role: member, from: 2026-06-01, to: 2027-06-30}\n",
     "committee-seat", 2, "committee.members[1]", "amelie already holds committee.members[0] on those days"),
    ("    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2026-12-31}\n"
     "    - {handle: elise, role: editor-in-chief, from: 2026-12-01, to: 2027-06-30}\n",
     "committee-seat", 2, "committee.members[1]", "two editors-in-chief at once"),
    ("    - {handle: amelie, role: editor-in-chief, from: 2026-12-31, to: 2026-01-01}\n",
     "committee-term", 1, "committee.members[0].to", "the term ends (2026-01-01) before it starts (2026-12-31)"),
    ("    - {handle: amelie, role: editor-in-chief, from: 2027-01-10}\n",
     "review-quorum", 0, "committee.members", "nobody is in office today"),
])
def test_bad_committees_are_errors_with_their_line(portal, committee, rule, line, field, message) -> None:
    head = "committee:\n  members:\n"
    found = [p for p in problems_of(portal, head + committee) if p.rule == rule]
    assert found, [(p.rule, p.message) for p in problems_of(portal, head + committee)]
    problem = found[0]
    first = len(MINIMAL_CONFIG.splitlines()) + 3  # the line of the first seat
    assert (problem.path, problem.field, problem.severity) == ("site_config.yaml", field, "error")
    assert problem.line == (first + line - 1 if line else len(MINIMAL_CONFIG.splitlines()) + 1)
    assert message in problem.message


def test_governance_no_committee_can_meet_is_refused(portal) -> None:
    committee = ("committee:\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2028-12-31}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2028-12-31}\n"
                 "review:\n  governance: 3\n")
    [problem] = [p for p in problems_of(portal, committee) if p.rule == "review-quorum"]
    assert problem.severity == "error" and problem.field == "review.governance"  # no warning on top
    assert problem.line == len(MINIMAL_CONFIG.splitlines()) + 6
    assert "not even the one that fixes this" in problem.message and problem.hint == "write 'majority', or lower the number"


def test_term_limits_are_checked(portal) -> None:
    committee = ("committee:\n  max_consecutive_terms: {editor-in-chief: 2}\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2022-01-01, to: 2023-12-31}\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2024-01-10, to: 2025-12-31}\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2026-01-01, to: 2028-12-31}\n")
    [problem] = [p for p in problems_of(portal, committee) if p.rule == "committee-term-limit"]
    assert problem.field == "committee.members[2]" and problem.severity == "error"
    assert "amelie's term number 3 in a row as editor-in-chief; committee.max_consecutive_terms allows 2" in problem.message
    spaced = committee.replace("from: 2026-01-01", "from: 2026-03-01")  # a gap of two months: a new run
    assert [p for p in problems_of(portal, spaced) if p.rule == "committee-term-limit"] == []


def test_conflicts_must_name_members(portal) -> None:
    article = "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo]\nconflicts: [amelie, amelei]\n---\nText.\n"
    found = [p for p in problems_of(portal, COMMITTEE, files={"content/articles/velo.md": article})
             if p.rule == "conflicts"]
    assert [(p.path, p.line, p.field, p.severity) for p in found] == [
        ("content/articles/velo.md", 5, "conflicts[1]", "error")]
    assert (found[0].message, found[0].hint) == ("'amelei' is not a member of the committee", "did you mean 'amelie'?")


def test_an_unknown_role_is_an_error_with_its_line(portal) -> None:
    root = portal(PROFILES, config=MINIMAL_CONFIG + "committee:\n  members:\n"
                                                    "    - {handle: amelie, role: chief, from: 2026-01-10}\n")
    result = agora("--root", str(root), "check", "--now", NOW)
    assert result.exit_code == 2  # a configuration that cannot be read: nothing else is checked
    line = len(MINIMAL_CONFIG.splitlines()) + 3
    assert f"site_config.yaml:{line}" in result.output and "committee.members[0].role" in result.output


@pytest.mark.parametrize(("path", "text", "who", "what"), [
    ("content/interviews/atelier.md",
     "---\ntitle: L'atelier\ndate: 2026-11-01\nauthors: [hugo]\ninterviewers: [hugo, farid]\n"
     "interviewee:\n  name: Nadia\n---\n## Pourquoi ?\n\nParce que.\n", "farid", "as an interviewer"),
    ("content/events/cafe.md",
     "---\ntitle: Café\ndate: 2026-11-01\nauthors: [hugo]\norganizers: [farid]\nstart: \"2026-12-09T18:30\"\n---\nVenez.\n",
     "farid", "as an organiser"),
])
def test_every_credit_a_change_adds_needs_its_members_consent(tmp_path, path, text, who, what) -> None:
    reviews = [approve("amelie-durand", 1), approve("elise-b", 2), approve("chloe-n", 3)]
    code, decision, rendered = replay(tmp_path, lambda root: write(root, path, text), reviews, [path])
    assert code == 1 and decision["missing_consents"] == [who], rendered
    assert what in rendered
    code, decision, _ = replay(tmp_path / "2", lambda root: write(root, path, text),
                               [*reviews, approve("farid-h", 4)], [path])
    assert code == 0 and "farid" not in decision["approved"]  # his approval is his consent, never a review


def test_the_committee_page_says_who_holds_over(portal) -> None:
    import html5lib
    from conftest import spoken_text

    from agorapress.build.pipeline import build

    committee = ("committee:\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2025-01-10, to: 2026-10-31}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2028-12-31}\n")
    root = portal(PROFILES, config=MINIMAL_CONFIG + committee)
    out = build(root, root / "output", now=datetime.fromisoformat(NOW)).output
    doc = html5lib.parse((out / "committee" / "index.html").read_bytes(), namespaceHTMLElements=False)
    seats = [spoken_text(li) for li in doc.iterfind(".//li[@class='seat seat-current']")]
    assert len(seats) == 2
    # The portal speaks French.
    assert seats[0] == ("Amelie — Rédaction en chef, du 10 janvier 2025 au 31 octobre 2026 (mandat échu : en fonction "
                        "jusqu'à l'entrée en fonction d'un·e successeur·e)")
    assert "mandat échu" not in seats[1]
    assert spoken_text(doc.find(".//p[@id='continuity']")).startswith("Quand un mandat prend fin, la personne reste")


def test_a_bad_record_is_an_error_with_its_line(portal) -> None:
    record = ("decisions:\n"
              "  - pr: 3\n    outcome: merged\n    opened: 2026-11-10T09:00:00Z\n    decided: 2026-11-09T09:00:00Z\n"
              "    approved_by: [amelie, amelei]\n    files: []\n"
              "  - pr: 3\n    outcome: withdrawn\n    opened: 2026-11-10T09:00:00Z\n    decided: 2026-11-12T09:00:00Z\n")
    found = [(p.path, p.line, p.field, p.message) for p in problems_of(portal, COMMITTEE,
                                                                        files={"committee/record.yaml": record})
             if p.path == "committee/record.yaml"]
    assert found == [
        ("committee/record.yaml", 2, "decisions[0].decided", "decided (2026-11-09T09:00:00+00:00) before it was opened"),
        ("committee/record.yaml", 8, "decisions[1].pr", "pull request #3 is already recorded (decisions[0])"),
    ]
    unknown = record.replace("decided: 2026-11-09", "decided: 2026-11-11").replace("  - pr: 3\n    outcome: withdrawn",
                                                                                    "  - pr: 4\n    outcome: withdrawn")
    found = [(p.line, p.field, p.message, p.hint) for p in problems_of(portal, COMMITTEE,
                                                                       files={"committee/record.yaml": unknown})
             if p.path == "committee/record.yaml"]
    assert found == [(6, "decisions[0].approved_by[1]", "'amelei' never sat on the committee", "did you mean 'amelie'?")]
    typo = unknown.replace("outcome: merged", "outcome: merge")
    [problem] = [p for p in problems_of(portal, COMMITTEE, files={"committee/record.yaml": typo})
                 if p.path == "committee/record.yaml"]
    assert (problem.line, problem.field, problem.severity) == (3, "decisions[0].outcome", "error")


def test_record_command_appends_once(portal) -> None:
    root = portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)
    args = ["--root", str(root), "committee", "record", "--pr", "12", "--outcome", "merged", "--opened",
            "2026-11-10T09:00:00+01:00", "--decided", "2026-11-12T18:00:00+01:00", "--approved-by", "amelie",
            "--approved-by", "elise", "--file", "content/articles/velo.md"]
    assert agora(*args).output == "committee/record.yaml: pull request #12 recorded\n"
    assert agora(*args).output == "committee/record.yaml: pull request #12 was already recorded\n"
    text = (root / "committee" / "record.yaml").read_text(encoding="utf-8")
    assert text.endswith("decisions:\n  - pr: 12\n    outcome: merged\n    opened: 2026-11-10T08:00:00Z\n"
                         "    decided: 2026-11-12T17:00:00Z\n    approved_by: [\"amelie\", \"elise\"]\n"
                         "    files: [\"content/articles/velo.md\"]\n")
    assert [p for p in problems_of(portal, COMMITTEE) if p.path == "committee/record.yaml"] == []
    bad = agora("--root", str(root), "committee", "record", "--pr", "13", "--outcome", "merged", "--opened",
                "2026-11-10T09:00:00", "--decided", "2026-11-12T18:00:00+01:00")
    assert bad.exit_code == 2 and "give a time zone offset" in bad.output


def test_the_pull_request_report_carries_the_warning(portal, tmp_path) -> None:
    committee = ("committee:\n  members:\n"
                 "    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2026-12-15}\n"
                 "    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2028-12-31}\n")
    root = portal(PROFILES, config=MINIMAL_CONFIG + committee)
    result = agora("--root", str(root), "check", "--now", NOW, "--report", str(tmp_path / "report.md"))
    assert result.exit_code == 0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "committee-term-end" in report
    assert "amelie's term as editor-in-chief ends on 2026-12-15, within 30 days (23 left)" in report

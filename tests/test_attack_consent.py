"""Quoting a member without their consent: an interview that quotes bob (interviewee.handle) could have its answers
rewritten by its interviewer, or by the committee, and `agora check`/`agora review` asked bob nothing, since his
credit did not change. The words of a member quoted as the interviewee change only with their consent."""

from __future__ import annotations

from pathlib import Path

from test_consent import consents
from test_pr_checks import pull_request, write

from agorapress.committee.consent import needed_consents

INTERVIEW = ("---\ntitle: Meeting Carol\ndate: 2026-01-10\nauthors: [bob]\ninterviewee:\n  name: Carol Roy\n  handle: carol\n"
             "  role: {role}\ninterviewers: [bob]\n---\n## Why do you repair?\n\n{answer}\n")
BASE = {"content/interviews/meeting-carol.md": INTERVIEW.format(role="Repairer", answer="Because it is fun.")}


def test_rewriting_the_answers_of_a_member_needs_their_consent(tmp_path: Path) -> None:
    def change(repo: Path) -> None:
        write(repo, "content/interviews/meeting-carol.md",
              INTERVIEW.format(role="Repairer", answer="Because I hate the committee."))

    assert consents(pull_request(tmp_path, change, BASE), "bob-m") == [
        ("content/interviews/meeting-carol.md", 7, "interviewee.handle",
         "changes what 'carol' is quoted as saying: carol's consent is needed")]


def test_the_interviewee_edits_their_own_answers_freely_and_other_fields_need_nobody() -> None:
    before = INTERVIEW.format(role="Repairer", answer="Because it is fun.")
    after = INTERVIEW.format(role="Repairer", answer="Because it is fun!")
    path = "content/interviews/meeting-carol.md"
    assert needed_consents([path], {path: before}.get, {path: after}.get, ["carol"], lambda kind, slug: None) == []
    retitled = before.replace("title: Meeting Carol", "title: Meeting Carol Roy")
    assert needed_consents([path], {path: before}.get, {path: retitled}.get, ["bob"], lambda kind, slug: None) == []

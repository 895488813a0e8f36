"""`agora review` waits for consent: every member a pull request credits, quotes or takes a credit from must approve
its latest commit (or have opened it), and that approval never counts toward the quorum. The decision on a table of
cases, then the command on real git repositories."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from test_committee import HEAD, LOGINS, NOW, OLD, TODAY, config_of, r, review_repo, write
from workflow_steps import git

from agorapress.cli import main
from agorapress.committee.consent import Consent
from agorapress.committee.quorum import decide, parse_reviews

ARTICLE = "content/articles/velo.md"
CHLOE = Consent("chloe", ARTICLE, 4, "authors[1]", "credits 'chloe' as a co-author", "remove them")
GAELLE = Consent("gaelle", ARTICLE, 4, "authors[2]", "credits 'gaelle' as a co-author", "remove them")
QUORUM = [r("elise-b", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2)]


def decision_for(reviews: list[dict], consents: list[Consent], author: str = "hugo-l", head: str | None = HEAD):
    return decide(config_of(), LOGINS, TODAY, author, [ARTICLE], parse_reviews(reviews), head, {}, consents)


def states(decision) -> list[tuple[str, bool, str]]:
    return [(state.handle, state.given, state.why) for state in decision.consents]


def test_the_quorum_alone_is_not_enough_without_the_consent_of_whom_it_credits() -> None:
    waiting = decision_for(QUORUM, [CHLOE])
    assert waiting.approved == ["amelie", "elise"] and waiting.missing == 0
    assert not waiting.met
    assert states(waiting) == [("chloe", False, "has not approved the pull request")]
    assert waiting.reasons == ["consent of chloe (@chloe-n) missing: credits 'chloe' as a co-author in "
                               "content/articles/velo.md (authors[1]); chloe has not approved the pull request"]
    assert "chloe" not in waiting.could_review  # a member the change credits cannot be one of its judges

    given = decision_for([*QUORUM, r("chloe-n", "APPROVED", minute=3)], [CHLOE])
    assert given.met and given.reasons == []
    assert states(given) == [("chloe", True, "approved the latest commit")]
    # Her approval is her consent, not a committee approval (recusal).
    assert given.approved == ["amelie", "elise"]
    assert dict(given.not_counted) == {"chloe-n": "chloe's consent is needed (credits 'chloe' as a co-author): their "
                                                  "approval is that consent, not a committee approval"}


def test_a_consent_does_not_make_a_quorum() -> None:
    decision = decision_for([r("elise-b", "APPROVED", minute=1), r("chloe-n", "APPROVED", minute=2)], [CHLOE])
    assert not decision.met and decision.approved == ["elise"] and states(decision)[0][1] is True
    assert decision.reasons == ["1 of 2 approvals (articles needs 2 approvals)"]


def test_a_member_who_is_not_on_the_committee_consents_by_approving_too() -> None:
    decision = decision_for([*QUORUM, r("Gaelle-P", "APPROVED", minute=3)], [GAELLE])
    assert decision.met and states(decision) == [("gaelle", True, "approved the latest commit")]
    assert dict(decision.not_counted)["Gaelle-P"] == "gaelle is not on the committee"


def test_only_an_approval_of_the_latest_commit_is_consent() -> None:
    cases = {
        "stale": ([r("chloe-n", "APPROVED", OLD, 3)], HEAD,
                  f"approved {OLD[:7]}, not the latest commit {HEAD[:7]}: approve again"),
        "refused": ([r("chloe-n", "CHANGES_REQUESTED", minute=3)], HEAD, "requested changes"),
        "withdrawn": ([r("chloe-n", "APPROVED", minute=3), r("chloe-n", "DISMISSED", minute=4)], HEAD,
                      "has not approved the pull request"),
        "commented": ([r("chloe-n", "COMMENTED", minute=3)], HEAD, "has not approved the pull request"),
        "no head": ([r("chloe-n", "APPROVED", minute=3)], None, "the pull request's latest commit is not known (--head)"),
    }
    for case, (extra, head, why) in cases.items():
        decision = decision_for([*QUORUM, *extra], [CHLOE], head=head)
        assert not decision.met, case
        assert states(decision) == [("chloe", False, why)], case
    assert decision_for([*QUORUM, r("chloe-n", "CHANGES_REQUESTED", minute=3)], [CHLOE]).blocking == ["chloe"]


def test_the_author_consents_by_opening_and_nobody_for_a_handle_without_a_profile() -> None:
    hugo = Consent("hugo", ARTICLE, 4, "authors[0]", "credits 'hugo' as a co-author", "remove them")
    zoe = Consent("zoe", ARTICLE, 4, "authors[3]", "credits 'zoe' as a co-author", "remove them")
    decision = decision_for([*QUORUM, r("zoe", "APPROVED", minute=3)], [hugo, zoe], author="HUGO-L")
    assert states(decision) == [("hugo", True, "opened the pull request"),
                                ("zoe", False, "has no profile at the base: nobody can consent for them")]
    assert not decision.met


def test_the_decision_does_not_depend_on_the_order_of_reviews_or_consents() -> None:
    reviews = [*QUORUM, r("chloe-n", "APPROVED", minute=3), r("gaelle-p", "APPROVED", OLD, 4)]
    expected = decision_for(reviews, [CHLOE, GAELLE]).as_dict()
    for seed in range(5):
        shuffled, consents = list(reviews), [CHLOE, GAELLE]
        random.Random(seed).shuffle(shuffled)
        random.Random(seed).shuffle(consents)
        assert decision_for(shuffled, consents).as_dict() == expected


# --- the command ----------------------------------------------------------------------------------------------

VELO = "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo]\n---\nText.\n"


def review(repo: Path, tmp_path: Path, reviews: list[dict], *args: str):
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(reviews), encoding="utf-8")
    return CliRunner().invoke(main, ["--root", str(repo), "review", "--pr-author", "hugo-l", "--reviews", str(path),
                                     "--now", NOW.isoformat(), *args], catch_exceptions=False)


def test_agora_review_reads_whom_the_pull_request_credits_and_waits_for_them(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    head = review_repo(repo, lambda root: write(root, ARTICLE, VELO.replace("[hugo]", "[hugo, chloe]")))
    quorum = [r("elise-b", "APPROVED", head, 1), r("amelie-durand", "APPROVED", head, 2)]
    args = ("--changed", ARTICLE, "--head", head)

    waiting = review(repo, tmp_path, quorum, *args)
    assert waiting.exit_code == 1
    assert waiting.output.splitlines()[0] == "consent missing: 2 of 2 approval(s) counted, 0 of 1 consent(s) given"
    assert ("  consent of chloe (@chloe-n): credits 'chloe' as a co-author (content/articles/velo.md:4, authors[1]): "
            "missing, chloe has not approved the pull request") in waiting.output.splitlines()
    data = json.loads(review(repo, tmp_path, quorum, *args, "--format", "json").output)
    assert data["met"] is False and data["missing_consents"] == ["chloe"]
    assert data["consents"] == [{"handle": "chloe", "login": "chloe-n", "path": ARTICLE, "line": 4, "field": "authors[1]",
                                 "what": "credits 'chloe' as a co-author", "given": False,
                                 "why": "has not approved the pull request"}]

    met = review(repo, tmp_path, [*quorum, r("chloe-n", "APPROVED", head, 3)], *args)
    assert met.exit_code == 0, met.output
    assert met.output.splitlines()[0] == "quorum met: 2 of 2 approval(s) counted, 1 of 1 consent(s) given"


def test_agora_review_sees_a_credit_taken_away_and_a_board_topic_in_someone_elses_name(tmp_path: Path) -> None:
    shared = VELO.replace("[hugo]", "[hugo, elise]")
    board = "topics:\n  - id: velo\n    title: Vélo\n    section: articles\n    proposed_by: hugo\n"

    def change(root: Path) -> None:
        write(root, ARTICLE, VELO + "Alone now.\n")
        write(root, "content/board.yaml", board + "  - id: seeds\n    title: Seeds\n    section: articles\n"
                                                  "    proposed_by: farid\n    claimed_by: hugo\n    status: claimed\n")

    repo = tmp_path / "repo"
    head = review_repo(repo, change, {ARTICLE: shared, "content/board.yaml": board})
    result = review(repo, tmp_path, [], "--changed", ARTICLE, "--changed", "content/board.yaml", "--head", head,
                    "--format", "json")
    assert [(c["handle"], c["field"], c["what"]) for c in json.loads(result.output)["consents"]] == [
        ("elise", "authors", "takes away the credit of 'elise' as an author"),
        ("farid", "topics[1].proposed_by", "says 'farid' proposed the board topic 'seeds'"),
    ]


def test_the_sender_of_a_text_consents_with_the_login_of_the_profile_the_pull_request_adds(tmp_path: Path) -> None:
    def send_a_text(root: Path) -> None:  # a "send a text" issue turned into files: ines's profile and her text
        write(root, "content/contributors/ines-karim.md", "---\nname: Inès Karim\ngithub: Ines-Karim\n---\nBio.\n")
        write(root, ARTICLE, VELO.replace("[hugo]", "[ines-karim]"))

    repo = tmp_path / "repo"
    head = review_repo(repo, send_a_text)
    quorum = [r("elise-b", "APPROVED", head, 1), r("chloe-n", "APPROVED", head, 2)]
    args = ("--changed", ARTICLE, "--changed", "content/contributors/ines-karim.md", "--head", head, "--format", "json")
    waiting = json.loads(review(repo, tmp_path, quorum, *args).output)
    assert waiting["missing_consents"] == ["ines-karim"] and waiting["consents"][0]["login"] == "Ines-Karim"
    given = review(repo, tmp_path, [*quorum, r("ines-karim", "APPROVED", head, 3)], *args)
    assert json.loads(given.output)["met"] is True and given.exit_code == 0


def test_with_base_the_committee_and_the_files_before_come_from_git_not_the_checkout(tmp_path: Path) -> None:
    seat = "    - {handle: gaelle, role: moderator, from: 2026-01-10}\n"

    def change(root: Path) -> None:
        write(root, ARTICLE, VELO.replace("[hugo]", "[hugo, gaelle]"))
        config = (root / "site_config.yaml").read_text(encoding="utf-8")  # the pull request seats gaelle itself
        write(root, "site_config.yaml", config.replace("committee:\n  members:\n", "committee:\n  members:\n" + seat))

    repo = tmp_path / "repo"
    head = review_repo(repo, change, {ARTICLE: VELO})
    git(repo, "checkout", "-q", "pr")  # the pull request's own files are checked out, as on a contributor's machine
    reviews = [r("elise-b", "APPROVED", head, 1), r("gaelle-p", "APPROVED", head, 2), r("farid-h", "APPROVED", head, 3),
               r("amelie-durand", "APPROVED", head, 4)]
    result = review(repo, tmp_path, reviews, "--changed", ARTICLE, "--changed", "site_config.yaml", "--head", head[:10],
                    "--base", "main", "--format", "json")
    data = json.loads(result.output)
    # gaelle sits on the committee only in the pull request: her approval is her consent, nothing more.
    assert [(c["handle"], c["given"]) for c in data["consents"]] == [("gaelle", True)]
    assert {entry["login"]: entry["why"] for entry in data["not_counted"]}["gaelle-p"] == "gaelle is not on the committee"
    assert data["approved"] == ["amelie", "elise", "farid"] and data["met"] is True and result.exit_code == 0


def test_the_pull_requests_files_must_be_readable(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    review_repo(plain, lambda root: None)
    result = review(plain, tmp_path, [], "--changed", ARTICLE, "--head", "abcdef1234")
    assert result.exit_code == 2
    assert ("error: the pull request's files at abcdef1234 cannot be read here, so nobody can tell whom it credits: run "
            "agora review in a clone that has the commit (git fetch origin abcdef1234), or with --github-event") in result.output
    missing = review(plain, tmp_path, [], "--changed", ARTICLE, "--head", "abcdef1234", "--base", "main")
    assert missing.exit_code == 2 and "--head abcdef1234: no such commit here" in missing.output
    head_only = review(plain, tmp_path, [], "--changed", ARTICLE)
    assert head_only.exit_code == 2 and "give --head SHA, the pull request's latest commit" in head_only.output

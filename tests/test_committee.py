"""The committee as code: terms, the rule on site_config.yaml, and the review quorum on a table of real review histories."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_portal
from workflow_steps import git

from agorapress import yamlstrict
from agorapress.cli import main
from agorapress.committee.quorum import area_of, decide, parse_reviews, people_in, requirements
from agorapress.committee.terms import current_members, former_terms, governance_needed, terms
from agorapress.config import Config
from agorapress.schema import validate
from agorapress.site import load_portal

TODAY = date(2026, 11, 22)
NOW = datetime.fromisoformat("2026-11-22T12:00:00+01:00")
HEAD = "c2" * 20
OLD = "c1" * 20

COMMITTEE = """\
committee:
  members:
    - {handle: amelie, role: editor-in-chief, from: 2026-01-10, to: 2026-12-31}
    - {handle: elise, role: section-editor, sections: [articles, interviews], from: 2026-01-10, to: 2026-12-31}
    - {handle: farid, role: section-editor, sections: [events], from: 2026-01-10, to: 2026-12-31}
    - {handle: chloe, role: moderator, from: 2026-01-10, to: 2026-12-31}
    - {handle: bastien, role: editor-in-chief, from: 2025-01-11, to: 2026-01-09}
    - {handle: ines, role: member, from: 2027-01-01}
review:
  approvals: {articles: 2, interviews: 2, events: 1, pages: 2, contributors: 1}
  governance: majority
"""
#: handle -> GitHub login, as the profiles give them (case differs on purpose: logins are case-insensitive).
LOGINS = {"amelie": "amelie-durand", "elise": "Elise-B", "farid": "farid-h", "chloe": "chloe-n",
          "bastien": "bastien-m", "ines": "ines-k", "hugo": "hugo-l", "gaelle": "gaelle-p"}


def config_of(text: str = MINIMAL_CONFIG + COMMITTEE) -> Config:
    config, problems = validate(Config, yamlstrict.load(text), "site_config.yaml", "config")
    assert config is not None, problems
    return config


def r(login: str | None, state: str, commit: str = HEAD, minute: int = 0, review_id: int | None = None) -> dict:
    """One review as GitHub's API lists it."""
    when = datetime(2026, 11, 20, 10, 0, tzinfo=UTC) + timedelta(minutes=minute)
    return {"id": review_id if review_id is not None else 1000 + minute, "user": {"login": login} if login else None,
            "state": state, "commit_id": commit, "body": "",
            "submitted_at": None if state == "PENDING" else when.isoformat().replace("+00:00", "Z")}


ARTICLE = ["content/articles/velo.md"]
EVENT = ["content/events/cafe.md"]

#: (case, PR author, changed files, reviews, head, people of items, met, approved, blocking, needed)
TABLE = [
    ("section editor and editor-in-chief approve an article", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2)], HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("one approval is not enough for an article", "hugo-l", ARTICLE,
     [r("Elise-B", "APPROVED", minute=1)], HEAD, {}, False, ["elise"], [], 2),
    ("an approval of an older commit does not count", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", OLD, 1), r("amelie-durand", "APPROVED", minute=2)], HEAD, {}, False, ["amelie"], [], 2),
    ("approving again after a push counts", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", OLD, 1), r("elise-b", "APPROVED", HEAD, 5), r("amelie-durand", "APPROVED", minute=2)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("an abbreviated --head matches", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2)], HEAD[:7], {},
     True, ["amelie", "elise"], [], 2),
    ("without a head no approval counts", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", OLD, 1), r("amelie-durand", "APPROVED", minute=2)], None, {}, False, [], [], 2),
    ("the author's own approval never counts", "amelie-durand", ARTICLE,
     [r("amelie-durand", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["elise"], [], 2),
    ("the author is recognised whatever the case of the login", "AMELIE-DURAND", ARTICLE,
     [r("amelie-durand", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2), r("chloe-n", "APPROVED", minute=3)],
     HEAD, {}, True, ["elise", "chloe"], [], 2),
    ("a dismissed approval is withdrawn", "hugo-l", ARTICLE,
     [r("elise-b", "DISMISSED", minute=1), r("amelie-durand", "APPROVED", minute=2)], HEAD, {}, False, ["amelie"], [], 2),
    ("a later dismissed approval withdraws the earlier one too", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", OLD, 1), r("elise-b", "DISMISSED", HEAD, 3), r("amelie-durand", "APPROVED", minute=2)],
     HEAD, {}, False, ["amelie"], [], 2),
    ("a dismissed request for changes no longer blocks", "hugo-l", ARTICLE,
     [r("chloe-n", "DISMISSED", minute=1), r("elise-b", "APPROVED", minute=2), r("amelie-durand", "APPROVED", minute=3)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("changes requested, then approved", "hugo-l", ARTICLE,
     [r("elise-b", "CHANGES_REQUESTED", OLD, 1), r("elise-b", "APPROVED", HEAD, 4), r("amelie-durand", "APPROVED", minute=5)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("approved, then changes requested: blocks", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2), r("elise-b", "CHANGES_REQUESTED", minute=3)],
     HEAD, {}, False, ["amelie"], ["elise"], 2),
    ("a request for changes on an older commit still blocks", "hugo-l", ARTICLE,
     [r("chloe-n", "CHANGES_REQUESTED", OLD, 1), r("elise-b", "APPROVED", minute=2), r("amelie-durand", "APPROVED", minute=3)],
     HEAD, {}, False, ["amelie", "elise"], ["chloe"], 2),
    ("a comment after an approval does not withdraw it", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=1), r("elise-b", "COMMENTED", minute=2), r("amelie-durand", "APPROVED", minute=3)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("order of the list does not matter, submitted_at does", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=9), r("elise-b", "CHANGES_REQUESTED", minute=1), r("amelie-durand", "APPROVED", minute=3)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("pending reviews are not reviews yet", "hugo-l", ARTICLE,
     [r("elise-b", "PENDING"), r("amelie-durand", "APPROVED", minute=2)], HEAD, {}, False, ["amelie"], [], 2),
    ("a former member's approval does not count", "hugo-l", ARTICLE,
     [r("bastien-m", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["elise"], [], 2),
    ("a member whose term has not begun does not count", "hugo-l", ARTICLE,
     [r("ines-k", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["elise"], [], 2),
    ("a member without a seat does not count", "hugo-l", ARTICLE,
     [r("gaelle-p", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["elise"], [], 2),
    ("a stranger's request for changes does not block", "hugo-l", ARTICLE,
     [r("someone", "CHANGES_REQUESTED", minute=1), r("elise-b", "APPROVED", minute=2), r("amelie-durand", "APPROVED", minute=3)],
     HEAD, {}, True, ["amelie", "elise"], [], 2),
    ("a deleted account counts for nothing", "hugo-l", ARTICLE,
     [r(None, "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["elise"], [], 2),
    ("an author of the changed item cannot approve it", "hugo-l", ARTICLE,
     [r("elise-b", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2)], HEAD,
     {"content/articles/velo.md": {"hugo", "elise"}}, False, ["amelie"], [], 2),
    ("one approval is enough for an event", "hugo-l", EVENT,
     [r("farid-h", "APPROVED", minute=1)], HEAD, {}, True, ["farid"], [], 1),
    ("the strictest section rules: an event and an article", "hugo-l", EVENT + ARTICLE,
     [r("farid-h", "APPROVED", minute=1)], HEAD, {}, False, ["farid"], [], 2),
    ("governance needs a majority of the four current members", "hugo-l", ["site_config.yaml"],
     [r("amelie-durand", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2)], HEAD, {}, False, ["amelie", "elise"], [], 3),
    ("governance with three of four", "hugo-l", [".github/workflows/check.yml", "content/articles/velo.md"],
     [r("amelie-durand", "APPROVED", minute=1), r("elise-b", "APPROVED", minute=2), r("farid-h", "APPROVED", minute=3)],
     HEAD, {}, True, ["amelie", "elise", "farid"], [], 3),
    ("a member changing governance needs three others", "chloe-n", ["themes/agora/templates/base.html"],
     [r("chloe-n", "APPROVED", minute=1), r("amelie-durand", "APPROVED", minute=2), r("farid-h", "APPROVED", minute=3)],
     HEAD, {}, False, ["amelie", "farid"], [], 3),
    ("a profile needs one approval", "hugo-l", ["content/contributors/hugo.md"],
     [r("chloe-n", "APPROVED", minute=1)], HEAD, {}, True, ["chloe"], [], 1),
]


@pytest.mark.parametrize(("case", "author", "changed", "reviews", "head", "people", "met", "approved", "blocking", "needed"),
                         TABLE, ids=[row[0] for row in TABLE])
def test_quorum_table(case, author, changed, reviews, head, people, met, approved, blocking, needed) -> None:
    decision = decide(config_of(), LOGINS, TODAY, author, changed, parse_reviews(reviews), head, people)
    assert (decision.met, decision.approved, decision.blocking, decision.needed) == (met, approved, blocking, needed), case
    assert decision.met == (not decision.reasons)
    assert all(h not in decision.could_review for h in decision.approved + decision.blocking)


def test_why_each_review_was_not_counted() -> None:
    reviews = parse_reviews([
        r("bastien-m", "APPROVED", minute=1), r("ines-k", "APPROVED", minute=2), r("gaelle-p", "APPROVED", minute=3),
        r("someone", "CHANGES_REQUESTED", minute=4), r("hugo-l", "APPROVED", minute=5), r("elise-b", "APPROVED", OLD, 6),
    ])
    decision = decide(config_of(), LOGINS, TODAY, "hugo-l", ARTICLE, reviews, HEAD)
    assert dict(decision.not_counted) == {
        "bastien-m": "bastien is a former member (term ended 2026-01-09)",
        "ines-k": "ines's term begins 2027-01-01",
        "gaelle-p": "gaelle is not on the committee",
        "someone": "no profile has this GitHub login: not on the committee; their request for changes does not block",
        "hugo-l": "the author of the pull request",
        "elise-b": f"approved {OLD[:7]}, not the latest commit {HEAD[:7]}: approve again",
    }
    assert decision.stale == ["elise"]
    # Who could still approve: the section's owners first (elise, then the editor-in-chief), then the others.
    assert decision.could_review == ["elise", "amelie", "chloe", "farid"]
    assert decision.missing == 2
    assert decision.reasons == ["0 of 2 approvals (articles needs 2 approvals)"]


def test_a_quorum_nobody_can_reach_says_so() -> None:
    # Three of four needed; the author and the item's two other authors are members: one member is left.
    decision = decide(config_of(), LOGINS, TODAY, "amelie-durand", ["site_config.yaml", "content/articles/velo.md"], [], HEAD,
                      {"content/articles/velo.md": {"amelie", "elise", "farid"}})
    assert decision.could_review == ["chloe"]
    assert "only 1 current member(s) may approve it" in decision.reasons[1]


def test_areas_and_requirements() -> None:
    assert [area_of(p) for p in ["content/articles/a.md", "./content/events/e.md", "content/media/x.png", "content/board.yaml",
                                 "content/contributors/ana.md", "content/pages/about.md", "site_config.yaml",
                                 ".github/CODEOWNERS",
                                 "content/notes.md", "content/unknown/x.md", "README.md"]] == [
        "articles", "events", "media", "board", "contributors", "pages", "governance", "governance",
        "governance", "governance", "governance"]
    reqs = requirements(config_of(), TODAY, ["site_config.yaml", "content/media/a.png", "content/events/e.md"])
    assert [(q.area, q.needed, q.rule) for q in reqs] == [
        ("events", 1, "1 approval"),
        ("media", 2, "2 approvals (no rule of its own: the strictest section's)"),
        ("governance", 3, "a majority of the 4 members of the committee (3)"),
    ]


def test_people_of_changed_files() -> None:
    text = "---\ntitle: T\ndate: 2026-01-01\nauthors: [hugo, elise]\norganizers: [farid]\n---\nBody\n"
    assert people_in("content/events/e.md", text) == {"hugo", "elise", "farid"}
    assert people_in("content/contributors/chloe.md", None) == {"chloe"}
    assert people_in("content/articles/gone.md", None) == set()
    assert people_in("site_config.yaml", "authors: [x]") == set()


@pytest.mark.parametrize(("data", "message"), [
    ({}, "expected a JSON list of reviews"),
    ([{"state": "LGTM", "user": {"login": "a"}}], "reviews[0].state: expected one of"),
    ([{"state": "APPROVED", "user": {}}], "reviews[0].user.login: missing"),
    ([{"state": "APPROVED", "user": {"login": "a"}, "submitted_at": "yesterday"}], "not an ISO date-time"),
])
def test_malformed_reviews_are_refused(data, message) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_reviews(data)


def test_terms_at_a_date() -> None:
    config = config_of()
    assert current_members(config, TODAY) == ["amelie", "elise", "farid", "chloe"]
    assert [t.handle for t in former_terms(config, TODAY)] == ["bastien"]
    assert current_members(config, date(2025, 6, 1)) == ["bastien"]
    # Holdover (the default): nobody succeeded them, so the members of 2026 stay in office with ines.
    assert current_members(config, date(2027, 1, 1)) == ["amelie", "elise", "farid", "chloe", "ines"]
    assert {t.handle for t in terms(config, date(2027, 1, 1)) if t.status == "holdover"} == {"amelie", "elise", "farid", "chloe"}
    lapse = config_of(MINIMAL_CONFIG + COMMITTEE.replace("committee:\n", "committee:\n  on_term_end: lapse\n"))
    assert current_members(lapse, date(2027, 1, 1)) == ["ines"]
    assert [t.status for t in terms(config, date(2026, 1, 9)) if t.handle == "bastien"] == ["current"]
    assert governance_needed(config, TODAY) == 3


# --- the rule on site_config.yaml ----------------------------------------------------------------------------

PROFILES = {f"content/contributors/{h}.md": f"---\nname: {h.title()}\ngithub: {login}\n---\nBio.\n"
            for h, login in LOGINS.items()}


def test_the_committee_rule_names_line_and_field(portal) -> None:
    config = MINIMAL_CONFIG + """\
committee:
  members:
    - handle: amelie
      role: editor-in-chief
      from: 2026-01-10
    - handle: elize
      role: section-editor
      sections: [articles, agenda]
      from: 2026-01-10
    - handle: farid
      role: moderator
      sections: [events]
      from: 2026-12-31
      to: 2026-01-01
    - handle: chloe
      role: section-editor
      from: 2026-01-10
review:
  approvals:
    articles: 2
    artcles: 1
    events: 9
"""
    root = portal(PROFILES, config=config)
    problems = [(p.line, p.rule, p.field, p.severity) for p in load_portal(root, now=NOW).problems
                if p.path == "site_config.yaml"]
    assert problems == [
        (11, "committee-member", "committee.members[1].handle", "error"),
        (13, "committee-section", "committee.members[1].sections[1]", "error"),
        (17, "committee-section", "committee.members[2].sections", "warning"),
        (19, "committee-term", "committee.members[2].to", "error"),
        (21, "committee-section", "committee.members[3].sections", "error"),
        (26, "review-section", "review.approvals.artcles", "error"),
        (27, "review-quorum", "review.approvals.events", "warning"),
    ]
    texts = load_portal(root, now=NOW).problems.render()
    assert "'elize' has no profile (did you mean 'elise'?)" in texts
    assert "'artcles' is not a folder of content/ (did you mean 'articles'?)" in texts


def test_the_demo_committee_is_valid() -> None:
    from conftest import REPO

    if not (REPO / "content" / "contributors").is_dir():
        pytest.skip("the demo content is not there yet")
    problems = [p for p in load_portal(REPO, now=NOW).problems if p.rule.startswith(("committee", "review"))]
    assert problems == []


# --- agora review ----------------------------------------------------------------------------------------------


@pytest.fixture
def review_portal(portal):
    return portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)


def review_repo(root: Path, change, base_files: dict[str, str] | None = None) -> str:
    """A git repository at `root`: main holds the portal (and `base_files`), a branch 'pr' the commit `change`
    makes; the base is checked out again, as the quorum workflow does. Returns the pull request's head."""
    write_portal(root, {**PROFILES, **(base_files or {})}, config=MINIMAL_CONFIG + COMMITTEE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The portal")
    git(root, "checkout", "-q", "-b", "pr")
    change(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "A contribution")
    head = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")
    return head


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


VELO = "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo]\n---\nText.\n"


def agora(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_review_command_exit_codes_and_output(tmp_path) -> None:
    repo = tmp_path / "repo"
    head = review_repo(repo, lambda root: write(root, "content/articles/velo.md", VELO))
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([r("elise-b", "APPROVED", head, minute=1)]), encoding="utf-8")
    base = ["--root", str(repo), "review", "--pr-author", "hugo-l", "--changed", "content/articles/velo.md",
            "--reviews", str(reviews), "--head", head, "--now", NOW.isoformat()]
    result = agora(*base)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "quorum not met: 1 of 2 approval(s) counted"
    assert "still needed: 1 more approval(s), from: amelie (@amelie-durand), chloe (@chloe-n), farid (@farid-h)" in result.output

    reviews.write_text(json.dumps([r("elise-b", "APPROVED", head, 1), r("amelie-durand", "APPROVED", head, 2)]),
                       encoding="utf-8")
    assert agora(*base).exit_code == 0
    data = json.loads(agora(*base, "--format", "json").output)
    assert data["met"] is True and data["approved"] == ["amelie", "elise"] and data["missing"] == 0

    summary = tmp_path / "summary.md"
    result = agora(*base, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.output.startswith("::notice title=quorum met::quorum met: 2 of 2 approval(s) counted")
    assert summary.read_text(encoding="utf-8").startswith("### ✅ quorum met")


def test_review_command_reads_the_authors_of_changed_items(tmp_path) -> None:
    # The item at the base (checked out, as in CI) is elise's: her approval does not count.
    shared = VELO.replace("[hugo]", "[hugo, elise]")
    repo = tmp_path / "repo"
    head = review_repo(repo, lambda root: write(root, "content/articles/velo.md", shared + "More.\n"),
                       {"content/articles/velo.md": shared})
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([r("elise-b", "APPROVED", head, 1), r("amelie-durand", "APPROVED", head, 2)]),
                       encoding="utf-8")
    result = agora("--root", str(repo), "review", "--pr-author", "hugo-l", "--changed", "content/articles/velo.md",
                   "--reviews", str(reviews), "--head", head, "--now", NOW.isoformat())
    assert result.exit_code == 1
    assert "not counted: elise-b: elise is among the people of content/articles/velo.md" in result.output


@pytest.mark.parametrize("args", [
    [],  # nothing to decide on
    ["--pr-author", "hugo-l", "--changed", "content/articles/velo.md"],  # no reviews
    ["--pr-author", "hugo-l", "--changed", "content/articles/velo.md", "--reviews", "{bad}", "--head", HEAD],
    ["--pr-author", "hugo-l", "--changed", "content/articles/velo.md", "--reviews", "{good}"],  # no head
    ["--pr-author", "hugo-l", "--changed", "content/articles/velo.md", "--reviews", "{good}", "--head", "main"],
    ["--pr-author", "hugo-l", "--changed", "content/articles/velo.md", "--reviews", "{good}", "--head", HEAD,
     "--base=--upload-pack=evil"],
])
def test_review_command_usage_errors_exit_2(review_portal, tmp_path, args) -> None:
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text("[{\"state\": \"MAYBE\"}]", encoding="utf-8")
    good.write_text("[]", encoding="utf-8")
    files = {"{bad}": str(bad), "{good}": str(good)}
    result = agora("--root", str(review_portal), "review", *[files.get(a, a) for a in args])
    assert result.exit_code == 2

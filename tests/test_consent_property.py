"""Generated pull requests that credit, quote or un-credit members through any field (authors, organisers,
interviewers, the interviewee, a translation's original, the board), with handles in any case and YAML spelling and
authors whose login may be a member's in another case or a look-alike: `agora check` names exactly the members
whose consent is needed, the report lists them, and `agora review` is met with their approvals and not without."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_portal
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from workflow_steps import git

from agorapress.cli import main

NOW = "2026-06-01T12:00:00+02:00"
#: Members a pull request may credit or be opened by (handle -> GitHub login).
MEMBERS = {"ana": "ana-l", "bob": "bob-m", "carol": "carol-r", "dan": "dan-n"}
#: Committee members no generated pull request names: their approvals make the quorum.
JUDGES = {"jo": "jo-p", "kim": "kim-s"}
CONFIG = MINIMAL_CONFIG + """\
committee:
  members:
    - {handle: ana, role: editor-in-chief, from: 2026-01-01}
    - {handle: jo, role: moderator, from: 2026-01-01}
    - {handle: kim, role: member, from: 2026-01-01}
review:
  approvals: {articles: 2, interviews: 2, events: 2, pages: 2, contributors: 1}
"""
KINDS = {"articles": ("authors",), "events": ("authors", "organizers"), "interviews": ("authors", "interviewers", "interviewee")}
BASE_ITEMS = {"articles": "shared", "events": "meetup", "interviews": "talk"}
BOARD = "content/board.yaml"

handles = st.sampled_from(sorted(MEMBERS))


@st.composite
def credits(draw, kind: str, author: str) -> dict[str, list[str]]:
    """The people fields of an item of `kind` (authors never empty), the pull request's author most often."""
    who = st.one_of(st.just(author), handles)
    fields = {"authors": draw(st.lists(who, min_size=1, max_size=3, unique=True))}
    if "organizers" in KINDS[kind]:
        fields["organizers"] = draw(st.lists(who, max_size=2, unique=True))
    if "interviewers" in KINDS[kind]:
        fields["interviewers"] = draw(st.lists(who, max_size=2, unique=True))
        fields["interviewee"] = draw(st.lists(who, max_size=1))
    return fields


@st.composite
def spelled(draw, handle: str) -> str:
    """A handle as someone may write it: in another case, quoted (YAML reads them all as the same string)."""
    text = draw(st.sampled_from([handle, handle.upper(), handle.title()]))
    return draw(st.sampled_from([text, f'"{text}"', f"'{text}'"]))


@st.composite
def front_matter(draw, kind: str, title: str, fields: dict[str, list[str]], extra: str = "") -> str:
    lines = [f"title: {title}", "date: 2026-01-10"]
    for role in ("authors", "organizers", "interviewers"):
        if role in fields:
            names = [draw(spelled(h)) for h in fields[role]]
            block = draw(st.booleans()) and names
            lines.append(f"{role}:" + "".join(f"\n  - {n}" for n in names) if block else f"{role}: [{', '.join(names)}]")
    if kind == "events":
        lines.append("start: 2026-07-01T18:00:00")
    if kind == "interviews":
        lines.append("interviewee:\n  name: Someone")
        lines += [f"  handle: {draw(spelled(h))}" for h in fields.get("interviewee", [])]
    return "---\n" + "\n".join(lines) + f"\n{extra}---\n" + ("## Why?\n\nBecause.\n" if kind == "interviews" else "Text.\n")


def topic(topic_id: str, proposed: str, claimed: str | None) -> str:
    text = f"  - id: {topic_id}\n    title: T {topic_id}\n    section: articles\n    proposed_by: {proposed}\n"
    return text + (f"    claimed_by: {claimed}\n    status: claimed\n" if claimed else "")


@st.composite
def pull_requests(draw):
    """(base files, PR files (None: deleted), PR author handle or None, PR author login, the consents expected as
    (file, member))."""
    author = draw(handles)
    login_kind = draw(st.sampled_from(["same", "case", "lookalike"]))
    login = {"same": MEMBERS[author], "case": MEMBERS[author].upper(),
             "lookalike": MEMBERS[author].replace("a", "а", 1).replace("o", "0", 1)}[login_kind]
    if login == MEMBERS[author] and login_kind == "lookalike":  # no letter to swap: a login of its own
        login = MEMBERS[author] + "x"
    me = None if login_kind == "lookalike" else author

    base, pr, before, after = {}, {}, {}, {}
    for kind, slug in BASE_ITEMS.items():
        path = f"content/{kind}/{slug}.md"
        fields = draw(credits(kind, author))
        base[path], before[path] = draw(front_matter(kind, slug.title(), fields)), fields
        action = draw(st.sampled_from(["keep", "keep", "edit", "delete"]))
        if action == "edit":
            new = draw(credits(kind, author))
            pr[path], after[path] = draw(front_matter(kind, slug.title(), new)), new
        elif action == "delete":
            pr[path], after[path] = None, {}
    for index, kind in enumerate(draw(st.lists(st.sampled_from(sorted(KINDS)), max_size=2))):
        path = f"content/{kind}/new-{index}.md"
        fields = draw(credits(kind, author))
        pr[path], after[path], before[path] = draw(front_matter(kind, f"New {index}", fields)), fields, {}
    expected = set()
    if draw(st.booleans()):  # a translation of the shared article, by the author (or whom their login passes for)
        path = "content/articles/shared-en.md"
        pr[path] = draw(front_matter("articles", "Shared", {"authors": [author]}, "lang: en\ntranslation_of: shared\n"))
        before[path], after[path] = {}, {"authors": [author]}
        original = set(before["content/articles/shared.md"]["authors"])
        expected |= set() if me in original else {(path, h) for h in original}
    for path in after:
        old = {(role, h) for role, names in before[path].items() for h in names}
        new = {(role, h) for role, names in after[path].items() for h in names}
        expected |= {(path, h) for _, h in old ^ new}

    proposed, claimed = draw(handles), draw(st.one_of(st.none(), handles))
    base[BOARD] = "topics:\n" + topic("t1", proposed, claimed)
    board = draw(st.sampled_from(["keep", "keep", "add", "edit"]))
    if board == "add":
        new_proposed, new_claimed = draw(handles), draw(st.one_of(st.none(), handles))
        pr[BOARD] = base[BOARD] + topic("t2", new_proposed, new_claimed)
        expected |= {(BOARD, new_proposed)} | ({(BOARD, new_claimed)} if new_claimed else set())
    elif board == "edit":
        new_proposed, new_claimed = draw(handles), draw(st.one_of(st.none(), handles))
        pr[BOARD] = "topics:\n" + topic("t1", new_proposed, new_claimed)
        if new_proposed != proposed:
            expected |= {(BOARD, proposed), (BOARD, new_proposed)}
        if new_claimed != claimed:
            expected |= {(BOARD, h) for h in (claimed, new_claimed) if h}
    assume(pr)
    return base, pr, me, login, {(path, h) for path, h in expected if h != me}


def _repo(root: Path, base: dict, pr: dict) -> tuple[str, list[str]]:
    profiles = {f"content/contributors/{h}.md": f"---\nname: {h.title()} Member\ngithub: {login}\n---\nBio.\n"
                for h, login in {**MEMBERS, **JUDGES}.items() if h != "ana"}
    write_portal(root, {**profiles, **base}, config=CONFIG)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    for path, text in pr.items():
        if text is None:
            (root / path).unlink()
        else:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "pr")
    changed = git(root, "diff", "--name-only", "--no-renames", "main...pr").splitlines()
    return git(root, "rev-parse", "HEAD"), changed


def _review(root: Path, login: str, head: str, changed: list[str], approvers: list[str]) -> dict:
    reviews = [{"id": i, "user": {"login": who}, "state": "APPROVED", "commit_id": head,
                "submitted_at": f"2026-05-2{i % 10}T10:00:00Z"} for i, who in enumerate(approvers)]
    path = root.parent / "reviews.json"
    path.write_text(json.dumps(reviews), encoding="utf-8")
    args = ["--root", str(root), "review", "--pr-author", login, "--reviews", str(path), "--head", head, "--base", "main",
            "--now", NOW, "--format", "json"]
    for file in changed:
        args += ["--changed", file]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pull_requests())
def test_every_member_whose_consent_is_needed_is_named_and_awaited(case) -> None:
    base, pr, me, login, expected = case
    members = {h for _, h in expected}
    event(f"{len(members)} member(s) must consent")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        head, changed = _repo(root, base, pr)
        assume(changed)  # an edit may write the same bytes again: then there is no pull request

        report = Path(tmp) / "report.md"
        result = CliRunner().invoke(main, ["--root", str(root), "check", "--now", NOW, "--pr-author", login, "--base", "main",
                                           "--format", "json", "--report", str(report)], catch_exceptions=False)
        named = {(p["path"], re.search(r": (\S+)'s consent is needed$", p["message"]).group(1))
                 for p in json.loads(result.stdout) if p["rule"] == "consent"}
        assert named == expected
        section = report.read_text(encoding="utf-8").split("## Consents needed\n\n")[1].split("\n## ")[0]
        assert set(re.findall(r"^- `([^`]+)`", section, re.MULTILINE)) == members

        judges = sorted(JUDGES.values())
        without = _review(root, login, head, changed, judges)
        assert without["met"] is (not members), without["reasons"]
        assert {(c["path"], c["handle"]) for c in without["consents"]} == expected
        assert set(without["missing_consents"]) == members
        consenting = [MEMBERS[h].upper() for h in sorted(members)]  # logins are case-insensitive
        assert _review(root, login, head, changed, judges + consenting)["met"] is True
        if members:
            missing = sorted(members)[0]
            partial = _review(root, login, head, changed, judges + consenting[1:])
            assert partial["met"] is False and partial["missing_consents"] == [missing]

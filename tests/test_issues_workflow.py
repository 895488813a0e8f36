"""issues.yml, through its own steps: an accepted "send a text" issue becomes a pushed branch and a pull request that
credits its author; an issue nobody on the committee accepted does nothing; a report goes to the moderators."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import yaml
from conftest import REPO, write_portal
from github_replay import github_replay
from workflow_steps import git, run_job

ISSUES_YML = REPO / ".github" / "workflows" / "issues.yml"
DEPLOY_YML = REPO / ".github" / "workflows" / "deploy.yml"
FIXTURE = Path(__file__).parent / "fixtures" / "issue-send-a-text.json"
CONFIG = """\
site:
  title: Mini
  description: A tiny portal.
  url: https://example.org/mini/
committee:
  members:
    - handle: ana
      role: editor-in-chief
      from: 2026-01-01
    - handle: carl
      role: moderator
      from: 2026-01-01
"""
CARL = "---\nname: Carl Weber\ngithub: carl-w\n---\nCarl moderates.\n"


def _repository(tmp_path: Path) -> tuple[Path, Path]:
    """The portal on main, pushed to a bare 'origin' as on GitHub."""
    repo = tmp_path / "portal"
    write_portal(repo, {"content/contributors/carl.md": CARL, "pyproject.toml": "[project]\nname = \"mini\"\nversion = \"0\"\n"},
                 config=CONFIG)
    shutil.copytree(REPO / ".github" / "workflows", repo / ".github" / "workflows")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The portal")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    return repo, origin


def _event(sender: str, label: str = "accepted") -> dict:
    event = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
    event["action"] = "labeled"
    event["label"] = {"name": label}
    event["sender"] = {"login": sender}
    event["issue"]["labels"] = [{"name": "submission"}, {"name": label}]
    return event


def _run(repo: Path, tmp_path: Path, api, event: dict, job: str = "prepare", values: dict | None = None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "event.json").write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    values = {"github.token": "a-token", "github.repository": "org/portal", **(values or {})}
    return run_job(ISSUES_YML, job, repo, values, tmp_path / "runner-temp",
                   {"GITHUB_EVENT_PATH": str(tmp_path / "event.json"), "GITHUB_API_URL": api.url})


def _accept(repo: Path, tmp_path: Path, api, event: dict):
    """The two jobs, as GitHub runs them: prepare (read-only) makes a commit; open, on a fresh checkout of main with
    the artifact downloaded, checks it and pushes it."""
    prepared = _run(repo, tmp_path / "prepare", api, event)
    assert not prepared.failed, prepared.stderr + prepared.stdout
    if "submission" not in prepared.uploads:
        return prepared, None
    git(repo, "checkout", "-q", "-f", "main")  # the open job's own checkout of the default branch
    (tmp_path / "open" / "runner-temp").mkdir(parents=True)
    shutil.copytree(prepared.uploads["submission"], tmp_path / "open" / "runner-temp" / "submission")
    outputs = {**prepared.outputs["accepted"], **{f"branch_{k}": v for k, v in prepared.outputs["branch"].items()}}
    needs = {"needs.prepare.outputs.number": outputs["number"], "needs.prepare.outputs.accepted_by": outputs["accepted_by"],
             "needs.prepare.outputs.item": outputs["branch_item"]}
    opened = _run(repo, tmp_path / "open", api, event, "open", needs)
    assert not opened.failed, opened.stderr + opened.stdout
    return prepared, opened


def test_an_accepted_issue_becomes_a_checked_branch_and_a_pull_request_crediting_its_author(tmp_path):
    repo, origin = _repository(tmp_path)
    number = json.loads(FIXTURE.read_text(encoding="utf-8"))["issue"]["number"]
    with github_replay() as api:
        api.answer("/repos/org/portal/collaborators/carl-w/permission", {"permission": "write"})
        api.answer(f"/repos/org/portal/issues/{number}/comments", [])
        result, _ = _accept(repo, tmp_path, api, _event("carl-w"))
        assert result.outputs["accepted"] == {"number": str(number), "accepted_by": "carl-w"}
        branch = f"submission/issue-{number}"
        assert git(origin, "rev-parse", "--verify", f"refs/heads/{branch}")
        # The branch, checked out afresh, passes agora check and credits the submitter (a profile proposed for them).
        fresh = tmp_path / "fresh"
        git(tmp_path, "clone", "-q", "-b", branch, str(origin), str(fresh))
        files = git(fresh, "diff", "--name-only", "origin/main", "HEAD").splitlines()
        item = next(f for f in files if f.startswith("content/articles/"))
        assert "content/contributors/ines-karim.md" in files
        meta = yaml.safe_load((fresh / item).read_text(encoding="utf-8").split("---")[1])
        assert meta["authors"] == ["ines-karim"]
        message = git(fresh, "log", "-1", "--format=%B")
        assert "Co-authored-by: Inès Karim <7700123+Ines-Karim@users.noreply.github.com>" in message
        checked = subprocess.run(["agora", "--root", str(fresh), "check"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        # The pull request is opened and the submitter told, on the issue.
        (pull, comment) = api.writes
        assert pull[:2] == ("POST", "/repos/org/portal/pulls") and pull[2]["head"] == branch and pull[2]["base"] == "main"
        assert comment[:2] == ("POST", f"/repos/org/portal/issues/{number}/comments")
        assert "pull request" in comment[2]["body"]
        assert f"<!-- agora-press:item {item} -->" in comment[2]["body"]

        # Merged and deployed: deploy.yml's announce job tells the submitter where the text is, and closes the issue.
        git(repo, "checkout", "-q", "main")
        git(repo, "merge", "-q", "--ff-only", branch)
        api.writes.clear()
        api.answer("/repos/org/portal/issues?labels=submission&state=open&per_page=100", [{"number": number}])
        api.answer(f"/repos/org/portal/issues/{number}/comments", [
            {"id": 1, "user": {"login": "mallory"}, "body": "<!-- agora-press:submission -->\n"
                                                            "<!-- agora-press:item content/articles/other.md -->"},
            {"id": 2, "user": {"login": "github-actions[bot]"}, "body": comment[2]["body"]}])
        deployed = run_job(DEPLOY_YML, "announce", repo, {"github.token": "t", "github.repository": "org/portal"},
                           tmp_path / "announce", {"GITHUB_API_URL": api.url})
        assert not deployed.failed, deployed.stderr
        slug = Path(item).stem
        ((method, path, said), closed) = api.writes
        assert (method, path) == ("POST", f"/repos/org/portal/issues/{number}/comments")
        assert f"https://example.org/mini/articles/{slug}/" in said["body"]
        assert closed == ("PATCH", f"/repos/org/portal/issues/{number}", {"state": "closed", "state_reason": "completed"})


def test_an_issue_nobody_on_the_committee_accepted_does_nothing(tmp_path):
    repo, origin = _repository(tmp_path)
    with github_replay() as api:
        api.answer("/repos/org/portal/collaborators/mallory/permission", {"permission": "read"})
        for name, event in (("mallory", _event("mallory")), ("other-label", _event("carl-w", label="wontfix")),
                            ("opened", {**_event("carl-w"), "action": "opened"})):
            result = _run(repo, tmp_path / name, api, event)
            assert not result.failed, result.stderr
            assert result.outputs["accepted"]["number"] == ""
            assert "Turn the issue into a commit" in result.skipped and result.uploads == {}
        assert api.writes == []
    assert git(origin, "branch", "--list") == "main"
    assert git(repo, "status", "--porcelain") == ""


def test_a_report_is_assigned_to_the_moderators(tmp_path):
    repo, _ = _repository(tmp_path)
    with github_replay() as api:
        event = {"action": "opened", "issue": {"number": 9, "labels": [{"name": "report"}], "body": "@everyone"}}
        result = _run(repo, tmp_path / "report", api, event, job="route")
        assert not result.failed, result.stderr
        assert api.writes == [("POST", "/repos/org/portal/issues/9/assignees", {"assignees": ["carl-w"]})]


def test_the_job_that_pushes_refuses_a_commit_outside_content(tmp_path):
    repo, origin = _repository(tmp_path)
    git(repo, "switch", "-q", "-c", "submission/issue-57")
    (repo / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (repo / "content" / "articles" / "fine.md").write_text("---\ntitle: Fine\ndate: 2026-01-10\nauthors: [ana]\n---\nHi.\n")
    (repo / ".github" / "workflows" / "deploy.yml").write_text("name: taken over\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A submission that is more than a text")
    bundle = tmp_path / "open" / "runner-temp" / "submission"
    bundle.mkdir(parents=True)
    git(repo, "bundle", "create", "-q", str(bundle / "submission.bundle"), "refs/heads/submission/issue-57", "^HEAD~1")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "submission/issue-57")
    with github_replay() as api:
        needs = {"needs.prepare.outputs.number": "57", "needs.prepare.outputs.accepted_by": "carl-w",
                 "needs.prepare.outputs.item": "content/articles/fine.md"}
        opened = _run(repo, tmp_path / "open", api, _event("carl-w"), "open", needs)
        assert opened.exit_codes["Check the commit and push the branch"] != 0
        assert "::error::the submission touches files outside content/" in opened.stdout
        assert "Open the pull request and tell the submitter" in opened.skipped and api.writes == []
    assert git(origin, "branch", "--list") == "main"

"""A fork pull request from open to deploy, through the exact steps of check.yml, report.yml and deploy.yml."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, copy_demo, write_portal
from github_replay import github_replay
from workflow_steps import JobRun, git, run_job, run_script_step

from agorapress.cli import main

CHECK_YML = REPO / ".github" / "workflows" / "check.yml"
PR_NUMBER = 42

TINY_CONFIG = """\
site:
  title: Mini
  description: A tiny portal.
  url: https://example.org/mini/
  repository: https://github.com/example/mini
committee:
  members:
    - handle: ana
      role: editor-in-chief
      from: 2026-01-01
    - handle: carl
      role: moderator
      from: 2026-01-01
"""
CARL = """\
---
name: Carl Weber
github: carl-w
---
Carl moderates.
"""
BOB = """\
---
name: Bob Martin
github: bob-forks
---
Bob mends bicycles.
"""
ANA_ARTICLE = """\
---
title: Ana's first text
date: 2026-01-10
authors: [ana]
---
Hello.
"""


#: A portal's pyproject.toml: the Agora Press that builds it (see scaffold/portal.py).
PIN = "[project]\nname = \"mini-portal\"\nversion = \"0\"\ndependencies = [\"agorapress=={version}\"]\n"


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]) or {}


def _base_portal(root: Path, demo: bool) -> tuple[str, str, str]:
    """The portal on main: the demo (when asked and there), else a tiny one. Returns a member who is not
    on the committee (handle, login) and an item written by someone else."""
    if demo and (REPO / "content" / "contributors").is_dir():
        copy_demo(root)
        config = yaml.safe_load((root / "site_config.yaml").read_text(encoding="utf-8"))
        committee = {m["handle"] for m in config.get("committee", {}).get("members", [])}
        handle = sorted(p.stem for p in (root / "content" / "contributors").glob("*.md") if p.stem not in committee)[0]
        login = str(_front_matter(root / "content" / "contributors" / f"{handle}.md")["github"])
        others = sorted(p for p in (root / "content" / "articles").glob("*.md")
                        if handle not in _front_matter(p).get("authors", []))
        return handle, login, others[0].relative_to(root).as_posix()
    write_portal(root, {"content/contributors/bob.md": BOB, "content/contributors/carl.md": CARL,
                        "content/articles/anas-text.md": ANA_ARTICLE}, config=TINY_CONFIG)
    return "bob", "bob-forks", "content/articles/anas-text.md"


def _fork_pr(tmp_path: Path, change, demo: bool = True) -> dict:
    """main with the portal; a fork branch where the contributor commits `change`; the merge commit
    GitHub checks out for a pull request (refs/pull/N/merge)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    handle, login, others_item = _base_portal(repo, demo)
    (repo / "pyproject.toml").write_text(PIN.format(version="0.1.0"), encoding="utf-8")
    # The repository carries its workflows and a CODEOWNERS that follows its committee.
    shutil.copytree(REPO / ".github", repo / ".github")
    written = CliRunner().invoke(main, ["--root", str(repo), "committee", "codeowners"])
    assert written.exit_code == 0, written.output
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The portal")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "fork")
    change(repo, handle, others_item)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A contribution from a fork")
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "--detach", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", f"Merge {head} into {base}", "fork")
    return {"repo": repo, "base": base, "head": head, "handle": handle, "login": login, "others_item": others_item}


def run_check_workflow(pr: dict, tmp_path: Path) -> JobRun:
    values = {
        "github.event.pull_request.number": str(PR_NUMBER),
        "github.event.pull_request.head.sha": pr["head"],
        "github.event.pull_request.base.sha": pr["base"],
        "github.event.pull_request.user.login": pr["login"],
    }
    return run_job(CHECK_YML, "check", pr["repo"], values, tmp_path / "runner-temp")


def test_a_good_fork_pull_request_passes_and_gets_a_preview_and_a_report(tmp_path):
    def add_article(repo: Path, handle: str, _others: str) -> None:
        (repo / "content" / "articles" / "from-a-fork.md").write_text(
            f"---\ntitle: Notes from the repair café\ndate: 2026-02-01\nauthors: [{handle}]\ntags: [repair]\n---\n"
            "We fixed eleven lamps and two bicycles.\n", encoding="utf-8")

    pr = _fork_pr(tmp_path, add_article)
    result = run_check_workflow(pr, tmp_path)

    assert not result.failed, result.stderr + result.stdout
    assert "::error" not in result.stdout
    assert set(result.uploads) == {"pr-report", "preview"}
    report_dir = result.uploads["pr-report"]
    assert sorted(p.name for p in report_dir.iterdir()) == ["pr.json", "report.md"]
    assert json.loads((report_dir / "pr.json").read_text(encoding="utf-8")) == {"number": PR_NUMBER, "head_sha": pr["head"]}
    report = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "from-a-fork" in report or "Notes from the repair café" in report
    assert result.summary == report  # the run page shows the same report
    preview = result.uploads["preview"]
    assert (preview / "index.html").is_file()
    assert (preview / "articles" / "from-a-fork" / "index.html").is_file()
    # The workflow writes only under the runner's temp folder and Agora's cache, outside the repository.
    status = git(pr["repo"], "status", "--porcelain", "--ignored", "--untracked-files=all")
    assert status == "", status


def test_a_fork_pull_request_that_edits_someone_elses_text_fails_with_an_annotation(tmp_path):
    def edit_others(repo: Path, handle: str, others: str) -> None:
        path = repo / others
        path.write_text(path.read_text(encoding="utf-8") + "\nA sentence slipped in by someone else.\n", encoding="utf-8")

    pr = _fork_pr(tmp_path, edit_others)
    result = run_check_workflow(pr, tmp_path)

    assert result.exit_codes["Check the contribution"] == 1
    assert any(line.startswith(f"::error file={pr['others_item']}") for line in result.stdout.splitlines()), result.stdout
    assert "Build a preview (drafts and scheduled items included)" in result.skipped
    assert set(result.uploads) == {"pr-report"}  # the report still reaches the committee, no preview
    assert json.loads((result.uploads["pr-report"] / "pr.json").read_text(encoding="utf-8"))["head_sha"] == pr["head"]


def test_a_fork_pull_request_with_a_broken_file_fails_on_its_line(tmp_path):
    def add_broken(repo: Path, handle: str, _others: str) -> None:
        (repo / "content" / "articles" / "broken.md").write_text(
            f"---\ntitle: Broken\ndate: 2026-02-01\nauthors: [{handle}]\ncolour: red\n---\nText.\n", encoding="utf-8")

    pr = _fork_pr(tmp_path, add_broken)
    result = run_check_workflow(pr, tmp_path)

    assert result.exit_codes["Check the contribution"] == 1
    assert "::error file=content/articles/broken.md,line=5," in result.stdout, result.stdout
    assert "preview" not in result.uploads


def test_the_check_installs_the_agora_the_base_branch_pins_not_the_pull_requests(tmp_path):
    def repin(repo: Path, handle: str, _others: str) -> None:
        # The pull request pins an Agora of its own choosing (one that would pass anything).
        (repo / "pyproject.toml").write_text(PIN.format(version="6.6.6"), encoding="utf-8")

    pr = _fork_pr(tmp_path, repin, demo=False)
    result = run_check_workflow(pr, tmp_path)

    installed = (result.runner_temp / "agora-pin" / "pyproject.toml").read_text(encoding="utf-8")
    assert installed == PIN.format(version="0.1.0")  # the base's pin, whatever the pull request says
    assert result.exit_codes["Check the contribution"] == 1
    assert "::error file=pyproject.toml" in result.stdout and "build settings" in result.stdout, result.stdout


# The committee reviews: quorum.yml runs the base branch's Agora against GitHub's API (here a local
# server answering as the API does) and its exit code is the status the branch rules require.

QUORUM_YML = REPO / ".github" / "workflows" / "quorum.yml"


class _Api(BaseHTTPRequestHandler):
    answers: dict[str, object] = {}

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        path = self.path.split("?")[0]
        found = path in self.answers
        body = json.dumps(self.answers.get(path, {"message": "Not Found"})).encode()
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def github_api():
    """A local stand-in for api.github.com: answers the paths it is given, 404 for the rest."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Api", (_Api,), {"answers": {}}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_quorum(pr: dict, tmp_path: Path, github_api, reviews: list[dict]) -> JobRun:
    pulls = "/repos/org/portal/pulls/42"
    github_api.RequestHandlerClass.answers.update({
        f"{pulls}/reviews": reviews,
        f"{pulls}/files": [{"filename": "content/articles/from-a-fork.md", "status": "added"}],
    })
    tmp_path.mkdir(parents=True, exist_ok=True)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"repository": {"full_name": "org/portal"}, "pull_request": {
        "number": PR_NUMBER, "user": {"login": pr["login"]}, "head": {"sha": pr["head"]}, "base": {"sha": pr["base"]}}}))
    git(pr["repo"], "checkout", "-q", "--detach", pr["base"])  # what the workflow's checkout step does
    values = {"github.event.pull_request.base.sha": pr["base"], "github.token": "a-read-only-token",
              "github.event.pull_request.user.login": pr["login"], "github.event.pull_request.head.sha": pr["head"]}
    runner_env = {"GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": f"http://127.0.0.1:{github_api.server_port}"}
    return run_job(QUORUM_YML, "quorum", pr["repo"], values, tmp_path / "quorum-temp", runner_env)


def _review(review_id: int, login: str, state: str, commit: str) -> dict:
    return {"id": review_id, "user": {"login": login}, "state": state, "commit_id": commit,
            "submitted_at": f"2026-11-2{review_id}T10:00:00Z"}


def test_the_quorum_status_follows_the_committees_reviews(tmp_path, github_api):
    def add_article(repo: Path, handle: str, _others: str) -> None:
        (repo / "content" / "articles" / "from-a-fork.md").write_text(
            f"---\ntitle: Repair café\ndate: 2026-02-01\nauthors: [{handle}]\n---\nWe fixed lamps.\n", encoding="utf-8")

    # The tiny portal: its committee's terms are open-ended, so the verdict does not depend on the day.
    pr = _fork_pr(tmp_path, add_article, demo=False)
    members, needed = ["ana-l", "carl-w"], 2  # articles need 2 approvals by default
    # The author's own approval and approvals of an older commit do not count.
    early = [_review(1, pr["login"], "APPROVED", pr["head"]), *[_review(2 + i, m, "APPROVED", pr["base"])
                                                              for i, m in enumerate(members[:needed])]]
    waiting = run_quorum(pr, tmp_path / "early", github_api, early)
    assert waiting.exit_codes["Count the committee's approvals"] == 1
    assert "::error title=quorum not met::" in waiting.stdout

    approved = [_review(5 + i, m, "APPROVED", pr["head"]) for i, m in enumerate(members[:needed])]
    met = run_quorum(pr, tmp_path / "met", github_api, early + approved)
    assert not met.failed, met.stderr + met.stdout
    assert "::notice title=quorum met::" in met.stdout


def test_the_quorum_waits_for_the_consent_of_a_credited_member(tmp_path, github_api):
    def credit_ana(repo: Path, handle: str, _others: str) -> None:
        (repo / "content" / "articles" / "from-a-fork.md").write_text(
            f"---\ntitle: Repair café\ndate: 2026-02-01\nauthors: [{handle}, ana]\n---\nWe fixed lamps.\n", encoding="utf-8")

    pr = _fork_pr(tmp_path, credit_ana, demo=False)
    carl = [_review(1, "carl-w", "APPROVED", pr["head"])]
    waiting = run_quorum(pr, tmp_path / "waiting", github_api, carl)
    assert waiting.exit_codes["Count the committee's approvals"] == 1
    assert "consent of ana (@ana-l): credits 'ana' as a co-author (content/articles/from-a-fork.md:4, authors[1]): " \
           "missing, ana has not approved the pull request" in waiting.stdout
    # ana consents; her approval is not a committee approval, so carl's alone cannot make the quorum of two.
    consented = run_quorum(pr, tmp_path / "consented", github_api, [*carl, _review(2, "ana-l", "APPROVED", pr["head"])])
    assert consented.exit_codes["Count the committee's approvals"] == 1
    assert "given, ana approved the latest commit" in consented.stdout
    assert "only 1 current member(s) may approve it" in consented.stdout


# After the merge: the deploy workflow's build job, run the same way.

DEPLOY_YML = REPO / ".github" / "workflows" / "deploy.yml"


def _main_branch(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "main"
    write_portal(repo, files)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main")
    return repo


def _article(slug: str, when: datetime) -> dict[str, str]:
    return {f"content/articles/{slug}.md": f'---\ntitle: {slug}\ndate: "{when.strftime("%Y-%m-%dT%H:%M:%S+00:00")}"\n'
                                          f"authors: [ana]\n---\nText.\n"}


def _hourly_cron() -> str:
    crons = [entry["cron"] for entry in yaml.safe_load(DEPLOY_YML.read_text(encoding="utf-8"))[True]["schedule"]]
    return next(cron for cron in crons if cron.split()[1] == "*")


def run_deploy_build(repo: Path, tmp_path: Path, event: str, schedule: str = "") -> JobRun:
    values = {"github.event_name": event, "github.event.schedule": schedule, "github.token": "a-read-only-token",
              "github.repository": "org/portal"}
    with github_replay() as api:  # no pull request is open: the deployment holds the site alone
        api.answer("/repos/org/portal/pulls", [])
        return run_job(DEPLOY_YML, "build", repo, values, tmp_path / "deploy-temp", {"GITHUB_API_URL": api.url})


def test_a_merge_publishes_the_site_and_says_when_it_changes_next(tmp_path):
    now = datetime.now(UTC)
    repo = _main_branch(tmp_path, {**_article("today", now - timedelta(hours=5)), **_article("soon", now + timedelta(days=3))})
    result = run_deploy_build(repo, tmp_path, "push")
    assert not result.failed, result.stderr
    assert result.outputs["decide"] == {"publish": "true"}
    site = result.uploads["github-pages"]
    assert (site / "articles" / "today" / "index.html").is_file()
    assert not (site / "articles" / "soon").exists()  # scheduled: not public yet
    assert "Next scheduled item:" in result.summary


def test_the_hourly_run_publishes_only_when_something_fell_due(tmp_path):
    now = datetime.now(UTC)
    quiet = _main_branch(tmp_path / "quiet", {**_article("old", now - timedelta(hours=5)),
                                              **_article("later", now + timedelta(days=3))})
    result = run_deploy_build(quiet, tmp_path / "quiet", "schedule", _hourly_cron())
    assert not result.failed, result.stderr
    assert result.outputs["decide"] == {"publish": "false"}
    assert result.uploads == {} and "Build the site" in result.skipped
    assert "Nothing fell due" in result.summary

    due = _main_branch(tmp_path / "due", _article("just-due", now - timedelta(minutes=30)))
    result = run_deploy_build(due, tmp_path / "due", "schedule", _hourly_cron())
    assert result.outputs["decide"] == {"publish": "true"}
    assert (result.uploads["github-pages"] / "articles" / "just-due" / "index.html").is_file()


def test_the_daily_run_always_publishes(tmp_path):
    repo = _main_branch(tmp_path, {})
    daily = next(e["cron"] for e in yaml.safe_load(DEPLOY_YML.read_text(encoding="utf-8"))[True]["schedule"]
                 if e["cron"] != _hourly_cron())
    result = run_deploy_build(repo, tmp_path, "schedule", daily)
    assert result.outputs["decide"] == {"publish": "true"}
    assert "No scheduled item is waiting" in result.summary


# Between the two: report.yml turns the check's artifact into one comment. Its scripts run under
# Node as actions/github-script runs them, against a stand-in for GitHub's API that records calls.

REPORT_YML = REPO / ".github" / "workflows" / "report.yml"
MARKER = "<!-- agora-press:pr-report -->"
def run_report_step(step: str, tmp_path: Path, values: dict[str, str], scenario: dict) -> dict:
    return run_script_step(REPORT_YML, "comment", step, tmp_path, values, scenario)


def _report_values(report_dir: Path, head: str, pr_number: str = "") -> dict[str, str]:
    return {
        "runner.temp": str(report_dir.parent),
        "github.event.workflow_run.id": "777",
        "github.event.workflow_run.head_sha": head,
        "github.event.workflow_run.head_branch": "my-text",
        "github.event.workflow_run.head_repository.owner.login": "bob-forks",
        "github.event.workflow_run.pull_requests[0].number": pr_number,
        "github.event.workflow_run.conclusion": "success",
        "steps.artifacts.outputs.preview-url": "https://github.com/org/portal/actions/runs/777/artifacts/5",
    }


def _open_pr(head: str, number: int = PR_NUMBER) -> dict:
    return {"number": number, "state": "open", "head": {"sha": head, "ref": "my-text", "user": {"login": "bob-forks"}}}


def _posted(result: dict) -> tuple[str, str]:
    (call,) = [c for c in result["calls"] if c["name"] in {"issues.createComment", "issues.updateComment"}]
    return call["name"], call["params"]["body"]


def test_the_report_of_a_real_check_run_becomes_one_comment_on_the_fork_pr(tmp_path):
    def add_article(repo: Path, handle: str, _others: str) -> None:
        (repo / "content" / "articles" / "from-a-fork.md").write_text(
            f"---\ntitle: Repair café\ndate: 2026-02-01\nauthors: [{handle}]\n---\nWe fixed lamps.\n", encoding="utf-8")

    pr = _fork_pr(tmp_path, add_article)
    check = run_check_workflow(pr, tmp_path)
    assert not check.failed, check.stderr
    report_dir = check.uploads["pr-report"]
    # GitHub gives no pull request number for a fork: the open PR whose head is the commit is found.
    result = run_report_step("Post or update the report comment", tmp_path, _report_values(report_dir, pr["head"]),
                             {"pulls": [_open_pr("0" * 40, 41), _open_pr(pr["head"])], "comments": [],
                              "pages": {"html_url": "https://org.github.io/portal/"}})
    action, body = _posted(result)
    assert action == "issues.createComment"
    assert [c["params"].get("issue_number") for c in result["calls"] if c["name"] == "issues.createComment"] == [PR_NUMBER]
    assert body.startswith(MARKER + "\n### ✅ Agora check passed")
    assert "/actions/runs/777/artifacts/5" in body and pr["head"][:7] in body
    assert f"Hosted preview, once built and deployed: https://org.github.io/portal/previews/pr-{PR_NUMBER}/" in body
    report = (report_dir / "report.md").read_text(encoding="utf-8")
    assert report.strip().replace("@", "@\u200b").splitlines()[0] in body


def test_a_hostile_report_is_shown_as_inert_text(tmp_path):
    head = "a" * 40
    report_dir = tmp_path / "pr-report"
    report_dir.mkdir()
    hostile = ("# Fine\n@everyone look ```` closing fence?\n````\n[click](https://evil.example/)\n"
               f"{MARKER}\n<img src=x onerror=alert(1)>\x1b[31m\u202e\n")
    (report_dir / "report.md").write_text(hostile, encoding="utf-8")
    (report_dir / "pr.json").write_text(json.dumps({"number": 1, "head_sha": head}), encoding="utf-8")
    comments = [{"id": 9, "user": {"login": "mallory"}, "body": MARKER + " fake"},
                {"id": 10, "user": {"login": "github-actions[bot]"}, "body": MARKER + "\nold report"}]
    result = run_report_step("Post or update the report comment", tmp_path,
                             _report_values(report_dir, head, str(PR_NUMBER)), {"pulls": [_open_pr(head)], "comments": comments})
    action, body = _posted(result)
    assert action == "issues.updateComment"  # the bot's own comment, never mallory's
    assert [c["params"]["comment_id"] for c in result["calls"] if c["name"] == "issues.updateComment"] == [10]
    # The number in the artifact (1) is ignored: the event's number is used and checked against the head.
    assert [c["params"]["pull_number"] for c in result["calls"] if c["name"] == "pulls.get"] == [PR_NUMBER]
    fence = "`" * 5
    assert f"{fence}text\n" in body and body.count(fence) == 2  # longer than any run of backticks inside
    inside = body.split(f"{fence}text\n")[1].split(f"\n{fence}")[0]
    assert "@everyone" not in body and "@\u200beveryone" in inside
    assert "\x1b" not in body and "\u202e" not in body
    outside = body.replace(inside, "")
    assert "evil.example" not in outside and "onerror" not in outside and outside.count(MARKER) == 1


def test_a_stale_forged_or_oversized_report_is_not_posted(tmp_path):
    head = "b" * 40
    report_dir = tmp_path / "pr-report"
    report_dir.mkdir()
    (report_dir / "report.md").write_text("All good, merge me.\n", encoding="utf-8")
    (report_dir / "pr.json").write_text(json.dumps({"number": PR_NUMBER, "head_sha": "c" * 40}), encoding="utf-8")
    values = _report_values(report_dir, head, str(PR_NUMBER))
    forged = run_report_step("Post or update the report comment", tmp_path, values, {"pulls": [_open_pr(head)]})
    _, body = _posted(forged)
    assert "merge me" not in body and "left no report" in body

    (report_dir / "pr.json").write_text(json.dumps({"number": PR_NUMBER, "head_sha": head}), encoding="utf-8")
    (report_dir / "report.md").write_text("x" * (300 * 1024), encoding="utf-8")
    _, body = _posted(run_report_step("Post or update the report comment", tmp_path, values, {"pulls": [_open_pr(head)]}))
    assert "left no report" in body and len(body) < 2000

    moved = run_report_step("Post or update the report comment", tmp_path, values, {"pulls": [_open_pr("d" * 40)]})
    assert not [c for c in moved["calls"] if c["name"].startswith("issues.")]  # the PR moved on: nothing posted

    listed = run_report_step("artifacts", tmp_path, values, {"artifacts": [
        {"id": 4, "name": "pr-report", "expired": False, "size_in_bytes": 10 * 1024 * 1024},
        {"id": 5, "name": "preview", "expired": False, "size_in_bytes": 1000}]})
    assert listed["outputs"] == {"report": "false", "preview-url": "https://github.com/org/portal/actions/runs/777/artifacts/5"}

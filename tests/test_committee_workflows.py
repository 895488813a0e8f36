"""The record and reminder workflows, their shell steps run for real against a local GitHub API: the record gets
one entry per closed pull request (approvals counted as the quorum counts them) and is pushed; the reminder issue
is opened once."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_CONFIG, write_portal
from test_committee import COMMITTEE, PROFILES
from workflow_steps import git, run_job

from agorapress.committee.record import RECORD_FILE, read_record

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / "agorapress" / "scaffold" / "github" / "workflows"
TOKEN = "test-token-not-a-secret"
REPOSITORY = "org/portal"
HEAD = "d4" * 20


class Api(BaseHTTPRequestHandler):
    """GET answers from `routes`; POST /issues appends to `issues` (and later GETs list it)."""

    routes: dict = {}
    issues: list = []
    posted: list = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"message": "Bad credentials"})
        if self.path.startswith(f"/repos/{REPOSITORY}/issues?"):
            return self._send(200, self.issues)
        body = self.routes.get(self.path)
        self._send(200, body) if body is not None else self._send(404, {"message": "Not Found"})

    def do_POST(self) -> None:  # noqa: N802
        if self.headers.get("Authorization") != f"Bearer {TOKEN}" or self.path != f"/repos/{REPOSITORY}/issues":
            return self._send(403, {"message": "Forbidden"})
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        issue = {"number": 100 + len(self.issues), **payload}
        self.issues.append(issue)
        self.posted.append(payload)
        self._send(201, issue)

    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def api():
    handler = type("Handler", (Api,), {"routes": {}, "issues": [], "posted": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{server.server_port}"
    yield handler
    server.shutdown()
    server.server_close()


def clone_with_origin(tmp_path: Path, config: str) -> tuple[Path, Path]:
    """A bare 'origin' holding the portal on main, and a clone of it: the runner's checkout."""
    source = tmp_path / "source"
    write_portal(source, {**PROFILES, "content/articles/velo.md":
                          "---\ntitle: Vélo\ndate: 2026-11-01\nauthors: [hugo]\n---\nText.\n"}, config=config)
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "The portal")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(origin))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    return origin, work


def review(login: str, state: str, minute: int) -> dict:
    return {"id": minute, "user": {"login": login}, "state": state, "commit_id": HEAD,
            "submitted_at": f"2026-11-20T10:{minute:02d}:00Z"}


def test_the_record_workflow_writes_and_pushes_one_entry_per_closed_pull_request(tmp_path, api) -> None:
    origin, work = clone_with_origin(tmp_path, MINIMAL_CONFIG + COMMITTEE)
    base = f"/repos/{REPOSITORY}"
    api.routes = {
        f"{base}/pulls?state=closed&sort=updated&direction=desc&per_page=100": [
            {"number": 7, "created_at": "2026-11-18T09:00:00Z", "closed_at": "2026-11-20T11:00:00Z",
             "merged_at": "2026-11-20T11:00:00Z", "user": {"login": "hugo-l"}, "head": {"sha": HEAD}},
            {"number": 8, "created_at": "2026-11-19T09:00:00Z", "closed_at": "2026-11-19T21:00:00Z",
             "merged_at": None, "user": {"login": "hugo-l"}, "head": {"sha": "e5" * 20}},
        ],
        f"{base}/pulls/7/files?per_page=100": [{"filename": "content/articles/velo.md"}],
        f"{base}/pulls/8/files?per_page=100": [{"filename": "content/articles/autre.md"}],
        # elise approved, then amelie; bastien's term is over: two approvals count.
        f"{base}/pulls/7/reviews?per_page=100": [review("Elise-B", "APPROVED", 1), review("amelie-durand", "APPROVED", 2),
                                                 review("bastien-m", "APPROVED", 3)],
    }
    values = {"github.token": TOKEN, "github.ref_name": "main"}
    env = {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": REPOSITORY}
    run = run_job(WORKFLOWS / "record.yml", "record", work, values, tmp_path / "runner", env)
    assert not run.failed, run.stderr
    assert "pull request #7 recorded" in run.stdout and "pull request #8 recorded" in run.stdout
    pushed = git(origin, "show", f"main:{RECORD_FILE}")
    data = yaml.safe_load(pushed)
    assert data["decisions"] == [
        {"pr": 8, "outcome": "withdrawn", "opened": data["decisions"][0]["opened"],
         "decided": data["decisions"][0]["decided"], "approved_by": [], "files": ["content/articles/autre.md"]},
        {"pr": 7, "outcome": "merged", "opened": data["decisions"][1]["opened"],
         "decided": data["decisions"][1]["decided"], "approved_by": ["amelie", "elise"],
         "files": ["content/articles/velo.md"]},
    ]
    assert git(origin, "log", "-1", "--format=%s", "main") == "Record the committee's decisions"
    record, problems = read_record(work)
    assert problems == [] and [entry.pr for entry in record.decisions] == [8, 7]

    # Run again: nothing new, nothing pushed.
    again = run_job(WORKFLOWS / "record.yml", "record", work, values, tmp_path / "runner2", env)
    assert not again.failed, again.stderr
    assert "nothing new to record" in again.stdout
    assert git(origin, "rev-list", "--count", "main") == "2"


def test_the_record_workflow_runs_only_trusted_code() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "record.yml").read_text(encoding="utf-8"))
    on = workflow[True]
    assert set(on) == {"push", "schedule", "workflow_dispatch"}  # never a pull request's event
    checkout = workflow["jobs"]["record"]["steps"][0]
    assert checkout["with"] == {"persist-credentials": False} and "ref" not in checkout["with"]


def test_the_reminder_workflow_opens_one_issue_however_often_it_runs(tmp_path, api) -> None:
    # The demo's calendar as it was: every term ends on 2026-12-31, 39 days after the pinned clock.
    _, work = clone_with_origin(tmp_path, MINIMAL_CONFIG + COMMITTEE.replace(
        "    - {handle: ines, role: member, from: 2027-01-01}\n", ""))
    workflow = yaml.safe_load((WORKFLOWS / "committee-reminder.yml").read_text(encoding="utf-8"))
    step = workflow["jobs"]["remind"]["steps"][-1]
    step["run"] += " --now 2026-11-22T12:00:00+01:00"  # the test pins the clock the runner would read
    pinned = tmp_path / "committee-reminder.yml"
    pinned.write_text(yaml.safe_dump(workflow), encoding="utf-8")
    env = {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": REPOSITORY}
    for attempt in range(2):
        run = run_job(pinned, "remind", work, {"github.token": TOKEN}, tmp_path / f"runner{attempt}", env)
        assert not run.failed, run.stderr
    assert len(api.posted) == 1
    [issue] = api.posted
    assert issue["title"] == "Committee: terms end on 2026-12-31, time to hold an election"
    assert "amelie's term as editor-in-chief ends on 2026-12-31 (39 days), and no successor is elected." in issue["body"]
    assert "<!-- agora-committee-reminder: 2026-12-31 -->" in issue["body"]
    assert "already open: #100" in run.stderr


def test_the_demo_needs_no_reminder(tmp_path) -> None:
    from click.testing import CliRunner

    from agorapress.cli import main

    result = CliRunner().invoke(main, ["--root", str(REPO), "committee", "remind", "--now", "2026-11-22T12:00:00+01:00"])
    assert result.exit_code == 0 and result.output.startswith("nothing to remind")

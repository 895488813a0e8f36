"""The shipped GitHub workflows: zizmor and the workflow schemas pass, actions are pinned, tokens are least-privilege."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agorapress.scaffold import GITHUB_DIR, PROJECT_ONLY, github_files

REPO = Path(__file__).resolve().parent.parent
GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = GITHUB / "ISSUE_TEMPLATE"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
UNTRUSTED_IN_SCRIPT = re.compile(r"\$\{\{[^}]*(github\.event\.|github\.head_ref|inputs\.)")


def _tool(name: str) -> str:
    """A command-line tool installed with the test extras, next to this Python first."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is a test dependency: python -m pip install {name}")
    return found


def _offline_env() -> dict[str, str]:
    # No token may reach the linters: they must judge the files alone.
    return {k: v for k, v in os.environ.items() if k not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}}


def _load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back under its name.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def test_the_workflows_are_shipped():
    # release.yml is Agora's own (PROJECT_ONLY): linted here like the others, never copied into a portal.
    portal = {"check.yml", "committee-reminder.yml", "deploy.yml", "issues.yml", "newsletter.yml", "previews.yml",
              "quorum.yml", "record.yml", "report.yml"}
    assert {p.name for p in WORKFLOWS} == portal | {"release.yml"}
    assert {name for name in github_files() if name.startswith("workflows/")} == {f"workflows/{n}" for n in portal}


def test_zizmor_finds_nothing():
    done = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", str(GITHUB / "workflows")],
                          capture_output=True, text=True, env=_offline_env(), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("schema, paths", [
    ("vendor.github-workflows", WORKFLOWS),
    ("custom.github-workflows-require-timeout", WORKFLOWS),
    ("vendor.dependabot", [GITHUB / "dependabot.yml"]),
    ("vendor.github-issue-forms", [FORMS / "send-a-text.yml", FORMS / "propose-a-topic.yml",
                                   FORMS / "propose-a-correction.yml", FORMS / "report-a-problem.yml"]),
    ("vendor.github-issue-config", [FORMS / "config.yml"]),
])
def test_files_match_githubs_schemas(schema, paths):
    # The schemas ship inside check-jsonschema: nothing is fetched.
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, env=_offline_env(), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [line for line in lines if re.match(r"^\s*(?:-\s+)?uses:", line)]
    assert uses
    for line in uses:
        ref, _, comment = line.split("uses:", 1)[1].partition("#")
        assert PINNED.match(ref.strip()), f"{path.name}: not pinned to a full commit SHA: {line.strip()}"
        assert re.match(r"^\s*v\d+(\.\d+)*\s*$", comment), f"{path.name}: no version comment: {line.strip()}"


def test_one_action_one_commit_across_workflows():
    seen: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for _, step in _steps(_load(path)):
            if "uses" in step:
                action, _, sha = step["uses"].partition("@")
                seen.setdefault(action, set()).add(sha)
    assert {action: shas for action, shas in seen.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_untrusted_expression_reaches_a_shell_or_a_script(path):
    for job_id, step in _steps(_load(path)):
        for code in (step.get("run"), (step.get("with") or {}).get("script")):
            if code:
                assert not UNTRUSTED_IN_SCRIPT.search(code), f"{path.name}/{job_id}: pass it through env: {code[:80]}"
                assert "${{" not in code, f"{path.name}/{job_id}: no expression inside code, use env: {code[:80]}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_tokens_are_least_privilege(path):
    workflow = _load(path)
    assert workflow["permissions"] == {}, "top-level permissions must be {} (each job asks for what it needs)"
    assert "pull_request_target" not in workflow["on"]
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{job_id}: permissions must be explicit"
        # Only a job that checks nothing out and calls nothing on GitHub may go without any (newsletter.yml's send).
        assert job["permissions"] or not any("checkout" in step.get("uses", "") for step in job.get("steps", []))
        assert all(level in {"read", "write"} for level in job["permissions"].values())
        assert job.get("timeout-minutes"), f"{job_id}: set timeout-minutes"
        for step in job.get("steps", []):
            uses = step.get("uses", "")
            # A cache is restored anywhere but saved only by runs on the default branch: nothing a pull request
            # could poison (actions/cache itself would save one at the end of any run).
            assert not uses.startswith("actions/cache@"), "restore and save separately: actions/cache/restore, /save"
            if uses.startswith("actions/cache/save"):
                assert "github.ref == 'refs/heads/main'" in step.get("if", ""), f"{job_id}: save only on main"
                assert "pull_request" not in workflow["on"], "a pull request never writes a cache"
            if uses.startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False
            if _environment(job) != "newsletter":
                assert "secrets." not in str(step), "no secrets: Pages deploys with the workflow's own token"


def _environment(job: dict) -> str | None:
    environment = job.get("environment")
    return environment.get("name") if isinstance(environment, dict) else environment


def test_each_workflow_gets_only_what_it_needs():
    perms = {path.stem: {job: spec["permissions"] for job, spec in _load(path)["jobs"].items()} for path in WORKFLOWS}
    assert perms["check"] == {"check": {"contents": "read"}}
    assert perms["report"] == {"comment": {"actions": "read", "pull-requests": "write", "pages": "read"}}
    assert perms["quorum"] == {"quorum": {"contents": "read", "pull-requests": "read"}}
    assert perms["deploy"] == {"build": {"contents": "read", "pages": "read", "actions": "read", "pull-requests": "read"},
                               "deploy": {"pages": "write", "id-token": "write"},
                               "announce": {"contents": "read", "issues": "write"}}
    # The job that reads a pull request's files may write nothing; the one that may comment reads no pull request file.
    assert perms["previews"] == {"build": {"contents": "read", "pull-requests": "read"},
                                 "comment": {"contents": "read", "actions": "read", "pull-requests": "write"},
                                 "closed": {"contents": "read"}}
    assert perms["issues"] == {"prepare": {"contents": "read"},
                               "open": {"contents": "write", "pull-requests": "write", "issues": "write"},
                               "route": {"contents": "read", "issues": "write"}}
    assert perms["record"] == {"record": {"contents": "write", "pull-requests": "read"}}
    assert perms["committee-reminder"] == {"remind": {"contents": "read", "issues": "write"}}
    assert perms["newsletter"] == {"edition": {"contents": "read"}, "send": {}}
    # Only the publishing job holds the OIDC token PyPI trusts; only the last one may write to the repository.
    assert perms["release"] == {"build": {"contents": "read"}, "smoke": {"contents": "read"},
                                "publish": {"id-token": "write"}, "release": {"contents": "write"}}


def test_the_report_workflow_runs_nothing_from_the_pull_request():
    report = _load(GITHUB / "workflows" / "report.yml")
    assert report["on"] == {"workflow_run": {"workflows": ["check"], "types": ["completed"]}}
    steps = [step for _, step in _steps(report)]
    assert not any(step.get("uses", "").startswith("actions/checkout") for step in steps)
    assert not any("run" in step for step in steps)
    download = next(step for step in steps if step.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"]["name"] == "pr-report"
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"


def test_the_check_workflow_uploads_only_its_two_artifacts():
    check = _load(GITHUB / "workflows" / "check.yml")
    uploads = [step["with"] for _, step in _steps(check) if step.get("uses", "").startswith("actions/upload-artifact")]
    assert [(u["name"], u["path"]) for u in uploads] == [
        ("pr-report", "${{ runner.temp }}/pr-report/"), ("preview", "${{ runner.temp }}/site/")]
    assert all(u["retention-days"] <= 7 for u in uploads)
    assert check["concurrency"]["cancel-in-progress"] is True


def test_quorum_runs_the_base_branch_code():
    quorum = _load(GITHUB / "workflows" / "quorum.yml")
    checkout = next(step for _, step in _steps(quorum) if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert set(quorum["on"]) == {"pull_request", "pull_request_review"}


def test_deploy_uploads_only_the_built_site_and_deploys_with_the_official_action():
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    assert set(deploy["on"]) == {"push", "schedule", "workflow_dispatch", "workflow_run"}
    assert deploy["on"]["workflow_run"] == {"workflows": ["previews"], "types": ["completed"]}
    upload = next(step for _, step in _steps(deploy) if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "${{ runner.temp }}/site"}
    job = deploy["jobs"]["deploy"]
    assert job["environment"]["name"] == "github-pages"
    assert job["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [step["uses"].split("@")[0] for step in job["steps"]] == ["actions/deploy-pages"]


def test_the_hourly_gate_names_the_cron_it_is_declared_with():
    # The gate compares github.event.schedule with a literal; both must say the same.
    deploy = _load(GITHUB / "workflows" / "deploy.yml")
    crons = [entry["cron"] for entry in deploy["on"]["schedule"]]
    gate = next(step for _, step in _steps(deploy) if step.get("id") == "decide")
    hourly = [cron for cron in crons if f'"$SCHEDULE" = "{cron}"' in gate["run"]]
    assert len(crons) == 2 and len(hourly) == 1 and hourly[0].split()[1] == "*"


def test_the_scaffold_ships_exactly_the_repositorys_github_files():
    ours = {path.relative_to(GITHUB).as_posix(): path.read_bytes() for path in sorted(GITHUB.rglob("*"))
            if path.is_file() and path.relative_to(GITHUB).as_posix() not in PROJECT_ONLY}
    shipped = github_files()
    differing = sorted(name for name in ours.keys() | shipped.keys() if ours.get(name) != shipped.get(name))
    assert not differing, (f"{GITHUB_DIR} must hold copies of .github/ ({sorted(PROJECT_ONLY)} aside); these differ: "
                           f"{differing}. Copy them: cp -r .github/. agorapress/scaffold/github/ && rm "
                           "agorapress/scaffold/github/CODEOWNERS agorapress/scaffold/github/workflows/release.yml")


def test_the_send_a_text_form_asks_what_import_issue_reads():
    # GitHub writes each answer under its field's label, in the form's order: the importer reads those.
    from agorapress.committee.issue_form import FORM, KIND_FOLDERS

    form = yaml.safe_load((FORMS / "send-a-text.yml").read_text(encoding="utf-8"))
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    assert [f["attributes"]["label"] for f in fields] == [f.label for f in FORM]
    assert [f.label for f in FORM if f.required] == [
        f["attributes"]["label"] for f in fields if (f.get("validations") or {}).get("required")
        or any(o.get("required") for o in f["attributes"].get("options", []) if isinstance(o, dict))]
    kind = next(f for f in fields if f["attributes"]["label"] == "Kind")
    assert set(kind["attributes"]["options"]) == set(KIND_FOLDERS)

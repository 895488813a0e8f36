"""Runs a GitHub workflow's steps here as the runner would: shell steps for real, github-script under Node."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

#: The one step skipped: the tests run the installed Agora (tests/test_ci_path.py runs the install itself). The
#: check of a pull request installs what the base branch pins (read by the step before, which runs); the other
#: workflows run on the default branch.
INSTALL = "Install Agora Press"


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity and none of the machine's configuration."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo.parent),
           "GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "someone@example.org",
           "GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "someone@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def substitute(text: str, values: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in values:
            pytest.fail(f"the workflow uses ${{{{ {name} }}}}: teach this test its value")
        return values[name]

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def _should_run(condition: str | None, run: JobRun, values: dict[str, str]) -> bool:
    """The few `if:` forms the workflows use (comparisons of a step's outcome or output, or of `github.ref`, joined
    by `&&`); anything else makes the test say so. A step with a condition runs even after a failure, as on GitHub
    only when the condition says so: these forms never do."""
    if condition is None:
        return not run.failed
    condition = condition.strip().removeprefix("${{").removesuffix("}}").strip()
    if condition in {"!cancelled()", "always()"}:
        return True
    return not run.failed and all(_holds(part.strip(), run, values) for part in condition.split("&&"))


def _holds(condition: str, run: JobRun, values: dict[str, str]) -> bool:
    match = re.fullmatch(r"steps\.([\w-]+)\.(outcome|outputs\.[\w-]+) (==|!=) '(\w*)'", condition)
    if match:
        step_id, what, compare, wanted = match.groups()
        found = run.outcomes.get(step_id) if what == "outcome" else run.outputs.get(step_id, {}).get(what.split(".", 1)[1])
        if found is None:  # a step that did not run, or an output never set: GitHub reads it as ''
            found = ""
        return (found == wanted) == (compare == "==")
    match = re.fullmatch(r"github\.ref (==|!=) '([\w/.-]*)'", condition)
    if match:  # the workflows' runs here are the default branch's unless a test says otherwise
        compare, wanted = match.groups()
        return (values.get("github.ref", "refs/heads/main") == wanted) == (compare == "==")
    pytest.fail(f"a workflow has a condition this test cannot evaluate: {condition}")


@dataclass
class JobRun:
    """What running a job's steps did."""

    runner_temp: Path
    stdout: str = ""
    stderr: str = ""
    failed: bool = False
    exit_codes: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    uploads: dict[str, Path] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        path = self.runner_temp / "summary.md"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def run_job(workflow: Path, job: str, cwd: Path, values: dict[str, str], runner_temp: Path,
            runner_env: dict[str, str] | None = None) -> JobRun:
    """Run one job of a workflow as the runner would: its shell steps for real (the install step
    aside: this Python has Agora), uploads as checks that the uploaded folder is there."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    if any(s.get("uses", "").startswith("actions/checkout") for s in steps):  # a job that runs Agora installs it
        assert [s for s in steps if s.get("name") == INSTALL], f"{workflow.name} has no step named {INSTALL!r}"
    runner_temp.mkdir(parents=True, exist_ok=True)
    values = {**values, "runner.temp": str(runner_temp)}
    run = JobRun(runner_temp)
    for index, step in enumerate(steps):
        name = step["name"]
        if not _should_run(step.get("if"), run, values):
            run.skipped.append(name)
            continue
        if "uses" in step:
            if step["uses"].split("@")[0] in {"actions/upload-artifact", "actions/upload-pages-artifact"}:
                path = Path(substitute(step["with"]["path"], values))
                assert path.is_dir() and any(path.iterdir()), f"{name}: nothing to upload at {path}"
                run.uploads[step["with"].get("name", "github-pages")] = path
            continue  # checkout, setup-python, configure-pages: the test's repository and Python stand for them
        if step.get("name") == INSTALL:
            continue
        output = runner_temp / f"output-{index}"
        env = {**os.environ, "CI": "true", "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output),
               "GITHUB_STEP_SUMMARY": str(runner_temp / "summary.md"), "GITHUB_WORKSPACE": str(cwd),
               "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        env.update(runner_env or {})  # what the runner itself sets: GITHUB_EVENT_PATH, GITHUB_API_URL
        # Earlier steps' outputs, as ${{ steps.ID.outputs.NAME }} reads them ('' when never set).
        known = {**values, **{f"steps.{sid}.outputs.{k}": v for sid, outs in run.outputs.items() for k, v in outs.items()}}
        known.update({f"steps.{s['id']}.outputs.{m}": known.get(f"steps.{s['id']}.outputs.{m}", "")
                      for s in steps if "id" in s for m in re.findall(rf"steps\.{s['id']}\.outputs\.([\w-]+)", str(step))})
        env.update({key: substitute(str(value), known) for key, value in (step.get("env") or {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=600)
        run.stdout += done.stdout
        run.stderr += done.stderr
        run.exit_codes[name] = done.returncode
        if "id" in step:
            run.outcomes[step["id"]] = "success" if done.returncode == 0 else "failure"
            lines = output.read_text(encoding="utf-8").splitlines() if output.exists() else []
            run.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        run.failed = run.failed or done.returncode != 0
    return run


HARNESS = r"""
const fs = require('fs');
const [scriptPath, scenarioPath] = process.argv.slice(2);
const script = fs.readFileSync(scriptPath, 'utf8');
const scenario = JSON.parse(fs.readFileSync(scenarioPath, 'utf8'));
const calls = [], outputs = {}, messages = [];
const api = (name, answer) => async (params) => {
  calls.push({ name, params });
  return { data: typeof answer === 'function' ? answer(params) : answer };
};
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: {
    repos: { getPages: async (params) => {
      calls.push({ name: 'repos.getPages', params });
      if (!scenario.pages) throw new Error('Not Found');
      return { data: scenario.pages };
    } },
    actions: { listWorkflowRunArtifacts: api('listWorkflowRunArtifacts', scenario.artifacts || []) },
    pulls: {
      get: api('pulls.get', (p) => scenario.pulls.find((pr) => pr.number === p.pull_number)),
      list: api('pulls.list', (p) => scenario.pulls.filter(
        (pr) => pr.state === 'open' && `${pr.head.user.login}:${pr.head.ref}` === p.head)),
    },
    issues: {
      listComments: api('issues.listComments', scenario.comments || []),
      updateComment: api('issues.updateComment', {}),
      createComment: api('issues.createComment', {}),
    },
  },
};
const context = { repo: { owner: 'org', repo: 'portal' }, serverUrl: 'https://github.com' };
const say = (level) => (message) => messages.push([level, String(message)]);
const core = { setOutput: (k, v) => { outputs[k] = v; }, warning: say('warning'), notice: say('notice'),
               setFailed: say('failed'), info: say('info') };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => console.log(JSON.stringify({ calls, outputs, messages })))
  .catch((error) => { console.error(error); process.exit(1); });
"""


def run_script_step(workflow: Path, job: str, step_id_or_name: str, tmp_path: Path, values: dict[str, str],
                    scenario: dict) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.skip("Node.js runs actions/github-script; it is not installed here")
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    step = next(s for s in steps if step_id_or_name in (s.get("id"), s["name"]))
    (tmp_path / "script.js").write_text(step["with"]["script"], encoding="utf-8")
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    (tmp_path / "scenario.json").write_text(json.dumps(scenario), encoding="utf-8")
    env = {**os.environ, **{k: substitute(str(v), values) for k, v in step["env"].items()}}
    done = subprocess.run([node, str(tmp_path / "harness.js"), str(tmp_path / "script.js"), str(tmp_path / "scenario.json")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)

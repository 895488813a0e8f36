"""The portal's CI path: installs from a cache only the default branch writes, restores Agora's cache so a pull
request's check and a merge's build start warm, and `agora cache --path` lies in what is restored."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from agorapress.cli import main
from agorapress.scaffold import github_files

CACHE = "actions/cache/"


def _steps(name: str) -> list[dict]:
    workflow = yaml.safe_load(github_files()[f"workflows/{name}"])
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _index(steps: list[dict], start: str) -> int:
    return next(i for i, step in enumerate(steps) if step.get("name", "").startswith(start))


def test_the_check_only_restores_and_runs_with_the_restored_cache():
    steps = _steps("check.yml")
    caches = [step for step in steps if step.get("uses", "").startswith(CACHE)]
    assert {step["uses"].split("@")[0] for step in caches} == {"actions/cache/restore"}
    assert {step["with"]["path"] for step in caches} == {"~/.cache/uv", "${{ runner.temp }}/agora-cache"}
    install = steps[_index(steps, "Install Agora Press")]
    assert "uv pip install --system" in install["run"] and "--require-hashes" in install["run"]
    assert 'AGORA_CACHE_DIR=$RUNNER_TEMP/agora-cache' in install["run"]
    # The pin comes from the base commit, never from the pull request.
    assert install["working-directory"] == "${{ runner.temp }}/agora-pin"
    assert _index(steps, "Restore") < _index(steps, "Install Agora Press") < _index(steps, "Check the contribution")


def test_deploy_restores_the_last_build_and_saves_it_only_on_main():
    steps = _steps("deploy.yml")
    restores = {step["with"]["path"] for step in steps if step.get("uses", "").startswith(CACHE + "restore")}
    saves = [step for step in steps if step.get("uses", "").startswith(CACHE + "save")]
    assert restores == {"~/.cache/uv", "${{ runner.temp }}/agora-cache", "${{ runner.temp }}/site"}
    assert {step["with"]["path"] for step in saves} == restores
    assert all("github.ref == 'refs/heads/main'" in step["if"] for step in saves)
    build = steps[_index(steps, "Build the site")]
    assert 'agora build --output "$RUNNER_TEMP/site"' in build["run"]  # into the restored site: incremental
    assert _index(steps, "Restore the last published site") < _index(steps, "Build the site") < \
        _index(steps, "Save the published site")


def test_agora_cache_path_lies_in_the_folder_the_workflows_restore(portal, tmp_path, monkeypatch):
    root = portal({})
    restored = tmp_path / "agora-cache"
    monkeypatch.setenv("AGORA_CACHE_DIR", str(restored))
    result = CliRunner().invoke(main, ["--root", str(root), "cache", "--path"])
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()).is_relative_to(restored)


def test_a_lock_older_than_the_pin_stops_the_install(tmp_path):
    """The guard both workflows run before installing from requirements.lock, run here as they run it."""
    import subprocess

    for name in ("check.yml", "deploy.yml"):
        script = _steps(name)[_index(_steps(name), "Install Agora Press")]["run"]
        guard = script.split("if [ -f requirements.lock ]; then", 1)[1].split("uv pip install", 1)[0]
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n'
                                                 'dependencies = ["agorapress==0.2.0"]\n', encoding="utf-8")
        for lock, stopped in (("agorapress==0.1.0 \\\n    --hash=sha256:00\n", True),
                              ("agorapress==0.2.0 \\\n    --hash=sha256:00\n", False)):
            (tmp_path / "requirements.lock").write_text(lock, encoding="utf-8")
            done = subprocess.run(["bash", "-c", guard], cwd=tmp_path, capture_output=True, text=True, timeout=60)
            assert (done.returncode != 0) is stopped, (name, lock, done.stdout, done.stderr)
            if stopped:
                assert "requirements.lock does not install agorapress==0.2.0" in done.stdout

"""The wheel, installed (not editable) in a fresh environment, carries everything: it builds the demo byte for byte
like the source tree does, and makes, checks and builds a new portal in English and in French."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DEMO_NOW, REPO, copy_demo
from golden_tree import snapshot

from agorapress import __version__


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    try:
        import build  # noqa: F401 - only its presence matters: `python -m build` with the build backend installed
        import hatchling  # noqa: F401
        command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)]
    except ImportError:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(REPO)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("agorapress-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; its dependencies come from this interpreter's
    site-packages, read-only, so nothing is fetched. Returns its `agora` command."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-I", "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall",
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin" / "agora"


def _env() -> dict[str, str]:
    # Without PYTHONPATH: the installed copy, never this source tree, must answer.
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}


def _agora(agora: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(agora), *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=_env())


def test_the_wheel_holds_the_package_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert wheel.name == f"agorapress-{__version__}-py3-none-any.whl"
    for needed in ("agorapress/themes/agora/templates/base.html", "agorapress/scaffold/README.portal.md",
                   "agorapress/scaffold/github/workflows/check.yml", "agorapress/scaffold/pages/fr/charter.md"):
        assert needed in names, needed
    assert any(n.startswith("agorapress/themes/agora/translations/fr/") and n.endswith(".po") for n in names)
    assert any(n.startswith("agorapress/locale/fr/") and n.endswith(".po") for n in names)
    # Agora's own release workflow is not portal scaffolding.
    assert not any(n.endswith("workflows/release.yml") for n in names)


def test_the_installed_agora_is_not_this_source_tree(installed: Path, tmp_path: Path):
    python = installed.parent / "python"
    done = subprocess.run([str(python), "-c", "import agorapress; print(agorapress.__file__)"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(), timeout=60)
    where = Path(done.stdout.strip())
    assert where.is_relative_to(installed.parent.parent), where
    assert not where.is_relative_to(REPO)


def test_the_installed_agora_builds_the_demo_byte_for_byte(installed: Path, demo_site: Path, tmp_path: Path):
    root = copy_demo(tmp_path / "demo")
    done = _agora(installed, "--root", str(root), "build", "--now", DEMO_NOW.isoformat(), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    ours, theirs = snapshot(root / "output"), snapshot(demo_site)
    assert sorted(ours[0]) == sorted(theirs[0])
    assert [rel for rel in sorted(ours[0]) if ours[0][rel] != theirs[0][rel]] == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_installed_agora_makes_checks_and_builds_a_new_portal(installed: Path, tmp_path: Path, language: str):
    root = tmp_path / "a new portal"
    done = _agora(installed, "init", str(root), "--owner", "ana-lopez", "--language", language, "--no-interactive",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / ".github" / "workflows" / "check.yml").is_file()
    assert not (root / ".github" / "workflows" / "release.yml").exists()
    for args in (("check",), ("build",)):
        done = _agora(installed, "--root", str(root), *args, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "output" / "index.html").is_file()
    assert f'lang="{language}"' in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_the_distributions_pass_twine_check(wheel: Path, tmp_path: Path):
    # As release.yml checks them before anything is published: metadata and the README PyPI shows.
    done = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path),
                           str(REPO)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), *map(str, tmp_path.glob("*.tar.gz"))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.count("PASSED") == 2, done.stdout + done.stderr

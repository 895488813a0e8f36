"""The layers stay one-way and Pelican stays in the engine: import-linter checks the contracts in pyproject.toml."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")
    result = subprocess.run([command], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def _layers() -> list[str]:
    import tomllib

    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    layered = next(c for c in contracts if c["type"] == "layers")
    return [name.strip() for line in layered["layers"] for name in line.split("|")]


def test_every_module_is_in_a_layer() -> None:
    # The package itself and build/__init__ (which names build() for its callers) are the only modules outside.
    layers = _layers()
    outside = []
    for path in sorted((REPO / "agorapress").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module in ("agorapress", "agorapress.build"):
            continue
        if not any(module == layer or module.startswith(layer + ".") for layer in layers):
            outside.append(module)
    assert outside == [], f"modules in no layer of pyproject.toml's import-linter contract: {outside}"


def test_only_render_imports_pelican() -> None:
    # The import-linter contract allows indirect imports (the build calls render); this says it in plain words too.
    importing = sorted(str(path.relative_to(REPO)) for path in (REPO / "agorapress").rglob("*.py")
                       if "render" not in path.relative_to(REPO / "agorapress").parts
                       and re.search(r"^\s*(from|import) pelican\b", path.read_text(encoding="utf-8"), re.M))
    assert importing == []

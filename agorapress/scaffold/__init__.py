"""What a new portal starts from: its GitHub workflows and templates, example content, and starting files per kind.

`github/` holds the copies of this repository's `.github/` files that `agora init` writes into a new
portal (workflows, Dependabot, issue and pull request templates). The repository's `.github/` is
the original; tests/test_workflows.py fails as soon as a copy differs from it. The files of
`PROJECT_ONLY` are Agora's own (its code owners, its release) and never go into a portal.
"""

from __future__ import annotations

from pathlib import Path

SCAFFOLD_DIR = Path(__file__).resolve().parent
GITHUB_DIR = SCAFFOLD_DIR / "github"
PAGES_DIR = SCAFFOLD_DIR / "pages"
#: Files of this repository's `.github/` that belong to Agora Press itself, not to a portal.
PROJECT_ONLY = frozenset({"CODEOWNERS", "workflows/release.yml"})


def github_files(language: str = "en") -> dict[str, bytes]:
    """Every shipped GitHub file, by its path under `.github/` (posix), in sorted order; in `language`, the
    files a contributor reads (issue forms, pull request template) come from `<language>/github/` when it has
    them. The workflows are the same in every language."""
    files = {
        path.relative_to(GITHUB_DIR).as_posix(): path.read_bytes()
        for path in sorted(GITHUB_DIR.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    translated = SCAFFOLD_DIR / language.split("-")[0] / "github"
    if language != "en" and translated.is_dir():
        files.update({path.relative_to(translated).as_posix(): path.read_bytes()
                      for path in sorted(translated.rglob("*")) if path.is_file()})
    return dict(sorted(files.items()))


def readme_template(language: str) -> Path:
    """The portal README's template in `language`, else in English."""
    translated = SCAFFOLD_DIR / language.split("-")[0] / "README.portal.md"
    return translated if translated.is_file() else SCAFFOLD_DIR / "README.portal.md"

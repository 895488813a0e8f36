"""Who is writing: the git configuration of the person at the keyboard, mapped to a contributor profile."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..content.source import decode, split_front_matter


def git_config(key: str, cwd: Path) -> str | None:
    """A value of the user's git configuration (e.g. user.name, github.user), or None."""
    try:
        done = subprocess.run(["git", "config", "--get", key], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def profiles(content_root: Path) -> dict[str, dict]:
    """Front matter of every profile in content/contributors/, by handle (unreadable ones skipped)."""
    found: dict[str, dict] = {}
    for path in sorted((content_root / "contributors").glob("*.md")):
        text = decode(path.read_bytes(), path.name, [])
        source = split_front_matter(text, path.name, path.name, []) if text is not None else None
        if source is not None and isinstance(source.doc.data, dict):
            found[path.stem] = source.doc.data
    return found


def find_handle(content_root: Path, *, github: str | None, name: str | None) -> str | None:
    """The handle whose profile has this GitHub login, else this name (both compared case-insensitively)."""
    known = profiles(content_root)
    for field, wanted in (("github", github), ("name", name)):
        if not wanted:
            continue
        matches = [handle for handle, data in known.items() if str(data.get(field, "")).casefold() == wanted.casefold()]
        if len(matches) == 1:
            return matches[0]
    return None

"""The output audit: the last look at a built site before it replaces the published one.

Nothing may be published that is not a plain file of an expected type inside the site: no symbolic link
(it could publish a file from outside), no hard link except those the incremental build makes to the
previous output, no dotfile but ``.nojekyll``, no device or pipe, scripts only where the theme and the search
index keep them, and a total size GitHub Pages accepts. Every problem has the rule id ``output-audit``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .problems import BuildFailed, Problem, Problems

#: File types a portal publishes: pages, feeds, calendars, styles, media, the search index.
ALLOWED_SUFFIXES = frozenset({
    ".html", ".xml", ".json", ".ics", ".opml", ".txt", ".css",
    ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".ico", ".woff", ".woff2",
    ".pdf", ".csv", ".mp3", ".ogg", ".mp4", ".webm",
    ".pagefind", ".pf_fragment", ".pf_index", ".pf_meta",
    ".js", ".mjs", ".wasm", ".svg",
})
#: Types that run or can carry script in a browser: only from the theme and the search index.
ACTIVE_SUFFIXES = frozenset({".js", ".mjs", ".wasm", ".svg"})
ACTIVE_FOLDERS = ("theme/", "pagefind/")
ALLOWED_DOTFILES = frozenset({".nojekyll"})
MAX_SITE_BYTES = 1024**3  # GitHub Pages refuses larger sites


def audit_output(staging: Path, previous: Path | None = None, max_bytes: int = MAX_SITE_BYTES) -> list[Problem]:
    """Problems with the site built in `staging`; hard links into `previous` (the last output) are expected."""
    staging = Path(staging)
    problems: list[Problem] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(staging):
        rel_dir = os.path.relpath(dirpath, staging).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                problems.append(_problem(prefix + name, "is a symbolic link to a folder"))
            elif name.startswith("."):
                problems.append(_problem(prefix + name, "is a hidden folder"))
        # Links and hidden folders are not entered: what is inside is not published either way.
        dirnames[:] = sorted(n for n in dirnames if not os.path.islink(os.path.join(dirpath, n)) and not n.startswith("."))
        for name in sorted(filenames):
            rel = prefix + name
            info = os.lstat(os.path.join(dirpath, name))
            reason = _refusal(rel, name, info, staging, previous)
            if reason:
                problems.append(_problem(rel, reason))
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
    if total > max_bytes:
        problems.append(_problem("", f"the site holds {total:,} bytes, over the limit of {max_bytes:,} bytes"))
    return problems


def _refusal(rel: str, name: str, info: os.stat_result, staging: Path, previous: Path | None) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device, a pipe or a socket)"
    if name.startswith("."):
        return None if rel in ALLOWED_DOTFILES else "is a hidden file"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in ALLOWED_SUFFIXES:
        return f"has a file type the site does not publish ('{suffix or name}')"
    if suffix in ACTIVE_SUFFIXES and not rel.startswith(ACTIVE_FOLDERS):
        return f"is a '{suffix}' file outside {' and '.join(ACTIVE_FOLDERS)}: only the theme and the search index ship scripts"
    if info.st_nlink > 1 and not _linked_from_previous(staging / rel, previous, rel):
        return "is a hard link to a file outside the site"
    return None


def _linked_from_previous(path: Path, previous: Path | None, rel: str) -> bool:
    # The incremental build hard-links an unchanged page to the same page of the last output, and only that.
    if previous is None:
        return False
    try:
        return os.path.samefile(path, Path(previous) / rel)
    except OSError:
        return False


def _problem(rel: str, reason: str) -> Problem:
    return Problem(f"(output)/{rel}", 0, "output-audit", "", f"{rel} {reason}" if rel else reason,
                   "nothing was published; a theme, plugin or build step put it there")


def ensure_safe_output(staging: Path, previous: Path | None = None) -> None:
    """Raise BuildFailed when the audit finds anything: the previous output then stays published."""
    problems = audit_output(staging, previous)
    if problems:
        raise BuildFailed(Problems(problems))

"""The output audit: the last look at a built site before it replaces the published one.

Nothing may be published that is not a plain file of an expected type inside the site: no symbolic link
(it could publish a file from outside), no hard link except those the incremental build makes to the
previous output, no dotfile but ``.nojekyll``, no device or pipe, scripts only where the theme and the search
index keep them, and a total size GitHub Pages accepts. Every problem has the rule id ``output-audit``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..folders import walk
from ..problems import BuildFailed, Problem, Problems

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


@dataclass
class Survey:
    """One walk of a built site: what the audit refuses, how many files it holds, and a digest of their
    names, sizes, modification times and inodes (an output someone changed or deleted by hand no longer matches
    the last build's, even edited to the same size)."""

    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    summary: str = ""


def survey(site: Path, previous: Path | None = None, max_bytes: int = MAX_SITE_BYTES) -> Survey:
    """Walk `site` once, folders and files in name order; hard links into `previous` (the last output) are expected."""
    site = Path(site)
    found = Survey()
    digest = hashlib.sha256()
    total = 0
    # Hidden folders and links to folders are refused, not entered: what is inside is not published either way.
    for rel_dir, folders, files in walk(site, enter=lambda entry: not entry.name.startswith(".")):
        prefix = f"{rel_dir}/" if rel_dir else ""
        for entry in folders:
            if entry.is_symlink():
                found.problems.append(_problem(prefix + entry.name, "is a symbolic link to a folder"))
            elif entry.name.startswith("."):
                found.problems.append(_problem(prefix + entry.name, "is a hidden folder"))
        for entry in files:
            rel = prefix + entry.name
            info = entry.stat(follow_symlinks=False)
            reason = _refusal(rel, entry.name, info, site, previous)
            if reason:
                found.problems.append(_problem(rel, reason))
                continue
            found.files += 1
            total += info.st_size
            # The build writes each file once, or links it from the last output (keeping its inode and time), before
            # this walk; renaming the folder into place changes neither. A later edit changes the time, or the
            # inode when an editor writes a new file and renames it.
            digest.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode())
    if total > max_bytes:
        found.problems.append(_problem("", f"the site holds {total:,} bytes, over the limit of {max_bytes:,} bytes"))
    for problem in found.problems:  # a refused entry changes the summary too
        digest.update(f"!{problem.message}\n".encode())
    found.summary = digest.hexdigest()
    return found


def audit_output(staging: Path, previous: Path | None = None, max_bytes: int = MAX_SITE_BYTES) -> list[Problem]:
    """Problems with the site built in `staging`; hard links into `previous` (the last output) are expected."""
    return survey(staging, previous, max_bytes).problems


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
    if info.st_nlink > 1 and not _linked_from_previous(info, previous, rel):
        return "is a hard link to a file outside the site"
    return None


def _linked_from_previous(info: os.stat_result, previous: Path | None, rel: str) -> bool:
    # The incremental build hard-links an unchanged page to the same page of the last output, and only that.
    if previous is None:
        return False
    try:
        other = os.lstat(os.path.join(previous, rel))
    except OSError:
        return False
    return (other.st_ino, other.st_dev) == (info.st_ino, info.st_dev)


def _problem(rel: str, reason: str) -> Problem:
    return Problem(f"(output)/{rel}", 0, "output-audit", "", f"{rel} {reason}" if rel else reason,
                   "nothing was published; a theme, plugin or build step put it there")


def ensure_safe_output(staging: Path, previous: Path | None = None) -> Survey:
    """Raise BuildFailed when the audit finds anything: the previous output then stays published."""
    found = survey(staging, previous)
    if found.problems:
        raise BuildFailed(Problems(found.problems))
    return found

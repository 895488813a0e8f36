"""Walking a folder in a fixed order: the content of a portal, the site a build wrote."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path


def walk(root: Path | str, enter: Callable[[os.DirEntry], bool] = lambda entry: True,
         ) -> Iterator[tuple[str, list[os.DirEntry], list[os.DirEntry]]]:
    """Like os.walk(root), top-down, names sorted, links never followed: (relative folder, its folders, its
    files) as directory entries, so telling links apart costs no system call per file. A folder is entered
    when `enter` says so; a link to a folder never is."""
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:  # as os.walk: a folder that cannot be listed is skipped
            continue
        # Classified as os.walk does: a link to a folder is a folder (never entered), anything else a file.
        dirs = [entry for entry in entries if entry.is_dir()]
        files = [entry for entry in entries if not entry.is_dir()]
        yield rel_dir, dirs, files
        # Reversed onto the stack, so folders are visited in sorted order.
        pending += [posixpath.join(rel_dir, d.name) for d in reversed(dirs) if not d.is_symlink() and enter(d)]

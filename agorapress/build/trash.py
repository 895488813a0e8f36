"""Deleting the sites builds replaced, from `.<output>.trash`: by the build that waits for it, or by a process of
its own that the swap starts (`python -I -S trash.py FOLDER`: the standard library alone, nothing imported from the
portal or its working folder, which a pull request writes).

Whoever deletes holds the folder's lock, so one deleter works at a time and whoever waits for the lock finds the
sites deleted. Where the file system offers no lock (some network and FUSE mounts) or the lock cannot be opened, the
caller deletes without it: rmtree with errors ignored, so two deleters at once only find less to do. Nothing is
followed: the lock is never opened through a link, and rmtree removes a link, never what it points to.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys

try:
    import fcntl
except ImportError:  # Windows: no lock, and no deleter of its own (see swap.discard)
    fcntl = None

#: What the trash folder keeps: its .gitignore, and the lock its deleters take.
KEPT = (".gitignore", ".lock")
#: Whether deleters can take turns (a lock): else the build deletes before it returns (see swap.discard).
LOCKING = fcntl is not None
#: This file, run on its own by the process that deletes after the build.
SCRIPT = os.path.abspath(__file__)


def empty_trash(trash: str | os.PathLike) -> None:
    """Delete every site in the trash folder, holding its lock when the system gives one."""
    lock = _lock(trash)
    try:
        with os.scandir(trash) as entries:
            for entry in entries:
                if entry.name in KEPT:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:  # a file or a link put there by hand (or by a pull request): removed, never followed
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
    finally:
        if lock is not None:
            os.close(lock)  # lets the lock go


def _lock(trash: str | os.PathLike) -> int | None:
    if fcntl is None:
        return None
    try:
        # Read-only: flock needs no right to write, so a lock file another user's build made still serves.
        lock = os.open(os.path.join(trash, ".lock"), os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError:
        os.close(lock)
        return None
    return lock


if __name__ == "__main__":
    empty_trash(sys.argv[1])

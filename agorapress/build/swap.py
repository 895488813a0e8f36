"""The output folder: where a build may write, the staging folder beside it, and the swap that publishes it whole.

A build writes into `.<name>.staging` next to the output and, once it succeeded, puts it in the output's place.
Where Linux offers it, renameat2(RENAME_EXCHANGE) swaps the two folders in one atomic step; elsewhere two renames
do (the output to `.<name>.old`, the staging folder to the output), and a crash between them leaves the last site
in `.<name>.old`, which the next build puts back before anything else. Nothing is ever deleted or written through
a symbolic link standing in place of these folders: such a link, an output that is a file, or a folder that cannot
be written is a problem line before anything is rendered.

The site replaced is not deleted while the build waits: deleting 10,000 pages takes seconds, a fifth of an edited
page's rebuild at that size. It is renamed into `.<name>.trash` (a folder Git ignores by a `.gitignore` of its own,
whatever the portal's), and a process of its own deletes it there after the build has returned.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

from ..problems import AgoraError, Problem, Problems
from .trash import KEPT, LOCKING, SCRIPT, empty_trash

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: Errors saying the exchange is not available here (an old kernel, a file system without it): two renames then.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


class OutputUnusable(AgoraError):
    """The output folder cannot be built into (a file, a link in the staging folder's place, no right to write):
    nothing was rendered, exit 2."""

    def __init__(self, problems: Problems):
        super().__init__(problems.render("text"))
        self.problems = problems


def staging_of(output: Path) -> Path:
    return output.parent / f".{output.name}.staging"


def previous_of(output: Path) -> Path:
    return output.parent / f".{output.name}.old"


def trash_of(output: Path) -> Path:
    return output.parent / f".{output.name}.trash"


#: The deleting processes this process started: kept until they end, so that each is waited for (no zombie).
_deleting: list[subprocess.Popen] = []


def ready(output: Path) -> None:
    """Refuse an output the build cannot or must not write (raises OutputUnusable), and put back a site that a swap
    stopped between its two renames left aside. `output` is absolute, its last part not resolved: a link there is
    refused, not followed."""
    problems = location_problems(output)
    if problems:
        raise OutputUnusable(Problems(problems))
    try:
        wait_discarded(output)
    except OSError as exc:
        trash = trash_of(output)
        raise OutputUnusable(Problems([Problem(str(trash), 0, "output-folder", "", "holds the sites earlier builds "
                                               f"replaced, which cannot be deleted: {exc.strerror or exc}",
                                               f"remove it ({trash.name} is not part of the site)")])) from None
    try:
        recover(output)
    except OSError as exc:
        raise OutputUnusable(Problems([Problem(str(output), 0, "output-folder", "", f"the last site, left aside in "
                                               f"{previous_of(output)} by a build that was stopped, cannot be put back: "
                                               f"{exc.strerror or exc}", "move it back to the output folder's name")])) from None


def stage(output: Path) -> Path:
    """An empty staging folder beside `output`."""
    staging = staging_of(output)
    try:
        if _kind(staging) == "folder":
            shutil.rmtree(staging)  # left by a build that was killed
        staging.mkdir(parents=True)
    except OSError as exc:
        raise OutputUnusable(Problems([Problem(str(output), 0, "output-folder", "", f"cannot create the build's staging "
                                               f"folder {staging}: {exc.strerror or exc}",
                                               "build into a folder you can write to (--output)")])) from None
    return staging


def location_problems(output: Path) -> list[Problem]:
    """What makes `output` unusable, found before anything is written."""
    found = []
    kind = _kind(output)
    if kind == "a symbolic link":
        found.append(Problem(str(output), 0, "output-folder", "", "is a symbolic link: the build replaces the output "
                             "folder whole, and never what a link points to",
                             "give --output the folder it points to, if that is the one to replace"))
    elif kind not in (None, "folder"):
        found.append(Problem(str(output), 0, "output-folder", "", f"is {kind}, not a folder",
                             "give --output a folder: the whole folder is replaced by the new site"))
    for parent in output.parents:
        parent_kind = _kind(parent)
        if parent_kind is None:
            continue
        if parent_kind != "folder":
            found.append(Problem(str(output), 0, "output-folder", "", f"{parent} is {parent_kind}, not a folder",
                                 "give --output a path inside a folder"))
        break
    for beside in (staging_of(output), previous_of(output), trash_of(output)):
        beside_kind = _kind(beside)
        if beside_kind not in (None, "folder"):
            found.append(Problem(str(beside), 0, "output-folder", "", f"is {beside_kind}: the build keeps its own "
                                 "folder under this name, and never deletes or writes through anything else",
                                 f"remove it ({beside.name} is not part of the site)"))
    return found


def recover(output: Path) -> bool:
    """Put back the site a swap moved aside when it was stopped between its two renames; True if it did."""
    old = previous_of(output)
    if _kind(output) is None and _kind(old) == "folder":
        os.replace(old, output)
        return True
    return False


def swap(staging: Path, output: Path) -> None:
    """Put the staging folder in the output's place: never a half-written site, never no site."""
    if _kind(output) == "folder" and _exchange(staging, output):
        discard(staging, output)  # the last site, now under the staging name
        return
    old = previous_of(output)
    if _kind(old) == "folder":
        shutil.rmtree(old)
    had_output = _kind(output) == "folder"
    if had_output:
        os.replace(output, old)
    try:
        os.replace(staging, output)
    except OSError:
        if had_output:
            os.replace(old, output)  # the last site stays published
        raise
    if had_output:
        discard(old, output)


def discard(folder: Path, output: Path) -> None:
    """Delete `folder`, a site `output` replaced, after this build: moved into the trash folder at once, deleted
    there by a process of its own that outlives the build (trash.py). Where it cannot be moved, it is deleted now."""
    trash = trash_of(output)
    try:
        if _kind(trash) is None:
            trash.mkdir()
        if _kind(trash) != "folder":
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(trash))
        _ignored(trash)
        os.replace(folder, trash / f"{os.getpid()}-{time.monotonic_ns()}")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if not LOCKING:
        empty_trash(trash)
        return
    _deleting[:] = [process for process in _deleting if process.poll() is None]
    try:
        # -I -S: the standard library alone; the working folder (the portal, which a pull request writes) is not
        # searched for modules.
        _deleting.append(subprocess.Popen([sys.executable, "-I", "-S", SCRIPT, str(trash)],
                                          cwd=trash, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:
        empty_trash(trash)  # no process can be started: it is deleted now


def _ignored(trash: Path) -> None:
    """The trash folder's own .gitignore, written when missing (never through a link): Git then ignores it whatever
    the portal's .gitignore says."""
    try:
        handle = os.open(trash / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write("# Sites replaced by agora build, being deleted.\n*\n")


def wait_discarded(output: Path) -> bool:
    """Wait until the sites `output` replaced are deleted; those a deleting process left (it was killed) are deleted
    here. Every build waits for it before it looks at the output: until then a file of the output is still
    hard-linked from the site replaced, which a survey of the output alone counts as a problem (audit.py). True when
    the trash folder holds nothing else."""
    trash = trash_of(output)
    if _kind(trash) != "folder":
        return True
    empty_trash(trash)
    return all(name in KEPT for name in os.listdir(trash))


def _kind(path: Path) -> str | None:
    """'folder', what else stands at `path` (never followed), or None when nothing does."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a parent is a file: location_problems says so
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if stat.S_ISREG(info.st_mode):
        return "a file"
    return "a device, a pipe or a socket"


def _exchange(a: Path, b: Path) -> bool:
    """Swap the two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


@functools.cache
def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function

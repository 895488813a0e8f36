"""The output folder: where a build may write, the staging folder beside it, and the swap that publishes it whole.

A build writes into `.<name>.staging` next to the output and, once it succeeded, puts it in the output's place.
Where Linux offers it, renameat2(RENAME_EXCHANGE) swaps the two folders in one atomic step; elsewhere two renames
do (the output to `.<name>.old`, the staging folder to the output), and a crash between them leaves the last site
in `.<name>.old`, which the next build puts back before anything else. Nothing is ever deleted or written through
a symbolic link standing in place of these folders: such a link, an output that is a file, or a folder that cannot
be written is a problem line before anything is rendered.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import stat
from pathlib import Path

from ..problems import AgoraError, Problem, Problems

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


def ready(output: Path) -> None:
    """Refuse an output the build cannot or must not write (raises OutputUnusable), and put back a site that a swap
    stopped between its two renames left aside. `output` is absolute, its last part not resolved: a link there is
    refused, not followed."""
    problems = location_problems(output)
    if problems:
        raise OutputUnusable(Problems(problems))
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
    for beside in (staging_of(output), previous_of(output)):
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
        shutil.rmtree(staging, ignore_errors=True)  # the last site, now under the staging name
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
        shutil.rmtree(old, ignore_errors=True)


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

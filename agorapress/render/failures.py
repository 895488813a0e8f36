"""What a failed build says: a template's error, a portal plugin's, or the disk's, as one problem line.

A build must end with problem lines, never a traceback: a template override with a syntax error, a filter that
raises, a full disk or a read-only folder are the portal owner's to fix, and the line says which file and which
line. An exception raised from Agora's own code is a bug, and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import traceback
from pathlib import Path

import jinja2

from ..problems import Problem

_PACKAGE = Path(__file__).resolve().parent.parent


def problem_of(exc: BaseException, root: Path, staging: Path | None = None) -> Problem | None:
    """The problem line for `exc` raised while rendering the portal at `root` into `staging`, or None for a bug."""
    # TemplateNotFound is an OSError too: a template's problem all the same.
    if isinstance(exc, OSError) and not isinstance(exc, jinja2.TemplateError):
        return _file_system(exc, root, staging)
    frames = traceback.extract_tb(exc.__traceback__)
    where = _template_frame(exc, frames)
    if where is not None:
        path, line = where
        message = exc.message if isinstance(exc, jinja2.TemplateSyntaxError) and exc.message else str(exc)
        return Problem(_display(path, root), line, "template", "", f"{type(exc).__name__}: {message}",
                       "fix the template, with the shipped theme's version of it as a model; nothing was published")
    plugins = root / "plugins"
    for frame in reversed(frames):
        if frame.filename and plugins in Path(frame.filename).parents:
            return Problem(_display(frame.filename, root), frame.lineno or 0, "plugin", "", f"{type(exc).__name__}: {exc}",
                           "fix the portal's plugin, or take it out of `plugins:` in site_config.yaml")
    return None


def _template_frame(exc: BaseException, frames: list[traceback.FrameSummary]) -> tuple[str, int] | None:
    """The template file and line where `exc` arose: Jinja names them in a syntax error, and rewrites a render
    error's traceback so that each template has a frame of its own, at the template's line."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno or 0
    for frame in reversed(frames):
        name = frame.filename or ""
        if not name.endswith(".py") and not name.startswith("<") and os.path.isfile(name):
            return name, frame.lineno or 0
    return None


def _file_system(exc: OSError, root: Path, staging: Path | None) -> Problem:
    name = os.fsdecode(exc.filename) if isinstance(exc.filename, (str, bytes)) else ""
    reason = exc.strerror or str(exc)
    if name and staging is not None and (Path(name) == staging or staging in Path(name).parents):
        path, message = f"(output)/{Path(name).relative_to(staging).as_posix()}", f"could not write it: {reason}"
    elif name:
        path, message = _display(name, root), f"could not read or write it: {reason}"
    elif staging is not None:  # a write into an open file says no name
        path, message = "(output)", f"could not write the new site beside {staging.parent}: {reason}"
    else:
        path, message = "(build)", f"a file could not be read or written: {reason}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some space on that disk, or build elsewhere with --output; nothing was published"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "build into a folder you can write to (--output); nothing was published"
    else:
        hint = "nothing was published; try again once the file system is back in order"
    return Problem(path, 0, "file-system", "", message, hint)


def _display(path: str, root: Path) -> str:
    # Relative to the portal when it is one of its files, to the package's folder when it is the shipped theme's.
    for base in (root, _PACKAGE.parent):
        try:
            return Path(path).relative_to(base).as_posix()
        except ValueError:
            continue
    return path

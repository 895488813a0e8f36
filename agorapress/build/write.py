"""Writing the staging folder: every file whole then renamed, linked from the last output when its bytes are the same.

Every writer of a build (the render shards' pages, the outputs, the search index, the static files) puts a file in
place with `replace_file`: written under a temporary name and renamed, so no reader ever sees half of it and nothing
is ever written through a hard link into the last output. A file whose bytes equal the last output's is a hard link
to it instead, so it keeps its inode and modification time (deploys and caches see no change). The staging folder
then replaces the output whole (swap.py) once the audit (audit.py) found nothing odd in it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..folders import walk

#: Output folders an incremental build never links from the last output: the search index is made again whole.
NOT_LINKED = ("pagefind",)


def replace_file(path: str | os.PathLike, data: bytes, previous: str | os.PathLike | None = None) -> None:
    """Put `data` at `path`: a hard link to `previous` (the last output's file) when that holds the same bytes; else
    written to a temporary file and renamed."""
    if previous is not None and _same_bytes(previous, data):
        link_from(previous, path)
        return
    tmp = f"{path}.agora-tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def write_whole(output: Path, name: str, data: bytes, previous: Path | None = None) -> None:
    """Write output file `name` (relative to `output`), its folders made as needed; `previous` is the last output."""
    path = output / name
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, data, previous / name if previous is not None else None)


def link_from(previous: str | os.PathLike, filename: str | os.PathLike) -> None:
    """Make `filename` a hard link to `previous`, replacing what is there. Renaming a link onto another link to the
    same file does nothing and leaves the temporary name behind (POSIX rename): an incremental build may have
    linked that very file already, so the temporary name is removed whatever happened."""
    tmp = f"{filename}.agora-link"
    os.link(previous, tmp)
    try:
        os.replace(tmp, filename)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _same_bytes(path: str | os.PathLike, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data) or os.path.islink(path):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def copy_tree(source: Path, output: Path, folder: str, previous: Path | None, skip: Iterable[str] = ()) -> list[str]:
    """Copy every file under `source` (links and hidden files left out) to `output`/`folder`, each whole, linked
    from the last output when unchanged; return the names written, relative to `output`. `skip` names files (relative
    to `source`) not to copy."""
    skipped = frozenset(skip)
    written = []
    for rel_dir, _, files in walk(source, enter=lambda entry: not entry.name.startswith(".")):
        for entry in files:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.name.startswith(".") or entry.is_symlink() or rel in skipped:
                continue
            name = f"{folder}/{rel}"
            with open(entry.path, "rb") as handle:
                write_whole(output, name, handle.read(), previous)
            written.append(name)
    return written


def link_unchanged(previous: Path, staging: Path, skip: tuple[str, ...] = ()) -> int:
    """Hard-link every file of the last output into the staging folder, but those under the folders of `skip` (and of
    NOT_LINKED) and those already there; return how many. It runs while the shards render: a file a shard wrote first
    stays, and a shard that writes after it replaces the link (every writer writes a file whole then renames it,
    never into it), so nothing is ever written through a link into the last output."""
    skipped = frozenset(folder.strip("/") for folder in (*NOT_LINKED, *skip) if folder.strip("/"))
    linked = 0
    # A walk of its own: relative names kept as strings (os.walk's relpath per folder was a fifth of it at 10,000
    # pages) and one mkdir per folder (makedirs stats the parent first); the folders of a page nobody rendered
    # yet are new, those a shard made first are already there.
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        source, target = os.path.join(previous, rel_dir), os.path.join(staging, rel_dir)
        made = False
        with os.scandir(source) as entries:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_symlink():
                    continue  # never in an output (audit.py), never followed
                if entry.is_dir(follow_symlinks=False):
                    if rel not in skipped:
                        pending.append(rel)
                    continue
                if not made:
                    _folder(target)
                    made = True
                try:
                    os.link(entry.path, os.path.join(target, entry.name))
                except FileExistsError:
                    continue
                linked += 1
    return linked


def _folder(path: str) -> None:
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:  # its parent holds no file of its own, so was not made
        os.makedirs(path, exist_ok=True)

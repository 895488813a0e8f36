"""Reading a source site safely: regular files under its root only (no link followed out of it), bounded sizes,
and the one function that copies a file into the portal (to be swapped for the image pipeline)."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterator
from pathlib import Path

from .model import Note

#: A source file larger than this is not read (no post or export of a real site comes near it).
MAX_TEXT_BYTES = 64 << 20
MAX_MEDIA_BYTES = 64 << 20


class SourceTree:
    """The files of a source folder (or of the folder beside an export file), read without following links."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._kinds: dict[str, str | None] = {}  # what each path asked about is: "file", "dir" or None (the source
        # does not change during an import, and a body may link to one path thousands of times)

    def walk(self, under: str = "") -> Iterator[str]:
        """Regular files under `under` (posix paths from the root), sorted, hidden files and folders left out; a
        symbolic link is never followed, even one pointing inside."""
        start = self.root / under if under else self.root
        if not self.is_dir(under):
            return
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d)))
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                if name.startswith(".") or not stat.S_ISREG(os.lstat(full).st_mode):
                    continue
                yield name if rel_dir == "." else f"{rel_dir}/{name}"

    def is_dir(self, rel: str) -> bool:
        return self._kind(rel) == "dir"

    def is_file(self, rel: str) -> bool:
        return self._kind(rel) == "file"

    def _kind(self, rel: str) -> str | None:
        if rel not in self._kinds:
            clean = posixpath.normpath("/" + rel.replace("\\", "/")).lstrip("/")
            # Nothing there: no need to resolve the path (a body may link to thousands of files that do not exist).
            path = self._inside(rel) if os.path.lexists(self.root / clean) else None
            kind = None
            if path is not None:
                try:
                    mode = os.lstat(path).st_mode
                except OSError:
                    mode = 0
                kind = "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else None
            self._kinds[rel] = kind
        return self._kinds[rel]

    def _inside(self, rel: str) -> Path | None:
        """The path of `rel` if it stays inside the root once '..' and links are resolved, else None."""
        clean = posixpath.normpath("/" + rel.replace("\\", "/")).lstrip("/")
        path = self.root / clean if clean and clean != "." else self.root
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return None
        if resolved != self.root and self.root not in resolved.parents:
            return None
        # Any link on the way is refused, even one that ends inside: the file must be where it is named.
        if resolved != path:
            return None
        return path

    def read_bytes(self, rel: str, limit: int = MAX_TEXT_BYTES) -> bytes | None:
        path = self._inside(rel)
        if path is None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with open(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            return handle.read(limit + 1)[:limit]

    def read_text(self, rel: str, notes: list[Note]) -> str | None:
        data = self.read_bytes(rel)
        if data is None:
            notes.append(Note(rel, 0, "not read: not a regular file inside the source, or over "
                              f"{MAX_TEXT_BYTES >> 20} MiB"))
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            notes.append(Note(rel, line, "not read: not UTF-8 text"))
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")


def copy_file(data: bytes, target: Path) -> bool:
    """Put `data` at `target` (whole: a temporary file, then renamed); False when it already holds those bytes.

    The one place an imported image is written: when the image pipeline can re-encode at import time, it goes here."""
    if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.importing")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True

"""One version of a portal's files: the checked-out work tree, or a commit read with Git's plumbing.

Git runs with list arguments, never through a shell, and blobs are read with plumbing commands (no diff drivers,
no text conversion a pull request could configure). Neither version follows a symbolic link: a link is not a
file of the portal, and reading through it could leak what lies outside the repository.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .problems import AgoraError

#: A branch, tag or commit as a user types it (never an option: it cannot start with '-').
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/@{}^~-]*")
#: A commit named by its hash, abbreviated to at least 7 digits (SHA-1 or SHA-256).
SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_REGULAR = {"100644", "100755"}


def git(root: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
    """The output of `git args` in `root`, without the machine's prompts or locks; an AgoraError when it fails."""
    # Paths are names, never patterns: a file called '*.md' names that file alone.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_LITERAL_PATHSPECS": "1"}
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise AgoraError("git is not installed: reading the versions of a pull request needs it") from None
    if done.returncode != 0 and check:
        raise AgoraError(f"git {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def commit_of(root: Path, ref: str) -> str | None:
    """The full hash of the commit `ref` names here, or None when there is none (or `root` is no repository)."""
    if not REF.fullmatch(ref):
        return None
    out = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return out.decode("ascii", "replace").strip() or None


def merge_base(root: Path, a: str, b: str) -> str:
    """The best common ancestor of two commits, or '' when they have none."""
    return git(root, "merge-base", a, b, check=False).decode("ascii").strip()


def renames(root: Path, base: str, under: str) -> list[tuple[str, str]]:
    """(old path, new path) of every file under `under` that Git sees as renamed or moved from `base` to HEAD
    (`--find-renames`: the same or a similar content under another name)."""
    raw = git(root, "diff", "--raw", "-z", "--find-renames", "--diff-filter=R", "--no-ext-diff", "--no-textconv",
              base, "HEAD", "--", under).decode("utf-8", "surrogateescape")
    parts = raw.split("\0")
    pairs, index = [], 0
    while index + 2 < len(parts):  # ':modes shas Rnn' NUL old NUL new NUL
        if parts[index].startswith(":"):
            pairs.append((parts[index + 1], parts[index + 2]))
            index += 3
        else:
            index += 1
    return sorted(pairs)


def decode(data: bytes | None) -> str | None:
    """UTF-8 text (a BOM dropped, CRLF as LF), or None when `data` is absent or not text."""
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def clean(path: str) -> str:
    """A path from the repository root as Git names it: forward slashes, no './' or leading '/'."""
    return path.replace("\\", "/").removeprefix("./").lstrip("/")


class WorkTree:
    """The files as they are on disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._resolved = self.root.resolve()

    def data(self, path: str) -> bytes | None:
        file = self.root / clean(path)
        try:
            inside = file.resolve().is_relative_to(self._resolved)
            if not inside or file.is_symlink() or not file.is_file():
                return None
            return file.read_bytes()
        except OSError:
            return None

    def text(self, path: str) -> str | None:
        return decode(self.data(path))

    def files(self, folder: str) -> list[str]:
        """The regular files under `folder` (from the repository root), at any depth, sorted."""
        folder = clean(folder).rstrip("/")
        base = self.root / folder
        if base.is_symlink() or not base.is_dir():
            return []
        found = []
        for here, dirs, names in os.walk(base):  # os.walk does not enter linked folders
            rel = Path(here).relative_to(self.root).as_posix()
            found += [f"{rel}/{name}" for name in names if not (Path(here) / name).is_symlink()]
            dirs[:] = [d for d in dirs if not (Path(here) / d).is_symlink()]
        return sorted(found)

    def texts(self, paths: list[str]) -> dict[str, str | None]:
        return {path: self.text(path) for path in paths}


class Commit:
    """The files of one commit, read from Git's object store (the work tree plays no part)."""

    def __init__(self, root: Path, sha: str):
        self.root = Path(root)
        self.sha = sha

    def _entries(self, *paths: str, recursive: bool = False) -> dict[str, tuple[str, str]]:
        """path -> (mode, blob id) of what ls-tree lists for `paths` (files, or what folders hold)."""
        out = git(self.root, "ls-tree", "-z", "--full-tree", *(["-r"] if recursive else []), self.sha, "--", *paths)
        entries = {}
        for record in out.decode("utf-8", "surrogateescape").split("\0"):
            meta, tab, path = record.partition("\t")
            if tab:
                mode, kind, oid = meta.split()
                if kind == "blob":
                    entries[path] = (mode, oid)
        return entries

    def data(self, path: str) -> bytes | None:
        entry = self._entries(clean(path)).get(clean(path))
        if entry is None or entry[0] not in _REGULAR:
            return None
        return git(self.root, "cat-file", "blob", entry[1])

    def text(self, path: str) -> str | None:
        return decode(self.data(path))

    def files(self, folder: str) -> list[str]:
        """The regular files under `folder` (from the repository root), at any depth, sorted."""
        prefix = clean(folder).rstrip("/") + "/"
        return sorted(path for path, (mode, _) in self._entries(prefix, recursive=True).items() if mode in _REGULAR)

    def texts(self, paths: list[str]) -> dict[str, str | None]:
        """Many files at once: one ls-tree and one `cat-file --batch`, however many there are."""
        wanted = sorted({clean(p) for p in paths})
        entries = {}
        for start in range(0, len(wanted), 200):  # bounded command lines
            entries.update(self._entries(*wanted[start:start + 200]))
        oids = {path: entries[path][1] for path in wanted if path in entries and entries[path][0] in _REGULAR}
        blobs = _batch(self.root, sorted(set(oids.values())))
        return {path: decode(blobs.get(oids[path])) if path in oids else None for path in wanted}


def _batch(root: Path, oids: list[str]) -> dict[str, bytes]:
    """The contents of blobs by id, through one `git cat-file --batch`."""
    if not oids:
        return {}
    out = git(root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids).encode("ascii"))
    found, at = {}, 0
    for oid in oids:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3:  # "<oid> missing"
            continue
        size = int(header[2])
        found[oid] = out[at:at + size]
        at += size + 1  # the content, then a newline
    return found

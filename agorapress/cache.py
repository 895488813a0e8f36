"""The portal's cache folder: outside the repository, one per portal, every file authenticated before it is read.

Parsed files, rule results, the render state (pickles) and compiled templates (marshalled code) are code to
whoever loads them. A pull request can add any file to the repository, so none of them is ever kept there, and
none is loaded unless its tag verifies: an HMAC-SHA256 of the file's name and bytes, made with a key that only
this user can read (`<base>/key`, made once). A file whose tag does not verify is treated as absent (a slower
build, never an error). Nothing is opened through a symbolic link below the base folder: every file is opened
relative to the portal's folder with O_NOFOLLOW, and that folder relative to the base.

The base is $AGORA_CACHE_DIR, else $XDG_CACHE_HOME/agora, else ~/.cache/agora; a portal's folder in it is
`<portal folder name>-<first 12 hex of the sha256 of its resolved path>`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import re
import secrets
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .memory import paused_gc
from .problems import AgoraError, Problem

ENV_VAR = "AGORA_CACHE_DIR"
#: Where earlier versions kept the cache, inside the portal: never read or written now (see `leftover_problems`).
IN_REPOSITORY = ".agora-cache"
KEY_FILE = "key"
KEY_BYTES = 32
#: A file's tag lives beside it (`<name>.tag`): the file itself stays plain, so the deploy workflow reads
#: build.json with jq.
TAG_SUFFIX = ".tag"
#: A name is one file in the portal's folder, never a path.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO planted under a file's name must not hang the build (fstat then refuses it).
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class CacheUnusable(AgoraError):
    """The cache cannot be used safely (its base is inside the portal, or its key is not private): exit 2."""


def cache_base() -> Path:
    """The folder that holds every portal's cache folder and the key, resolved."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
        return (Path(xdg) / "agora").resolve()
    try:
        home = Path.home()
    except RuntimeError:
        raise CacheUnusable(f"no home folder to keep the cache in: set {ENV_VAR} to a folder outside the portal") from None
    return (home / ".cache" / "agora").resolve()


class PortalCache:
    """One portal's cache folder: `read`/`write` bytes, `load_pickle`/`dump_pickle` objects, by file name.

    Writes that fail (a full disk, a read-only home) are skipped and the first reason kept in `failure`:
    the cache only saves time."""

    def __init__(self, root: Path, base: Path | None = None):
        self.root = Path(root).resolve()
        self.base = Path(base).resolve() if base is not None else cache_base()
        if self.base == self.root or self.root in self.base.parents:
            raise CacheUnusable(f"the cache folder {self.base} is inside the portal {self.root}: anything in the "
                                f"repository may come from a pull request; set {ENV_VAR} to a folder outside it")
        digest = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:12]
        self.folder = f"{self.root.name}-{digest}"
        self.path = self.base / self.folder
        self.failure: str | None = None
        self._key: bytes | None = None

    def read(self, name: str) -> bytes | None:
        """The bytes last written under `name`, or None when absent or not authentic."""
        key = self._get_key(create=False)
        if key is None:
            return None
        try:
            with self._opened() as folder:
                data = _read(folder, name)
                tag = _read(folder, name + TAG_SUFFIX)
        except OSError:
            return None
        if data is None or tag is None or not hmac.compare_digest(tag, self._tag(key, name, data)):
            return None
        return data

    def write(self, name: str, data: bytes) -> bool:
        """Keep `data` under `name`, atomically; False (and `failure` set) when it could not be written."""
        try:
            key = self._get_key(create=True)
            with self._opened(create=True) as folder:
                # The file first, then its tag: a reader in between finds a tag that does not verify, i.e. nothing.
                _replace(folder, name, data)
                _replace(folder, name + TAG_SUFFIX, self._tag(key, name, data))
        except OSError as exc:
            self.failure = self.failure or f"{self.path}: {exc.strerror or exc}"
            return False
        return True

    def load_pickle(self, name: str) -> object | None:
        """The object last dumped under `name`, or None. Only bytes whose tag verifies are unpickled."""
        data = self.read(name)
        if data is None:
            return None
        try:
            with paused_gc():
                return pickle.loads(data)
        except Exception:  # written by another version of Agora: only a slower build
            return None

    def dump_pickle(self, name: str, value: object) -> bool:
        return self.write(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def remove(self, name: str) -> None:
        try:
            with self._opened() as folder:
                for each in (name + TAG_SUFFIX, name):
                    try:
                        os.unlink(each, dir_fd=folder)
                    except FileNotFoundError:
                        pass
        except OSError:
            pass

    def clear(self) -> bool:
        """Remove the portal's cache folder; False when there was none. A link in its place is removed, not followed."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return False
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(self.path)  # rmtree never follows the links inside
        else:
            os.unlink(self.path)
        return True

    def files(self) -> list[tuple[str, int]]:
        """The names and sizes of the files in the folder (tags included)."""
        try:
            with self._opened() as folder:
                return sorted((entry.name, entry.stat(follow_symlinks=False).st_size) for entry in os.scandir(folder)
                              if entry.is_file(follow_symlinks=False))
        except OSError:
            return []

    def problems(self) -> list[Problem]:
        """A warning when a write failed: nothing is wrong with the portal, but the next run is slower."""
        if self.failure is None:
            return []
        return [Problem("(cache)", 0, "cache-unwritable", "", f"the cache could not be written: {self.failure}",
                        f"free some space, or set {ENV_VAR} to a writable folder outside the portal", "warning")]

    def _tag(self, key: bytes, name: str, data: bytes) -> bytes:
        # The folder and name are in the tag: a file copied from another name or another portal does not verify.
        tag = hmac.new(key, f"{self.folder}/{name}\0".encode(), hashlib.sha256)
        tag.update(data)  # not concatenated: that would copy a shard of the parse cache (megabytes) once more
        return tag.digest()

    @contextmanager
    def _opened(self, create: bool = False) -> Iterator[int]:
        """A descriptor of the portal's folder, opened without following a link at its name."""
        if create:
            os.makedirs(self.base, mode=0o700, exist_ok=True)
        base = os.open(self.base, _DIR_FLAGS)
        try:
            if create:
                try:
                    os.mkdir(self.folder, mode=0o700, dir_fd=base)
                except FileExistsError:
                    pass
            folder = os.open(self.folder, _DIR_FLAGS, dir_fd=base)
        finally:
            os.close(base)
        try:
            yield folder
        finally:
            os.close(folder)

    def _get_key(self, create: bool) -> bytes | None:
        if self._key is None:
            self._key = _key(self.base, create)
        return self._key


def _key(base: Path, create: bool) -> bytes | None:
    """The secret key, made on first use; None when there is none yet and `create` is off."""
    try:
        if create:
            os.makedirs(base, mode=0o700, exist_ok=True)
        folder = os.open(base, _DIR_FLAGS)
    except OSError:
        if create:
            raise
        return None
    try:
        found = _read_file(folder, KEY_FILE)
        if found is None and create and not _exists(folder, KEY_FILE):
            # Written whole under a temporary name, then linked to its name: link() fails if another process made
            # the key first, so every process ends up with the same key and none ever reads half of one.
            tmp = f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
            handle = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=folder)
            try:
                with open(handle, "wb") as out:
                    out.write(secrets.token_bytes(KEY_BYTES))
                try:
                    os.link(tmp, KEY_FILE, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
                except FileExistsError:
                    pass
            finally:
                os.unlink(tmp, dir_fd=folder)
            found = _read_file(folder, KEY_FILE)
        if found is None:
            if _exists(folder, KEY_FILE):
                raise _bad_key(base, "it is a symbolic link or not a regular file")
            return None
    finally:
        os.close(folder)
    key, info = found
    # Whoever can read the key can make any cache file verify, and so run code as you.
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise _bad_key(base, "other users can read it, or it is not yours")
    if len(key) != KEY_BYTES:
        raise _bad_key(base, f"it holds {len(key)} bytes, not {KEY_BYTES}")
    return key


def _read(folder: int, name: str) -> bytes | None:
    found = _read_file(folder, name)
    return found[0] if found is not None else None


def _read_file(folder: int, name: str) -> tuple[bytes, os.stat_result] | None:
    """The bytes and status of regular file `name` in `folder`; None when it is missing, a link or not a regular file."""
    if not _NAME.match(name):
        raise ValueError(f"not a cache file name: {name!r}")
    try:
        handle = os.open(name, _READ_FLAGS, dir_fd=folder)
    except OSError:  # missing, or ELOOP: a link in the file's place
        return None
    with open(handle, "rb") as source:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return None
        return source.read(), info


def _exists(folder: int, name: str) -> bool:
    try:
        os.lstat(name, dir_fd=folder)
    except OSError:
        return False
    return True


def _bad_key(base: Path, why: str) -> CacheUnusable:
    return CacheUnusable(f"the cache key {base / KEY_FILE} cannot be trusted ({why}): delete it, a new one is made "
                         "on the next run (and the cache rebuilt)")


def _replace(folder: int, name: str, data: bytes) -> None:
    """Write `data` to `name` in `folder` whole, under a temporary name first, then rename it into place."""
    if not _NAME.match(name):
        raise ValueError(f"not a cache file name: {name!r}")
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    handle = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=folder)
    try:
        with open(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
        raise


def leftover_problems(root: Path) -> list[Problem]:
    """The cache folder older versions kept in the repository: an error when it is a symbolic link or git tracks
    anything under it (a pull request may have planted it); an untracked leftover is ignored, never opened."""
    try:
        info = os.lstat(root / IN_REPOSITORY)
    except OSError:
        return []  # neither there nor checked out: git has nothing under it in this work tree either
    hint = f"delete it from the repository (git rm -r --cached {IN_REPOSITORY}): the cache lives outside it now " \
           "(agora cache --path)"
    if stat.S_ISLNK(info.st_mode):
        return [Problem(IN_REPOSITORY, 0, "committed-cache", "", "is a symbolic link; Agora never reads or writes "
                        "a cache inside the repository", hint)]
    tracked = _tracked(root, IN_REPOSITORY)
    if tracked:
        return [Problem(IN_REPOSITORY, 0, "committed-cache", "",
                        f"git tracks {len(tracked)} file(s) under it (e.g. {tracked[0]}); a committed cache could run "
                        "code on the machine that reads it, and is never read", hint)]
    return []


def _tracked(root: Path, path: str) -> list[str]:
    """The files git tracks under `path` (relative to `root`); none when `root` is not in a git work tree."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", path], capture_output=True, env=env,
                              check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):  # no git: nothing can be tracked
        return []
    if done.returncode != 0:  # not a work tree
        return []
    return sorted(name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name)

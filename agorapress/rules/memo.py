"""The problems of the rules that read one item at a time, kept between runs by the content hash of its file.

An item rule reads the item, its own file and the config, nothing else; so its problems for a file whose
bytes did not change, under the same config and the same code, are the ones it found last time. A check
after a three-file change runs the item rules on those three files only. What a picture is found to be once
decoded (whole, and whether it carries a position) is kept the same way, by the digest of its bytes: the media rule
decodes only the pictures that changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..cache import PortalCache
from ..problems import Problem

#: The memo's file in the portal's cache folder.
MEMO_FILE = "rules.pickle"


class RuleMemo:
    """relpath -> (content digest, problems of every item rule), under one key for config and code."""

    def __init__(self, cache: PortalCache | None, config_digest: str, digests: dict[str, str]):
        self.cache = cache
        self.key = f"{__version__}:{_code_digest()}:{config_digest}"
        self.digests = digests  # relpath -> sha256 of the file as the loader read it
        self.entries: dict[str, tuple[str, list[Problem]]] = {}
        self.pictures: dict[str, bool] = {}  # digest of a picture's bytes (and how it is used) -> carries a position
        self._seen: set[str] = set()
        self.hits = 0
        self._changed = False
        stored = cache.load_pickle(MEMO_FILE) if cache else None
        # A missing, tampered or old memo only means the rules run again.
        if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == self.key:
            self.entries, self.pictures = stored[1], stored[2]

    def problems(self, relpath: str, compute: Callable[[], list[Problem]]) -> list[Problem]:
        digest = self.digests.get(relpath)
        entry = self.entries.get(relpath)
        if digest is not None and entry is not None and entry[0] == digest:
            self.hits += 1
            return list(entry[1])
        found = compute()
        if digest is not None:
            self.entries[relpath] = (digest, list(found))
            self._changed = True
        return found

    def picture(self, key: str, inspect: Callable[[], bool]) -> bool:
        """What `inspect` found of the picture `key` (a digest of its bytes): whether it carries a position. It
        raises when the picture is refused, and a refusal is never kept: the rule finds it again on every run."""
        self._seen.add(key)
        if key not in self.pictures:
            self.pictures[key] = inspect()
            self._changed = True
        return self.pictures[key]

    def save(self, keep: set[str]) -> None:
        if not self.cache:
            return
        if any(k not in keep for k in self.entries):
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self._changed = True
        if any(k not in self._seen for k in self.pictures):
            self.pictures = {k: v for k, v in self.pictures.items() if k in self._seen}
            self._changed = True
        if not self._changed:
            return
        self.cache.dump_pickle(MEMO_FILE, (self.key, self.entries, self.pictures))
        self._changed = False


def _code_digest() -> str:
    """A digest of the whole package: a rule may call any helper, so any code change runs every rule again."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

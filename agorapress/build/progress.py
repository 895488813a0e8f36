"""What a running build shows on a terminal: its stage, and how many files every one of its processes has written."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

#: Told each stage as it begins; with the rendering comes `written`, whose int() is the files written so far.
OnStage = Callable[..., None]


def quiet(stage: str, written: FilesWritten | None = None) -> None:
    """The default: a build that shows nothing."""


class FilesWritten:
    """How many files the build's processes have written so far: called on every write, counting in memory shared
    with the processes forked after it was made (the render shards, the outputs beside them)."""

    def __init__(self) -> None:
        self.count = multiprocessing.Value("q", 0)

    def __call__(self, name: str, data: bytes | None) -> None:
        with self.count.get_lock():
            self.count.value += 1

    def __int__(self) -> int:
        return self.count.value

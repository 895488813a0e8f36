"""Pauses of Python's cyclic garbage collector around bulk loads that allocate only live objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block. Unpickling a cache or loading a large JSON makes hundreds of
    thousands of objects, none of them garbage; the collector, run every few hundred allocations over an
    ever larger heap, was three quarters of the time of such a load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Everything alive on entry (the site graph, the parsed items) moved out of the collector's reach until
    exit: collections during rendering stop walking it, and forked render shards stop writing to its pages
    (the collector's bookkeeping would copy them). Unfrozen on exit, so `agora serve` frees old builds."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

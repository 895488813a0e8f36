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

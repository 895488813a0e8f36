"""The build, top to bottom: load and check, plan, render, write the outputs, publish (see pipeline.py).

`build` is imported on first use: an unchanged build (unchanged.py) is said without loading the pipeline."""

from __future__ import annotations

__all__ = ["BuildResult", "build"]


def __getattr__(name: str):
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)

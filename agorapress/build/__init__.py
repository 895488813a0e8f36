"""The build, top to bottom: load and check, plan, render, write the outputs, publish (see pipeline.py)."""

from .pipeline import BuildResult, build

__all__ = ["BuildResult", "build"]

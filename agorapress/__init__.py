"""Agora Press: a community portal built from a Git repository of Markdown, on Pelican."""

__version__ = "0.1.0"

"""A pull request's preview build: the portal as it would be, under previews/pr-N/ of the site's address."""

from __future__ import annotations

from ..site import Portal

#: Where previews live in the published site: previews/pr-<number>/ (graph.py reserves the folder).
PREVIEWS_DIR = "previews"


def preview_path(number: int) -> str:
    """previews/pr-12/: the folder of pull request 12's preview, relative to the site's root."""
    return f"{PREVIEWS_DIR}/pr-{int(number)}/"


def as_preview(portal: Portal, number: int) -> None:
    """Make `portal` build as the preview of pull request `number`: its address moves under previews/pr-N/ (the
    canonical links, feeds and calendars then point into the preview, never at the public pages), and the templates
    see `agora.preview` (the banner, noindex). The config is frozen: a copy with the new address replaces it."""
    if number < 1:
        raise ValueError("a pull request's number is a positive integer")
    site = portal.config.site
    url = str(site.url).rstrip("/") + "/" + preview_path(number)
    config = portal.config.model_copy(update={"site": site.model_copy(update={"url": url})})
    portal.config = config
    portal.graph.config = config
    portal.preview = number

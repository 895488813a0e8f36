"""What the image pipeline does to uploaded media, said before it happens: a photo's position removed, a file
nobody uses left unpublished.

Rule ids (documented for readers in rules/catalogue.py):

- ``media-location`` (warning): a picture under content/ carries a GPS position (EXIF); the published copy is
  re-encoded without it, but the file in the repository still has it.
- ``not-an-image`` (error): a picture the site publishes that cannot be decoded whole (damaged, truncated): the
  build re-encodes every published picture, so the check decodes them too.
- ``image-too-large`` (error): a picture with more pixels than ``moderation.max_image_pixels``.
- ``media-unused`` (warning): a file under content/media/ that no item, profile or theme option uses: it is not
  published.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..content.loader import CONTENT_DIR
from ..graph import SiteGraph
from ..images import MAX_IMAGE_PIXELS, ImageRejected, ImageTooLarge, decodes, facts
from ..outputs.media import is_raster, publishable, unused
from ..problems import Problem
from .memo import RuleMemo


def check_media(graph: SiteGraph, memo: RuleMemo | None = None) -> list[Problem]:
    """The pictures under content/, each decoded once (then known by its bytes' digest in `memo`)."""
    if graph.root is None:
        return []
    content = Path(graph.root) / CONTENT_DIR
    problems = []
    limit = graph.config.moderation.max_image_kb * 1024
    pixels = graph.config.moderation.max_image_pixels
    published = set(publishable(graph))
    for rel in graph.static:
        if not is_raster(rel):
            continue
        path = content / rel
        try:
            if path.stat().st_size > limit:
                continue  # the files rule reports it; reading it would cost what the limit guards
            data = path.read_bytes()
            used = rel in published

            def inspect(data: bytes = data, used: bool = used) -> bool:
                located = facts(data, pixels).located
                if used:
                    decodes(data, pixels)
                return located

            key = f"{hashlib.sha256(data).hexdigest()}:{used}"
            located = memo.picture(key, inspect) if memo is not None else inspect()
        except ImageTooLarge as exc:
            if _over_agora_limit(path):
                continue  # the files rule reports a picture over Agora's own limit
            problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "image-too-large", "", f"'{path.name}' {exc}",
                                    "make it smaller: 1600 pixels wide is plenty for a web page"))
            continue
        except ImageRejected as exc:
            if rel in published and not _files_rule_refuses(path, limit):
                problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "not-an-image", "", f"'{path.name}' {exc}",
                                        "export it again as PNG, JPEG or WebP and upload the whole file"))
            continue  # otherwise the files rule names what is wrong with it
        except OSError:
            continue
        if located:
            problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "media-location", "",
                                    f"'{path.name}' carries the GPS position where it was taken; its position was "
                                    "removed from the published copy, but the file in the repository still has it",
                                    "export the photo again without location data (most phones have a setting) "
                                    "before it is merged", severity="warning"))
    for rel in unused(graph):
        problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "media-unused", "",
                                f"no item, profile or theme option uses '{rel}': it is not published",
                                "link it from an item (image:, a photo, or the body), or remove it",
                                severity="warning"))
    return problems


def _over_agora_limit(path: Path) -> bool:
    try:
        facts(path.read_bytes(), MAX_IMAGE_PIXELS)
    except ImageRejected:
        return True
    return False


def _files_rule_refuses(path: Path, limit: int) -> bool:
    """Whether rules/files.py already reports this picture (its header, its name, its size): one problem per file."""
    from .files import inspect_image

    return inspect_image(path, limit) is not None

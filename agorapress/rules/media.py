"""What the image pipeline does to uploaded media, said before it happens: a photo's position removed, a file
nobody uses left unpublished.

Rule ids (documented for readers in rules/catalogue.py):

- ``media-location`` (warning): a picture under content/ carries a GPS position (EXIF); the published copy is
  re-encoded without it, but the file in the repository still has it.
- ``image-too-large`` (error): a picture with more pixels than ``moderation.max_image_pixels``.
- ``media-unused`` (warning): a file under content/media/ that no item, profile or theme option uses: it is not
  published.
"""

from __future__ import annotations

from pathlib import Path

from ..content.loader import CONTENT_DIR
from ..graph import SiteGraph
from ..images import MAX_IMAGE_PIXELS, ImageRejected, ImageTooLarge, facts
from ..outputs.media import is_raster, unused
from ..problems import Problem


def check_media(graph: SiteGraph) -> list[Problem]:
    if graph.root is None:
        return []
    content = Path(graph.root) / CONTENT_DIR
    problems = []
    limit = graph.config.moderation.max_image_kb * 1024
    pixels = graph.config.moderation.max_image_pixels
    for rel in graph.static:
        if not is_raster(rel):
            continue
        path = content / rel
        try:
            if path.stat().st_size > limit:
                continue  # the files rule reports it; reading it would cost what the limit guards
            located = facts(path.read_bytes(), pixels).located
        except ImageTooLarge as exc:
            if _over_agora_limit(path):
                continue  # the files rule reports a picture over Agora's own limit
            problems.append(Problem(f"{CONTENT_DIR}/{rel}", 0, "image-too-large", "", f"'{path.name}' {exc}",
                                    "make it smaller: 1600 pixels wide is plenty for a web page"))
            continue
        except (ImageRejected, OSError):
            continue  # the files rule names what is wrong with it
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

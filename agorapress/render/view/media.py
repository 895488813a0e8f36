"""Pictures as templates show them: <picture> with every format's widths, the size, the alt text, eager or lazy;
covers of items (their own, else a generated one); body images given the same treatment."""

from __future__ import annotations

import hashlib
import posixpath
import re
from functools import cached_property
from html import escape, unescape

from markupsafe import Markup

from ...graph import relative_url
from ...outputs.media import MediaLibrary, Picture

#: How wide a picture is drawn, by where it is (CSS), so the browser picks the right width before layout.
SIZES = {
    "cover": "(min-width: 70rem) 66rem, 100vw",
    "lead": "(min-width: 70rem) 40rem, 100vw",
    "card": "(min-width: 70rem) 21rem, (min-width: 40rem) 45vw, 100vw",
    "body": "(min-width: 46rem) 42rem, 100vw",
    "portrait": "8rem",
}
_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')
#: A <pre> without a tabindex: it scrolls sideways, so a keyboard must be able to reach it (axe scrollable-region-focusable).
_PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])")


def picture_html(picture: Picture, alt: str, prefix: str, sizes: str, eager: bool, css: str = "") -> Markup:
    """<picture> for `picture`, its addresses written after `prefix` (SITEURL/, or a path relative to the page)."""
    parts = ["<picture>"]
    for mime, sources in picture.sources():
        srcset = ", ".join(f"{prefix}{s.url} {s.width}w" for s in sources)
        parts.append(f'<source type="{mime}" srcset="{escape(srcset)}" sizes="{sizes}">')
    fallback = picture.fallback_format()
    loading = 'loading="eager" fetchpriority="high"' if eager else 'loading="lazy"'
    klass = f' class="{css}"' if css else ""
    parts.append(f'<img{klass} src="{escape(prefix + picture.fallback.url)}" '
                 f'srcset="{escape(picture.srcset(fallback, prefix))}" sizes="{sizes}" '
                 f'width="{picture.width}" height="{picture.height}" alt="{escape(alt)}" {loading} decoding="async">')
    parts.append("</picture>")
    return Markup("".join(parts))


class MediaView:
    """`agora.picture(...)`, `agora.cover(item, ...)`, `agora.pictures(html, page_url)`: needs `self.graph` and
    `self.portal`."""

    @cached_property
    def media(self) -> MediaLibrary:
        return MediaLibrary(self.graph)

    def picture(self, path: str | None, alt: str, siteurl: str, where: str = "body", eager: bool = False,
                css: str = "") -> Markup:
        """The published picture at `path` as a <picture>, or nothing when it is not published in this build."""
        found = self.media.picture(path)
        if found is None:
            return Markup("")
        return picture_html(found, alt or "", f"{siteurl}/", SIZES.get(where, SIZES["body"]), eager, css)

    def has_cover(self, item) -> bool:
        return self.media.picture(getattr(item.meta, "image", None)) is not None

    def first_covered(self, entries) -> object | None:
        """The first of `entries` (Pelican contents or items) shown with a cover of its own: its picture loads first."""
        for entry in entries:
            item = getattr(entry, "item", entry)
            if item is not None and self.has_cover(item):
                return entry
        return None

    def cover(self, item, siteurl: str, where: str = "card", eager: bool = False) -> Markup:
        """An item's cover with its alt text; else a generated one (shapes from its address, in the accent
        colour), decorative since the title is always next to it."""
        meta = item.meta
        found = self.media.picture(getattr(meta, "image", None))
        if found is not None:
            return picture_html(found, meta.image_alt or "", f"{siteurl}/", SIZES[where], eager, "cover")
        return self.generated_cover(item.url)

    def generated_cover(self, seed: str) -> Markup:
        """A decorative SVG cover drawn from `seed`: the same address, the same picture on every build."""
        digest = hashlib.sha256(seed.encode("utf-8")).digest()
        accent = self.config.theme.options.accent or "#9b2c1f"
        shapes = []
        for index in range(5):
            x, y = digest[index * 3] % 160, digest[index * 3 + 1] % 90
            r = 12 + digest[index * 3 + 2] % 40
            opacity = (20 + digest[index + 16] % 50) / 100
            shapes.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{accent}" fill-opacity="{opacity:.2f}"/>')
        angle = digest[30] % 180
        return Markup(f'<svg class="cover cover-generated" viewBox="0 0 160 90" preserveAspectRatio="xMidYMid slice" '
                      f'width="160" height="90" aria-hidden="true" focusable="false"><rect width="160" height="90" '
                      f'fill="{accent}" fill-opacity=".12"/><g transform="rotate({angle} 80 45)">{"".join(shapes)}</g></svg>')

    def pictures(self, html: str, page_url: str, eager_first: bool = False) -> Markup:
        """A body's images (written relative to the page at `page_url`) as <picture> with widths, formats and size;
        the first is eager when the page shows no picture before it, the others lazy. Code blocks take focus."""
        count = 0

        def replace(match: re.Match) -> str:
            nonlocal count
            attributes = dict(_ATTR.findall(" " + match.group(1)))
            src = attributes.get("src", "")
            if "://" in src or src.startswith(("/", "data:")):
                return match.group(0)
            target = posixpath.normpath(posixpath.join(page_url, src))
            found = self.media.picture(target)
            if found is None:
                return match.group(0)
            prefix = relative_url("", page_url)
            count += 1
            alt = unescape(attributes.get("alt", ""))
            return picture_html(found, alt, prefix, SIZES["body"], eager_first and count == 1)

        return Markup(_PRE.sub('<pre tabindex="0"', _IMG.sub(replace, str(html))))


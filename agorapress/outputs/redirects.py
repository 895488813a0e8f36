"""Old addresses kept working: a redirect page at each alias of a published item, and the redirect map for hosts
that read one (redirects.txt in the `_redirects` format of Netlify and Cloudflare Pages, redirects.json for the rest)."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from ..content.loader import Item
from ..graph import SiteGraph, relative_url
from ..text import join_url

REDIRECTS_TEXT = "redirects.txt"
REDIRECTS_JSON = "redirects.json"


@dataclass(frozen=True)
class Redirect:
    """One old address (`alias`, as front matter normalises it) and the item it now leads to."""

    alias: str
    item: Item

    @property
    def file(self) -> str:
        """The page written at the old address: a folder's index.html, or the .html file itself."""
        return page_file(self.alias)


def page_file(alias: str) -> str:
    return alias + "index.html" if alias.endswith("/") else alias


def redirects(graph: SiteGraph) -> list[Redirect]:
    """The aliases of every published item (drafts and scheduled items keep theirs hidden), sorted by address."""
    found = [Redirect(alias, item) for item in graph.published() for alias in getattr(item.meta, "aliases", None) or []]
    return sorted(found, key=lambda r: r.alias)


def render_page(graph: SiteGraph, redirect: Redirect) -> bytes:
    """A page that sends the reader on at once (meta refresh), tells search engines where the page now lives
    (canonical link) and offers a plain link to browsers that do not follow the refresh. No script."""
    item = redirect.item
    folder = redirect.alias if redirect.alias.endswith("/") else posixpath.dirname(redirect.alias) + "/"
    target = relative_url(item.url, folder.lstrip("/") if folder != "/" else "")
    absolute = join_url(str(graph.config.site.url), item.url)
    title = escape(str(item.meta.title))
    lang = escape(graph.language_of(item))
    href = escape(target)
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{escape(absolute)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p><a href="{href}">{title}</a></p>\n'
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def render_map(graph: SiteGraph, found: list[Redirect]) -> tuple[bytes, bytes]:
    """The redirect map: `_redirects` lines ('/old /new 301'; a folder's address also without its slash) and the
    same as JSON ({"redirects": [{"from", "to", "status"}]}), paths from the site's root path."""
    base = "/" + str(graph.config.site.url).split("://", 1)[-1].partition("/")[2]
    base = base if base.endswith("/") else base + "/"
    rows = []
    for redirect in found:
        # Escaped: a line of _redirects is split on spaces.
        to = quote(base + redirect.item.url)
        sources = [quote(base + redirect.alias)]
        if redirect.alias.endswith("/"):
            sources.append(quote(base + redirect.alias.rstrip("/")))
        rows += [(source, to) for source in sources]
    text = "".join(f"{source} {to} 301\n" for source, to in rows)
    data = {"redirects": [{"from": source, "to": to, "status": 301} for source, to in rows]}
    return text.encode("utf-8"), (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

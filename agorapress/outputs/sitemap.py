"""sitemap.xml and robots.txt: every public page, dated from the content it shows."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ..content.kinds import SECTIONS
from ..content.loader import Item
from ..graph import SiteGraph, as_datetime
from ..people import People
from ..text import join_url, tag_slug

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Output files that are not pages for search engines.
_NOT_PAGES = {"404.html"}
#: Folders of the output that hold no pages (search bundle, theme assets, media).
_NOT_PAGE_DIRS = {"pagefind", "theme", "media"}


def _changed(graph: SiteGraph, item: Item) -> datetime | None:
    """When an item last changed: its `updated` date, else its publication date."""
    published = graph.date_of(item)
    updated = getattr(item.meta, "updated", None)
    moments = [m for m in (published, as_datetime(updated, graph.tz) if updated is not None else None) if m]
    return max(moments, default=None)


def content_dates(graph: SiteGraph, people: People, slug_of: Callable[[str], str] = tag_slug) -> dict[str, datetime]:
    """Last change of each page whose date the content tells (URL relative to the site root -> moment).

    Item pages change with the item; lists change with their newest item; a profile changes with the
    member's newest contribution. Pages with no such date (e.g. the committee) get no lastmod."""
    dates: dict[str, datetime] = {}

    def bump(url: str, moment: datetime | None) -> None:
        if moment is not None and (url not in dates or moment > dates[url]):
            dates[url] = moment

    public = [i for i in graph.published() if not getattr(i.meta, "is_draft", False)]
    for item in public:
        moment = _changed(graph, item)
        bump(item.url, moment)
        if item.kind in SECTIONS:
            for url in ("", "archives/", f"{item.kind}/"):
                bump(url, moment)
            for tag in getattr(item.meta, "tags", []) or []:
                bump(f"tags/{slug_of(tag)}/", moment)
                bump("tags/", moment)
    for handle, contributor in graph.contributors.items():
        profile = people.get(handle)
        involved = [i for i in (profile.involved if profile else []) if not getattr(i.meta, "is_draft", False)]
        moments = [_changed(graph, i) for i in involved]
        bump(contributor.url, max((m for m in moments if m), default=None))
    return dates


def hidden_urls(graph: SiteGraph) -> set[str]:
    """Pages that exist in this output but are not public: drafts and scheduled items of a --drafts preview, and
    the notices left where the committee withdrew a text."""
    return {item.url for item in graph.items if item.kind != "contributors"
            and (getattr(item.meta, "is_draft", False) or graph.is_scheduled(item)
                 or getattr(item.meta, "is_withdrawn", False))}


def page_urls(output: Path) -> list[str]:
    """URL (relative to the site root) of every HTML page written in `output`, sorted."""
    urls = []
    for dirpath, dirnames, filenames in os.walk(output):
        rel_dir = os.path.relpath(dirpath, output).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if not rel_dir:
            dirnames[:] = [d for d in dirnames if d not in _NOT_PAGE_DIRS and not d.startswith(".")]
        for name in filenames:
            rel = rel_dir + name
            if not name.endswith(".html") or rel in _NOT_PAGES:
                continue
            urls.append(rel.removesuffix("index.html"))
    return sorted(urls)


def render_sitemap(site_url: str, urls: Iterable[str], dates: dict[str, datetime]) -> bytes:
    """The sitemap protocol's urlset; lastmod only where the content gives a date."""
    root = etree.Element("urlset", nsmap={None: _NS})
    for url in urls:
        entry = etree.SubElement(root, "url")
        etree.SubElement(entry, "loc").text = join_url(site_url, quote(url, safe="/"))
        if url in dates:
            etree.SubElement(entry, "lastmod").text = dates[url].isoformat()
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def render_robots(site_url: str) -> str:
    """Everything may be crawled; the sitemap says where the pages are.

    Crawlers read robots.txt only at a domain's root: under https://org.github.io/<repo>/ it is
    informative, and the sitemap should also be submitted to search engines directly."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {join_url(site_url, SITEMAP)}\n"

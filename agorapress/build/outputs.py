"""The files made from the site graph alone, outside Pelican: feeds, the OPML outline, calendars, the static files,
and, once every page is written, the sitemap and robots.txt.

`write_outputs` runs in a process of its own beside the render shards (render/shards.py `Beside`): the outputs are
pure functions from the graph to bytes (agorapress/outputs), written into the staging folder with build/write.py.
An incremental build writes again only the feeds that carry a changed item; its other files are the last output's,
linked by `link_unchanged` first.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..digest.archive import archive_files
from ..images import ImageRejected
from ..outputs.calendar import CALENDAR_FILE, EVENT_FILE, Calendars
from ..outputs.cards import CARD_FILE, Cards, favicons
from ..outputs.feeds import FORMATS, LABELS, OPML_FILE, Catalogue, FeedRenderer, within
from ..outputs.jsonfeed import JsonFeedRenderer
from ..outputs.media import MediaLibrary, is_raster, publishable
from ..outputs.opml import Outline, render_opml
from ..outputs.redirects import REDIRECTS_JSON, REDIRECTS_TEXT, redirects, render_map, render_page
from ..outputs.sitemap import ROBOTS, SITEMAP, content_dates, hidden_urls, page_urls, render_robots, render_sitemap
from ..problems import Problem
from ..render.context import RenderContext
from ..render.settings import THEME_STATIC_DIR, theme_static
from ..text import tag_slug
from .write import copy_tree, write_whole

MEDIA = "media"


def write_outputs(context: RenderContext) -> list[Problem]:
    """Write every output but the pages and the sitemap into the staging folder; return what went wrong (a picture
    that cannot be decoded, named)."""
    # One description of the published pictures for the media, the cards and the newsletter: which files are
    # published (a scan of every body) and each picture's header are read once per build.
    library = MediaLibrary(context.graph, context.portal.cache)
    same_static = context.plan is not None and context.plan.same_static  # linked with the rest (build/plan.py)
    problems = [] if same_static else _static(context, library)
    catalogue = Catalogue(context.graph, context.people, tag_slug)
    _feeds(context, catalogue)
    if context.plan is None:  # an incremental build changed bodies only: what these show of an item stayed the same
        _opml(context, catalogue)
        _calendars(context)
        _redirects(context)
        _cards(context, library)
    _digest(context, library)
    return problems


def _cards(context: RenderContext, library: MediaLibrary) -> None:
    """A social card per item and profile page, the portal's own for every other page (og:image), and its icons."""
    graph = context.graph
    cards = Cards(graph, library, context.portal.cache)
    _put(context, CARD_FILE, cards.site())
    for name, data in favicons(graph, library).items():
        _put(context, name, data)
    pages = [*graph.published(), *(graph.contributors[h] for h in sorted(graph.contributors))]
    for item, data in _on_every_core(context, cards.item, pages):
        _put(context, item.url + CARD_FILE, data)


def _digest(context: RenderContext, library: MediaLibrary) -> None:
    """The newsletter's archive: every edition's page, the index digest/ and the feed of editions (digest/)."""
    for name, data in sorted(archive_files(context.portal, context.people, library).items()):
        _put(context, name, data)


def _put(context: RenderContext, name: str, data: bytes) -> None:
    write_whole(context.output, name, data, context.previous)
    context.wrote(name, data)


def _static(context: RenderContext, library: MediaLibrary) -> list[Problem]:
    """The theme's static files under theme/ (the portal's own after the theme's: its file of the same name wins),
    and the portal's media that published pages use: pictures re-encoded (outputs/media.py), other files as they are."""
    for folder in theme_static(context.portal):
        for name in copy_tree(folder, context.output, THEME_STATIC_DIR, context.previous):
            context.wrote(name, None)
    content = context.portal.root / "content"
    problems = []
    published = publishable(context.graph)
    for rel in published:
        if not is_raster(rel):
            _put(context, rel, (content / rel).read_bytes())

    def encoded(rel: str) -> dict[str, bytes] | ImageRejected:
        try:
            return library.files(rel)
        except ImageRejected as exc:
            return exc

    for rel, files in _on_every_core(context, encoded, [rel for rel in published if is_raster(rel)]):
        if isinstance(files, ImageRejected):
            problems.append(Problem(f"content/{rel}", 0, "not-an-image", "", f"'{rel.rsplit('/', 1)[-1]}' {files}",
                                    "export it again as PNG, JPEG or WebP, under the limits of moderation"))
            continue
        for name, data in files.items():
            _put(context, name, data)
    return problems


_In = TypeVar("_In")
_Out = TypeVar("_Out")


def _on_every_core(context: RenderContext, work: Callable[[_In], _Out], inputs: Iterable[_In]) -> Iterator[tuple[_In, _Out]]:
    """`work` on each input in threads, one per core the build may use, each result with its input in the inputs'
    order (what is written, and in which order, does not depend on the threads). Worth it for pictures: Pillow lets
    go of the interpreter lock while it resizes and encodes, which is most of their time. A few results per thread
    are ahead at most: 10,000 cards are never all in memory at once."""
    threads = max(1, context.workers or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ahead: deque[tuple[_In, Future[_Out]]] = deque()
        for value in inputs:
            ahead.append((value, pool.submit(work, value)))
            if len(ahead) >= 4 * threads:
                done, future = ahead.popleft()
                yield done, future.result()
        while ahead:
            done, future = ahead.popleft()
            yield done, future.result()


def _feeds(context: RenderContext, catalogue: Catalogue) -> None:
    graph = context.graph
    xml, json = FeedRenderer(), JsonFeedRenderer()
    renderers = {"atom": lambda feed: xml.render(feed, "atom"), "rss": lambda feed: xml.render(feed, "rss"),
                 "json": json.render}
    assert list(renderers) == list(FORMATS)
    for spec in catalogue.specs:
        if not context.writes_again(item.relpath for item in spec.items):
            continue  # an incremental build: none of its items changed, its files are the last output's
        # Bodies as their own pages show them: the catalogue makes their links absolute against the item's address.
        feed = catalogue.feed(spec, graph.html_of)
        for form, render in renderers.items():
            _put(context, spec.path(form), within(feed, render, graph.config.feeds.max_kb * 1024))


def _opml(context: RenderContext, catalogue: Catalogue) -> None:
    graph = context.graph
    outlines = [Outline(spec.name, catalogue.absolute(spec.path("atom")), catalogue.absolute(spec.page))
                for spec in catalogue.of_kind("contributor")]
    labels = LABELS.get(graph.config.site.language.split("-")[0], LABELS["en"])
    title = f"{graph.config.site.title} · {labels['members']}"
    _put(context, OPML_FILE, render_opml(title, outlines, catalogue.latest()))


def _calendars(context: RenderContext) -> None:
    graph = context.graph
    calendars = Calendars(graph)
    _put(context, CALENDAR_FILE, calendars.site())
    for item in graph.published("events"):
        _put(context, item.url + EVENT_FILE, calendars.event(item))


def _redirects(context: RenderContext) -> None:
    """A redirect page at each old address, and the redirect map (an incremental build changed no alias)."""
    found = redirects(context.graph)
    if not found:
        return  # a portal without old addresses publishes no empty maps
    for redirect in found:
        _put(context, redirect.file, render_page(context.graph, redirect))
    text, data = render_map(context.graph, found)
    _put(context, REDIRECTS_TEXT, text)
    _put(context, REDIRECTS_JSON, data)


def write_sitemap(context: RenderContext) -> None:
    """sitemap.xml of the public pages written in the staging folder, and robots.txt pointing at it: once every
    page is there."""
    graph = context.graph
    site_url = str(graph.config.site.url).rstrip("/") + "/"
    hidden = hidden_urls(graph) | {redirect.alias for redirect in redirects(graph)}  # redirects are no pages
    urls = [url for url in page_urls(Path(context.output)) if url not in hidden]
    dates = content_dates(graph, context.people, tag_slug)
    _put(context, SITEMAP, render_sitemap(site_url, urls, dates))
    _put(context, ROBOTS, render_robots(site_url).encode("utf-8"))

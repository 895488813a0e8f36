"""The newsletter's archive on the portal: every edition's page (the web version its email links to), the index
digest/ and the Atom feed of editions. Bytes only, from the graph: build/outputs.py writes them."""

from __future__ import annotations

from ..outputs.feeds import EPOCH, Entry, Feed, Person, render_atom
from ..people import People
from ..site import Portal
from ..text import join_url
from .compose import compose
from .editions import ARCHIVE, FEED, editions
from .letter import Letters


def archive_files(portal: Portal, people: People) -> dict[str, bytes]:
    """Path under the output -> bytes, for every file of the archive, in the portal's language."""
    graph = portal.graph
    config = graph.config
    site = config.site
    letters = Letters(portal)
    files: dict[str, bytes] = {}
    listed = []
    entries = []
    for edition in reversed(editions(graph)):  # newest first
        content = compose(graph, people, edition)
        rendered = letters.render(content, web=True)
        files[f"{edition.url}index.html"] = rendered.html.encode("utf-8")
        listed.append({"url": content.web_url, "subject": content.subject, "day": edition.day})
        # The entry links to the edition's page: a whole email document is no feed content.
        entries.append(Entry(id=content.web_url, url=content.web_url, title=content.subject, published=edition.end,
                             updated=edition.end, summary=content.preheader or content.subject, content_html=None, authors=(),
                             tags=(), language=content.lang))
    feed_url = join_url(site.url, FEED)
    files[f"{ARCHIVE}index.html"] = letters.archive(site.language, site.title, site.url, feed_url, listed).encode("utf-8")
    updated = entries[0].updated if entries else EPOCH
    title = f"{site.title} · {letters.words(site.language, 'Editions of the newsletter')}"
    feed = Feed(key="digest", id=join_url(site.url, ARCHIVE), title=title, subtitle=site.description,
                home_url=join_url(site.url, ARCHIVE), site_url=site.url, language=site.language, updated=updated,
                author=Person(site.title, site.url), entries=tuple(entries))
    assert feed.url("atom") == feed_url
    files[FEED] = render_atom(feed)
    return files

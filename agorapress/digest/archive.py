"""The newsletter's archive on the portal: every edition's page (the web version its email links to), the index
digest/ and the Atom feed of editions. Bytes only, from the graph: build/outputs.py writes them."""

from __future__ import annotations

from datetime import datetime
from html import escape

from feedgen.feed import FeedGenerator

from ..outputs.cards import CARD_FILE
from ..outputs.feeds import EPOCH, GENERATOR, xml_text
from ..outputs.media import MediaLibrary
from ..people import People
from ..site import Portal
from ..text import join_url
from .compose import compose
from .editions import ARCHIVE, FEED, editions
from .letter import Letters
from .timeline import Timeline


def archive_files(portal: Portal, people: People, media: MediaLibrary | None = None) -> dict[str, bytes]:
    """Path under the output -> bytes, for every file of the archive, in the portal's language; `media` is the build's
    description of the published pictures (the covers' sizes), made anew when not given."""
    graph = portal.graph
    site = graph.config.site
    letters = Letters(portal)
    files: dict[str, bytes] = {}
    listed = []
    entries: list[tuple[str, str, str, datetime]] = []
    found = editions(graph)
    timeline = Timeline(graph, people, found[0].start if found else None, media)
    for edition in reversed(found):  # newest first
        content = compose(graph, people, edition, timeline=timeline)
        rendered = letters.render(content, web=True)
        files[f"{edition.url}index.html"] = for_the_portal(rendered.html, site.url, "../../", content.subject)
        listed.append({"url": content.web_url, "subject": content.subject, "day": edition.day})
        entries.append((content.web_url, content.subject, content.preheader or content.subject, edition.end))
    feed_url = join_url(site.url, FEED)
    index = letters.archive(site.language, site.title, site.url, feed_url, listed)
    files[f"{ARCHIVE}index.html"] = for_the_portal(index, site.url, "../", site.title)
    title = f"{site.title} · {letters.words(site.language, 'Editions of the newsletter')}"
    files[FEED] = _atom(title, site.title, site.description, join_url(site.url, ARCHIVE), feed_url, site.language, entries)
    return files


def for_the_portal(page: str, site_url: str, up: str, title: str) -> bytes:
    """The web version of a letter as the portal serves it: its own pictures and links by relative address (`up`
    leads to the site root; read on the portal, an absolute one is another origin in a preview or `agora serve`), and
    the social card every page of the portal names."""
    page = page.replace(f'src="{site_url}', f'src="{up}').replace(f'href="{site_url}', f'href="{up}')
    card = (f'<meta property="og:image" content="{escape(join_url(site_url, CARD_FILE))}">\n'
            f'<meta property="og:image:alt" content="{escape(title)}">\n'
            '<meta name="twitter:card" content="summary_large_image">\n')
    return page.replace("<head>\n", "<head>\n" + card, 1).encode("utf-8")


def _atom(title: str, author: str, subtitle: str, home: str, url: str, language: str,
          entries: list[tuple[str, str, str, datetime]]) -> bytes:
    """The feed of editions (Atom 1.0), newest first; each entry links to its edition's page. Dated from the
    editions, never from the clock (feedgen's default)."""
    feed = FeedGenerator()
    feed.id(home)
    feed.title(xml_text(title))
    feed.subtitle(xml_text(subtitle) or xml_text(title))
    feed.link(href=url, rel="self", type="application/atom+xml")
    feed.link(href=home, rel="alternate", type="text/html")
    feed.language(language)
    feed.author({"name": xml_text(author), "uri": home})
    feed.generator(GENERATOR)
    feed.updated(entries[0][3] if entries else EPOCH)
    for link, subject, summary, moment in entries:
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(xml_text(subject))
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(moment)
        entry.updated(moment)
        entry.summary(xml_text(summary))
    return feed.atom_str(pretty=True)

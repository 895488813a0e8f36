"""The Pelican side of syndication: write every feed, the OPML outline, the feeds page and the sitemap."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from ..shards import rewrites, takes, write_whole, writes
from ...outputs.feeds import FEEDS_DIR, Catalogue, FeedRenderer
from ...outputs.jsonfeed import JsonFeedRenderer
from ...outputs.opml import Outline, render_opml
from ...outputs.sitemap import ROBOTS, SITEMAP, content_dates, hidden_urls, page_urls, render_robots, render_sitemap

OPML_FILE = f"{FEEDS_DIR}/contributors.opml"
#: The feeds page groups, in display order (catalogue kinds; the template names them in the page's language).
GROUPS = ["all", "section", "lang", "tag", "contributor"]


class FeedsGenerator(Generator):
    """Writes feeds/: Atom, RSS and JSON Feed for the portal, each section, tag, language and member."""

    # The formats go round the shards (Atom in one, RSS in the next...): an entry is in many feeds, and
    # each of its formats is then serialised in one process only.
    shards_by_file = True

    def generate_output(self, writer) -> None:
        discovery = self.settings["JINJA_GLOBALS"]["discovery"]
        catalogue: Catalogue = discovery.catalogue
        graph = self.settings["AGORA_PORTAL"].graph

        def content_of(item) -> str | None:
            # Links in the body are relative to the item's page: the catalogue makes them absolute against it.
            return graph.html_of(item)

        output = Path(self.output_path)
        xml, json = FeedRenderer(), JsonFeedRenderer()
        renderers = {"atom": lambda feed: xml.render(feed, "atom"), "rss": lambda feed: xml.render(feed, "rss"),
                     "json": json.render}
        mine = [(form, render) for part, (form, render) in enumerate(renderers.items()) if takes(writer, part)]
        for spec in catalogue.specs if mine else ():
            if not rewrites(writer, (item.relpath for item in spec.items)):
                continue  # an incremental build: none of its items changed
            feed = catalogue.feed(spec, content_of)
            for form, render in mine:
                write_whole(self.settings, output, spec.path(form), render(feed))
        outlines = [Outline(spec.name, catalogue.absolute(spec.path("atom")), catalogue.absolute(spec.page))
                    for spec in catalogue.of_kind("contributor")]
        title = f"{catalogue.config.site.title} · {discovery.labels['members']}"
        if writes(writer, OPML_FILE):
            write_whole(self.settings, output, OPML_FILE, render_opml(title, outlines, catalogue.latest()))
        groups = [(kind, catalogue.of_kind(kind)) for kind in GROUPS]
        writer.write_file(f"{FEEDS_DIR}/index.html", self.get_template("feeds"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], feed_groups=groups, opml=OPML_FILE,
                          formats=discovery.labels["forms"], page_name=f"{FEEDS_DIR}/")


def write_sitemap(pelican) -> None:
    """After every page is written: sitemap.xml of the public pages, and robots.txt pointing at it."""
    settings = pelican.settings
    discovery = settings["JINJA_GLOBALS"].get("discovery")
    if discovery is None:
        return
    portal = settings["AGORA_PORTAL"]
    output = Path(settings["OUTPUT_PATH"])
    hidden = hidden_urls(portal.graph)
    urls = [url for url in page_urls(output) if url not in hidden]
    dates = content_dates(portal.graph, discovery.view.people, discovery.slug_of)
    write_whole(settings, output, SITEMAP, render_sitemap(discovery.site_url, urls, dates))
    write_whole(settings, output, ROBOTS, render_robots(discovery.site_url).encode("utf-8"))

"""The feeds page, /feeds/: every feed of the portal, by kind, in each format, and the members' OPML outline."""

from __future__ import annotations

from pelican.generators import Generator

from ...outputs.feeds import FEEDS_DIR, OPML_FILE
from ..context import context_of

#: The feeds page groups, in display order (catalogue kinds; the template names them in the page's language).
GROUPS = ["all", "section", "lang", "tag", "contributor"]


class FeedsPageGenerator(Generator):
    """Writes feeds/index.html from the feed catalogue the build writes the feeds from."""

    def generate_output(self, writer) -> None:
        discovery = context_of(self.settings).discovery
        catalogue = discovery.catalogue
        groups = [(kind, catalogue.of_kind(kind)) for kind in GROUPS]
        writer.write_file(f"{FEEDS_DIR}/index.html", self.get_template("feeds"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], feed_groups=groups, opml=OPML_FILE,
                          formats=discovery.labels["forms"], page_name=f"{FEEDS_DIR}/")

"""The /search/ page: written with the rest of the site, searched in the reader's browser."""

from __future__ import annotations

from pelican.generators import Generator

from .index import BUNDLE_DIR


class SearchPageGenerator(Generator):
    """Writes search/index.html, which loads the Pagefind bundle written after the build."""

    def generate_output(self, writer) -> None:
        writer.write_file("search/index.html", self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], search_bundle=BUNDLE_DIR, page_name="search/")

"""The /search/ page: written with the rest of the site, searched in the reader's browser."""

from __future__ import annotations

from pelican.generators import Generator

from ..context import context_of
from .index import BUNDLE_DIR, search_parts, searchable_pages


class SearchPageGenerator(Generator):
    """Writes search/index.html, which loads the Pagefind bundles (the parts of the index) written after the build."""

    def generate_output(self, writer) -> None:
        context = context_of(self.settings)
        parts = [folder for folder, _ in search_parts(searchable_pages(context.graph))] if context else [BUNDLE_DIR]
        writer.write_file("search/index.html", self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], search_bundle=BUNDLE_DIR, search_parts=parts,
                          page_name="search/")

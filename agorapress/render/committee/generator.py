"""Writes committee/index.html and board/index.html from the committee's data."""

from __future__ import annotations

from pelican.generators import Generator

#: (template, output file, page name) of each page this plugin writes.
PAGES = [
    ("committee", "committee/index.html", "committee/"),
    ("board", "board/index.html", "board/"),
]


class CommitteeGenerator(Generator):
    """The committee page (members, terms, review rules) and the call for contributions (the board)."""

    def generate_output(self, writer) -> None:
        for template, save_as, page_name in PAGES:
            writer.write_file(save_as, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_name=page_name)

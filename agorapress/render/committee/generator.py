"""Writes committee/index.html and board/index.html from the committee's data, and the notice left at the address
of each text the committee withdrew."""

from __future__ import annotations

from pelican.generators import Generator

from ..context import context_of

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
        context = context_of(self.settings)
        for item in context.graph.withdrawn() if context is not None else ():
            writer.write_file(f"{item.url}index.html", self.get_template("withdrawn"), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_name=item.url, withdrawn=item)

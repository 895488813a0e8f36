"""Pelican generators for the pages Pelican has no notion of: profiles, the wall, badges, fixed theme pages."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from ...content.loader import CONTENT_DIR
from ..shards import writes
from ...images import resize_avatar
from ...people import ORDERS

#: Theme templates written once each, at a fixed place: (template, output file).
THEME_PAGES = [
    ("404", "404.html"),
    ("events_past", "events/past/index.html"),
]

#: Where each view of the wall is written; the first is /contributors/ itself.
WALL_PAGES = {order: "contributors/index.html" if index == 0 else f"contributors/{order}/index.html"
              for index, order in enumerate(ORDERS)}


class ContributorsGenerator(Generator):
    """Writes the wall (/contributors/ and its sorted views), one profile per member, their avatars and /badges/."""

    shards_by_file = True  # a member's avatars go with their profile page
    writes_searchable_pages = True  # profiles are in the search index: written before feeds and calendars

    def generate_output(self, writer) -> None:
        view = self.settings["JINJA_GLOBALS"]["agora"]
        relative = self.settings["RELATIVE_URLS"]
        wall = self.get_template("contributors")
        views = {order: save_as.removesuffix("index.html") for order, save_as in WALL_PAGES.items()}
        for order, save_as in WALL_PAGES.items():
            writer.write_file(save_as, wall, self.context, relative_urls=relative, order=order, orders=views,
                              profiles=view.profiles(order), page_name="contributors")
        profile_template = self.get_template("contributor")
        for profile in view.profiles():
            if writes(writer, f"{profile.url}index.html"):
                self._write_avatar(profile)
            writer.write_file(f"{profile.url}index.html", profile_template, self.context, relative_urls=relative,
                              profile=profile, contributor=view.contributor(profile.handle),
                              contributions=profile.involved, page_name=profile.url)
        writer.write_file("badges/index.html", self.get_template("badges"), self.context, relative_urls=relative,
                          badges=view.badges(), page_name="badges/")

    def _write_avatar(self, profile) -> None:
        # The identity rule has checked the image already: a build with a bad avatar never gets here.
        if profile.meta.avatar:
            source = self.settings["AGORA_PORTAL"].root / CONTENT_DIR / "contributors" / profile.meta.avatar
            resize_avatar(source, Path(self.output_path) / profile.url)


class ThemePagesGenerator(Generator):
    """Writes the theme's fixed pages (404, past events) with the whole site in context."""

    def generate_output(self, writer) -> None:
        for template, save_as in THEME_PAGES:
            writer.write_file(save_as, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_name=save_as.removesuffix("index.html"))

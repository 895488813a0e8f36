"""Pelican generators for the pages Pelican has no notion of: profiles, the wall, badges, fixed theme pages."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from ...content.loader import CONTENT_DIR
from ...images import resize_avatar
from ...people import ORDERS
from ..context import context_of
from ..writer import writes

#: Theme templates written once each, at a fixed place: (template, output file).
THEME_PAGES = [
    ("404", "404.html"),
    ("events_past", "events/past/index.html"),
]

#: Where each view of the wall is written; the first is /contributors/ itself.
WALL_PAGES = {order: "contributors/index.html" if index == 0 else f"contributors/{order}/index.html"
              for index, order in enumerate(ORDERS)}


class ContributorsGenerator(Generator):
    """Writes the wall (/contributors/ and its sorted views), one profile per member, their avatars and /badges/.

    It runs right after Pelican's articles and pages (the core plugin is the first), so once it has written its
    share, this shard has written every page the search index takes (items and profiles): it says so."""

    def generate_output(self, writer) -> None:
        context = context_of(self.settings)
        view = context.view
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
        if context.pages_done is not None:
            context.pages_done()

    def _write_avatar(self, profile) -> None:
        # The identity rule has checked the image already: a build with a bad avatar never gets here.
        if profile.meta.avatar:
            source = context_of(self.settings).portal.root / CONTENT_DIR / "contributors" / profile.meta.avatar
            resize_avatar(source, Path(self.output_path) / profile.url)


class ThemePagesGenerator(Generator):
    """Writes the theme's fixed pages (404, past events) with the whole site in context."""

    def generate_output(self, writer) -> None:
        for template, save_as in THEME_PAGES:
            writer.write_file(save_as, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_name=save_as.removesuffix("index.html"))

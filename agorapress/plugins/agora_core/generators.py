"""Pelican generators for the pages Pelican has no notion of: profiles, the wall, fixed theme pages."""

from __future__ import annotations

import shutil
from pathlib import Path

from pelican.generators import Generator

from ...content.kinds import AVATAR_SUFFIXES
from ...content.loader import CONTENT_DIR

#: Theme templates written once each, at a fixed place: (template, output file).
THEME_PAGES = [
    ("404", "404.html"),
    ("events_past", "events/past/index.html"),
]


class ContributorsGenerator(Generator):
    """Writes /contributors/ and one profile per member, and copies their avatars."""

    def generate_output(self, writer) -> None:
        view = self.settings["JINJA_GLOBALS"]["agora"]
        portal = self.settings["AGORA_PORTAL"]
        wall = self.get_template("contributors")
        profile = self.get_template("contributor")
        writer.write_file("contributors/index.html", wall, self.context, relative_urls=self.settings["RELATIVE_URLS"],
                          contributors=view.contributors(), page_name="contributors")
        output = Path(self.output_path)
        for contributor in view.contributors():
            avatar = contributor.meta.avatar
            if avatar and Path(avatar).suffix.lower() in AVATAR_SUFFIXES:
                source = portal.root / CONTENT_DIR / "contributors" / avatar
                target = output / "contributors" / contributor.handle / f"avatar{Path(avatar).suffix.lower()}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            writer.write_file(f"contributors/{contributor.handle}/index.html", profile, self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], contributor=contributor,
                              contributions=view.contributions(contributor.handle), page_name=contributor.url)


class ThemePagesGenerator(Generator):
    """Writes the theme's fixed pages (404, past events) with the whole site in context."""

    def generate_output(self, writer) -> None:
        for template, save_as in THEME_PAGES:
            writer.write_file(save_as, self.get_template(template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_name=save_as.removesuffix("index.html"))

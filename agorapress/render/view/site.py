"""The portal as templates show it: theme options, sections, bodies, links to edit, translations, neighbours."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property, lru_cache
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from ...content.kinds import SECTIONS
from ...content.loader import CONTENT_DIR, Item


@lru_cache(maxsize=64)
def _language_name(lang: str) -> str:
    """'English', 'français': a language named in itself, for links to translations."""
    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_")) or lang
    except (ValueError, UnknownLocaleError):
        return lang


class SiteView:
    """`agora.sections`, `agora.body(item)`, `agora.edit_url(...)`, `agora.neighbours(item)`...: needs `self.graph`,
    `self.config` and `self.site`."""

    @property
    def now(self) -> datetime:
        return self.graph.now

    def theme_style(self) -> str:
        """CSS custom properties from the theme options (colours already checked as #rrggbb by the config)."""
        options = self.config.theme.options
        pairs = [("--agora-accent", options.accent), ("--agora-accent-dark", options.accent_dark)]
        declarations = ";".join(f"{name}:{value}" for name, value in pairs if value)
        return f":root{{{declarations}}}" if declarations else ""

    @property
    def preview(self) -> int | None:
        """The pull request this build previews (`agora build --preview N`), else None: the public site."""
        return self.portal.preview

    @property
    def logo(self) -> str | None:
        """The portal's logo, relative to the site root (a file under content/media/, checked by the rules)."""
        return self.config.theme.options.logo

    @cached_property
    def write_for_us_url(self) -> str:
        """The one place every "write for us" link leads: the portal's page of that name, else the editorial board."""
        page = next((i for i in self.graph.published("pages") if i.slug == "write-for-us"), None)
        return page.url if page is not None else "board/"

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [(folder, self.config.section_title(folder)) for folder in SECTIONS]

    def section_title(self, folder: str) -> str:
        return self.config.section_title(folder)

    def body(self, item: Item) -> Markup:
        """An item's or profile's body as its own page shows it (links to the repository's files resolved); it
        was rendered from Markdown and sanitised when it was read."""
        return Markup(self.graph.html_of(item))

    def edit_url(self, relpath: str) -> str | None:
        """GitHub's web editor on the source of a page: 'propose a correction'."""
        repo = self.site.repository
        if not repo:
            return None
        return f"{repo.rstrip('/')}/edit/{self.site.branch}/{CONTENT_DIR}/{quote(relpath)}"

    def translations(self, item: Item | None) -> list[tuple[str, str, Item]]:
        """The item in its other languages: (language code, its name in that language, item)."""
        if item is None:
            return []
        return [(lang, _language_name(lang), other) for other in self.graph.translations(item)
                for lang in [self.graph.language_of(other)]]

    @cached_property
    def _positions(self) -> dict[str, tuple[list[Item], int]]:
        positions = {}
        for kind in SECTIONS:
            ordered = self.graph.published(kind)
            positions.update({item.relpath: (ordered, index) for index, item in enumerate(ordered)})
        return positions

    def neighbours(self, item: Item | None) -> tuple[Item | None, Item | None]:
        """The newer and the older published item of the same section (events by publication date too)."""
        if item is None or item.relpath not in self._positions:
            return None, None
        ordered, index = self._positions[item.relpath]
        newer = ordered[index - 1] if index > 0 else None
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        return newer, older

    def item_for(self, relpath: str) -> Item | None:
        return self.graph.by_path.get(relpath)

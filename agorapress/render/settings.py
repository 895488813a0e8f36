"""Mapping site_config.yaml onto Pelican settings, in one place: no pelicanconf.py needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.settings import read_settings

from ..content.kinds import SECTIONS
from ..content.loader import CONTENT_DIR
from ..site import Portal
from .compiled import CompiledTemplates
from .view import TemplateView

PACKAGED_THEMES = Path(__file__).resolve().parent.parent / "themes"
#: Agora's own Pelican plugins, in run order; adding a capability is one package plus one line here.
AGORA_PLUGINS = [
    "agorapress.render.core",
    "agorapress.render.theme",
    "agorapress.render.feeds",
    "agorapress.render.search",
    "agorapress.render.events",
    "agorapress.render.committee",
    "agorapress.render.stats",
    "agorapress.render.fragments",
]
_PAGE = "{base_name}/page/{number}/"
NO_INTRASITE_LINKS = "(?P<what>(?!))"


def theme_paths(portal: Portal) -> tuple[Path, list[str]]:
    """The theme folder and the portal's own template overrides, searched first."""
    name = portal.config.theme.name
    own = portal.root / "themes" / name
    packaged = PACKAGED_THEMES / name
    if packaged.is_dir():
        overrides = [str(own / "templates")] if (own / "templates").is_dir() else []
        return packaged, overrides
    return own, []


def pelican_settings(portal: Portal, output: Path, previous: Path | None = None) -> dict[str, Any]:
    """Everything Pelican needs, derived from the config; per-build state travels in the settings."""
    config = portal.config
    site = config.site
    theme, overrides = theme_paths(portal)
    static_paths = [str(theme / "static")]
    own_static = portal.root / "themes" / config.theme.name / "static"
    if own_static.is_dir() and own_static != theme / "static":
        static_paths.append(str(own_static))
    override: dict[str, Any] = {
        "PATH": str(portal.root / CONTENT_DIR),
        "OUTPUT_PATH": str(output),
        "THEME": str(theme),
        "THEME_TEMPLATES_OVERRIDES": overrides,
        "THEME_STATIC_PATHS": static_paths,
        "THEME_STATIC_DIR": "theme",
        "SITENAME": site.title,
        "SITESUBTITLE": site.description,
        "SITEURL": "",
        "RELATIVE_URLS": True,  # works at a domain root, under /<repo>/ and in a downloaded preview
        "DEFAULT_LANG": site.language,
        "TIMEZONE": site.timezone,
        "ARTICLE_PATHS": list(SECTIONS),
        "ARTICLE_EXCLUDES": [],
        "PAGE_PATHS": ["pages"],
        "PAGE_EXCLUDES": [],
        "STATIC_PATHS": ["media"],
        "STATIC_EXCLUDE_SOURCES": True,
        # Dotfiles (.gitkeep, editor backups) are never published.
        "IGNORE_FILES": [".*"],
        "ARTICLE_URL": "{category}/{slug}/",
        "ARTICLE_SAVE_AS": "{category}/{slug}/index.html",
        # An item in another language keeps its ordinary URL: one item, one address, whatever its `lang`.
        "ARTICLE_LANG_URL": "{category}/{slug}/",
        "ARTICLE_LANG_SAVE_AS": "{category}/{slug}/index.html",
        "PAGE_LANG_URL": "{slug}/",
        "PAGE_LANG_SAVE_AS": "{slug}/index.html",
        "ARTICLE_TRANSLATION_ID": None,
        "PAGE_TRANSLATION_ID": None,
        "DRAFT_SAVE_AS": "",
        "DRAFT_PAGE_SAVE_AS": "",
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        "CATEGORY_URL": "{slug}/",
        "CATEGORY_SAVE_AS": "{slug}/index.html",
        "TAG_URL": "tags/{slug}/",
        "TAG_SAVE_AS": "tags/{slug}/index.html",
        "TAGS_SAVE_AS": "tags/index.html",
        "AUTHOR_URL": "contributors/{slug}/",
        "AUTHOR_SAVE_AS": "",  # profiles are written by Agora's contributors generator
        "AUTHORS_SAVE_AS": "",
        "CATEGORIES_SAVE_AS": "",
        "ARCHIVES_SAVE_AS": "archives/index.html",
        "YEAR_ARCHIVE_SAVE_AS": "",
        "MONTH_ARCHIVE_SAVE_AS": "",
        "DAY_ARCHIVE_SAVE_AS": "",
        "INDEX_SAVE_AS": "index.html",
        "DIRECT_TEMPLATES": ["index", "tags", "archives"],
        "PAGINATED_TEMPLATES": {"category": None, "tag": None},
        "DEFAULT_PAGINATION": config.per_page,
        "PAGINATION_PATTERNS": ((1, "{url}", "{save_as}"), (2, _PAGE, _PAGE + "index.html")),
        "WITH_FUTURE_DATES": True,  # Agora decides what is due, against the pinned clock
        "DEFAULT_DATE_FORMAT": "%Y-%m-%d",
        "FEED_ALL_ATOM": None,
        "FEED_ALL_RSS": None,
        "CATEGORY_FEED_ATOM": None,
        "CATEGORY_FEED_RSS": None,
        "TAG_FEED_ATOM": None,
        "TAG_FEED_RSS": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "TRANSLATION_FEED_RSS": None,
        "FEED_ATOM": None,
        "FEED_RSS": None,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "DELETE_OUTPUT_DIRECTORY": False,
        "TYPOGRIFY": False,
        "OUTPUT_SOURCES": False,
        # Pelican's intrasite links ({filename}, {static}, {attach}, |tag|...) are never honoured: a contributor's
        # text could use them to publish a file from outside the repository, write outside the output or move
        # another member's image. Agora resolves the links it wrote itself (content/markdown.py); this pattern,
        # whose group can never match, leaves every other brace and bar in a body as text.
        "INTRASITE_LINK_REGEX": NO_INTRASITE_LINKS,
        "FILENAME_METADATA": "",
        "PATH_METADATA": "",
        "PLUGIN_PATHS": [str(portal.root / "plugins")] if (portal.root / "plugins").is_dir() else [],
        # Order is run order: Agora's core first, the portal's own plugins after it.
        "PLUGINS": [*AGORA_PLUGINS, *config.plugins],
        # auto_reload off: templates do not change during a build, so Jinja need not stat them on every include.
        "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "extensions": ["jinja2.ext.i18n"], "autoescape": True,
                              "auto_reload": False, "bytecode_cache": CompiledTemplates(portal.cache)},
        "JINJA_GLOBALS": {"agora": TemplateView(portal)},
        "AGORA_PORTAL": portal,
        # The last successful output: unchanged pages are hard-linked from it instead of rewritten.
        "AGORA_PREVIOUS_OUTPUT": str(previous) if previous and previous.is_dir() else None,
    }
    return read_settings(override=override)

"""Mapping site_config.yaml onto Pelican settings, in one place: no pelicanconf.py needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.settings import read_settings

from ..content.kinds import KINDS
from ..content.loader import CONTENT_DIR
from ..site import Portal
from .compiled import CompiledTemplates
from .context import CONTEXT, RenderContext
from .view import TemplateView

PACKAGED_THEMES = Path(__file__).resolve().parent.parent / "themes"
#: Agora's own Pelican plugins, in run order; adding a capability is one package plus one line here.
AGORA_PLUGINS = [
    "agorapress.render.core",
    "agorapress.render.theme",
    "agorapress.render.feeds",
    "agorapress.render.search",
    "agorapress.render.committee",
    "agorapress.render.stats",
    "agorapress.render.fragments",
]
_PAGE = "{base_name}/page/{number}/"
#: Where the theme's static files go in the output (the templates link to them as `theme/...`).
THEME_STATIC_DIR = "theme"
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


def theme_static(portal: Portal) -> list[Path]:
    """The folders of static files copied to theme/ in the output, in order: the theme's, then the portal's own
    (a file of the same name there wins)."""
    theme, _ = theme_paths(portal)
    folders = [theme / "static"]
    own = portal.root / "themes" / portal.config.theme.name / "static"
    if own.is_dir() and own != folders[0]:
        folders.append(own)
    return [folder for folder in folders if folder.is_dir()]


def pelican_settings(context: RenderContext) -> dict[str, Any]:
    """Everything Pelican needs, derived from the config; the build's own state travels in one typed object, the
    render context, under one key. The theme's static files and the portal's media are copied by the build (see
    build/outputs.py), not by Pelican."""
    portal = context.portal
    config = portal.config
    site = config.site
    theme, overrides = theme_paths(portal)
    context.view = TemplateView(portal, context.people)
    override: dict[str, Any] = {
        "PATH": str(portal.root / CONTENT_DIR),
        "OUTPUT_PATH": str(context.output),
        "THEME": str(theme),
        "THEME_TEMPLATES_OVERRIDES": overrides,
        "THEME_STATIC_PATHS": [],
        "THEME_STATIC_DIR": THEME_STATIC_DIR,
        "SITENAME": site.title,
        "SITESUBTITLE": site.description,
        "SITEURL": "",
        "RELATIVE_URLS": True,  # works at a domain root, under /<repo>/ and in a downloaded preview
        "DEFAULT_LANG": site.language,
        "TIMEZONE": site.timezone,
        "ARTICLE_PATHS": [kind.folder for kind in KINDS.values() if kind.rendered_as == "article"],
        "ARTICLE_EXCLUDES": [],
        "PAGE_PATHS": [kind.folder for kind in KINDS.values() if kind.rendered_as == "page"],
        "PAGE_EXCLUDES": [],
        "STATIC_PATHS": [],
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
        "JINJA_GLOBALS": {"agora": context.view},
        CONTEXT: context,
    }
    return read_settings(override=override)

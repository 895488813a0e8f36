"""Links and raw HTML of bodies: what the Markdown renderer refused, removed or did not know, and links to the
portal's own addresses checked against the addresses it publishes.

Rule ids (documented for readers in rules/catalogue.py):

- ``unsafe-url`` (error): a link or image with a ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` (but for
  pictures) address: only its text is shown.
- ``link-scheme`` (warning, or error without any scheme): an address whose scheme no browser knows ('ttps:', with
  "did you mean https?"), or 'www.example.org' with no scheme at all (read as a file of the repository).
- ``raw-html`` (warning): HTML shown as text: every tag under ``moderation.html: none``, and under github a tag
  that is no HTML element (``Vec<T>`` in prose: "wrap code in backticks").
- ``html-removed`` (warning): HTML GitHub's preview does not show either (script, style, iframe, forms, event
  handlers, ids...), removed from the page.
- ``html-comment`` (warning): an HTML comment that is never closed (it hides the rest of the text).
- ``code-language`` (warning): a code block in a language the highlighter does not know: shown as plain text.
- ``heading-id`` (warning): two headings pin the same anchor with {#id}.
- ``broken-link`` (error): a link to an address of the portal ('/events/', '/articles/x/', or the portal's URL in
  full) that it does not publish.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from ..content.loader import Item
from ..graph import RESERVED_URLS, SiteGraph
from ..outputs.calendar import CALENDAR_FILE, EVENT_FILE
from ..outputs.feeds import FEEDS_DIR, FORMATS, OPML_FILE
from ..problems import Problem, did_you_mean
from ..text import tag_slug

#: Problems of one file about links to the portal, past which the rest are counted in one.
MAX_SITE_LINK_PROBLEMS = 50


def item_links(item: Item, graph: SiteGraph) -> list[Problem]:
    """What the renderer noted in the item's body, as problems. Reads only the item (see rules.memo)."""
    return [Problem(item.path, note.line, note.rule, "", note.message, note.hint, note.severity)
            for note in getattr(item, "notes", [])]


def check_links(graph: SiteGraph) -> list[Problem]:
    """Every link to an address of the portal leads to one it publishes."""
    published: set[str] | None = None
    site = urlsplit(str(graph.config.site.url))
    base = site.path if site.path.endswith("/") else site.path + "/"
    problems: list[Problem] = []
    for item in sorted(graph.items, key=lambda i: i.relpath):
        found = 0
        for link in getattr(item, "site_links", []):
            path = _site_path(link.href, site.netloc)
            if path is None or (path.startswith("/") and not path.startswith(base) and "://" in link.href):
                continue  # another site's address, or another site on the portal's host
            if published is None:
                published = published_addresses(graph)
            problem = _check_one(item, link.line, link.href, path, base, published)
            if problem is None:
                continue
            found += 1
            if found > MAX_SITE_LINK_PROBLEMS:
                continue
            problems.append(problem)
        if found > MAX_SITE_LINK_PROBLEMS:
            problems.append(Problem(item.path, problems[-1].line, "broken-link", "",
                                    f"and {found - MAX_SITE_LINK_PROBLEMS} more link(s) to addresses the portal does "
                                    "not publish", "check every link that starts with /"))
    return problems


def _site_path(href: str, host: str) -> str | None:
    """The path of `href` when it is an address of the portal: an absolute path, or a URL on the portal's host."""
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return unquote(parts.path)
    if parts.netloc.lower() == host.lower() and parts.scheme in ("http", "https", ""):
        return unquote(parts.path) or "/"
    return None


def _check_one(item: Item, line: int, href: str, path: str, base: str, published: set[str]) -> Problem | None:
    what = f"the link to '{href}'"
    if not path.startswith(base):
        return Problem(item.path, line, "broken-link", "", f"{what} leads outside the portal, which is published "
                       f"under {base}", f"write {base}{path.lstrip('/')} or a relative link")
    relative = posixpath.normpath(path[len(base):]) if path != base else ""
    relative = "" if relative == "." else relative
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    if relative in published or relative + "/" in published:
        return None
    if relative.startswith("digest/"):  # the newsletter's archive: editions follow from the config's calendar
        return None
    close = did_you_mean(relative, published)
    return Problem(item.path, line, "broken-link", "", f"{what}: the portal publishes no page at {base}{relative}",
                   close or "link to a page of the portal, or to its file with a relative path (../articles/x.md)")


def published_addresses(graph: SiteGraph) -> set[str]:
    """The addresses, relative to the site root, of what the portal publishes: pages, files, feeds, calendars."""
    out = {url for url in RESERVED_URLS}
    out |= {item.url for item in graph.items if graph.is_published(item)}
    out |= {alias for item in graph.published() for alias in getattr(item.meta, "aliases", None) or []}
    out |= set(graph.static)
    tags = {tag_slug(tag) for tag in graph.tags()}
    out |= {f"tags/{slug}/" for slug in tags if slug}
    out.add(CALENDAR_FILE)
    out.add(OPML_FILE)
    out |= {f"{item.url}{EVENT_FILE}" for item in graph.published("events")}
    keys = ["all", *(url.rstrip("/") for url in RESERVED_URLS if url.count("/") == 1 and url != "/")]
    keys += [f"tags/{slug}" for slug in tags] + [f"contributors/{handle}" for handle in graph.contributors]
    keys += [f"lang/{graph.language_of(item)}" for item in graph.published()] + [f"lang/{graph.config.site.language}"]
    out |= {f"{FEEDS_DIR}/{key}{suffix}" for key in keys for suffix, _ in FORMATS.values()}
    return out

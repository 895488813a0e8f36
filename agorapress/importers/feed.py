"""A newsletter's or a blog's feed file (RSS, Atom or JSON Feed): each entry a post, its id kept as the item's feed
id, its address (when on the site's own host) an alias. XML is checked by defusedxml before feedparser reads it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import feedparser

from . import dates
from .html import to_markdown
from .model import Author, Note, Post, Site
from .sources import SourceTree
from .wordpress import parse_xml


def read_feed(tree: SourceTree, name: str) -> Site:
    site = Site(anchor_rule=None)
    data = tree.read_bytes(name)
    if data is None:
        site.notes.append(Note(name, 0, "not read: not a regular file, or too large"))
        return site
    if data.lstrip()[:1] == b"{":
        _json_feed(data, name, site)
        return site
    root = parse_xml(data, name, site.notes)
    if root is None:
        return site
    lines = [e.sourceline or 1 for e in root.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] in {"item", "entry"}]
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    feed = parsed.feed
    site.title = feed.get("title", "")
    site.url = _home(feed.get("link", ""))
    for index, entry in enumerate(parsed.entries):
        line = lines[index] if index < len(lines) else 1
        content = entry.get("content") or []
        html = content[0].get("value", "") if content else entry.get("summary", "")
        text_only = content and content[0].get("type") == "text/plain"
        names = [a.get("name") for a in entry.get("authors", []) if a.get("name")] or (
            [entry["author"]] if entry.get("author") else [])
        post = _post(site, name, line, entry.get("title", ""), html, bool(text_only), entry.get("link", ""),
                     entry.get("id"), *_dates(entry), names,
                     [t.get("term", "") for t in entry.get("tags", [])],
                     entry.get("summary") if content else None)
        site.posts.append(post)
    return site


def _dates(entry) -> tuple[str | None, str | None]:
    # Asked by their own keys: feedparser maps a missing 'updated' onto 'published' with a warning.
    keys = set(entry.keys())
    published = entry["published"] if "published" in keys else None
    updated = entry["updated"] if "updated" in keys else None
    return published or updated, updated


def _home(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


def _post(site: Site, file: str, line: int, title: str, html: str, text_only: bool, link: str, entry_id: str | None,
          published: str | None, updated: str | None, authors: list[str], tags: list[str], summary: str | None) -> Post:
    notes: list[Note] = []
    body = html.strip() + "\n" if text_only else to_markdown(html, file, line, notes)
    site.notes.extend(notes)
    post = Post(source=f"{file}#{entry_id or link or line}", line=line, title=title or link, body=body,
                slug=urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] if link else title)
    post.published, post.updated = dates.parse(published or ""), dates.parse(updated or "")
    for name in authors:
        site.authors.setdefault(name, Author(name, name))
    post.authors = list(dict.fromkeys(authors))
    post.tags = [t for t in tags if t]
    post.feed_id = entry_id or link or None
    if summary:
        post.summary = " ".join(to_markdown(summary, file, line, []).split())
    if link and site.url and link.startswith(site.url + "/"):
        path = urlsplit(link).path
        post.addresses.append(path if path.endswith((".html", "/")) else path + "/")
    if not title:
        site.notes.append(Note(file, line, "entry without a title: its address is its title"))
    return post


def _json_feed(data: bytes, file: str, site: Site) -> None:
    """JSON Feed 1.0/1.1 read directly (json, no evaluation): lines are those of each item's "id"."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        site.notes.append(Note(file, 1, f"not JSON: {exc}"))
        return
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        site.notes.append(Note(file, 1, "no 'items': not a JSON Feed"))
        return
    site.title = str(document.get("title") or "")
    site.url = _home(str(document.get("home_page_url") or ""))
    text = data.decode("utf-8")
    position = 0
    for item in document["items"]:
        if not isinstance(item, dict):
            continue
        found = text.find('"id"', position)
        line = text.count("\n", 0, found) + 1 if found >= 0 else 1
        position = found + 1 if found >= 0 else position
        people = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        names = [str(p.get("name")) for p in people if isinstance(p, dict) and p.get("name")]
        html = item.get("content_html")
        post = _post(site, file, line, str(item.get("title") or ""), str(html or item.get("content_text") or ""),
                     html is None, str(item.get("url") or ""), str(item["id"]) if item.get("id") is not None else None,
                     item.get("date_published"), item.get("date_modified"), names,
                     [str(t) for t in item.get("tags") or [] if isinstance(t, str)], item.get("summary"))
        site.posts.append(post)

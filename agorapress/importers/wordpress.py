"""WordPress's export (WXR, an RSS file): posts, pages and events, their authors, categories and tags, and the
attachments found beside the export. The XML is hostile input: no DTD, no entity, no network (defusedxml first)."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from urllib.parse import urlsplit

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from lxml import etree

from . import dates
from .html import to_markdown, wpautop
from .model import Author, Note, Post, Site
from .sources import SourceTree

_SHORTCODE = re.compile(r"\[(/?)([a-z_][\w-]*)([^\[\]\n]*)\]")
_EMBED_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']{1,2000})[ \t]*$", re.MULTILINE)
_CAPTION = re.compile(r"\[caption[^\]]{0,2000}\](.{0,5000}?)\[/caption\]", re.DOTALL)  # bounded: linear
_SIZED = re.compile(r"-\d{2,5}x\d{2,5}(\.\w+)$")
_KIND = {"post": "articles", "page": "pages", "tribe_events": "events", "event": "events"}
_SKIPPED_TYPES = {"attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset", "oembed_cache",
                  "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation", "user_request"}


def parse_xml(data: bytes, file: str, notes: list[Note]) -> etree._Element | None:
    """The document's root, or None (with a note) when it is no safe XML: a DTD or an entity is refused outright
    (defusedxml), then lxml reads it without entities or network, to know each element's line."""
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        notes.append(Note(file, 1, f"refused: the file declares a DTD or entities ({type(exc).__name__}); nothing imported"))
        return None
    except Exception as exc:  # ParseError and the like: not XML at all
        notes.append(Note(file, 1, f"not XML: {exc}"))
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        notes.append(Note(file, getattr(exc, "lineno", 1) or 1, f"not XML: {exc}"))
        return None


def _local(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str) -> str:
    for child in element:
        if _local(child) == name:
            return (child.text or "").strip() if name not in {"encoded"} else (child.text or "")
    return ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _encoded(item, namespace_word: str) -> tuple[str, int]:
    """content:encoded or excerpt:encoded (both named 'encoded'; told apart by their namespace)."""
    for child in item:
        if _local(child) == "encoded" and namespace_word in (child.tag or ""):
            return child.text or "", child.sourceline or item.sourceline or 1
    return "", item.sourceline or 1


def read_wordpress(tree: SourceTree, name: str) -> Site:
    site = Site(anchor_rule=None)
    data = tree.read_bytes(name)
    if data is None:
        site.notes.append(Note(name, 0, "not read: not a regular file, or too large"))
        return site
    root = parse_xml(data, name, site.notes)
    channel = root.find("channel") if root is not None else None
    if channel is None:
        if root is not None:
            site.notes.append(Note(name, 1, "no <channel>: not a WordPress export"))
        return site
    site.title = _child(channel, "title")
    site.url = (_child(channel, "link") or _child(channel, "base_blog_url")).rstrip("/")
    for author in _children(channel, "author"):
        login = _child(author, "author_login")
        if login:
            name_parts = " ".join(p for p in (_child(author, "author_first_name"), _child(author, "author_last_name")) if p)
            site.authors[login] = Author(login, _child(author, "author_display_name") or name_parts or login)
    items = _children(channel, "item")
    attachments = _attachments(tree, site, items, name)
    skipped: dict[str, int] = {}
    for item in items:
        kind = _child(item, "post_type") or "post"
        status = _child(item, "status")
        if kind not in _KIND:
            if kind not in _SKIPPED_TYPES:
                skipped[kind] = skipped.get(kind, 0) + 1
            continue
        if status in {"trash", "auto-draft", "inherit"}:
            continue
        post = _post(item, name, kind, status, site, attachments)
        if post is not None:
            site.posts.append(post)
    for kind, count in sorted(skipped.items()):
        site.notes.append(Note(name, 1, f"{count} item(s) of type '{kind}' not imported (no such kind in a portal)"))
    if any("?" in (_child(i, "link") or "") for i in items):
        site.notes.append(Note(name, 1, "addresses with a query (?p=123) cannot be kept by a static site: links to "
                                        "them break, the post's own permalink is kept"))
    return site


def _attachments(tree: SourceTree, site: Site, items: list, file: str) -> dict[str, str]:
    """attachment post id -> its URL; each file found beside the export (under its URL's path, or its path from
    wp-content/, or uploads/) is a file of the site at its old address."""
    found = {}
    for item in items:
        if _child(item, "post_type") != "attachment":
            continue
        url = _child(item, "attachment_url") or _child(item, "guid")
        found[_child(item, "post_id")] = url
        path = urlsplit(url).path
        tail = path.split("/wp-content/", 1)[-1]
        inner = tail.split("uploads/", 1)[-1].lstrip("/")
        for candidate in (path.lstrip("/"), "wp-content/" + tail.lstrip("/"), f"wp-content/uploads/{inner}", f"uploads/{inner}",
                          inner):
            if candidate and tree.is_file(candidate):
                site.files[path] = candidate
                break
        else:
            site.notes.append(Note(file, item.sourceline or 1, f"attachment {url} not found beside the export: "
                                                                       "not copied"))
    return found


def _post(item, file: str, kind: str, status: str, site: Site, attachments: dict[str, str]) -> Post | None:
    line = item.sourceline or 1
    html, html_line = _encoded(item, "content")
    excerpt, _ = _encoded(item, "excerpt")
    html = _CAPTION.sub(lambda m: m.group(1), html)
    for match in _SHORTCODE.finditer(html):
        if not match.group(1):
            site.notes.append(Note(file, html_line + html.count("\n", 0, match.start()),
                                   f"shortcode [{match.group(2)}] not converted"))
    for url in attachments.values():
        path = urlsplit(url).path
        stem, dot, suffix = url.rpartition(".")
        if path in site.files and stem in html:
            # The attachment (or a size WordPress made of it, name-300x200.jpg), wherever it was served from: the
            # file found beside the export, at the site's own address.
            html = re.sub(re.escape(stem) + r"(?:-\d{2,5}x\d{2,5})?" + re.escape(dot + suffix), site.url + path, html)
    # An address alone on its line is one WordPress embeds (oEmbed: a video, a post): a link to it here.
    html = _EMBED_LINE.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', html)
    notes: list[Note] = []
    body = to_markdown(wpautop(html), file, html_line, notes)
    site.notes.extend(notes)
    link = _child(item, "link")
    guid = _child(item, "guid")
    post = Post(source=f"{file}#{_child(item, 'post_id') or line}", line=line, title=_child(item, "title"), body=body,
                kind=_KIND[kind], slug=_child(item, "post_name") or _child(item, "title"))
    post.published = _local_time(_child(item, "post_date"), _child(item, "post_date_gmt"))
    post.draft = status in {"draft", "pending", "private"}
    creator = _child(item, "creator")
    if creator:
        site.authors.setdefault(creator, Author(creator, creator))
        post.authors = [creator]
    for category in _children(item, "category"):
        domain, text = category.get("domain"), (category.text or "").strip()
        if domain in {"category", "post_tag"} and text and text.lower() != "uncategorized":
            post.tags.append(text)
    post.summary = " ".join(to_markdown(excerpt, file, line, []).split()) if excerpt.strip() else None
    path = urlsplit(link).path if link else ""
    if path and "?" not in link:
        post.addresses.append(path if path.endswith((".html", "/")) else path + "/")
    post.feed_id = guid or link or None
    meta = {_child(m, "meta_key"): _child(m, "meta_value") for m in _children(item, "postmeta")}
    thumbnail = attachments.get(meta.get("_thumbnail_id", ""))
    if thumbnail:
        post.image = urlsplit(thumbnail).path
    if post.kind == "events":
        zone = meta.get("_EventTimezone") or None
        post.event = {"start": dates.parse(meta.get("_EventStartDate", "")) or post.published,
                      "end": dates.parse(meta.get("_EventEndDate", "")), "timezone": zone}
    return post


def _local_time(local: str, gmt: str):
    """The post's time in its own zone: WordPress stores the local time and the UTC time; their difference is
    the offset the site had that day."""
    naive, utc = dates.parse(local), dates.utc(gmt)
    if naive is None or not hasattr(naive, "hour"):
        return utc or naive
    if utc is None:
        return naive
    offset = naive - utc.replace(tzinfo=None)
    minutes = round(offset.total_seconds() / 60)
    if abs(minutes) >= 24 * 60:
        return utc
    return naive.replace(tzinfo=timezone(timedelta(minutes=minutes)))

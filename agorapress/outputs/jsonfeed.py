"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by hand: no maintained library does it."""

from __future__ import annotations

import json
from typing import Any

from .feeds import Entry, Feed, Person

VERSION = "https://jsonfeed.org/version/1.1"


def _person(person: Person) -> dict[str, str]:
    data = {"name": person.name, "url": person.url}
    if person.avatar:
        data["avatar"] = person.avatar
    return data


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title}
    # The spec requires content_html or content_text: a summary-only feed carries the summary as text.
    if entry.content_html is not None:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary
    item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    item["authors"] = [_person(p) for p in entry.authors]
    if entry.tags:
        item["tags"] = list(entry.tags)
    item["language"] = entry.language
    return item


def feed_document(feed: Feed) -> dict[str, Any]:
    """The feed as a JSON Feed 1.1 object (keys in the spec's order)."""
    return {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.url("json"),
        "description": feed.subtitle,
        "language": feed.language,
        "authors": [_person(feed.author)],
        "items": [_item(entry) for entry in feed.entries],
    }


def render_json(feed: Feed) -> bytes:
    """UTF-8 JSON, readable and byte-stable (no clock, fixed key order)."""
    return (json.dumps(feed_document(feed), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

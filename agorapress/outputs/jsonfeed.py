"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by hand: no maintained library does it."""

from __future__ import annotations

import json
from dataclasses import replace
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


class JsonFeedRenderer:
    """Renders many JSON feeds that share their items, each item encoded once: the same bytes as render_json."""

    def __init__(self) -> None:
        self._items: dict[Entry, str] = {}

    def render(self, feed: Feed) -> bytes:
        if not feed.entries:
            return render_json(feed)
        document = feed_document(replace(feed, entries=()))
        document["items"] = [_MARK]
        text = json.dumps(document, ensure_ascii=False, indent=2)
        items = ",\n".join(self._item(entry) for entry in feed.entries)
        # The list's one placeholder, at its indentation, becomes the encoded items.
        return (text.replace(f"{_INDENT}{json.dumps(_MARK)}", items, 1) + "\n").encode("utf-8")

    def _item(self, entry: Entry) -> str:
        if entry not in self._items:
            encoded = json.dumps(_item(entry), ensure_ascii=False, indent=2)
            self._items[entry] = "\n".join(_INDENT + line for line in encoded.split("\n"))
        return self._items[entry]


#: Items sit two levels deep (the document, its "items" list), indented by two spaces a level.
_INDENT = "    "
_MARK = "agora-items-placeholder"

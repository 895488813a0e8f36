"""The page kinds of a built portal, discovered from its output: one representative page per kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

#: The `agora:kind` meta of an item page (its section) -> the name of its page kind.
ITEM_KINDS = {"articles": "article", "interviews": "interview", "events": "event", "pages": "page", "contributors": "profile"}
#: schema.org eventStatus -> the name of an event page's variant (a scheduled one-off event is the ordinary case).
EVENT_STATUSES = {
    "EventScheduled": "one-off",
    "EventCancelled": "cancelled",
    "EventPostponed": "postponed",
    "EventMovedOnline": "moved-online",
    "EventRescheduled": "rescheduled",
}
_ITEM_META = re.compile(r'<meta name="agora:kind" content="([^"]+)"')
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def url_of(rel: Path) -> str:
    """The URL path, relative to the site root, that serves a built file: `about/index.html` -> `about/`."""
    text = rel.as_posix()
    return "" if text == "index.html" else text.removesuffix("index.html")


def _event_variant(html: str) -> str:
    for block in _JSON_LD.findall(html):
        data = json.loads(block)
        if data.get("@type") != "Event":
            continue
        if "eventSchedule" in data:
            return "recurring"
        status = str(data.get("eventStatus", "")).rsplit("/", 1)[-1]
        return EVENT_STATUSES.get(status, status.lower() or "one-off")
    return "one-off"


def kind_of(url: str, html: str) -> str:
    """The page kind of the page at `url` (relative to the site root) whose HTML is `html`."""
    item = _ITEM_META.search(html)
    if item:
        kind = ITEM_KINDS.get(item[1], item[1])
        return f"event-{_event_variant(html)}" if kind == "event" else kind
    if url == "":
        return "home"
    if url == "404.html":
        return "404"
    parts = url.strip("/").split("/")
    if len(parts) >= 3 and parts[-2] == "page" and parts[-1].isdigit():
        return kind_of("/".join(parts[:-2]) + "/", "") + "-paged"
    if parts[0] == "tags" and len(parts) == 2:
        return "tag"
    # Any other page (archives, badges, committee, a /stats/ page added later...) is a kind of its own,
    # named by its path, so a new page is tested without this module knowing it.
    return "-".join(parts)


def page_kinds(output: Path) -> dict[str, str]:
    """Kind -> URL path (relative to the site root) of its representative page: the shortest URL, so
    `about/` stands for the pages and `page/2/` for the later pages of a list."""
    candidates: dict[str, list[str]] = {}
    for path in output.rglob("*.html"):
        rel = path.relative_to(output)
        if rel.parts[0] in {"pagefind", "theme"}:
            continue  # the search bundle and theme assets, not pages of the portal
        url = url_of(rel)
        candidates.setdefault(kind_of(url, path.read_text(encoding="utf-8")), []).append(url)
    return {kind: min(urls, key=lambda url: (len(url), url)) for kind, urls in sorted(candidates.items())}

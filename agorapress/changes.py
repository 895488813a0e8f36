"""What a pull request changes on the site: two builds of the portal (before, after) compared page by page, feed
entry by feed entry and calendar event by calendar event."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from icalendar import Calendar
from lxml import etree, html

#: The files read: the feed of everything and the site's calendar (see outputs/feeds.py, outputs/calendar.py).
ALL_FEED = "feeds/all.atom.xml"
CALENDAR = "events/calendar.ics"
ATOM = "{http://www.w3.org/2005/Atom}"
#: Folders of an output that hold no page a reader opens (the search index, the theme's files).
_NOT_PAGES = {"pagefind", "theme", "media"}
MAX_LISTED = 200  # a report lists at most this many entries of each kind, then says how many more


@dataclass
class Changes:
    """Addresses relative to the site's root (articles/x/), with titles where the page or entry gives one."""

    added: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    entries: list[tuple[str, str]] = field(default_factory=list)  # feed entries that appear: (title, address)
    events: list[tuple[str, str]] = field(default_factory=list)  # calendar events that appear: (title, start)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.entries or self.events)


def compare(before: Path, after: Path) -> Changes:
    """What `after` (the pull request's build) changes from `before` (the base's), both built the same way."""
    old, new = _pages(before), _pages(after)
    changes = Changes()
    for url in sorted(new.keys() - old.keys()):
        changes.added.append((url, new[url][1]))
    for url in sorted(old.keys() & new.keys()):
        if old[url][0] != new[url][0]:
            changes.changed.append((url, new[url][1]))
    for url in sorted(old.keys() - new.keys()):
        changes.removed.append((url, old[url][1]))
    old_entries = _feed_entries(before / ALL_FEED)
    for entry_id, (title, link) in _feed_entries(after / ALL_FEED).items():
        if entry_id not in old_entries:
            changes.entries.append((title, link))
    old_events = _calendar_events(before / CALENDAR)
    for uid, (title, start) in _calendar_events(after / CALENDAR).items():
        if uid not in old_events:
            changes.events.append((title, start))
    return changes


def render_markdown(changes: Changes, preview_url: str | None) -> str:
    """The "What changes" section of the report: each page linked in the preview when there is one."""
    def page(url: str, title: str, linked: bool) -> str:
        shown = f"/{url}" + (f" ({_plain(title)})" if title else "")
        return f"- [{shown}]({preview_url.rstrip('/')}/{url})" if linked and preview_url else f"- {shown}"

    lines = ["## What changes", ""]
    if changes.empty:
        return "\n".join([*lines, "Nothing a reader sees changes.", ""])
    for heading, rows, linked in (("Pages added", changes.added, True), ("Pages changed", changes.changed, True),
                                  ("Pages removed", changes.removed, False)):
        if rows:
            lines += [f"**{heading}** ({len(rows)})", ""]
            lines += [page(url, title, linked) for url, title in rows[:MAX_LISTED]]
            lines += [f"- … and {len(rows) - MAX_LISTED} more"] if len(rows) > MAX_LISTED else []
            lines.append("")
    if changes.entries:
        lines += [f"**Feed entries that will appear** ({len(changes.entries)})", ""]
        lines += [f"- {_plain(title)}" for title, _ in changes.entries[:MAX_LISTED]] + [""]
    if changes.events:
        lines += [f"**Calendar events that will appear** ({len(changes.events)})", ""]
        lines += [f"- {_plain(title)}, {start}" for title, start in changes.events[:MAX_LISTED]] + [""]
    return "\n".join(lines)


def _plain(text: str) -> str:
    # Titles come from the pull request: shown as words, never as Markdown, links or mentions.
    cleaned = " ".join(text.split())[:200]
    for char in "\\`*_[]<>()#!|~":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned.replace("@", "@\u200b")


def _pages(root: Path) -> dict[str, tuple[str, str]]:
    """Each HTML page of an output by address: the digest of its main content (what the page says, not the
    navigation around it) and its title."""
    pages = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in _NOT_PAGES]
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".html"):
                continue
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            pages[rel.removesuffix("index.html")] = _page_facts(path.read_bytes())
    return pages


def _page_facts(data: bytes) -> tuple[str, str]:
    try:
        doc = html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return hashlib.sha256(data).hexdigest(), ""
    main = doc.find(".//main")
    body = etree.tostring(main if main is not None else doc, method="c14n") if doc is not None else data
    title = doc.findtext(".//title") or ""
    return hashlib.sha256(body).hexdigest(), title.strip()


def _feed_entries(path: Path) -> dict[str, tuple[str, str]]:
    if not path.is_file():
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(path.read_bytes(), parser)
    entries = {}
    for entry in root.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        entries[entry.findtext(f"{ATOM}id") or ""] = (entry.findtext(f"{ATOM}title") or "",
                                                      link.get("href", "") if link is not None else "")
    return entries


def _calendar_events(path: Path) -> dict[str, tuple[str, str]]:
    if not path.is_file():
        return {}
    events = {}
    for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        start = event.get("DTSTART")
        events[str(event.get("UID"))] = (str(event.get("SUMMARY", "")), start.dt.isoformat() if start is not None else "")
    return events

"""Old addresses (`aliases:`) that can be kept: none is another item's address, another alias, or a place the portal
writes itself."""

from __future__ import annotations

import unicodedata

from ..content.kinds import SECTIONS
from ..content.loader import Item
from ..graph import RESERVED_URLS, SiteGraph
from ..outputs.redirects import page_file
from ..problems import Problem

#: Files the portal writes at its root that an alias ending in .html could name.
RESERVED_FILES = {"index.html", "404.html"}


def _key(address: str) -> str:
    # As the site graph compares URLs: two addresses that differ by case or Unicode form are one file on many hosts.
    return unicodedata.normalize("NFKC", page_file(address)).casefold()


def _portal_folders() -> list[str]:
    """Folders whose every page the portal writes: an alias under them would overwrite or shadow one."""
    sections = set(SECTIONS)
    owned = [url for url in RESERVED_URLS if url and url.rstrip("/") not in sections]
    return sorted(_key(url).removesuffix("index.html") for url in owned)


def check_aliases(graph: SiteGraph) -> list[Problem]:
    """Every alias of every item, against every item's address, every other alias and the portal's own pages."""
    problems: list[Problem] = []
    addresses = {_key(item.url): item for item in graph.items}
    reserved = {_key(url) for url in RESERVED_URLS} | RESERVED_FILES
    folders = _portal_folders()
    seen: dict[str, tuple] = {}
    for item in sorted(graph.items, key=lambda i: i.relpath):
        for index, alias in enumerate(getattr(item.meta, "aliases", None) or []):
            key = _key(alias)
            line = item.line_of("aliases", index)
            place = (item.path, line, "alias-collision", f"aliases[{index}]")

            def problem(message: str, hint: str, place: tuple = place) -> None:
                problems.append(Problem(*place, message, hint))

            if key in addresses:
                other = addresses[key]
                what = "the item's own address" if other is item else f"the address of {other.path}"
                problem(f"/{alias} is {what}", "remove the alias" if other is item
                        else "remove the alias, or give the other item another slug")
            elif key in reserved or any(key.startswith(folder) for folder in folders):
                problem(f"/{alias} is an address the portal itself publishes", "remove the alias")
            elif key in seen:
                other, other_line = seen[key]
                where = "earlier in this file" if other is item else f"in {other.path}:{other_line}"
                problem(f"/{alias} is already an alias {where}", "keep it on one item only")
            else:
                seen[key] = (item, line)
    return problems + _ids(graph)


def _ids(graph: SiteGraph) -> list[Problem]:
    """Two items with one feed id would be one entry to every feed reader: an `id:` is another item's, or names
    another item's file (the id that file has without one)."""
    owners: dict[str, Item] = {}
    problems = []
    items = sorted(graph.items, key=lambda i: (getattr(i.meta, "id", None) is not None, i.relpath))
    for item in items:
        if item.kind == "contributors":
            continue
        kept = getattr(item.meta, "id", None)
        key = (kept or item.relpath).removeprefix("content/")
        other = owners.setdefault(key, item)
        if other is not item:
            problems.append(Problem(item.path, item.line_of("id"), "duplicate-id", "id",
                                    f"the feed id '{key}' is also {other.path}'s", "give this item its own id (or none)"))
    return problems

"""The site graph: published items, contributors, tags and URLs, with the checks that span files."""

from __future__ import annotations

import posixpath
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import Config
from .content.kinds import CREDIT_FIELDS, IMAGE_SUFFIXES, KINDS, MEDIA_FOLDER, SECTIONS, UNLISTED
from .content.loader import CONTENT_DIR, Item, Loaded
from .content.markdown import LocalLink, resolve_local_links
from .content.models import Board
from .problems import Problem, did_you_mean
from .schema import _HANDLE
from .text import tag_slug

#: URLs the portal itself produces; a page or item may not take them.
RESERVED_URLS = {
    "",
    "tags/",
    "archives/",
    "contributors/",
    "committee/",
    "search/",
    "feeds/",
    "board/",
    "events/past/",
    "badges/",
    "stats/",
    "theme/",
    "media/",
    "pagefind/",  # the search index
    "previews/",  # pull requests' previews, published beside the site
    "digest/",  # the newsletter's archive
    *(f"{section}/" for section in SECTIONS),
    # A section's list continues at <section>/page/2/: no item of it may be called 'page'.
    *(f"{section}/page/" for section in SECTIONS),
}


def as_datetime(moment: date | datetime, tz: ZoneInfo) -> datetime:
    """A date or naive date-time from front matter, as an aware date-time in `tz`."""
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    return datetime.combine(moment, time(0, 0), tzinfo=tz)


@dataclass
class SiteGraph:
    """What the site is made of, independent of the engine that renders it."""

    config: Config
    now: datetime
    drafts: bool
    items: list[Item]
    root: Path | None = None  # the portal repository, for rules that look at files
    board: Board | None = None
    static: list[str] = field(default_factory=list)
    contributors: dict[str, Item] = field(default_factory=dict)
    by_path: dict[str, Item] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # every regular file under content/, in walk order

    _published: dict[str | None, list[Item]] = field(default_factory=dict, repr=False)
    _html: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # bodies with their links resolved

    def __post_init__(self) -> None:
        self.by_path = {item.relpath: item for item in self.items}
        self.contributors = {item.slug: item for item in self.items if item.kind == "contributors"}

    @property
    def tz(self) -> ZoneInfo:
        return self.config.site.tz

    def date_of(self, item: Item) -> datetime | None:
        moment = getattr(item.meta, "date", None)
        return as_datetime(moment, self.tz) if moment is not None else None

    def is_scheduled(self, item: Item) -> bool:
        when = self.date_of(item)
        return when is not None and when > self.now

    def is_published(self, item: Item) -> bool:
        """Public in this build: not a draft and not scheduled for later, unless --drafts (a preview shows both);
        never when withdrawn, previews included: only a notice stands at its address (render/committee)."""
        if item.kind == "contributors":
            return True
        if getattr(item.meta, "is_withdrawn", False):
            return False
        if self.drafts:
            return True
        if getattr(item.meta, "is_draft", False):
            return False
        return not self.is_scheduled(item)

    def withdrawn(self) -> list[Item]:
        """Items the committee withdrew (their date passed), by path."""
        return sorted((i for i in self.items if getattr(i.meta, "is_withdrawn", False) and not self.is_scheduled(i)),
                      key=lambda i: i.relpath)

    def published(self, kind: str | None = None) -> list[Item]:
        """Published items, newest first, ties broken by path so the order never depends on the disk."""
        # The graph does not change once built, so the sorted lists are computed once per build.
        if kind not in self._published:
            chosen = [i for i in self.items if (kind is None or i.kind == kind) and i.kind not in UNLISTED and self.is_published(i)]
            self._published[kind] = sorted(chosen, key=lambda i: (-(self.date_of(i) or self.now).timestamp(), i.relpath))
        return list(self._published[kind])

    def language_of(self, item: Item) -> str:
        return getattr(item.meta, "lang", None) or self.config.site.language

    def translations(self, item: Item) -> list[Item]:
        """The other published languages of `item`: its original and the original's translations, by language."""
        group = self._translation_groups.get(self._original_of(item).relpath, [])
        return [i for i in group if i is not item]

    @cached_property
    def _translation_groups(self) -> dict[str, list[Item]]:
        # Every item page asks for its translations: grouped once, by the original's path, in language order.
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in self.published():
            groups[self._original_of(item).relpath].append(item)
        return {key: sorted(group, key=lambda i: (self.language_of(i), i.relpath))
                for key, group in groups.items() if len(group) > 1}

    def _original_of(self, item: Item) -> Item:
        source = getattr(item.meta, "translation_of", None)
        if not source:
            return item
        return self._by_slug.get((item.kind, source), item)

    @cached_property
    def _by_slug(self) -> dict[tuple[str, str], Item]:
        return {(i.kind, i.slug): i for i in self.items}

    def address_of(self, target: str) -> str | None:
        """The address, relative to the site root, of a file under content/ that a body links to: an item's or a
        profile's page, or a file of media/ (published as it is). None for anything else (an avatar, a missing file)."""
        item = self.by_path.get(target)
        if item is not None:
            return item.url
        if target.startswith(f"{MEDIA_FOLDER}/") and target in self._static:
            return target
        return None

    @cached_property
    def _static(self) -> frozenset[str]:
        return frozenset(self.static)

    def html_of(self, item: Item) -> str:
        """The item's body as its own page shows it: links to other files of the repository written relative to
        the item's address (feeds make them absolute against it)."""
        if not item.local_links:
            return item.html
        resolved = self._html.get(item.relpath)
        if resolved is None:
            page = item.url

            def address(link: LocalLink) -> str | None:
                found = self.address_of(link.target)
                return relative_url(found, page) if found is not None else None

            resolved = self._html[item.relpath] = resolve_local_links(item.html, item.link_key, item.local_links, address)
        return resolved

    def replace_item(self, old: Item, new: Item) -> None:
        """Put `new` in the place of `old` (the same file edited): every view computed from the items is forgotten."""
        self.items[self.items.index(old)] = new
        self.by_path[new.relpath] = new
        if new.kind == "contributors":
            self.contributors[new.slug] = new
        self._published.clear()
        self._html.clear()
        for name in ("_translation_groups", "_by_slug"):
            self.__dict__.pop(name, None)

    def tags(self) -> dict[str, list[Item]]:
        index: dict[str, list[Item]] = defaultdict(list)
        for item in self.published():
            for tag in getattr(item.meta, "tags", []):
                index[tag].append(item)
        return dict(sorted(index.items()))

    def next_change(self) -> datetime | None:
        """The next moment the site changes by itself: a scheduled item falls due, an event starts or ends."""
        from .events import timing_of  # the events module only reads front matter; imported here to keep this edit local

        moments = [self.date_of(i) for i in self.items if i.kind != "contributors" and self.is_scheduled(i)]
        # An event starting or ending moves between upcoming and past, or on to its next date.
        for event in self.published("events"):
            moments += timing_of(event.meta, self.tz).changes(self.now)
        soonest = min((m for m in moments if m is not None), key=lambda m: m.timestamp(), default=None)
        return soonest.astimezone(self.tz) if soonest is not None else None


def relative_url(target: str, page: str) -> str:
    """`target` (an address relative to the site root) as written on the page at `page` (a folder address)."""
    path = posixpath.relpath("/" + target, "/" + page)
    if target.endswith("/") or not target:
        path = "./" if path == "." else path + "/"
    return path


def build_graph(config: Config, loaded: Loaded, now: datetime, drafts: bool = False,
                root: Path | None = None) -> tuple[SiteGraph, list[Problem]]:
    """Assemble the graph and check what spans files: references, URLs, paths."""
    graph = SiteGraph(config, now, drafts, loaded.items, root, loaded.board, loaded.static, files=loaded.files)
    problems: list[Problem] = []
    problems += _check_contributor_files(graph)
    problems += _check_references(graph)
    problems += _check_urls(graph)
    problems += _check_local_links(graph)
    problems += _check_translations(graph)
    problems += _check_tags(graph)
    problems += _check_board(graph, loaded.board_lines)
    return graph, problems


def _check_contributor_files(graph: SiteGraph) -> list[Problem]:
    problems = []
    for item in graph.contributors.values():
        if not _HANDLE.match(item.slug):
            problems.append(Problem(item.path, 1, "handle", "", f"'{item.slug}' is not a valid handle (the file name is the handle)",
                                    "rename the file with lowercase ASCII letters, digits and hyphens"))
    return problems


def _handle_fields(item: Item) -> list[tuple[tuple, str]]:
    """Every (field path, handle) an item refers to."""
    meta = item.meta
    refs: list[tuple[tuple, str]] = []
    for name in CREDIT_FIELDS:
        for index, handle in enumerate(getattr(meta, name, None) or []):
            refs.append(((name, index), handle))
    interviewee = getattr(meta, "interviewee", None)
    if interviewee is not None and interviewee.handle:
        refs.append((("interviewee", "handle"), interviewee.handle))
    return refs


def _check_references(graph: SiteGraph) -> list[Problem]:
    problems = []
    known = set(graph.contributors)
    for item in graph.items:
        for path, handle in _handle_fields(item):
            if handle not in known:
                hint = did_you_mean(handle, known) or f"add a profile: content/contributors/{handle}.md"
                field_name = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
                problems.append(Problem(item.path, item.line_of(*path), "unknown-contributor", field_name,
                                        f"'{handle}' has no profile", hint))
    return problems


def _check_translations(graph: SiteGraph) -> list[Problem]:
    """A translation names an original of the same section, in another language, that is no translation itself."""
    problems = []
    seen: dict[tuple[str, str, str], Item] = {}
    for item in sorted(graph.items, key=lambda i: i.relpath):
        source = getattr(item.meta, "translation_of", None)
        if not source:
            continue
        line = item.line_of("translation_of")
        original = graph._by_slug.get((item.kind, source))
        if original is None or original is item:
            slugs = {slug for kind, slug in graph._by_slug if kind == item.kind and slug != item.slug}
            hint = did_you_mean(source, slugs) or f"give the slug (file name without .md) of an item in {CONTENT_DIR}/{item.kind}/"
            problems.append(Problem(item.path, line, "translation", "translation_of", f"no item '{source}' in {item.kind}/", hint))
        elif getattr(original.meta, "translation_of", None):
            problems.append(Problem(item.path, line, "translation", "translation_of",
                                    f"'{source}' is itself a translation of '{original.meta.translation_of}'",
                                    f"name the original: translation_of: {original.meta.translation_of}"))
        elif graph.language_of(original) == graph.language_of(item):
            problems.append(Problem(item.path, line, "translation", "translation_of",
                                    f"'{source}' is in the same language ({graph.language_of(item)})",
                                    "set `lang:` to the language this text is written in"))
        else:
            key = (item.kind, source, graph.language_of(item))
            if key in seen:
                problems.append(Problem(item.path, line, "translation", "translation_of",
                                        f"{seen[key].path} already translates '{source}' into {key[2]}",
                                        "keep one translation per language: merge the two texts"))
            else:
                seen[key] = item
    return problems


def _check_tags(graph: SiteGraph) -> list[Problem]:
    """Two spellings of one tag ('Café' and 'cafe') share one address under tags/: the build would merge them
    silently, under whichever name it met first. The spelling most items use is the tag's; the others are asked
    to follow it."""
    spellings: dict[str, dict[str, list[tuple[Item, int]]]] = defaultdict(lambda: defaultdict(list))
    problems = []
    for item in sorted(graph.items, key=lambda i: i.relpath):
        for index, tag in enumerate(getattr(item.meta, "tags", None) or []):
            slug = tag_slug(tag)
            if not slug:
                problems.append(Problem(item.path, item.line_of("tags", index), "tag", f"tags[{index}]",
                                        f"'{tag}' gives no address under tags/", "write the tag with letters or digits"))
                continue
            spellings[slug][tag].append((item, index))
    for slug, used in sorted(spellings.items()):
        if len(used) < 2:
            continue
        chosen = min(used, key=lambda tag: (-len(used[tag]), tag != slug, tag))  # most used, else the plainest
        for tag, places in sorted(used.items()):
            if tag == chosen:
                continue
            for item, index in places:
                problems.append(Problem(item.path, item.line_of("tags", index), "tag", f"tags[{index}]",
                                        f"'{tag}' and '{chosen}' are one topic (/tags/{slug}/)",
                                        f"write it '{chosen}', as {len(used[chosen])} other item(s) do"))
    return problems


def _url_key(url: str) -> str:
    # Two URLs that differ only by case or Unicode form are one file on many systems.
    return unicodedata.normalize("NFKC", url).casefold()


def _check_urls(graph: SiteGraph) -> list[Problem]:
    problems = []
    seen: dict[str, Item] = {}
    reserved = {_url_key(u) for u in RESERVED_URLS}
    for item in sorted(graph.items, key=lambda i: i.relpath):
        key = _url_key(item.url)
        if key in reserved or (item.kind == "pages" and _url_key(item.slug + "/") in reserved):
            problems.append(Problem(item.path, item.line_of("slug"), "url-collision", "slug",
                                    f"/{item.url} is used by the portal itself", "choose another slug"))
        elif key in seen:
            other = seen[key]
            for this, that in ((item, other), (other, item)):
                problems.append(Problem(this.path, this.line_of("slug"), "url-collision", "slug",
                                        f"/{this.url} is also the URL of {that.path}", "give one of them another slug or file name"))
        else:
            seen[key] = item
    return problems


#: Broken links of one file that are reported one by one (with a did-you-mean, which compares the path with every
#: file of the portal); the others are counted in one last problem.
MAX_LINK_PROBLEMS = 50


def _check_local_links(graph: SiteGraph) -> list[Problem]:
    problems = []
    existing = set(graph.by_path) | set(graph.static)
    for item in graph.items:
        found = len(problems)
        for link in item.local_links:
            if len(problems) - found == MAX_LINK_PROBLEMS:
                broken = sum(1 for other in item.local_links[item.local_links.index(link):]
                             if other.target.startswith(("..", "/")) or graph.address_of(other.target) is None)
                if broken:
                    problems.append(Problem(item.path, link.line, "broken-link", "", f"and {broken} more link(s) that lead "
                                            "nowhere, from this line on", "check every link to a file of the repository"))
                break
            what = "image" if link.is_image else "link"
            if link.target.startswith(("..", "/")):
                problems.append(Problem(item.path, link.line, "path-escape", "", f"{what} to '{link.target}' points outside content/",
                                        f"link to files under {CONTENT_DIR}/ with a relative path, e.g. ../{MEDIA_FOLDER}/photo.jpg"))
            elif link.target not in existing:
                hint = did_you_mean(link.target, existing) or "check the path, relative to this file"
                problems.append(Problem(item.path, link.line, "broken-link", "", f"{what} to '{link.target}': no such file", hint))
            elif graph.address_of(link.target) is None:
                problems.append(Problem(item.path, link.line, "broken-link", "", f"{what} to '{link.target}': this file is not "
                                        "published at an address of its own", f"link to a page, or put the file in {CONTENT_DIR}/{MEDIA_FOLDER}/"))
        for name in ("image",):
            value = getattr(item.meta, name, None)
            if value and _media_path(value) not in existing:
                problems.append(Problem(item.path, item.line_of(name), "missing-file", name, f"'{value}' does not exist",
                                        f"put the file in {CONTENT_DIR}/{MEDIA_FOLDER}/ and give its path, e.g. media/photo.jpg"))
            elif value and not _is_media_picture(value):
                # An item's page or another member's avatar exists too, but is no picture of content/media/.
                problems.append(Problem(item.path, item.line_of(name), "missing-file", name,
                                        f"'{value}' is not an image under {CONTENT_DIR}/{MEDIA_FOLDER}/",
                                        f"put a PNG, JPEG, WebP, GIF or AVIF picture in {CONTENT_DIR}/{MEDIA_FOLDER}/ and "
                                        "give its path, e.g. media/photo.jpg"))
        avatar = getattr(item.meta, "avatar", None) if item.kind == "contributors" else None
        if avatar and ("/" in avatar or "\\" in avatar or f"contributors/{avatar}" not in existing):
            problems.append(Problem(item.path, item.line_of("avatar"), "missing-file", "avatar",
                                    f"'{avatar}' is not an image beside this profile",
                                    f"put the image in {CONTENT_DIR}/contributors/ and give its file name, e.g. {item.slug}.png"))
    return problems


def _is_media_picture(value: str) -> bool:
    path = _media_path(value)
    return path.startswith(f"{MEDIA_FOLDER}/") and posixpath.splitext(path)[1].lower() in IMAGE_SUFFIXES


def _media_path(value: str) -> str:
    return posixpath.normpath(value.removeprefix("/").removeprefix(f"{CONTENT_DIR}/"))


def _check_board(graph: SiteGraph, lines: dict) -> list[Problem]:
    if graph.board is None:
        return []
    problems = []
    path = f"{CONTENT_DIR}/board.yaml"
    seen: set[str] = set()
    for index, topic in enumerate(graph.board.topics):
        base = ("topics", index)
        for name in ("proposed_by", "claimed_by"):
            handle = getattr(topic, name)
            if handle and handle not in graph.contributors:
                problems.append(Problem(path, lines.get(base + (name,), 0), "unknown-contributor", f"topics[{index}].{name}",
                                        f"'{handle}' has no profile", did_you_mean(handle, graph.contributors) or "add their profile first"))
        if topic.section not in KINDS or not KINDS[topic.section].section:
            problems.append(Problem(path, lines.get(base + ("section",), 0), "schema-type", f"topics[{index}].section",
                                    f"unknown section '{topic.section}'", f"one of: {', '.join(SECTIONS)}"))
        if topic.item and _media_path(topic.item) not in graph.by_path:
            problems.append(Problem(path, lines.get(base + ("item",), 0), "missing-file", f"topics[{index}].item",
                                    f"'{topic.item}' does not exist", "give the path under content/, e.g. articles/my-text.md"))
        if topic.id in seen:
            problems.append(Problem(path, lines.get(base + ("id",), 0), "duplicate-id", f"topics[{index}].id",
                                    f"topic id '{topic.id}' is used twice", "give each topic its own id"))
        seen.add(topic.id)
    return problems

"""Feeds of a portal: which feeds exist, what each one holds, and their Atom and RSS 2.0 forms (feedgen).

Every date comes from the content (feedgen stamps the clock by default, so each one is set explicitly),
every URL is absolute, and entry ids are derived from the source file, so a reader never sees an item
twice because its title or date changed.
"""

from __future__ import annotations

import html
import posixpath
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from babel import Locale, UnknownLocaleError
from feedgen.feed import FeedGenerator

from ..content.kinds import KINDS, SECTIONS
from ..content.loader import Item
from ..graph import SiteGraph, as_datetime
from ..images import AVATAR_SIZES
from ..people import People
from ..text import join_url, plain_text, shorten, tag_slug

#: Feed formats: the file suffix and the media type used in <link rel="alternate">.
FORMATS: dict[str, tuple[str, str]] = {
    "atom": (".atom.xml", "application/atom+xml"),
    "rss": (".rss.xml", "application/rss+xml"),
    "json": (".json", "application/feed+json"),
}
FEEDS_DIR = "feeds"
#: The members' feeds as one OPML outline, for readers that subscribe to a list.
OPML_FILE = f"{FEEDS_DIR}/contributors.opml"
#: Words of the structured data and feed links, per interface language.
LABELS = {
    "fr": {"home": "Accueil", "members": "Membres", "tags": "Thèmes", "page": "Page",
           "forms": {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}},
    "en": {"home": "Home", "members": "Members", "tags": "Topics", "page": "Page",
           "forms": {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}},
}

#: When no content gives a date (an empty portal), the feed is dated from the epoch, never from the clock.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GENERATOR = "Agora Press"
# XML 1.0 refuses most control characters; the checks refuse them too, this is the last line of defence.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_URL_ATTRIBUTE = re.compile(r'(?P<lead>\s(?:href|src|poster)=")(?P<url>[^"]*)(?P<end>")')
_SRCSET = re.compile(r'(?P<lead>\ssrcset=")(?P<value>[^"]*)(?P<end>")')


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def absolute_links(markup: str, base: str) -> str:
    """Every href/src/srcset of an HTML fragment made absolute against `base` (the item's own URL).

    The markup is what markdown-it or nh3 produced, so attributes are always double-quoted and escaped."""

    def one(url: str) -> str:
        return html.escape(join_url(base, html.unescape(url)), quote=True)

    def attribute(match: re.Match) -> str:
        return match["lead"] + one(match["url"]) + match["end"]

    def srcset(match: re.Match) -> str:
        candidates = []
        for candidate in match["value"].split(","):
            parts = candidate.strip().split(None, 1)
            if parts:
                candidates.append(" ".join([one(parts[0]), *parts[1:]]))
        return match["lead"] + ", ".join(candidates) + match["end"]

    markup = _URL_ATTRIBUTE.sub(attribute, markup)
    # Most bodies have no srcset at all: the test is ten times cheaper than the search.
    return _SRCSET.sub(srcset, markup) if 'srcset="' in markup else markup


def entry_id(site_url: str, relpath: str, kept: str | None = None) -> str:
    """A permanent id for an item: derived from the portal and the source file, not the title or date. `kept` is the
    item's `id:` (front matter), which survives a rename: a URI used as it is, else the file's first path."""
    if kept and _URI.match(kept):
        return kept
    source = (kept or relpath).removeprefix("content/")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site_url}#content/{source}')}"


_URI = re.compile(r"^(?:urn|tag|https?):\S+\Z", re.IGNORECASE)


def language_name(code: str, locale: str) -> str:
    """'en' -> 'anglais' in a French portal; the code itself when Babel does not know it."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        name = None
    return (name[:1].upper() + name[1:]) if name else code


@dataclass(frozen=True)
class Person:
    """An author as feeds show them: a name and their profile page."""

    name: str
    url: str
    avatar: str | None = None


@dataclass(frozen=True)
class Entry:
    """One item in a feed, every URL absolute."""

    id: str
    url: str
    title: str
    published: datetime
    updated: datetime
    summary: str  # plain text
    content_html: str | None  # None when the portal publishes summaries only
    authors: tuple[Person, ...]
    tags: tuple[str, ...]
    language: str
    image: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed ready to render in any format."""

    key: str
    id: str
    title: str
    subtitle: str
    home_url: str
    site_url: str
    language: str
    updated: datetime
    author: Person
    entries: tuple[Entry, ...]

    def url(self, form: str) -> str:
        return join_url(self.site_url, feed_path(self.key, form))


def feed_path(key: str, form: str) -> str:
    """Where a feed is written, relative to the site root: feeds/<key>.atom.xml and so on."""
    return f"{FEEDS_DIR}/{key}{FORMATS[form][0]}"


@dataclass(frozen=True)
class FeedSpec:
    """One feed of the catalogue: what it is about and which items it holds (newest first)."""

    key: str  # "all", "articles", "tags/velo", "contributors/ana", "lang/en"
    kind: str  # all | section | tag | contributor | lang
    name: str  # what it follows, for titles and the feeds page: "Articles", "#vélo", "Ana Lopez", "English"
    page: str  # the HTML page it mirrors, relative to the site root
    items: tuple[Item, ...] = field(default=())
    handle: str | None = None  # contributor feeds: whose

    def path(self, form: str) -> str:
        return feed_path(self.key, form)


class Catalogue:
    """Every feed of the portal and its items, computed once per build from the site graph."""

    def __init__(self, graph: SiteGraph, people: People, slug_of: Callable[[str], str] = tag_slug):
        self.graph = graph
        self.people = people
        self.config = graph.config
        self.site_url = str(graph.config.site.url).rstrip("/") + "/"
        self.settings = graph.config.feeds
        self.slug_of = slug_of
        self.specs: list[FeedSpec] = self._plan()
        self.by_key = {spec.key: spec for spec in self.specs}
        # An item appears in many feeds (all, section, tags, authors, language): build its entry once (twice when
        # some families carry full texts and others summaries).
        self._entries: dict[tuple[str, bool], Entry] = {}
        self._latest: datetime | None = None

    # -- which feeds exist ------------------------------------------------------------------------

    @staticmethod
    def syndicable(items: Iterable[Item]) -> list[Item]:
        """Items of the sections, never a draft (a --drafts preview shows them on pages, not in feeds)."""
        return [i for i in items if i.kind in SECTIONS and not getattr(i.meta, "is_draft", False)]

    def syndicated(self, items: Iterable[Item], kind: str = "all") -> tuple[Item, ...]:
        """What a feed of a family holds: the newest syndicable items, up to the family's limit."""
        return tuple(self.syndicable(items)[: self.settings.limit_for(kind)])

    def lang_of(self, item: Item) -> str:
        return self.graph.language_of(item)

    def _plan(self) -> list[FeedSpec]:
        graph, config = self.graph, self.config
        specs = [FeedSpec("all", "all", config.site.title, "", self.syndicated(graph.published()))]
        for section in SECTIONS:
            specs.append(FeedSpec(section, "section", config.section_title(section), f"{section}/",
                                  self.syndicated(graph.published(section), "section")))
        return specs + self._plan_languages() + self._plan_tags() + self._plan_contributors()

    def _plan_languages(self) -> list[FeedSpec]:
        """One feed per language items are written in; the portal's own always has one."""
        site_language = self.config.site.language
        items = self.syndicable(self.graph.published())
        languages = sorted({self.lang_of(i) for i in items} | {site_language})
        return [FeedSpec(f"lang/{lang}", "lang", language_name(lang, site_language), "",
                         self.syndicated((i for i in items if self.lang_of(i) == lang), "lang")) for lang in languages]

    def _plan_tags(self) -> list[FeedSpec]:
        """One feed per tag page: tags whose URLs are the same (vélo, velo) share it, as they share the page."""
        graph = self.graph
        tags: dict[str, tuple[str, dict[str, Item]]] = {}
        for tag, tagged in graph.tags().items():
            slug = self.slug_of(tag)
            if slug:  # a tag with nothing Pelican can put in a URL has no page either
                tags.setdefault(slug, (tag, {}))[1].update((i.relpath, i) for i in tagged)
        specs = []
        for slug, (name, by_path) in sorted(tags.items()):
            items = sorted(by_path.values(), key=lambda i: (-(graph.date_of(i) or graph.now).timestamp(), i.relpath))
            specs.append(FeedSpec(f"tags/{slug}", "tag", f"#{name}", f"tags/{slug}/", self.syndicated(items, "tag")))
        return specs

    def _plan_contributors(self) -> list[FeedSpec]:
        """One feed per member, written even when empty: every profile links to its feed."""
        specs = []
        for handle in sorted(self.graph.contributors):
            profile = self.people.get(handle)
            involved = profile.involved if profile else []
            specs.append(FeedSpec(f"contributors/{handle}", "contributor", self.graph.contributors[handle].meta.name,
                                  KINDS["contributors"].url_for(handle), self.syndicated(involved, "contributor"), handle))
        return specs

    def of_kind(self, kind: str) -> list[FeedSpec]:
        return [spec for spec in self.specs if spec.kind == kind]

    # -- what an entry says -----------------------------------------------------------------------

    def absolute(self, url: str) -> str:
        return join_url(self.site_url, url)

    def person(self, handle: str) -> Person:
        item = self.graph.contributors.get(handle)
        if item is None:  # the graph reports unknown handles; a feed still names them
            return Person(handle, self.site_url)
        url = self.absolute(item.url)
        avatar = f"{url}avatar-{max(AVATAR_SIZES)}.webp" if getattr(item.meta, "avatar", None) else None
        return Person(item.meta.name, url, avatar)

    def summary(self, item: Item) -> str:
        """The item's own summary, else the start of its first paragraph, as plain text (what feeds say it is)."""
        return plain_text(getattr(item.meta, "summary", None) or shorten(item.first_paragraph) or item.meta.title)

    def dates(self, item: Item) -> tuple[datetime, datetime]:
        published = self.graph.date_of(item) or EPOCH
        updated = getattr(item.meta, "updated", None)
        modified = as_datetime(updated, self.graph.tz) if updated is not None else published
        return published, max(published, modified)

    def image(self, item: Item) -> str | None:
        value = getattr(item.meta, "image", None)
        if not value:
            return None
        return self.absolute(posixpath.normpath(value.removeprefix("/").removeprefix("content/")))

    def entry(self, item: Item, content_html: str | None, full: bool = True) -> Entry:
        """An item as a feed entry; `content_html` is its rendered body (links resolved), or None; `full` says
        whether the feed carries whole texts."""
        key = (item.relpath, full and content_html is not None)
        if key not in self._entries:
            self._entries[key] = self._entry(item, content_html, key[1])
        return self._entries[key]

    def _entry(self, item: Item, content_html: str | None, full: bool) -> Entry:
        url = self.absolute(item.url)
        published, updated = self.dates(item)
        return Entry(
            id=entry_id(self.site_url, item.relpath, getattr(item.meta, "id", None)),
            url=url,
            title=plain_text(item.meta.title) or item.meta.title,  # a title of tags alone is refused by the check
            published=published,
            updated=updated,
            summary=self.summary(item),
            content_html=absolute_links(content_html, url) if full else None,
            authors=tuple(self.person(h) for h in getattr(item.meta, "authors", []) or []),
            tags=tuple(getattr(item.meta, "tags", []) or []),
            language=self.lang_of(item),
            image=self.image(item),
        )

    def latest(self) -> datetime:
        """The newest content date of the portal: what an empty feed is dated with."""
        if self._latest is None:
            dates = [self.dates(i)[1] for i in self.syndicable(self.graph.published())]
            self._latest = max(dates, default=EPOCH)
        return self._latest

    def feed(self, spec: FeedSpec, content_of: Callable[[Item], str | None]) -> Feed:
        """The feed of `spec`, its entries' bodies given by `content_of` (the engine's rendered HTML)."""
        site = self.config.site
        full = self.settings.content_for(spec.kind) == "full"
        entries = tuple(self.entry(item, content_of(item) if full else None, full) for item in spec.items)
        title = plain_text(site.title if spec.kind == "all" else f"{site.title} · {spec.name}")
        author = self.person(spec.handle) if spec.handle else Person(site.title, self.site_url)
        language = spec.key.removeprefix("lang/") if spec.kind == "lang" else site.language
        return Feed(
            key=spec.key,
            id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.site_url}#{FEEDS_DIR}/{spec.key}')}",
            title=title,
            subtitle=plain_text(site.description),
            home_url=self.absolute(spec.page),
            site_url=self.site_url,
            language=language,
            updated=max((e.updated for e in entries), default=self.latest()),
            author=author,
            entries=entries,
        )


def within(feed: Feed, render: Callable[[Feed], bytes], max_bytes: int) -> bytes:
    """`render(feed)`, or, when that is larger than `max_bytes`, the feed of its newest entries that fits (found in
    a logarithmic number of renders: the renderers keep each entry's bytes); when even the newest entry alone is too
    large, its summary. A feed is never empty because one text is long."""
    data = render(feed)
    if len(data) <= max_bytes or not feed.entries:
        return data
    low, high = 0, len(feed.entries) - 1  # the most entries known to fit, the fewest known not to
    best = b""
    while low < high:
        middle = (low + high + 1) // 2
        attempt = render(replace(feed, entries=feed.entries[:middle]))
        if len(attempt) <= max_bytes:
            low, best = middle, attempt
        else:
            high = middle - 1
    if low > 0:
        return best or render(replace(feed, entries=feed.entries[:low]))
    return render(replace(feed, entries=tuple(replace(entry, content_html=None) for entry in feed.entries[:1])))


def _generator(feed: Feed, form: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(xml_text(feed.title))
    generator.subtitle(xml_text(feed.subtitle) or xml_text(feed.title))
    # feedgen makes the last link RSS's <link>: the page must come after the feed itself.
    generator.link(href=feed.url(form), rel="self", type=FORMATS[form][1])
    generator.link(href=feed.home_url, rel="alternate", type="text/html")
    generator.language(feed.language)
    generator.author({"name": xml_text(feed.author.name), "uri": feed.author.url})
    generator.generator(GENERATOR)
    if form == "rss":
        # RSS 2.0 <author> must be an e-mail address, which members do not publish: Dublin Core names them.
        generator.load_extension("dc", atom=False)
    # feedgen stamps both with the clock unless told otherwise.
    generator.updated(feed.updated)
    generator.lastBuildDate(feed.updated)
    generator.pubDate(feed.updated)
    for entry in feed.entries:
        _add_entry(generator, entry, form)
    return generator


def _add_entry(generator: FeedGenerator, entry: Entry, form: str) -> None:
    # "append" keeps the catalogue's order (newest first); feedgen prepends by default.
    fe = generator.add_entry(order="append")
    fe.id(entry.id)
    fe.guid(entry.id, permalink=False)
    fe.title(xml_text(entry.title))
    fe.link(href=entry.url, rel="alternate", type="text/html")
    fe.published(entry.published)
    fe.updated(entry.updated)
    fe.pubDate(entry.published)
    if form == "atom":
        fe.author([{"name": xml_text(p.name), "uri": p.url} for p in entry.authors])
    else:
        fe.dc.dc_creator([xml_text(p.name) for p in entry.authors])
    if entry.content_html is not None:
        fe.content(xml_text(entry.content_html), type="html")
    # RSS readers render <description> as HTML: the plain-text summary is escaped once more for them.
    summary = xml_text(entry.summary)
    fe.summary(html.escape(summary, quote=False) if form == "rss" else summary)
    for tag in entry.tags:
        fe.category(term=xml_text(tag), label=xml_text(tag))


def render_atom(feed: Feed) -> bytes:
    """The feed as Atom 1.0 (RFC 4287)."""
    return FeedRenderer().render(feed, "atom")


def render_rss(feed: Feed) -> bytes:
    """The feed as RSS 2.0."""
    return FeedRenderer().render(feed, "rss")


#: Per form: the element of one entry and the closing tag the entries are written before.
_ENTRY_TAGS = {"atom": (b"<entry>", b"</entry>\n", b"</feed>"), "rss": (b"<item>", b"</item>\n", b"</channel>")}


class FeedRenderer:
    """Renders many feeds that share their entries (an item is in the portal's feed, its section's, each
    of its tags', each author's...): feedgen serialises each entry once per form, and each feed is its
    own head and those entries, byte for byte what feedgen writes for the whole feed at once."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Entry, str], bytes] = {}

    def render(self, feed: Feed, form: str) -> bytes:
        if not feed.entries:
            return _serialise(_generator(feed, form), form)
        self._serialise_entries(feed, form)
        head = _serialise(_generator(replace(feed, entries=()), form), form)
        close = _line_start(head, head.rindex(_ENTRY_TAGS[form][2]))
        body = b"".join(self._entries[entry, form] for entry in feed.entries)
        return head[:close] + body + head[close:]

    def _serialise_entries(self, feed: Feed, form: str) -> None:
        """Serialise the entries of `feed` not seen yet, together, and keep each one's XML."""
        missing = [entry for entry in dict.fromkeys(feed.entries) if (entry, form) not in self._entries]
        if not missing:
            return
        # An entry's XML depends on the entry alone (escaped text never holds a literal tag), so it is cut
        # out of a feed of the new entries, in their order.
        data = _serialise(_generator(replace(feed, entries=tuple(missing)), form), form)
        opening, closing, _ = _ENTRY_TAGS[form]
        start = _line_start(data, data.index(opening))
        for entry in missing:
            end = data.index(closing, start) + len(closing)
            self._entries[entry, form] = data[start:end]
            start = end


def _serialise(generator: FeedGenerator, form: str) -> bytes:
    return generator.atom_str(pretty=True) if form == "atom" else generator.rss_str(pretty=True)


def _line_start(data: bytes, at: int) -> int:
    return data.rfind(b"\n", 0, at) + 1

"""What one edition says: the items of its period by section, the next events, new members, open topics, the
introduction. Plain data, every address absolute: the email, its text part and the archive page render it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..content.kinds import SECTIONS
from ..content.loader import Item
from ..graph import SiteGraph
from ..outputs.media import MediaLibrary
from ..people import People
from ..text import join_url, plain_text, shorten, xml_safe
from .editions import ARCHIVE, FEED, Edition
from .timeline import Timeline

#: Items one section of an edition lists at most (a first edition over years of content stays readable).
MAX_ITEMS = 30


@dataclass(frozen=True)
class Entry:
    """An item as an edition lists it."""

    title: str
    url: str
    summary: str
    published: datetime
    authors: tuple[str, ...]
    image: str | None = None
    image_alt: str = ""
    image_height: int | None = None  # at COVER_WIDTH, so that the page keeps its place before the picture loads
    lang: str = ""


@dataclass(frozen=True)
class Group:
    section: str
    title: str
    url: str
    entries: tuple[Entry, ...]
    more: int = 0  # items of the period past MAX_ITEMS, left to the section's page


@dataclass(frozen=True)
class Upcoming:
    title: str
    url: str
    start: datetime
    all_day: bool
    place: str
    status: str


@dataclass(frozen=True)
class Member:
    name: str
    url: str


@dataclass(frozen=True)
class Topic:
    title: str
    section: str
    notes: str


@dataclass
class Content:
    """One edition, ready to render in one language."""

    edition: Edition
    lang: str
    site_title: str
    site_url: str
    subject: str
    preheader: str
    web_url: str
    intro_html: str = ""
    groups: list[Group] = field(default_factory=list)
    events: list[Upcoming] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    board_url: str = ""
    events_url: str = ""
    feed_url: str = ""
    archive_url: str = ""
    intro_text: str = ""  # the introduction as plain text (letter.py)
    intro_lang: str = ""  # the language the committee wrote it in

    @property
    def empty(self) -> bool:
        return not (self.intro_html or self.groups or self.events or self.members or self.topics)


def compose(graph: SiteGraph, people: People, edition: Edition, lang: str | None = None, section: str | None = None,
            timeline: Timeline | None = None) -> Content:
    """The content of `edition` in `lang` (default: the portal's), its items limited to `section` if given.
    `timeline` is the portal's facts sorted once, when many editions are composed (the archive)."""
    config = graph.config
    timeline = timeline or Timeline(graph, people, edition.end)
    site_url = config.site.url
    lang = lang or config.site.language

    def absolute(url: str) -> str:
        return join_url(site_url, url)

    item = edition.item
    title = getattr(item.meta, "title", None) if item is not None else None
    content = Content(
        edition=edition, lang=lang, site_title=config.site.title, site_url=site_url,
        subject=plain_text(title or config.site.title),
        preheader=plain_text(getattr(item.meta, "summary", None) or "") if item is not None else "",
        web_url=absolute(edition.url), board_url=absolute("board/"), events_url=absolute("events/"),
        feed_url=absolute(FEED), archive_url=absolute(ARCHIVE),
    )
    if item is not None:
        content.intro_lang = graph.language_of(item)
        content.intro_html = own_images(_absolute_links(graph.html_of(item), absolute(item.url)), site_url)
    for folder in SECTIONS if section is None else [section]:
        chosen = _in_language(graph, timeline.items(folder, edition.start, edition.end), lang)
        if chosen:
            entries = tuple(_entry(graph, people, i, absolute, timeline.media) for i in chosen[:MAX_ITEMS])
            content.groups.append(Group(folder, config.section_title(folder), absolute(f"{folder}/"), entries,
                                        max(0, len(chosen) - MAX_ITEMS)))
    if section in (None, "events"):
        content.events = _upcoming(timeline, edition, graph.config.newsletter.events, absolute)
    if section is None:
        content.members = _new_members(timeline, edition, absolute)
        content.topics = _open_topics(graph)
    return content


def _absolute_links(markup: str, base: str) -> str:
    # Imported here: the feeds module is the one place that rewrites addresses against a page's.
    from ..outputs.feeds import absolute_links

    return absolute_links(markup, base)


def own_images(markup: str, site_url: str) -> str:
    """`markup` with every image that is not on the portal's own address replaced by a link to it: an image of
    another site is a request to it each time the email is opened (a tracking pixel, whoever meant it)."""
    if "<img" not in markup:
        return markup
    from lxml import html as lxml_html

    tree = lxml_html.fragment_fromstring(xml_safe(markup), create_parent="div")
    for image in list(tree.iter("img")):
        image.attrib.pop("srcset", None)
        source = image.get("src") or ""
        if source.startswith(site_url):
            continue
        link = lxml_html.Element("a", href=source) if source.startswith(("https://", "http://")) else lxml_html.Element("span")
        link.text = image.get("alt") or source
        link.tail = image.tail
        image.getparent().replace(image, link)
    inner = (tree.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in tree)
    return inner


def _in_language(graph: SiteGraph, items: list[Item], lang: str) -> list[Item]:
    """One version of each text: the one in `lang` when the period has it or it has a translation in it, else the
    original. Newest first, as the graph orders them."""
    chosen: dict[str, Item] = {}
    for item in items:
        group = [item, *graph.translations(item)]
        key = min(i.relpath for i in group)
        if key in chosen:
            continue
        in_lang = [i for i in group if graph.language_of(i) == lang]
        originals = [i for i in group if not getattr(i.meta, "translation_of", None)]
        chosen[key] = (in_lang or originals or [item])[0]
    return sorted(chosen.values(), key=lambda i: (-(graph.date_of(i) or graph.now).timestamp(), i.relpath))


def _entry(graph: SiteGraph, people: People, item: Item, absolute, media: MediaLibrary) -> Entry:
    meta = item.meta
    summary = plain_text(getattr(meta, "summary", None) or shorten(plain_text(item.first_paragraph), 45) or "")
    image = getattr(meta, "image", None)
    names = []
    for handle in getattr(meta, "authors", None) or []:
        profile = people.get(handle)
        names.append(profile.name if profile is not None else handle)
    return Entry(
        title=plain_text(meta.title) or meta.title, url=absolute(item.url), summary=summary,
        published=graph.date_of(item) or graph.now, authors=tuple(names),
        image=absolute(image.removeprefix("/").removeprefix("content/")) if image else None,
        image_alt=getattr(meta, "image_alt", None) or "", image_height=_cover_height(media, image),
        lang=graph.language_of(item),
    )


#: The width of a cover in the email's single column (email/edition.html).
COVER_WIDTH = 552


def _cover_height(media: MediaLibrary, image: str | None) -> int | None:
    """The cover's height at COVER_WIDTH, as the image pipeline publishes it (orientation applied)."""
    picture = media.picture(image.removeprefix("/").removeprefix("content/")) if image else None
    return round(COVER_WIDTH * picture.height / picture.width) if picture and picture.width else None


def _upcoming(timeline: Timeline, edition: Edition, limit: int, absolute) -> list[Upcoming]:
    """The next occurrence of each event announced before the edition and ending after its moment, soonest first."""
    found = []
    for occurrence in timeline.upcoming(edition.end, limit):
        event = occurrence.event
        location = event.meta.location
        place = (location.name or location.address or "") if location is not None else ""
        found.append(Upcoming(plain_text(event.meta.title) or event.meta.title, absolute(event.url), occurrence.start,
                              occurrence.all_day, place, event.meta.status))
    return found


def _new_members(timeline: Timeline, edition: Edition, absolute) -> list[Member]:
    """Members who arrived in the edition's period (the earlier of joining and first publishing, as the portal
    counts new members): newest first, then by name."""
    fresh = timeline.arrivals(edition.start.date(), edition.end.date())
    ordered = sorted(fresh, key=lambda pair: (-pair[0].toordinal(), pair[1].name.casefold(), pair[1].handle))
    return [Member(profile.name, absolute(profile.url)) for _, profile in ordered]


def _open_topics(graph: SiteGraph) -> list[Topic]:
    """Open topics of the board, in the board's order: someone could take them."""
    if graph.board is None:
        return []
    limit = graph.config.newsletter.topics
    topics = [t for t in graph.board.topics if t.status == "open"][:limit]
    return [Topic(plain_text(t.title) or t.title, graph.config.section_title(t.section), t.notes or "") for t in topics]

"""What a page tells machines about itself: canonical URL, its feeds, Open Graph, hreflang, JSON-LD.

Templates see one `Discovery` per build as `discovery`; `discovery.page(...)` returns the facts of the
page being written, and partials/head_meta.html turns them into <link> and <meta> tags.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from ...content.kinds import KINDS, SECTIONS
from ...outputs.cards import CARD_FILE, card_alt
from ...outputs.feeds import FORMATS, LABELS, Catalogue, FeedSpec
from ...site import Portal
from ...text import join_url, shorten

SCHEMA = "https://schema.org"
@dataclass(frozen=True)
class FeedLink:
    """A feed announced by a page: <link rel="alternate" type=... href=...>."""

    title: str
    href: str  # relative to the site root
    type: str


@dataclass
class PageFacts:
    """Everything head_meta.html writes for one page."""

    canonical: str | None
    title: str
    description: str
    og_type: str = "website"
    image: str | None = None
    image_alt: str | None = None
    locale: str = ""
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)  # profile URLs
    tags: list[str] = field(default_factory=list)
    feeds: list[FeedLink] = field(default_factory=list)
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, absolute URL)
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    search: dict[str, Any] = field(default_factory=dict)  # Pagefind metadata and filters
    noindex: bool = False


@functools.lru_cache(maxsize=64)
def og_locale(lang: str) -> str:
    """'fr' -> 'fr_FR', as Open Graph wants a territory."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return lang
    if not locale.territory:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            locale = Locale.parse(likely)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


class Discovery:
    """The portal as search engines, social sites and feed readers see it; one per build."""

    def __init__(self, portal: Portal, view, slug_of):
        self.portal = portal
        self.view = view  # the TemplateView, for people and avatars computed once per build
        self.config = portal.config
        self.site = portal.config.site
        self.site_url = str(self.site.url).rstrip("/") + "/"
        self.slug_of = slug_of
        self.labels = LABELS.get(self.site.language.split("-")[0], LABELS["en"])

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.portal.graph, self.view.people, self.slug_of)

    def absolute(self, url: str) -> str:
        return join_url(self.site_url, url)

    def feed_links(self, spec: FeedSpec | None) -> list[FeedLink]:
        if spec is None:
            return []
        title = self.site.title if spec.kind == "all" else f"{self.site.title} · {spec.name}"
        forms = self.labels["forms"]
        return [FeedLink(f"{title} ({forms[form]})", spec.path(form), media) for form, (_, media) in FORMATS.items()]

    # -- the page being written -------------------------------------------------------------------

    def page(self, output_file: str = "", article=None, page=None, tag=None, category=None, profile=None) -> PageFacts:
        """The facts of one page, from what Pelican passes its template."""
        url = output_file.removesuffix("index.html")
        facts = PageFacts(
            canonical=self.absolute(url) if output_file and output_file != "404.html" else None,
            title=self.site.title,
            description=self.site.description,
            locale=og_locale(self.site.language),
            noindex=output_file == "404.html" or self.portal.preview is not None,
        )
        catalogue = self.catalogue
        # Every page has a social card: its own (item, profile), else the portal's (outputs/cards.py).
        facts.image, facts.image_alt = self.absolute(CARD_FILE), card_alt(self.portal.graph)
        facts.feeds = self.feed_links(catalogue.by_key.get("all"))
        crumbs: list[tuple[str, str]] = [(self.labels["home"], "")]
        if article is not None and getattr(article, "item", None) is not None:
            self._item(facts, article, crumbs)
        elif page is not None and getattr(page, "item", None) is not None:
            self._item(facts, page, crumbs)
        elif profile is not None:
            self._profile(facts, profile, crumbs)
        elif tag is not None:
            slug = getattr(tag, "slug", "")
            facts.title = f"#{tag} · {self.site.title}"
            facts.feeds += self.feed_links(catalogue.by_key.get(f"tags/{slug}"))
            crumbs += [(self.labels["tags"], "tags/"), (f"#{tag}", f"tags/{slug}/")]
        elif category is not None:
            slug = getattr(category, "slug", "")
            facts.title = f"{category} · {self.site.title}"
            facts.feeds += self.feed_links(catalogue.by_key.get(slug))
            crumbs.append((str(category), f"{slug}/"))
        elif url == "":
            facts.json_ld.append(self._website())
        if len(crumbs) > 1:
            facts.json_ld.append(self._breadcrumbs(crumbs))
        return facts

    def _item(self, facts: PageFacts, content, crumbs: list[tuple[str, str]]) -> None:
        item = content.item
        meta = item.meta
        url = self.absolute(item.url)
        catalogue = self.catalogue
        facts.canonical = url
        facts.title = meta.title
        facts.description = catalogue.summary(item)
        lang = self.portal.graph.language_of(item)
        facts.locale = og_locale(lang)
        facts.image, facts.image_alt = self.absolute(item.url + CARD_FILE), card_alt(self.portal.graph, item)
        authors = [catalogue.person(h) for h in getattr(meta, "authors", []) or []]
        facts.authors = [p.url for p in authors]
        section = self.config.section_title(item.kind) if item.kind in SECTIONS else self.labels["page"]
        facts.search = {"kind": item.kind, "section": section, "authors": [p.name for p in authors],
                        "date": self.view.day(self.portal.graph.date_of(item)) if getattr(meta, "date", None) else ""}
        if item.kind in SECTIONS:
            facts.og_type = "article"
            published, modified = catalogue.dates(item)
            facts.published, facts.modified = published.isoformat(), modified.isoformat()
            facts.tags = list(meta.tags)
            facts.feeds += self.feed_links(catalogue.by_key.get(item.kind))
            if lang != self.site.language:
                facts.feeds += self.feed_links(catalogue.by_key.get(f"lang/{lang}"))
            crumbs.append((self.config.section_title(item.kind), f"{item.kind}/"))
            if item.kind != "events":  # an event is a schema.org Event (the events templates), not an Article
                facts.json_ld.append(self._article(item, url, authors, facts))
        crumbs.append((meta.title, item.url))
        graph = self.portal.graph
        translations = graph.translations(item)
        if translations:
            facts.alternates = [(lang, url)] + sorted((graph.language_of(t), self.absolute(t.url)) for t in translations)

    def _profile(self, facts: PageFacts, profile, crumbs: list[tuple[str, str]]) -> None:
        url = self.absolute(profile.url)
        person = self.catalogue.person(profile.handle)
        facts.canonical = url
        facts.title = profile.name
        facts.description = shorten(profile.item.first_paragraph) or profile.name
        facts.og_type = "profile"
        facts.image, facts.image_alt = self.absolute(profile.url + CARD_FILE), card_alt(self.portal.graph, profile.item)
        facts.feeds += self.feed_links(self.catalogue.by_key.get(f"contributors/{profile.handle}"))
        facts.search = {"kind": "contributors", "section": self.labels["members"], "authors": [], "date": ""}
        crumbs += [(self.labels["members"], KINDS["contributors"].url_for("").rstrip("/") + "/"), (profile.name, profile.url)]
        data: dict[str, Any] = {"@type": "Person", "name": profile.name, "url": url}
        if person.avatar:
            data["image"] = person.avatar
        if facts.description != profile.name:
            data["description"] = facts.description
        links = [str(link.url) for link in profile.meta.links if str(link.url).startswith(("http://", "https://"))]
        if links:
            data["sameAs"] = links
        data["memberOf"] = {"@type": "Organization", "name": self.site.title, "url": self.site_url}
        facts.json_ld.append({"@context": SCHEMA, "@type": "ProfilePage", "url": url, "mainEntity": data})

    # -- schema.org ---------------------------------------------------------------------------------

    def _person(self, person) -> dict[str, Any]:
        return {"@type": "Person", "name": person.name, "url": person.url}

    def _article(self, item, url: str, authors, facts: PageFacts) -> dict[str, Any]:
        meta = item.meta
        data: dict[str, Any] = {
            "@context": SCHEMA,
            "@type": "Article",
            "headline": meta.title,
            "description": facts.description,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": facts.published,
            "dateModified": facts.modified,
            "inLanguage": self.portal.graph.language_of(item),
            "articleSection": self.config.section_title(item.kind),
            "author": [self._person(p) for p in authors],
            "publisher": {"@type": "Organization", "name": self.site.title, "url": self.site_url},
            "isPartOf": {"@type": "WebSite", "name": self.site.title, "url": self.site_url},
        }
        if meta.tags:
            data["keywords"] = list(meta.tags)
        # The cover when there is one (a picture of the subject), else the page's social card.
        data["image"] = self.catalogue.image(item) or facts.image
        interviewee = getattr(meta, "interviewee", None)
        if interviewee is not None:
            data["about"] = self._interviewee(interviewee)
            interviewers = [self._person(self.catalogue.person(h)) for h in meta.interviewers]
            if interviewers:
                data["contributor"] = interviewers
        return data

    def _interviewee(self, who) -> dict[str, Any]:
        person: dict[str, Any] = {"@type": "Person", "name": who.name}
        if who.role:
            person["jobTitle"] = who.role
        if who.handle and who.handle in self.portal.graph.contributors:
            person["url"] = self.catalogue.person(who.handle).url
        links = [str(link.url) for link in who.links if str(link.url).startswith(("http://", "https://"))]
        if links:
            person["sameAs"] = links
        if who.photo:
            person["image"] = self.absolute(posixpath.normpath(who.photo.removeprefix("/").removeprefix("content/")))
        return person

    def _website(self) -> dict[str, Any]:
        return {
            "@context": SCHEMA,
            "@type": "WebSite",
            "name": self.site.title,
            "description": self.site.description,
            "url": self.site_url,
            "inLanguage": self.site.language,
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": self.absolute("search/") + "?q={search_term_string}"},
                "query-input": "required name=search_term_string",
            },
        }

    def _breadcrumbs(self, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
        return {
            "@context": SCHEMA,
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": index, "name": name, "item": self.absolute(url)}
                for index, (name, url) in enumerate(crumbs, start=1)
            ],
        }

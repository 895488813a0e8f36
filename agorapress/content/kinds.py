"""The registry of content kinds: which folder each lives in, its schema, its URL and template."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .models import ArticleMeta, ContributorMeta, DigestMeta, EventMeta, InterviewMeta, PageMeta


@dataclass(frozen=True)
class Kind:
    """A kind of Markdown file; adding a kind is one entry here plus its template."""

    name: str  # singular, used for the template and in messages
    folder: str  # first folder under content/
    schema: type[BaseModel]
    url: str  # output URL pattern, relative to the site root
    section: bool  # a published family with its own list page and feeds
    rendered_as: str  # what renders its page: Pelican's "article" or "page", or "" (Agora's own generator)

    def url_for(self, slug: str) -> str:
        return self.url.format(folder=self.folder, slug=slug)


KINDS: dict[str, Kind] = {
    kind.folder: kind
    for kind in (
        Kind("article", "articles", ArticleMeta, "{folder}/{slug}/", True, "article"),
        Kind("interview", "interviews", InterviewMeta, "{folder}/{slug}/", True, "article"),
        Kind("event", "events", EventMeta, "{folder}/{slug}/", True, "article"),
        Kind("page", "pages", PageMeta, "{slug}/", False, "page"),
        Kind("contributor", "contributors", ContributorMeta, "{folder}/{slug}/", False, ""),
        # Editions of the newsletter: pages of the archive (digest/), never listed among the items (see UNLISTED).
        Kind("digest", "digests", DigestMeta, "digest/{slug}/", False, ""),
    )
}

#: Folders of the sections (each with a list page and feeds), and of every kind whose page Pelican renders.
SECTIONS = [kind.folder for kind in KINDS.values() if kind.section]
PAGE_KINDS = [kind.folder for kind in KINDS.values() if kind.rendered_as]
#: Kinds read and checked like the others but never among the published items (lists, feeds, search, sitemap).
UNLISTED = ("contributors", "digests")
#: Front-matter fields that credit members by handle (beside an interview's `interviewee.handle`).
CREDIT_FIELDS = ("authors", "organizers", "interviewers")

BOARD_FILE = "board.yaml"
MEDIA_FOLDER = "media"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"}
AVATAR_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
STATIC_SUFFIXES = IMAGE_SUFFIXES | {".pdf", ".txt", ".csv", ".mp3", ".ogg", ".mp4", ".webm"}

#: Handles the portal needs for itself: its own URLs under /contributors/ and beside it, and names
#: that would let a member pass for the portal, its staff or a machine.
RESERVED_HANDLES = frozenset({
    # URLs and feeds of the portal
    "index", "feeds", "feed", "tags", "search", "committee", "board", "badges", "stats", "page", "archives",
    "contributors", "articles", "interviews", "events", "pages", "media", "theme", "static", "assets",
    "active", "newest", "alphabetical", "all", "new", "rss", "atom", "json", "opml", "calendar", "sitemap", "404",
    # names that speak for the portal or its people
    "admin", "administrator", "root", "moderator", "moderators", "editor", "editors", "staff", "team",
    "official", "agora", "system", "bot", "github", "webmaster", "postmaster", "abuse", "security",
    "support", "help", "contact", "noreply", "no-reply", "null", "none", "undefined", "anonymous", "me",
})

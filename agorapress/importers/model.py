"""What an importer reads from another site, before it is written as a portal: posts, authors, files, and notes on
what could not be converted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Note:
    """Something of the source that was not converted (or only partly), with where it is."""

    file: str  # path in the source (or the export file), posix
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Author:
    """A person the source credits; becomes content/contributors/<handle>.md with no GitHub login (to be claimed)."""

    key: str  # how posts of the source name them (a login, a data key or the name itself)
    name: str
    bio: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


@dataclass
class Post:
    """One post or page of the source, its body already Markdown (links still as the source wrote them)."""

    source: str  # path in the source (or "<export>#<id>"), posix: the key of the import map
    line: int  # line of the post in its file (1 for a file of its own)
    body_line: int = 1  # line of the file where the body starts
    title: str = ""
    body: str = ""
    kind: str = "articles"  # articles, events or pages
    slug: str = ""  # wanted slug (from the source's own URL); the writer makes it unique
    published: date | datetime | None = None
    updated: date | datetime | None = None
    authors: list[str] = field(default_factory=list)  # Author.key values
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    draft: bool = False
    addresses: list[str] = field(default_factory=list)  # every old address (site-root paths), the canonical first
    feed_id: str | None = None  # the source's own entry id/guid, kept so feed readers see no new item
    image: str | None = None  # a source file (resolved like a body image)
    image_alt: str | None = None
    event: dict | None = None  # start, end, location... when the source says it is an event
    base: str = ""  # folder of the source file, for relative links and images (posix, under the source root)
    lang: str | None = None

    @property
    def file(self) -> str:
        """The source file (an export's posts are '<file>#<id>')."""
        return self.source.split("#", 1)[0]


@dataclass
class Site:
    """Everything read from a source."""

    posts: list[Post] = field(default_factory=list)
    authors: dict[str, Author] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    url: str = ""  # the source site's address, to recognise absolute links to itself
    anchor_rule: str = "github"  # how the source made heading ids (see anchors.py)
    title: str = ""
    # Files of the source a body may name by another address (an /images/x.png served from static/): address -> path.
    files: dict[str, str] = field(default_factory=dict)

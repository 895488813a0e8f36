"""A Pelican reader that hands Pelican the items Agora already parsed, checked and rendered."""

from __future__ import annotations

import html
import os

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from ...content.kinds import KINDS
from ...graph import as_datetime
from ...text import shorten, tag_slug
from ..context import context_of


class AgoraReader(BaseReader):
    """Reads nothing from disk: the site graph of this build already holds every item."""

    enabled = True
    file_extensions = ["md"]

    def __init__(self, settings) -> None:
        super().__init__(settings)
        # One object per tag, section and member: Pelican slugifies a wrapper's name on first use, once per object.
        self._wrappers: dict[tuple, Author | Category | Tag] = {}

    def _wrapper(self, cls: type, name: str, slug: str | None = None):
        key = (cls, name, slug)
        wrapper = self._wrappers.get(key)
        if wrapper is None:
            wrapper = self._wrappers[key] = cls(name, self.settings)
            if slug is not None:
                wrapper.slug = slug
        return wrapper

    def read(self, source_path: str):
        portal = context_of(self.settings).portal
        graph = portal.graph
        relpath = os.path.relpath(source_path, self.settings["PATH"]).replace(os.sep, "/")
        item = graph.by_path.get(relpath)
        if item is None:  # not a kind Agora reads (e.g. a contributor profile): skip it
            return "", {"status": "skip", "title": relpath}
        meta = item.meta
        metadata = {
            "title": meta.title,
            "slug": item.slug,
            "status": "published" if graph.is_published(item) else "skip",
            "item": item,
            "lang": meta.lang or portal.config.site.language,
            "summary": html.escape(meta.summary or shorten(item.first_paragraph)),
            # The site graph decides every address; Pelican would otherwise format it again on every access.
            # (Not save_as: Pelican writes a file with an overridden save_as as one that may overwrite
            # another, which bypasses the reuse of unchanged files.)
            "url": item.url,
        }
        when = graph.date_of(item)
        if when is not None:
            metadata["date"] = when
        if getattr(meta, "updated", None) is not None:
            metadata["modified"] = as_datetime(meta.updated, graph.tz)
        if item.kind != "pages":
            metadata["template"] = KINDS[item.kind].name  # a kind's template is named after it
            metadata["category"] = self._wrapper(Category, portal.config.section_title(item.kind), item.kind)
            metadata["tags"] = [self._wrapper(Tag, tag, tag_slug(tag)) for tag in meta.tags]
        authors = []
        for handle in getattr(meta, "authors", []) or []:
            profile = graph.contributors.get(handle)
            authors.append(self._wrapper(Author, profile.meta.name if profile else handle, handle))
        if authors:
            metadata["authors"] = authors
            metadata["author"] = authors[0]
        return graph.html_of(item), metadata

"""The instant edit loop: after a full build, re-render one edited item's page in milliseconds.

A build started with a `live` dict keeps Pelican's article and page generators in it (through the
`all_generators_finalized` signal, so the state travels with that build's settings); until then the
dict still holds the previous build's, so a save during a long build is still shown at once. When a
contributor saves an existing item, `render_item` parses that one file, swaps it into the site graph
and the generator, and writes its page straight into the served output; the full rebuild that
follows brings lists, feeds and tags up to date.
"""

from __future__ import annotations

import os
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.writers import Writer

from ..content.kinds import KINDS
from ..content.loader import CONTENT_DIR, parse_file
from ..content.markdown import Options
from ..problems import Problem
from .context import context_of

#: The key, in a build's `live` state (RenderContext.live), of the dict `agora serve` reads: filled only once the build
#: is ready.
PUBLISH_TO = "publish_to"


def _keep_generators(generators) -> None:
    kept: dict = {}
    target = None
    for generator in generators:
        if not isinstance(generator, (ArticlesGenerator, PagesGenerator)):
            continue  # a portal's own generator may not even have settings
        context = context_of(generator.settings)
        live = context.live if context is not None else None
        if live is not None:
            target = live.get(PUBLISH_TO, live)
            kept["portal"] = live["portal"]
            kept[type(generator).__name__] = generator
    if target is not None:
        # Key by key, never emptied: a quick render running meanwhile sees the old state or the new one.
        target.update(kept)


def connect() -> None:
    """Listen for finished generators; only builds whose context has a `live` state are kept."""
    signals.all_generators_finalized.connect(_keep_generators)


def render_item(live: dict, root: Path, output: Path, relpath: str) -> tuple[str | None, list[Problem]]:
    """Re-render the page of the item at content/`relpath`; return its output file (or None) and problems.

    None without problems means the edit needs a full build (a new file, a profile, a kind with no page)."""
    generators = {"article": live.get("ArticlesGenerator"), "page": live.get("PagesGenerator")}
    portal = live.get("portal")
    kind = KINDS.get(relpath.split("/", 1)[0])
    rendered_as = kind.rendered_as if kind is not None else ""
    generator = generators.get(rendered_as)
    if portal is None or generator is None:
        return None, []  # a profile, or no build is ready yet
    graph = portal.graph
    old = graph.by_path.get(relpath)
    if old is None:
        return None, []
    moderation = portal.config.moderation
    item, problems = parse_file(str(root / CONTENT_DIR), relpath, Options.of(portal.config), moderation.max_file_kb * 1024)
    if item is None or any(p.severity == "error" for p in problems):
        return None, problems
    if item.slug != old.slug or not graph.is_published(old):
        return None, problems  # the URL or the visibility changed: only a full build gets that right
    graph.replace_item(old, item)
    content_class = Page if rendered_as == "page" else Article
    fresh = generator.readers.read_file(base_path=generator.path, path=relpath, content_class=content_class,
                                        context=generator.context)
    _replace(generator, fresh)
    writer = Writer(str(output), settings=generator.settings)
    extra = {} if rendered_as == "page" else {"category": getattr(fresh, "category", None), "blog": True}
    writer.write_file(fresh.save_as, generator.get_template(fresh.template), generator.context,
                      relative_urls=generator.settings["RELATIVE_URLS"], override_output=True, url=fresh.url,
                      **{rendered_as: fresh}, **extra)
    return os.path.join(str(output), fresh.save_as), problems


def _replace(generator, fresh) -> None:
    for attribute in ("articles", "pages"):
        contents = getattr(generator, attribute, None)
        if contents is None:
            continue
        for index, content in enumerate(contents):
            if content.source_path == fresh.source_path:
                contents[index] = fresh

"""Files whose front matter did not load: their bodies are checked all the same, so one run reports everything.

A file whose front matter has a YAML or schema error gives no item: the graph and the build never see it. A
contributor should not have to fix the front matter to learn what is wrong below it, so this rule reads each such
file again, renders its body under a placeholder front matter that offers no field (models.Unchecked, made by
loader.parse_unchecked) and runs on it the checks that read a body: local links (the graph's own check), what
the renderer noted (unsafe URLs, raw HTML...: rules/links.py), images without alt text and bidi controls (rules/safety.py), refused and flagged terms, on every
line of the file (rules/words.py). It has no rule id of its own.

Only the files with front-matter errors are read again (in a pull request, its broken files), outside the parse
cache: what is found in them changes as soon as they are fixed, and they are never built.
"""

from __future__ import annotations

from pathlib import Path

from ..content.loader import CONTENT_DIR, Item, _claim, parse_unchecked
from ..content.markdown import Options
from ..graph import SiteGraph, _check_local_links
from ..problems import Problem
from .files import content_files
from .links import item_links
from .safety import item_safety
from .words import item_words


def check_unloaded(graph: SiteGraph) -> list[Problem]:
    """The bodies of the Markdown files that have no item."""
    if graph.root is None:
        return []
    content = str(Path(graph.root) / CONTENT_DIR)
    moderation = graph.config.moderation
    items = []
    for rel in content_files(graph):
        if rel not in graph.by_path and _claim(rel) == "markdown":
            item = parse_unchecked(content, rel, Options.of(graph.config), moderation.max_file_kb * 1024)
            if item is not None:
                items.append(item)
    if not items:
        return []
    problems = _local_links(graph, items)
    for item in items:
        problems += item_safety(item, graph) + item_words(item, graph) + item_links(item, graph)
    return problems


def _local_links(graph: SiteGraph, items: list[Item]) -> list[Problem]:
    # The graph's own check, on a graph of these items that knows every file that did load (and only those, as for
    # the items that did: a link to a file that did not load is broken until it is fixed).
    partial = SiteGraph(graph.config, graph.now, graph.drafts, items, graph.root, None, graph.static)
    partial.by_path = graph.by_path
    return _check_local_links(partial)

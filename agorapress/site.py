"""Loading a portal: config, content and site graph, with every problem of the run collected."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .cache import PortalCache, leftover_problems
from .config import Config, load_config
from .content.loader import CONTENT_DIR, ParseCache, load
from .content.markdown import Options
from .folders import walk
from .graph import SiteGraph, build_graph
from .problems import AgoraError, Problem, Problems


@dataclass
class Portal:
    """A loaded portal: what `agora check` validates and `agora build` renders."""

    root: Path
    config: Config
    graph: SiteGraph
    cache: PortalCache  # its cache folder, outside the repository (see cache.py)
    problems: Problems = field(default_factory=Problems)
    config_digest: str = ""
    digests: dict[str, str] = field(default_factory=dict)  # every content file read, by path under content/
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for --profile
    preview: int | None = None  # the pull request a preview build shows (see preview.py); None: the public site


def load_portal(root: Path, *, now: datetime | None = None, drafts: bool = False, use_cache: bool = True,
                bodies: set[str] | None = None) -> Portal:
    """config -> read (each file checked) -> site graph (checks across files). Raises only for config errors.

    With `bodies` (paths under content/), only those files are checked in themselves: every other file is
    read for what the checks across files need (its front matter), and the rules that read one item at a
    time skip it. That is a pull request's check of the files it does not change; such a portal is never built."""
    root = root.resolve()
    clock = time.perf_counter()
    config, config_problems, digest = load_config(root)
    problems = Problems()
    problems.extend(config_problems)
    if config is None or problems.errors:
        raise ConfigInvalid(problems)
    content_root = root / CONTENT_DIR
    if content_root.is_symlink():
        problems.add(CONTENT_DIR, 0, "symlink", "", "content/ is a symbolic link", "commit the content folder itself, not a link to it")
        raise ConfigInvalid(problems)
    if not content_root.is_dir():
        problems.add(CONTENT_DIR, 0, "content-missing", "", "no content/ folder", "create content/ with articles/, pages/, contributors/")
        raise ConfigInvalid(problems)
    portal_cache = PortalCache(root)
    # A cache folder committed to the repository is refused; it is never opened, whatever it holds.
    problems.extend(leftover_problems(root))
    moderation = config.moderation
    timings = {"config": time.perf_counter() - clock}
    clock = time.perf_counter()
    options = Options.of(config)
    cache = ParseCache(portal_cache if use_cache else None, options.key)
    loaded = load(content_root, options=options, max_bytes=moderation.max_file_kb * 1024, cache=cache,
                  bodies=bodies)
    problems.extend(loaded.problems)
    problems.extend(linked_inputs(root))
    timings["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(config.site.tz)
    graph, graph_problems = build_graph(config, loaded, now, drafts, root)
    problems.extend(graph_problems)
    timings["graph"] = time.perf_counter() - clock
    clock = time.perf_counter()
    # Imported here: rules may import the graph, never the other way round.
    from .rules import RuleMemo, run_rules

    memo = RuleMemo(portal_cache if use_cache else None, f"{digest}:{cache.key}", loaded.digests)
    problems.extend(run_rules(graph, memo, only=bodies))
    timings["rules"] = time.perf_counter() - clock
    problems.extend(portal_cache.problems())
    return Portal(root, config, graph, portal_cache, problems, digest, loaded.digests, timings)


#: Folders of the portal whose files the build reads or publishes besides content/ (a theme's overrides and static
#: files, the portal's own plugins).
CODE_FOLDERS = ("themes", "plugins")


def linked_inputs(root: Path) -> list[Problem]:
    """Symbolic links among what the build reads besides content/ (which the loader walks itself): a link in a
    theme's static files would publish whatever it points at, one in plugins/ would run it."""
    problems = []
    for name in CODE_FOLDERS:
        top = root / name
        if top.is_symlink():
            problems.append(Problem(name, 0, "symlink", "", f"{name}/ is a symbolic link", f"commit the {name}/ folder itself"))
            continue
        for rel_dir, folders, files in walk(top):
            for entry in (*folders, *files):
                if entry.is_symlink():
                    path = "/".join(part for part in (name, rel_dir, entry.name) if part)
                    problems.append(Problem(path, 0, "symlink", "", "symbolic links are not allowed in the portal's "
                                            f"{name}/", "commit the real file instead: a link could make the build "
                                            "read or publish a file from outside the repository"))
    return problems


class ConfigInvalid(AgoraError):
    """site_config.yaml (or the portal layout) is wrong: nothing else can be checked."""

    exit_code = 2

    def __init__(self, problems: Problems):
        super().__init__(problems.render("text"))
        self.problems = problems

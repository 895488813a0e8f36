"""The search index: Pagefind (the binary shipped by the `pagefind` Python package) over the written site.

Only pages that are content are indexed (items and member profiles), so a search never lands on a
tag list or an archive that merely repeats titles: their <main> carries `data-pagefind-body`, and
once any page does, Pagefind skips the pages that do not. Pagefind reads only the folders that hold
such pages (a glob naming each page stops working past some 10,000 pages), not the tag lists,
archives and feeds pages it would parse to skip. Each page is indexed in the language of its
<html lang>, with that language's stemming.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from ...graph import SiteGraph
from ...problems import AgoraError

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
#: Parts of the theme's pages that are not what a page is about (Pagefind already skips nav and footer):
#: the skip link, the site header, "propose a correction", reading time, and a profile's lists of
#: contributions and badges (those items are found on their own pages).
EXCLUDED = (".skip-link", ".site-header", ".site-footer", ".correction", ".reading-time", ".pagination",
            ".profile .contributions", ".profile .badges", ".profile .roles")


def searchable_pages(graph: SiteGraph) -> list[str]:
    """Output files to index, relative to the site root, sorted: published items and every profile."""
    urls = {item.url for item in graph.published()} | {item.url for item in graph.contributors.values()}
    return sorted(f"{url}index.html" for url in urls)


def pagefind_executable() -> Path:
    # The Python package finds the binary of pagefind[bin] (or PAGEFIND_BINARY_PATH); nothing is downloaded.
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise AgoraError("search index: the Pagefind binary is missing; install it with: pip install 'pagefind[bin]'")
    return found


class Searchable:
    """What templates see as `search`: whether the page being written goes into the index."""

    def __init__(self, files: list[str]):
        self.files = frozenset(files)

    def indexes(self, output_file: str) -> bool:
        return output_file in self.files


class Indexing:
    """Pagefind running over the written pages while the build goes on; `finish()` waits for it."""

    def __init__(self, output: Path, files: list[str]):
        self.output = output
        # Settings in a pagefind.json in the folder Pagefind runs in: nothing of the portal on a command line.
        settings = {"site": str(output), "glob": folders_glob(files), "output_subdir": BUNDLE_DIR,
                    "exclude_selectors": list(EXCLUDED)}
        self.folder = tempfile.TemporaryDirectory(prefix="agora-pagefind-")
        Path(self.folder.name, "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
        self.process = subprocess.Popen([str(pagefind_executable()), "--silent"], cwd=self.folder.name,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self) -> None:
        try:
            stdout, stderr = self.process.communicate()
        finally:
            self.folder.cleanup()
        if self.process.returncode != 0:
            detail = (stderr or stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit code {self.process.returncode}"
            raise AgoraError(f"search index: Pagefind failed ({reason})")
        _sort_entry(self.output / BUNDLE_DIR / ENTRY_FILE)


def start_index(output: Path, files: list[str]) -> Indexing | None:
    """Start indexing the `files` already written in `output`; None when there is nothing to search yet."""
    if not any((output / name).is_file() for name in files):
        return None  # the search page says the index is missing
    return Indexing(output, files)


def folders_glob(files: list[str]) -> str:
    """The Pagefind glob of the HTML files in the top folders of `files` ("articles/x/index.html"...)."""
    if not files or any("/" not in name for name in files):
        return "**/*.html"
    folders = sorted({name.split("/", 1)[0] for name in files})
    return f"{folders[0]}/**/*.html" if len(folders) == 1 else "{" + ",".join(folders) + "}/**/*.html"


def _sort_entry(path: Path) -> None:
    """Pagefind 1.5 lists the languages of its entry file in hash-map order, which changes from run to
    run; sorted, two builds of the same site are byte-identical (the index files themselves are)."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

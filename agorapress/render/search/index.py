"""The search index: Pagefind (the binary shipped by the `pagefind` Python package) over the written site.

Only pages that are content are indexed (items and member profiles), so a search never lands on a
tag list or an archive that merely repeats titles: their <main> carries `data-pagefind-body`. Each page
is indexed in the language of its <html lang>, with that language's stemming.

Pagefind does not walk the written site: the rendering processes keep a copy of each searchable page,
cut down to what Pagefind reads of it (`search_copy`: the <html> tag, the head's `data-pagefind-meta`
tags and the <main>), in the build's scratch folder, and Pagefind's service is handed each copy as soon
as it is written, in the fixed order of `searchable_pages`. It parses 40 % of the bytes, never reads the
tag lists, archives and feeds it would skip, and numbers the pages the same way on every disk. The index
is byte for byte the one Pagefind makes of the whole pages handed over in that order (a test compares them).

A site of more than PART_PAGES searchable pages is indexed in parts (`search_parts`): each page goes to a part by a
hash of its address, each part is a Pagefind bundle of its own under pagefind/<n>/, indexed by a service of its own
(on every core), and the search page merges them (Pagefind's `mergeIndex`, made for searching several sites at once).
An incremental build indexes again only the parts that hold a page it rendered, and links the others from the last
output: an edited body costs the indexing of a few hundred pages, not of the whole site. Parts are random samples of
the site, so the word statistics each part ranks by are close to the whole site's.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ...build.write import link_unchanged, replace_file
from ...graph import SiteGraph
from ...problems import AgoraError

BUNDLE_DIR = "pagefind"
#: Where the copies Pagefind reads go, in the build's scratch folder.
COPIES_DIR = "search-pages"
ENTRY_FILE = "pagefind-entry.json"
#: Parts of the theme's pages that are not what a page is about (Pagefind already skips nav and footer):
#: the skip link, the site header, "propose a correction", reading time, and a profile's lists of
#: contributions and badges (those items are found on their own pages).
EXCLUDED = (".skip-link", ".site-header", ".site-footer", ".correction", ".reading-time", ".pagination",
            ".profile .contributions", ".profile .badges", ".profile .roles")


def searchable_pages(graph: SiteGraph) -> list[str]:
    """Output files to index, relative to the site root, in the index's order: published items newest first (the
    order the rendering processes write them), then every profile by address."""
    items = [item.url for item in graph.published()]
    profiles = sorted({item.url for item in graph.contributors.values()} - set(items))
    return [f"{url}index.html" for url in dict.fromkeys(items + profiles)]


#: Searchable pages per part of the index, roughly: one part up to this many, then one more part per this many.
PART_PAGES = 250
#: At most this many parts, whatever the site's size: the search page loads each part's entry and word lists.
MAX_PARTS = 16
#: Parts whose index is asked for at once: a Pagefind service makes its whole index in memory when asked.
FINISHING_AT_ONCE = 2


def search_parts(order: list[str]) -> list[tuple[str, list[str]]]:
    """(bundle folder, its pages in the index's order) of each part of the index. One part is the bundle folder
    itself; with more, part n is BUNDLE_DIR/n/ and holds the pages whose address hashes to n. The number of parts
    depends only on the number of pages, so a page stays in its part while the site keeps its size, and an
    incremental build (which never adds nor removes a page) finds the same parts as the last build."""
    count = min(MAX_PARTS, max(1, math.ceil(len(order) / PART_PAGES)))
    if count == 1:
        return [(BUNDLE_DIR, list(order))]
    parts: list[list[str]] = [[] for _ in range(count)]
    for name in order:
        parts[int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count].append(name)
    return [(f"{BUNDLE_DIR}/{number}", names) for number, names in enumerate(parts) if names]


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


_HTML_TAG = re.compile(rb"<html(?:\s[^>]*)?>")
_META_TAG = re.compile(rb"<meta\s[^>]*data-pagefind-[^>]*>")
_MARK = b"data-pagefind"


def search_copy(page: bytes) -> bytes:
    """What Pagefind reads of a written page: its <html> tag (the language), the <meta> tags of the head marked
    for Pagefind, and the element marked `data-pagefind-body` (the theme's <main>). A page that marks anything
    else for Pagefind, or has no such <main>, is copied whole: the index is the same either way."""
    body = page.find(b"<body")
    start = page.find(b"<main", body)
    end = page.rfind(b"</main>")
    html = _HTML_TAG.search(page, 0, body)
    if body < 0 or start < 0 or end < start or html is None or _MARK + b"-body" not in page[start:page.find(b">", start)]:
        return page
    metas = _META_TAG.findall(page, 0, body)
    main = page[start:end + len(b"</main>")]
    if page.count(_MARK) != main.count(_MARK) + sum(meta.count(_MARK) for meta in metas):
        return page
    return b"".join((b"<!DOCTYPE html>", html.group(0), b"<head>", *metas, b"</head><body>", main, b"</body></html>"))


#: In the copies' folder, the mark that a searchable page was written again without the writer (see parallel.py).
_STALE = ".stale"


class SearchCopies:
    """Called by the writer with every page it writes: keeps `search_copy` of the searchable ones in `folder`,
    where the process that indexes finds the copies every rendering process made, as they come."""

    def __init__(self, folder: Path, output: Path, order: list[str], previous: Path | None = None,
                 kept: frozenset[str] = frozenset()):
        self.folder = folder
        self.output = output
        self.previous = previous  # the last output: index files with the same bytes are linked from it
        self.kept = kept  # pages an incremental build takes unchanged from the last output: read from there at once
        self.order = order
        self.files = frozenset(order)
        self.written = threading.Event()  # set once every process has written its searchable pages

    def __call__(self, name: str, data: bytes | None) -> None:
        if name not in self.files:
            return
        path = self.folder / name
        if data is None:  # written again some other way: the index is made again from the written pages
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / _STALE).touch()
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(search_copy(data))
        os.replace(tmp, path)  # the indexing thread never reads half a copy

    @property
    def stale(self) -> bool:
        return (self.folder / _STALE).exists()

    def pages(self, names: list[str]) -> Iterator[tuple[str, bytes]]:
        """The pages `names` (searchable pages, in the index's order) as Pagefind is to read them, each as soon as it
        is written; once every page is written, a page with no copy is cut down from the written file, or left out."""
        for name in names:
            page = self._wait_for(name)
            if page is not None:
                yield name, page

    def _wait_for(self, name: str) -> bytes | None:
        if name in self.kept and self.previous is not None:
            kept = self.previous / name
            return search_copy(kept.read_bytes()) if kept.is_file() else None
        while True:
            done = self.written.is_set()
            copy = self.folder / name
            try:
                page = copy.read_bytes()
            except FileNotFoundError:
                if done:
                    written = self.output / name
                    return search_copy(written.read_bytes()) if written.is_file() else None
            else:
                # Deleted once handed over: the scratch folder is memory (/dev/shm) when it can be, and a 10k site's
                # copies were 58 MB of it until the end of the build. An index made again (stale) reads the pages
                # as written.
                copy.unlink(missing_ok=True)
                return page
            self.written.wait(0.002)


class Indexing:
    """Pagefind's service (`pagefind --service`) indexing the pages of one part of the index, handed over by
    `Indexes` as they are written; `finish()` reads its answers and writes the part's bundle.

    The pages go in a fixed order (`searchable_pages`), so page numbers in the index do not depend on which process
    wrote a page first, nor on the order a file system lists a folder (Pagefind's own walk over a folder takes that
    order, which differs from disk to disk). The service takes one message after the other and answers each; the
    answers are read at the end."""

    def __init__(self, copies: SearchCopies, names: list[str], folder: str):
        self.copies = copies
        self.part = names
        self.folder = folder  # where the bundle goes, relative to the output
        self.names: dict[int, str] = {}
        self.number = 0  # of the last message sent
        self.last = 0  # the number of the last message, once every page is sent
        self.broken = False  # the service stopped reading: it failed
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(pagefind_executable()), "--service"], cwd=copies.output,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        bundle = str(copies.output / folder)
        self._send({"type": "NewIndex", "config": {"exclude_selectors": list(EXCLUDED), "output_path": bundle}})

    def add(self, name: str, page: bytes) -> None:
        self._send({"type": "AddFile", "index_id": 0, "file_path": name, "url": None, "file_contents": page.decode("utf-8")})
        self.names[self.number] = name

    def close(self) -> None:
        """Every page is handed over (`Indexes` waited for its sender): ask for the index."""
        if self.names:
            self._send({"type": "GetFiles", "index_id": 0})
            self.last = self.number
        self.flush()

    def flush(self) -> None:
        self._send(None)

    def _send(self, payload: dict | None) -> None:
        # The service's wire format: base64 of a JSON message, then a comma (as the pagefind package sends it).
        # None: what was sent is flushed. A service that stopped reading is marked broken: finish() says why.
        if self.broken:
            return
        try:
            if payload is None:
                self.process.stdin.flush()
                return
            self.number += 1
            message = json.dumps({"message_id": self.number, "payload": payload}, ensure_ascii=False).encode("utf-8")
            self.process.stdin.write(base64.b64encode(message) + b",")
        except OSError:
            self.broken = True

    def finish(self) -> None:
        """Wait for the index and write it (once `close()` was called)."""
        try:
            failures, files = self._responses() if self.last and not self.broken else ([], None)
            done = not self.broken and (files is not None or not self.last)
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # the service ends at the end of its input
            self.process.wait()
            self.errors.seek(0)
            detail = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        finally:
            self.errors.close()
        if failures:
            raise AgoraError("search index: Pagefind could not index " + "; ".join(failures))
        if not done:
            # The last line that says what happened (a Rust panic ends with a "note:" on backtraces).
            said = [line for line in detail if line.strip() and not line.startswith("note:")]
            reason = said[-1] if said else f"exit code {self.process.returncode}"
            raise AgoraError(f"search index: Pagefind failed on {self.folder}/ ({reason})")
        if not self.names:
            # The search page lists every part: one with no page would be missing from the site.
            raise AgoraError(f"search index: none of the {len(self.part)} pages of {self.folder}/ was written")
        if files:
            previous = self.copies.previous and self.copies.previous / self.folder
            _write_bundle(self.copies.output / self.folder, files, previous)

    def stop(self) -> None:
        """End the service without an index (the build failed)."""
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            with contextlib.suppress(OSError):
                stream.close()

    def _responses(self) -> tuple[list[str], list[dict] | None]:
        """Read the service's answers up to the one to GetFiles: (what failed, the index's files or None)."""
        failures: list[str] = []
        pending: list[bytes] = []  # the index's files come as one answer of megabytes, in many reads
        while chunk := self.process.stdout.read1(1 << 20):
            *answers, rest = chunk.split(b",")
            if answers:
                answers[0] = b"".join([*pending, answers[0]])
                pending = []
            pending.append(rest)
            for answer in answers:
                message = json.loads(base64.b64decode(answer))
                payload = message.get("payload", {})
                if payload.get("type") == "Error":
                    where = self.names.get(message.get("message_id"), "the index")
                    failures.append(f"{where}: {payload.get('message', 'an error')}")
                elif message.get("message_id") == self.last:
                    return failures, payload.get("files") if payload.get("type") == "GetFiles" else None
        return failures, None


class Indexes:
    """The index while the build goes on: a service per part this build makes (`search_parts`), all at once, and one
    thread handing each page to its part's service as soon as it is written, so Pagefind works beside the rendering
    processes instead of after them. Once every page is written (`finish_soon`), the parts are finished in a thread
    while the build writes the rest (a large site's cards take a while); `finish()` waits. With `reused`, an
    incremental build's parts that hold no page it renders are linked whole from the last output."""

    def __init__(self, copies: SearchCopies, parts: list[tuple[str, list[str]]], reused: list[str] = ()):
        self.copies = copies
        self.parts = parts
        for folder in reused:  # every file, hard-linked as an incremental build links the rest of the last output
            link_unchanged(copies.previous / folder, copies.output / folder)
        self.finishing: threading.Thread | None = None
        self.late: BaseException | None = None  # what went wrong in the finishing thread
        self.stopping = threading.Event()  # set by stop(): the finishing thread no longer waits
        self._start()

    def _start(self) -> None:
        self.failure: BaseException | None = None
        self.running = []
        try:
            for folder, names in self.parts:
                self.running.append(Indexing(self.copies, names, folder))
        except BaseException:
            for indexing in self.running:  # the services started before one could not be
                indexing.stop()
            raise
        self.sending = threading.Thread(target=self._send_all, name="agora-pagefind", daemon=True)
        self.sending.start()

    def _send_all(self) -> None:
        part_of = {name: indexing for indexing in self.running for name in indexing.part}
        try:
            for name, page in self.copies.pages([name for name in self.copies.order if name in part_of]):
                part_of[name].add(name, page)
            for indexing in self.running:
                indexing.flush()
        except BaseException as failure:  # noqa: BLE001 - reported by finish(), in the build's own thread
            self.failure = failure

    def finish_soon(self, after: Callable[[threading.Event], None] | None = None) -> None:
        """Every page is written: finish the parts in a thread, while the build goes on, once `after` has returned
        (the other rendering processes have ended: a 10k build's peak memory was the parts finishing beside them).
        `after` is given the event `stop` sets, and returns when it is."""
        self.copies.written.set()
        if self.finishing is None:
            self.finishing = threading.Thread(target=self._finish_beside, args=(after,), name="agora-pagefind-finish",
                                              daemon=True)
            self.finishing.start()

    def _finish_beside(self, after: Callable[[threading.Event], None] | None) -> None:
        try:
            if after is not None:
                after(self.stopping)
                if self.stopping.is_set():
                    return
            self._finish_parts()
        except BaseException as failure:  # noqa: BLE001 - raised by finish(), in the build's own thread
            self.late = failure

    def finish(self) -> None:
        """Wait for every part and write it; with a page written again without the writer (which only the end of the
        rendering tells), index every part again from the pages as written."""
        try:
            if self.finishing is not None:
                self.finishing.join()
                if self.late is not None:
                    raise self.late
            else:
                self._finish_parts()
            if self.copies.stale:
                for folder, _ in self.parts:
                    shutil.rmtree(self.copies.output / folder, ignore_errors=True)
                (self.copies.folder / _STALE).unlink()
                for name in self.copies.order:
                    (self.copies.folder / name).unlink(missing_ok=True)
                self._start()
                self._finish_parts()
        except BaseException:
            self.stop()
            raise

    def _finish_parts(self) -> None:
        self.copies.written.set()
        self.sending.join()
        if self.failure is not None:
            raise self.failure
        # A part's index is asked for once every page is handed over, and only a few at a time: each service then
        # makes its whole index in memory at once, and 16 of them doing so together made the peak memory of a 10k
        # build.
        ahead = FINISHING_AT_ONCE
        for indexing in self.running[:ahead]:
            indexing.close()
        for number, indexing in enumerate(self.running):
            indexing.finish()
            if number + ahead < len(self.running):
                self.running[number + ahead].close()

    def stop(self) -> None:
        """End every service without an index (the build failed): a page being handed over then fails to be."""
        self.stopping.set()
        self.copies.written.set()
        for indexing in self.running:
            indexing.stop()
        self.sending.join()
        if self.finishing is not None:
            self.finishing.join()


def reusable(previous: Path | None, folder: str) -> bool:
    """Whether the last output holds the part `folder` as a real folder (neither it nor a folder above it a link)."""
    if previous is None:
        return False
    path = previous
    for name in folder.split("/"):
        path = path / name
        if path.is_symlink() or not path.is_dir():
            return False
    return True


def _write_bundle(folder: Path, files: list[dict], previous: Path | None) -> None:
    """Write the index Pagefind handed back, file by file, each one whole then renamed; a file with the bytes of the
    last output's is linked to it. Pagefind's own WriteFiles answers before its writes reach the disk, and its
    service exits when its input ends: a file it was still writing was left cut short (Pagefind issue 1271)."""
    while files:  # popped, so each file's text is freed once written
        file = files.pop()
        data = base64.b64decode(file["content"])
        if file["path"] == ENTRY_FILE:
            data = _sorted_entry(data)
        path = folder / file["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data, previous / file["path"] if previous is not None else None)


def _sorted_entry(data: bytes) -> bytes:
    """Pagefind 1.5 lists the languages of its entry file in hash-map order, which changes from run to
    run; sorted, two builds of the same site are byte-identical (the index files themselves are)."""
    entry = json.loads(data)
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

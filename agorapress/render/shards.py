"""Rendering on every core: Pelican runs once per shard, each shard writing its own share of the pages.

Every output file is written by exactly one shard, and its bytes do not depend on which one, so the output
does not depend on how many shards ran or in which order they finished. Every shard walks the same files in
the same order (an article or page, a file of Agora's generators that mark themselves `shards_by_file`), and
the first shard to come to a file claims it: a shared counter numbers the claims, so a shard busy with a long
page leaves the next ones to the others, and the shards end together. The files of a generator that does not
shard by file are all written by that generator's owner shard; a generator may also share out fixed parts
instead (see `takes`). Each shard digests the order of the files it came to; the build fails if two differ.
Shard 0 runs in this process; the others are forked after the site graph is loaded (nothing is read twice).
Finalisation hooks (the search index, the sitemap) run once, in shard 0, after every shard has written.

The pages a search index reads (items and profiles) are written first. The writer hands every page
it writes to the callables of the `ON_WRITE` setting, in the shard that writes it, so an indexer
(Pagefind, a separate program) can take the pages as they come. Once every shard has written its
share of them, shard 0 sends `pages_written`: no more are coming. `rendering_ended` is sent when a
shard's rendering ends, whether or not it was finalised, so what a plugin started is stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import multiprocessing
import os
import traceback
import zlib
from collections.abc import Callable
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Any

from blinker import signal
from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import console
from pelican.writers import Writer

from .failures import problem_of

#: Below this many published items, forking costs more than it saves.
PARALLEL_THRESHOLD = 400
#: Sent with the Pelican instance of shard 0 once every shard has written its item and profile pages.
pages_written = signal("agora-pages-written")
#: Sent with each shard's Pelican instance when its rendering ends, finalised or not (a failed build included).
rendering_ended = signal("agora-rendering-ended")
#: What a child shard sends its parent once its item and profile pages are on disk.
_PAGES_DONE = "pages written"


def owns(name: str, shard: int, shards: int) -> bool:
    """Whether output file `name` (relative to the output root) is written by `shard`."""
    return shards == 1 or zlib.crc32(name.encode("utf-8")) % shards == shard


class Claims:
    """Which shard writes which file: the first to come to it. Every shard comes to the same files in the same
    order; the n-th file is claimed by the shard that finds n claims made before it (a counter shared by the
    forked shards), so each file is claimed exactly once. A shard remembers what it decided per name, and digests
    the names in the order it came to them: equal digests prove the shards walked the same files."""

    def __init__(self, counter) -> None:
        self.counter = counter  # a multiprocessing.Value made before the shards are forked
        self.decided: dict[str, bool] = {}
        self.walked = hashlib.sha256()

    def claim(self, name: str) -> bool:
        decided = self.decided.get(name)
        if decided is None:
            index = len(self.decided)
            self.walked.update(name.encode("utf-8") + b"\0")
            with self.counter.get_lock():
                decided = self.counter.value == index
                if decided:
                    self.counter.value = index + 1
            self.decided[name] = decided
        return decided

    def digest(self) -> str:
        return self.walked.hexdigest()


class ShardWriter(Writer):
    """Pelican's writer, limited to the files of one shard; a paginated listing stays in one shard."""

    def __init__(self, output_path, settings=None, shard: int = 0, shards: int = 1, claims: Claims | None = None):
        super().__init__(output_path, settings=settings)
        self.shard = shard
        self.shards = shards
        self.claims = claims  # None: a file goes to the shard of its name's hash
        self.sharding = True  # off while a generator that runs in shard 0 only is writing

    def _open_w(self, filename, encoding, override=False):
        if override or filename in self._written_files or filename in self._overridden_files:
            # Pelican's own overwrite rules apply; never truncate a file shared with the previous build.
            if os.path.isfile(filename) and os.stat(filename).st_nlink > 1:
                os.unlink(filename)
            for call in self.settings.get(ON_WRITE, ()):
                call(_relative(filename, self.output_path), None)  # written without the hooks seeing the bytes
            return super()._open_w(filename, encoding, override)
        self._written_files.add(filename)
        return _ReusingFile(filename, self.output_path, self.settings.get("AGORA_PREVIOUS_OUTPUT"),
                            self.settings.get(ON_WRITE, ()))

    def owns(self, name: str) -> bool:
        """Whether this shard writes `name`; generators that write files themselves ask before rendering. An
        incremental build's plan (see incremental.py) names the only files any shard writes."""
        plan = self.settings.get(PLAN)
        if plan is not None and not plan.renders(str(name)):
            return False
        if not self.sharding or self.shards == 1:
            return True
        if self.claims is not None:
            return self.claims.claim(str(name))
        return owns(str(name), self.shard, self.shards)

    def write_file(self, name, template, context, *args, **kwargs):
        if name and not self.owns(name):
            return None
        return super().write_file(name, template, context, *args, **kwargs)


def writes(writer: Writer, name: str) -> bool:
    """Whether `writer` is to write output file `name`: always, unless it is one shard of several or the build
    is incremental."""
    return not isinstance(writer, ShardWriter) or writer.owns(name)


def rewrites(writer: Writer, relpaths) -> bool:
    """Whether a file made from the items at `relpaths` (paths under content/) is to be written again: always,
    unless the build is incremental and none of them changed (a feed of other items' bodies)."""
    plan = writer.settings.get(PLAN) if isinstance(writer, ShardWriter) else None
    return plan is None or not plan.items.isdisjoint(relpaths)


def takes(writer: Writer, part: int) -> bool:
    """Whether `writer` is to write the files of part number `part` of a generator's fixed list of parts
    (the parts go round the shards, from the last one: shard 0 also finishes the build, with the search
    index and the sitemap): for files that share work which splitting by name would repeat."""
    if not isinstance(writer, ShardWriter) or not writer.sharding:
        return True
    return writer.shards - 1 - part % writer.shards == writer.shard


#: The setting that holds an incremental build's plan (build/incremental.py): the only pages the writers render.
PLAN = "AGORA_PLAN"

#: The setting that lists what is called with (file name relative to the output, bytes) for every page the
#: sharded writer writes, and every file Agora's generators write (`write_whole`), in the process that writes it:
#: a plugin sees the files without reading them back. A page Pelican writes again by its own rules comes with None:
#: it is to be read from the output.
ON_WRITE = "AGORA_ON_WRITE"


def write_whole(settings: dict[str, Any], output: Path, name: str, data: bytes) -> None:
    """Write output file `name` (relative to `output`) whole, then rename it into place: never into the file, which
    may be a link to the last output's (incremental.py), and no reader ever sees half of it."""
    path = output / name
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, data)
    for call in settings.get(ON_WRITE, ()):
        call(name, data)


def replace_file(path: str | os.PathLike, data: bytes, previous: str | os.PathLike | None = None) -> None:
    """Put `data` at `path`: a hard link to `previous` (the last output's file) when that holds the same bytes, so
    an unchanged file keeps its inode and modification time; else written to a temporary file and renamed, never
    written through a link, and never seen half-written."""
    if previous is not None and _same_bytes(previous, data):
        link_from(previous, path)
        return
    tmp = f"{path}.agora-tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


class FilesWritten:
    """How many files every shard has written so far, for the progress shown on a terminal: an `ON_WRITE` callable
    counting in memory shared with the shards forked after it was made."""

    def __init__(self) -> None:
        self.count = multiprocessing.Value("q", 0)

    def __call__(self, name: str, data: bytes | None) -> None:
        with self.count.get_lock():
            self.count.value += 1

    def __int__(self) -> int:
        return self.count.value


def _relative(filename: str, output_path: str) -> str:
    # Pelican joins the output folder and the page's path: cutting the prefix spares relpath's work per page.
    prefix = output_path.rstrip(os.sep) + os.sep
    return filename[len(prefix):] if filename.startswith(prefix) else os.path.relpath(filename, output_path)


class _ReusingFile(io.StringIO):
    """A text file written on close (`replace_file`): hard-linked to the previous build's file when the bytes are
    equal, so deploys and caches see no change; otherwise written whole and renamed."""

    def __init__(self, filename: str, output_path: str, previous: str | None, on_write=()):
        super().__init__()
        self.filename = filename
        self.on_write = on_write
        self.name = _relative(filename, output_path)
        self.previous = os.path.join(previous, self.name) if previous else None

    def close(self) -> None:
        if self.closed:
            return
        data = self.getvalue().encode("utf-8")
        super().close()
        for call in self.on_write:
            call(self.name, data)
        replace_file(self.filename, data, self.previous)


def link_from(previous: str | os.PathLike, filename: str | os.PathLike) -> None:
    """Make `filename` a hard link to `previous`, replacing what is there. Renaming a link onto another link to the
    same file does nothing and leaves the temporary name behind (POSIX rename): an incremental build may have
    linked that very file already, so the temporary name is removed whatever happened."""
    tmp = f"{filename}.agora-link"
    os.link(previous, tmp)
    try:
        os.replace(tmp, filename)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _same_bytes(path: str | os.PathLike, data: bytes) -> bool:
    try:
        if os.path.getsize(path) != len(data) or os.path.islink(path):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


class ShardedPelican(Pelican):
    """Pelican with a sharded writer: article and page files are split by name across the shards, and
    every other generator (feeds, calendars, profiles...) writes all of its files in one shard, its owner."""

    def __init__(self, settings: dict[str, Any], shard: int = 0, shards: int = 1,
                 on_pages: Callable[[ShardedPelican], None] | None = None, claims: Claims | None = None):
        self.shard = shard
        self.shards = shards
        self.on_pages = on_pages
        self.claims = claims
        super().__init__(settings)

    def _get_generator_classes(self):
        classes = super()._get_generator_classes()
        whole = [cls for cls in classes if not _by_file(cls)]
        # Every shard builds every generator's context (templates may read any of it). A generator split
        # by file runs everywhere and writes its share; any other writes only in its owner, and owners go
        # round the shards in the generators' run order, which is fixed.
        ordered = [cls if _by_file(cls) else _owned(cls, whole.index(cls) % self.shards == self.shard) for cls in classes]
        # The pages-written mark goes right after the last generator of searchable pages (they come first).
        last = max((i for i, cls in enumerate(classes) if _writes_pages(cls)), default=-1)
        return [*ordered[:last + 1], _mark(self), *ordered[last + 1:]]

    def _get_writer(self):
        return ShardWriter(self.output_path, settings=self.settings, shard=self.shard, shards=self.shards, claims=self.claims)


_SHARDED = (ArticlesGenerator, PagesGenerator)


def _by_file(cls: type) -> bool:
    # Agora's generators opt in: each of their files goes through `writes()` or the writer.
    return cls in _SHARDED or getattr(cls, "shards_by_file", False)


def _writes_pages(cls: type) -> bool:
    return cls in _SHARDED or getattr(cls, "writes_searchable_pages", False)


def _mark(pelican: ShardedPelican) -> type:
    """A generator of nothing, run between the searchable pages and the rest: it reports the pages done."""

    class PagesWritten:
        def __init__(self, *, settings, **_context):
            self.settings = settings

        def generate_output(self, writer) -> None:
            if pelican.on_pages is not None:
                pelican.on_pages(pelican)

    return PagesWritten


def _owned(cls: type, owner: bool) -> type:
    """The same generator, writing all of its files in the shard that owns it and nothing elsewhere."""

    def generate_output(self, writer):
        if not owner:
            return None
        writer.sharding = False
        try:
            return cls.generate_output(self, writer)
        finally:
            writer.sharding = True

    if not hasattr(cls, "generate_output"):
        return cls
    return type(cls.__name__, (cls,), {"generate_output": generate_output, "__module__": cls.__module__})


class EngineLog(logging.Handler):
    """Pelican logs and skips on errors; a moderated site must fail instead, so warnings are collected."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_shard(settings: dict[str, Any], shard: int, shards: int,
              wait: Callable[[], list[str]] | None = None,
              on_pages: Callable[[ShardedPelican], None] | None = None, claims: Claims | None = None) -> list[str]:
    """Run Pelican for one shard; return what the engine complained about.

    With `wait`, the finalisation hooks (search index, sitemap: they read the whole output) run only
    once `wait` has returned, i.e. once every other shard has written its pages. `on_pages` is called
    once this shard has written its searchable pages."""
    handler = EngineLog()
    engine_log = logging.getLogger("pelican")
    engine_log.addHandler(handler)
    previous, quiet = engine_log.propagate, console.quiet
    # Pelican prints its own summary on its console; Agora reports the build itself.
    engine_log.propagate, console.quiet = False, True
    pelican = None
    try:
        pelican = ShardedPelican(settings, shard, shards, on_pages, claims)
        if wait is None:
            pelican.run()
        else:
            with signals.finalized.muted():
                pelican.run()
            handler.messages += wait()
            signals.finalized.send(pelican)
    finally:
        engine_log.removeHandler(handler)
        engine_log.propagate, console.quiet = previous, quiet
        if pelican is not None:
            rendering_ended.send(pelican)
    return handler.messages


def _child(settings: dict[str, Any], shard: int, shards: int, conn, claims: Claims) -> None:
    try:
        # Finalisation hooks (search index, sitemap) read the whole site: only shard 0 fires them.
        with signals.finalized.muted():
            messages = run_shard(settings, shard, shards, on_pages=lambda _pelican: conn.send(_PAGES_DONE), claims=claims)
        conn.send((messages, claims.digest()))
    except BaseException as exc:  # reported to the parent, which fails the build
        # A template's, a plugin's or the disk's error is a problem line, as in shard 0; a bug keeps its traceback.
        problem = problem_of(exc, Path(settings["AGORA_PORTAL"].root), Path(settings["OUTPUT_PATH"]))
        conn.send(([problem or f"shard {shard} crashed:\n{traceback.format_exc()}"], None))
    finally:
        conn.close()


class _Beside:
    """Work done in a process of its own while the shards render (no thread of a rendering process competes for
    its interpreter lock), finished before the finalisation hooks."""

    def __init__(self, work: Callable[[], None] | None) -> None:
        self.work = work
        self.process = None

    def start(self) -> None:
        if self.work is not None:
            self.process = multiprocessing.get_context("fork").Process(target=_exit_after, args=(self.work,),
                                                                         name="agora-beside", daemon=True)
            self.process.start()

    def finish(self) -> list[str]:
        if self.process is None:
            return []
        self.process.join()
        code, self.process = self.process.exitcode, None
        return [] if code == 0 else [f"the work beside the rendering failed (exit code {code})"]


def _exit_after(work: Callable[[], None]) -> None:
    # Forked, maybe from a process with other threads (agora serve's): the child touches no lock they may have held,
    # neither printing a traceback nor flushing streams at exit. The exit code says how the work went.
    try:
        work()
    except BaseException:  # noqa: BLE001 - the parent reports the exit code
        os._exit(1)
    os._exit(0)


def render(settings: dict[str, Any], items: int, workers: int | None = None,
           beside: Callable[[], None] | None = None, finishing: Callable[[], None] = lambda: None) -> list[str]:
    """Render the site with up to `workers` processes; return the engine's complaints from every shard. `beside`
    runs meanwhile in a process of its own, and ends before the finalisation hooks, which read the whole output.
    `finishing` is called once every shard has rendered, before those hooks."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    shards = workers if (workers > 1 and items >= PARALLEL_THRESHOLD and can_fork) else 1
    alongside = _Beside(beside)
    if shards == 1:
        alongside.start()
        return run_shard(settings, 0, 1, wait=_then(alongside.finish, finishing), on_pages=pages_written.send)
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)  # claims made so far, shared by every shard (see Claims)
    children = []
    for shard in range(1, shards):
        parent_end, child_end = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(settings, shard, shards, child_end, Claims(counter)), daemon=True)
        process.start()
        child_end.close()
        children.append((process, parent_end))
    claims = Claims(counter)
    alongside.start()

    # What each child has sent so far: its pages-written mark, then its complaints and the digest of the files it
    # came to (or, if it crashed early, its complaints alone).
    received: dict[int, list] = {index: [] for index in range(len(children))}

    def pages_everywhere(pelican: ShardedPelican) -> None:
        # Each child says when its pages are written; one that died or crashed instead never will, and
        # then the index waits for the finalisation, where the crash is reported.
        for index, (process, conn) in enumerate(children):
            wait_any([conn, process.sentinel])
            try:
                received[index].append(conn.recv())
            except EOFError:
                return
            if received[index][-1] != _PAGES_DONE:
                return
        pages_written.send(pelican)

    def wait_for_children() -> list[str]:
        # Called once this shard has rendered everything: its own walk is complete.
        messages: list[str] = alongside.finish()
        for index, (process, conn) in enumerate(children):
            sent = [m for m in received[index] if m != _PAGES_DONE]
            try:
                while not sent:
                    message = conn.recv()
                    if message != _PAGES_DONE:
                        sent.append(message)
                complaints, walked = sent[0]
                messages += complaints
                if walked is not None and walked != claims.digest():
                    messages.append(f"render shard {index + 1} came to other files than shard 0, or in another order: "
                                    "a file may be missing or written twice")
            except EOFError:
                messages.append("a rendering process ended without reporting")
            process.join()
            if process.exitcode not in (0, None):
                messages.append(f"a rendering process exited with code {process.exitcode}")
        return messages

    return run_shard(settings, 0, shards, wait=_then(wait_for_children, finishing), on_pages=pages_everywhere,
                     claims=claims)


def _then(wait: Callable[[], list[str]], finishing: Callable[[], None]) -> Callable[[], list[str]]:
    def waited() -> list[str]:
        messages = wait()
        finishing()
        return messages

    return waited

"""Rendering on every core: Pelican runs once per shard, each shard writing its own share of the pages.

Every page is written by exactly one shard, and its bytes do not depend on which one, so the output does not
depend on how many shards ran or in which order they finished. Every shard walks the same pages in the same order
(every generator writes through the writer, or asks it with `writes()` first), and the first shard to come to a
page claims it: a shared counter numbers the claims, so a shard busy with a long page leaves the next ones to the
others, and the shards end together. Each shard digests the order of the pages it came to; the build fails if two
differ. Shard 0 runs in this process; the others are forked after the site graph is loaded (nothing is read twice).

Meanwhile `beside` (the build's outputs: feeds, calendars, static files) runs in a process of its own. The pages a
search index reads (items and profiles) are written first: once every shard has written its share of them, shard 0
sends `pages_written` (with the context) and the search index knows that no more are coming. Pelican's finalisation
hooks (the search index) run once, in shard 0, after every shard and the work beside have ended; `rendering_ended` is
sent in each shard when its rendering ends, finalised or not, so that what a plugin started is stopped.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import wait as wait_any
from typing import Any

from blinker import signal
from pelican import Pelican, signals
from pelican.log import console

from ..problems import Problem
from .context import RenderContext
from .failures import problem_of

#: Below this many published items, forking costs more than it saves.
PARALLEL_THRESHOLD = 400
#: Sent with the build's context in shard 0 once every shard has written its item and profile pages.
pages_written = signal("agora-pages-written")
#: Sent with each shard's Pelican instance when its rendering ends, finalised or not (a failed build included).
rendering_ended = signal("agora-rendering-ended")
#: What a child shard sends its parent once its item and profile pages are on disk.
_PAGES_DONE = "pages written"

Complaint = str | Problem


class Claims:
    """Which shard writes which page: the first to come to it. Every shard comes to the same pages in the same
    order; the n-th page is claimed by the shard that finds n claims made before it (a counter shared by the forked
    shards), so each page is claimed exactly once. A shard remembers what it decided per name, and digests the names
    in the order it came to them: equal digests prove the shards walked the same pages."""

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


class EngineLog(logging.Handler):
    """Pelican logs and skips on errors; a moderated site must fail instead, so warnings are collected."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[Complaint] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_shard(settings: dict[str, Any], context: RenderContext,
              wait: Callable[[], list[Complaint]] | None = None) -> list[Complaint]:
    """Run Pelican for the shard of this process (`context.claims`); return what the engine complained about.

    With `wait`, the finalisation hooks (the search index reads the whole output) run only once `wait` has
    returned, i.e. once every other shard and the work beside have written their files."""
    handler = EngineLog()
    engine_log = logging.getLogger("pelican")
    engine_log.addHandler(handler)
    previous, quiet = engine_log.propagate, console.quiet
    # Pelican prints its own summary on its console; Agora reports the build itself.
    engine_log.propagate, console.quiet = False, True
    pelican = None
    try:
        pelican = Pelican(settings)
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
        elif context.indexing is not None:  # Pelican failed to start after its first hook started the search index
            context.indexing.stop()
            context.indexing = None
    return handler.messages


def _child(settings: dict[str, Any], context: RenderContext, shard: int, conn, claims: Claims) -> None:
    try:
        context.shard, context.claims = shard, claims
        context.pages_done = lambda: conn.send(_PAGES_DONE)
        # Finalisation hooks (the search index) read the whole site: only shard 0 fires them.
        with signals.finalized.muted():
            messages = run_shard(settings, context)
        conn.send((messages, claims.digest()))
    except BaseException as exc:  # reported to the parent, which fails the build
        # A template's, a plugin's or the disk's error is a problem line, as in shard 0; a bug keeps its traceback.
        problem = problem_of(exc, context.portal.root, context.output)
        conn.send(([problem or f"shard {shard} crashed:\n{traceback.format_exc()}"], None))
    finally:
        conn.close()


class Beside:
    """Work done in a process of its own while the shards render (no thread of a rendering process competes for
    its interpreter lock), finished before the finalisation hooks. What it complains about comes back as problem
    lines, like a shard's."""

    def __init__(self, work: Callable[[], list[Complaint]] | None, context: RenderContext) -> None:
        self.work = work
        self.context = context
        self.process = None
        self.conn = None

    def start(self) -> None:
        if self.work is None:
            return
        fork = multiprocessing.get_context("fork")
        self.conn, child_end = fork.Pipe(duplex=False)
        self.process = fork.Process(target=_exit_after, args=(self.work, self.context, child_end), name="agora-beside",
                                    daemon=True)
        self.process.start()
        child_end.close()

    def finish(self) -> list[Complaint]:
        if self.process is None:
            return []
        try:
            complaints = self.conn.recv()
        except EOFError:
            complaints = []
        self.process.join()
        code, self.process = self.process.exitcode, None
        if code != 0 and not complaints:
            complaints = [f"the work beside the rendering failed (exit code {code})"]
        return complaints


def _exit_after(work: Callable[[], list[Complaint]], context: RenderContext, conn) -> None:
    # Forked, maybe from a process with other threads (agora serve's): the child touches no lock they may have held,
    # neither printing a traceback nor flushing streams at exit. It sends its complaints, and its exit code says how
    # the work went.
    code = 0
    try:
        complaints = work()
    except BaseException as exc:  # noqa: BLE001 - the parent reports it
        problem = problem_of(exc, context.portal.root, context.output)
        complaints = [problem or f"the work beside the rendering failed:\n{traceback.format_exc()}"]
        code = 1
    try:
        conn.send(complaints)
        conn.close()
    except BaseException:  # noqa: BLE001 - the exit code says it
        code = 1
    os._exit(code)


def render(settings: dict[str, Any], context: RenderContext, items: int, workers: int | None = None,
           beside: Callable[[], list[Complaint]] | None = None,
           finishing: Callable[[], None] = lambda: None) -> list[Complaint]:
    """Render the pages with up to `workers` processes; return the complaints of every shard and of `beside`, which
    runs meanwhile in a process of its own and ends before the finalisation hooks (they read the whole output).
    `finishing` is called once every shard has rendered, before those hooks."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    shards = workers if (workers > 1 and items >= PARALLEL_THRESHOLD and can_fork) else 1
    alongside = Beside(beside, context)
    if shards == 1:
        context.claims = None
        context.pages_done = lambda: pages_written.send(context)
        alongside.start()
        return _stopping(alongside, lambda: run_shard(settings, context, wait=_then(alongside.finish, finishing)))
    fork = multiprocessing.get_context("fork")
    counter = fork.Value("q", 0)  # claims made so far, shared by every shard (see Claims)
    children = []
    for shard in range(1, shards):
        parent_end, child_end = fork.Pipe(duplex=False)
        process = fork.Process(target=_child, args=(settings, context, shard, child_end, Claims(counter)), daemon=True)
        process.start()
        child_end.close()
        children.append((process, parent_end))
    claims = Claims(counter)
    alongside.start()

    # What each child has sent so far: its pages-written mark, then its complaints and the digest of the pages it came
    # to (or, if it crashed early, its complaints alone).
    received: dict[int, list] = {index: [] for index in range(len(children))}

    def pages_everywhere() -> None:
        # Each child says when its pages are written; one that died or crashed instead never will, and then the index
        # waits for the finalisation, where the crash is reported.
        for index, (process, conn) in enumerate(children):
            wait_any([conn, process.sentinel])
            try:
                received[index].append(conn.recv())
            except EOFError:
                return
            if received[index][-1] != _PAGES_DONE:
                return
        pages_written.send(context)

    def wait_for_children() -> list[Complaint]:
        # Called once this shard has rendered everything: its own walk is complete.
        messages = alongside.finish()
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
                    messages.append(f"render shard {index + 1} came to other pages than shard 0, or in another order: "
                                    "a page may be missing or written twice")
            except EOFError:
                messages.append("a rendering process ended without reporting")
            process.join()
            if process.exitcode not in (0, None):
                messages.append(f"a rendering process exited with code {process.exitcode}")
        return messages

    def children_ended(stop: threading.Event) -> None:
        # Their memory is given back once they have ended: what the search index's finishing waits for (a part
        # builds its whole index in memory then). A child's last message is read by wait_for_children, in the
        # rendering thread; when this shard fails instead, `stop` is set and the wait ends (a child blocked on
        # sending a long last message would otherwise be waited for in vain).
        running = [process.sentinel for process, _ in children]
        while running and not stop.is_set():
            ended = wait_any(running, timeout=0.1)
            running = [sentinel for sentinel in running if sentinel not in ended]

    context.claims = claims
    context.pages_done = pages_everywhere
    context.others_ended = children_ended
    return _stopping(alongside, lambda: run_shard(settings, context, wait=_then(wait_for_children, finishing)))


def _stopping(alongside: Beside, shard: Callable[[], list[Complaint]]) -> list[Complaint]:
    """Run this process's shard; when it fails (a template that does not compile), wait for the work beside before
    the failure goes up: it writes into the staging folder, which the build then removes, and must not write after."""
    try:
        return shard()
    except BaseException:
        alongside.finish()
        raise


def _then(wait: Callable[[], list[Complaint]], finishing: Callable[[], None]) -> Callable[[], list[Complaint]]:
    def waited() -> list[Complaint]:
        messages = wait()
        finishing()
        return messages

    return waited

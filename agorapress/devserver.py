"""`agora serve`: a local server for the built portal, file watching, and live reload in the browser.

The built files are never changed for live reload: the server adds one small script to each HTML
response, which listens on an event stream and reloads the page when a build or a quick page render
finishes. A saved item is re-rendered first (render/live.py), then the whole portal is rebuilt.
"""

from __future__ import annotations

import errno
import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

RELOAD_PATH = "/__agora/events"
WORKER_PATH = "/__agora/reload.js"
# A browser opens at most six connections to one host (HTTP/1.1): an event stream per tab held them all, and the
# seventh tab waited forever for its page. So the tabs share one stream through a shared worker, whatever their
# number; a browser without shared workers asks every second instead, on a connection it gives back at once.
_WORKER_SCRIPT = (
    "var ports=[],last=null,s=new EventSource('" + RELOAD_PATH + "');"
    "s.onmessage=function(e){last=e.data;ports.forEach(function(p){p.postMessage(e.data);});};"
    "onconnect=function(e){var p=e.ports[0];ports.push(p);"
    "p.onmessage=function(m){if(m.data==='bye'){ports=ports.filter(function(q){return q!==p;});}};"
    "if(last!==null){p.postMessage(last);}};"
).encode()
_RELOAD_SCRIPT = (
    "<script>(function(){var v=null;function on(data){var d=JSON.parse(data);"
    "if(v!==null&&d.version!==v){location.reload();}v=d.version;"
    "var b=document.getElementById('agora-problems');if(d.problems){if(!b){b=document.createElement('pre');"
    "b.id='agora-problems';b.setAttribute('role','alert');b.style.cssText='position:fixed;bottom:0;left:0;right:0;margin:0;"
    "padding:1em;background:#6b0f0f;color:#fff;z-index:99;white-space:pre-wrap;max-height:40vh;overflow:auto';"
    "document.body.appendChild(b);}b.textContent=d.problems;}else if(b){b.remove();}}"
    "if(window.SharedWorker){var w=new SharedWorker('" + WORKER_PATH + "');w.port.onmessage=function(e){on(e.data);};"
    "w.port.start();addEventListener('pagehide',function(){w.port.postMessage('bye');});}"
    "else{(function poll(){fetch('" + RELOAD_PATH + "?once=1').then(function(r){return r.text();})"
    ".then(function(t){on(t.slice(6));}).catch(function(){}).then(function(){setTimeout(poll,1000);});})();}"
    "})();</script>"
).encode()


class Reloads:
    """A version number the browsers follow, and the problems of the last attempt."""

    def __init__(self) -> None:
        self.version = 0
        self.problems = ""
        self.changed = threading.Condition()
        #: (what was saved, when: time.time()) of the last quick render, until a browser is served a page after it.
        self.saved: tuple[str, float] | None = None
        self.on_served: Callable[[str, float], None] = lambda name, seconds: None

    def bump(self, problems: str = "", saved: tuple[str, float] | None = None) -> None:
        with self.changed:
            if not problems:
                self.version += 1
            self.problems = problems
            if saved is not None:  # a full build that follows a save keeps it waiting for the browser
                self.saved = saved
            self.changed.notify_all()

    def served_page(self) -> None:
        """A page went out: the latency a reader sees is from the save to this moment."""
        with self.changed:
            saved, self.saved = self.saved, None
        if saved is not None:
            self.on_served(saved[0], time.time() - saved[1])

    def wait(self, seen: tuple[int, str], timeout: float) -> tuple[int, str]:
        with self.changed:
            self.changed.wait_for(lambda: (self.version, self.problems) != seen, timeout=timeout)
            return self.version, self.problems


class _Handler(http.server.SimpleHTTPRequestHandler):
    reloads: Reloads
    stream_seconds: float = 300.0

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path == RELOAD_PATH:
            return self._stream()
        if self.path == RELOAD_PATH + "?once=1":
            return self._stream(once=True)
        if self.path == WORKER_PATH:
            return self._worker()
        return super().do_GET()

    def _worker(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(_WORKER_SCRIPT)))
        self.end_headers()
        self.wfile.write(_WORKER_SCRIPT)

    def _stream(self, once: bool = False) -> None:
        import json  # noqa: PLC0415

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if once:
            payload = json.dumps({"version": self.reloads.version, "problems": self.reloads.problems})
            self.wfile.write(f"data: {payload}\n\n".encode())
            return
        seen = (-1, "")
        deadline = time.monotonic() + self.stream_seconds
        try:
            while time.monotonic() < deadline:
                state = self.reloads.wait(seen, timeout=15)
                payload = json.dumps({"version": state[0], "problems": state[1]})
                self.wfile.write(f"data: {payload}\n\n".encode())
                self.wfile.flush()
                seen = state
        except (BrokenPipeError, ConnectionResetError):
            return

    def copyfile(self, source, outputfile):
        # Only HTML gets the reload script; everything else is served byte for byte.
        if self.path.endswith("/") or self.path.endswith(".html") or "." not in self.path.rsplit("/", 1)[-1]:
            outputfile.write(source.read().replace(b"</body>", _RELOAD_SCRIPT + b"</body>", 1))
            self.reloads.served_page()
        else:
            super().copyfile(source, outputfile)

    def send_header(self, keyword, value):
        # The page grows by the script: drop the length rather than send a wrong one.
        if keyword.lower() == "content-length" and self.path != RELOAD_PATH and not self._is_asset():
            return
        super().send_header(keyword, value)

    def _is_asset(self) -> bool:
        last = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        return "." in last and not last.endswith(".html")


def make_server(output: Path, host: str, port: int, reloads: Reloads) -> http.server.ThreadingHTTPServer:
    """A threading server for `output` that never leaves `output` (SimpleHTTPRequestHandler's guard). OSError when
    the port cannot be taken (see `free_port`)."""
    handler = functools.partial(type("Handler", (_Handler,), {"reloads": reloads}), directory=str(output))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def first_server(output: Path, host: str, port: int, reloads: Reloads,
                 tries: int = 20) -> tuple[http.server.ThreadingHTTPServer | None, list[int]]:
    """The server on `port`, else on the next free one of the `tries` after it; and the ports found taken."""
    taken = []
    for candidate in range(port, min(port + tries, 65536)):
        try:
            return make_server(output, host, candidate, reloads), taken
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            taken.append(candidate)
        if port == 0:
            break
    return None, taken


def watch(paths: list[Path], on_change: Callable[[set[Path]], None], stop: threading.Event) -> None:
    """Call `on_change` with the changed files, debounced, until `stop` is set."""
    from watchfiles import watch as watch_files  # noqa: PLC0415

    for changes in watch_files(*[p for p in paths if p.exists()], stop_event=stop, debounce=150, step=50):
        on_change({Path(path) for _, path in changes})

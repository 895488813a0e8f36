"""`agora serve`: a local server for the built portal, file watching, and live reload in the browser.

The built files are never changed for live reload: the server adds one small script to each HTML
response, which listens on an event stream and reloads the page when a build or a quick page render
finishes. A saved item is re-rendered first (render/live.py), then the whole portal is rebuilt.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

RELOAD_PATH = "/__agora/events"
_RELOAD_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + RELOAD_PATH + "');var v=null;"
    "s.onmessage=function(e){var d=JSON.parse(e.data);if(v!==null&&d.version!==v){location.reload();}v=d.version;"
    "var b=document.getElementById('agora-problems');if(d.problems){if(!b){b=document.createElement('pre');"
    "b.id='agora-problems';b.setAttribute('role','alert');b.style.cssText='position:fixed;bottom:0;left:0;right:0;margin:0;"
    "padding:1em;background:#6b0f0f;color:#fff;z-index:99;white-space:pre-wrap;max-height:40vh;overflow:auto';"
    "document.body.appendChild(b);}b.textContent=d.problems;}else if(b){b.remove();}};})();</script>"
).encode()


class Reloads:
    """A version number the browsers follow, and the problems of the last attempt."""

    def __init__(self) -> None:
        self.version = 0
        self.problems = ""
        self.changed = threading.Condition()

    def bump(self, problems: str = "") -> None:
        with self.changed:
            if not problems:
                self.version += 1
            self.problems = problems
            self.changed.notify_all()

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
        return super().do_GET()

    def _stream(self) -> None:
        import json  # noqa: PLC0415

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
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
    """A threading server for `output` that never leaves `output` (SimpleHTTPRequestHandler's guard)."""
    handler = functools.partial(type("Handler", (_Handler,), {"reloads": reloads}), directory=str(output))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def watch(paths: list[Path], on_change: Callable[[set[Path]], None], stop: threading.Event) -> None:
    """Call `on_change` with the changed files, debounced, until `stop` is set."""
    from watchfiles import watch as watch_files  # noqa: PLC0415

    for changes in watch_files(*[p for p in paths if p.exists()], stop_event=stop, debounce=150, step=50):
        on_change({Path(path) for _, path in changes})

"""A local stand-in for GitHub's REST API: answers the requests it is given (JSON, or bytes such as an artifact's
zip), 404 for the rest, and records every write (POST, PATCH, PUT) with its JSON body."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Replay:
    def __init__(self) -> None:
        self.answers: dict[str, object] = {}  # "/repos/o/r/pulls?state=open&per_page=100" or a path without query
        self.writes: list[tuple[str, str, dict]] = []
        self.reads: list[str] = []
        self.url = ""

    def answer(self, path: str, value: object) -> None:
        self.answers[path] = value


def _handler(replay: Replay):
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, value: object) -> None:
            body = value if isinstance(value, bytes) else json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/zip" if isinstance(value, bytes) else "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (the name http.server calls)
            replay.reads.append(self.path)
            for key in (self.path, self.path.split("?")[0]):
                if key in replay.answers:
                    return self._reply(200, replay.answers[key])
            return self._reply(404, {"message": "Not Found"})

        def _write(self):
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length) or b"{}")
            replay.writes.append((self.command, self.path, data))
            self._reply(201, {"id": len(replay.writes), "number": 100 + len(replay.writes),
                              "html_url": f"https://github.com/org/portal/pull/{100 + len(replay.writes)}"})

        do_POST = do_PATCH = do_PUT = _write  # noqa: N815

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def github_replay():
    replay = Replay()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    replay.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()

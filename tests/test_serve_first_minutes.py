"""`agora serve` for a newcomer: a port in use is one line, the first build is a build, and live reload reaches every
open tab (ten in Chromium: a browser gives one host six connections, which per-tab event streams used up)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime

from click.testing import CliRunner
from test_build import article

from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.devserver import RELOAD_PATH, WORKER_PATH, Reloads, first_server, make_server

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def _busy_port() -> socket.socket:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken


def test_a_port_in_use_moves_to_the_next_free_one(tmp_path):
    with _busy_port() as taken:
        port = taken.getsockname()[1]
        server, busy = first_server(tmp_path, "127.0.0.1", port, Reloads())
        try:
            # The port after it may be taken too, by anything else on the machine: each taken one is named.
            assert busy == list(range(port, port + len(busy))) and busy[0] == port
            assert server.server_address[1] == port + len(busy)
        finally:
            server.server_close()


def test_a_port_asked_for_and_in_use_is_one_line_and_no_traceback(portal):
    root = portal({"content/articles/a.md": article()})
    with _busy_port() as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--root", str(root), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: port {port} is in use: stop what uses it, or choose another with --port"
    assert not (root / "output").exists()  # said before any build


def test_the_first_build_is_called_built_and_a_save_reports_the_latency_a_browser_sees(portal):
    root = portal({"content/articles/a.md": article()})
    with _busy_port() as taken:
        port = taken.getsockname()[1] + 1  # most likely free; first_server moves on if not
    process = subprocess.Popen([sys.executable, "-m", "agorapress.cli", "--root", str(root), "serve", "--port",
                                str(port)], stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()

    def wait_for(start: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in lines if line.startswith(start)]
            if found:
                return found[0]
            assert process.poll() is None, "".join(lines)
            time.sleep(0.05)
        raise AssertionError(f"no line starting {start!r} in:\n{''.join(lines)}")

    try:
        serving = wait_for("Serving ")
        assert wait_for("built in ") and not [line for line in lines if line.startswith("rebuilt")]
        url = serving.split(" at ", 1)[1].split()[0]
        (root / "content/articles/a.md").write_text(article(body="Edited *text*."), encoding="utf-8")
        wait_for("a.md: page ready ")
        assert b"Edited" in urllib.request.urlopen(url + "articles/a/", timeout=10).read()
        line = wait_for("a.md: page served ")
        assert line.rstrip().endswith(" ms after the save")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_live_reload_reaches_ten_tabs(portal, browser):
    root = portal({"content/articles/a.md": article()})
    out = build(root, now=NOW).output
    reloads = Reloads()
    server = make_server(out, "127.0.0.1", 0, reloads)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    context = browser.new_context()
    try:
        tabs = []
        for _ in range(10):
            tab = context.new_page()
            tab.goto(f"{base}/articles/a/", timeout=10_000)  # the 7th hung while six tabs held a stream each
            tab.evaluate("window.__agoraBefore = true")
            tabs.append(tab)
        # Every tab listens before the change, through the one shared worker.
        time.sleep(0.5)
        reloads.bump()
        for tab in tabs:
            tab.wait_for_function("window.__agoraBefore === undefined", timeout=10_000)
        assert urllib.request.urlopen(base + WORKER_PATH, timeout=5).read().startswith(b"var ports")
        assert RELOAD_PATH.encode() in urllib.request.urlopen(base + WORKER_PATH, timeout=5).read()
    finally:
        context.close()
        server.shutdown()

"""The newsletter workflow run here as the runner would: the edition of the day built by the real `agora digest`,
then handed to a mailing service that a local HTTP server plays, answering as listmonk's and Buttondown's APIs do."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import MINIMAL_CONFIG, write_portal
from workflow_steps import git, run_job

REPO = Path(__file__).resolve().parent.parent
NEWSLETTER_YML = REPO / ".github" / "workflows" / "newsletter.yml"
TOKEN = "api-user:s3cret-t0ken"


class Provider(BaseHTTPRequestHandler):
    """Answers as the provider's API does: 200 (listmonk) or 201 (Buttondown) with the new draft, 401 when the key
    is not the one expected, and records what it was sent."""

    expected: dict[str, str] = {}  # path -> the Authorization header it accepts
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                              "type": self.headers.get("Content-Type"), "body": json.loads(body)})
        if self.expected.get(self.path) != self.headers.get("Authorization"):
            self._send(401 if self.path in self.expected else 404, {"message": "invalid API credentials"})
        elif self.path == "/api/campaigns":
            self._send(200, {"data": {"id": 7, "status": "draft", "name": json.loads(body)["name"]}})
        else:
            self._send(201, {"id": "0f3c", "status": "draft"})

    def _send(self, status: int, answer: dict) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[ThreadingHTTPServer]:
    handler = type("Api", (Provider,), {"expected": {}, "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _portal(tmp_path: Path, provider: str | None, start: str) -> Path:
    """A portal on its main branch whose newsletter starts on `start`, with an article of the day before."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    config = MINIMAL_CONFIG + f"newsletter:\n  frequency: week\n  start: {start}\n  sender: 'Mini <news@example.org>'\n"
    if provider:
        config += f"  provider: {provider}\n  lists: [3]\n"
    yesterday = today.fromordinal(today.toordinal() - 1).isoformat()
    repo = write_portal(tmp_path / "main", {
        "content/articles/hello.md": f"---\ntitle: Hello bikes\ndate: {yesterday}\nauthors: [ana]\n---\nThe text.\n"},
        config=config)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main")
    return repo


def _today() -> str:
    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


def _send(repo: Path, runner_temp: Path, provider_name: str, api_url: str, token: str = TOKEN):
    values = {"needs.edition.outputs.provider": provider_name, "secrets.NEWSLETTER_TOKEN": token,
              "vars.NEWSLETTER_API_URL": api_url}
    return run_job(NEWSLETTER_YML, "send", repo, values, runner_temp)


def test_the_send_job_runs_no_repository_code_and_alone_sees_the_secret():
    workflow = yaml.safe_load(NEWSLETTER_YML.read_text(encoding="utf-8"))
    edition, send = workflow["jobs"]["edition"], workflow["jobs"]["send"]
    assert "secrets." not in json.dumps(edition)
    assert send["environment"] == {"name": "newsletter"} and send["permissions"] == {}
    assert not any("checkout" in step.get("uses", "") or "agora" in step.get("run", "") for step in send["steps"])
    secret_steps = [step["name"] for step in send["steps"] if "secrets." in json.dumps(step)]
    assert secret_steps == ["Hand the edition to the mailing service"]


def test_an_edition_day_builds_the_edition_and_hands_it_to_listmonk(tmp_path, provider):
    repo = _portal(tmp_path, "listmonk", _today())
    runner_temp = tmp_path / "runner-temp"
    built = run_job(NEWSLETTER_YML, "edition", repo, {}, runner_temp)
    assert not built.failed, built.stderr
    assert built.outputs["build"] == {"due": "true", "provider": "listmonk"}
    folder = built.uploads["edition"]
    assert (folder / f"edition-{_today()}.eml").is_file()
    assert f"Edition of {_today()}" in built.summary

    provider.RequestHandlerClass.expected.update({"/api/campaigns": f"token {TOKEN}"})
    sent = _send(repo, runner_temp, "listmonk", f"http://127.0.0.1:{provider.server_port}/")
    assert not sent.failed, sent.stderr
    (request,) = provider.RequestHandlerClass.received
    assert request["path"] == "/api/campaigns" and request["type"] == "application/json"
    body = request["body"]
    assert body["lists"] == [3] and body["content_type"] == "html" and body["type"] == "regular"
    assert body["body"] == (folder / f"edition-{_today()}.html").read_text(encoding="utf-8")
    assert body["altbody"] == (folder / f"edition-{_today()}.txt").read_text(encoding="utf-8")
    assert "Hello bikes" in body["altbody"]
    assert "Handed to listmonk as a draft (HTTP 200)" in sent.summary
    assert not (runner_temp / "auth").exists()  # the header file with the key is gone
    assert TOKEN not in sent.stdout + sent.stderr + sent.summary


def test_buttondown_gets_a_draft_and_a_refused_key_fails_the_job_without_showing_it(tmp_path, provider):
    repo = _portal(tmp_path, "buttondown", _today())
    runner_temp = tmp_path / "runner-temp"
    assert not run_job(NEWSLETTER_YML, "edition", repo, {}, runner_temp).failed
    api = f"http://127.0.0.1:{provider.server_port}/v1"
    provider.RequestHandlerClass.expected.update({"/v1/emails": f"Token {TOKEN}"})
    sent = _send(repo, runner_temp, "buttondown", api)
    assert not sent.failed, sent.stderr
    assert provider.RequestHandlerClass.received[-1]["body"]["status"] == "draft"
    assert "(HTTP 201)" in sent.summary

    refused = _send(repo, runner_temp, "buttondown", api, token="wrong-key")
    assert refused.failed
    assert "buttondown answered HTTP 401" in refused.stderr and "invalid API credentials" in refused.stderr
    assert "wrong-key" not in refused.stdout + refused.stderr


def test_a_day_without_edition_builds_nothing_and_sends_nothing(tmp_path):
    repo = _portal(tmp_path, "listmonk", "2099-01-04")
    built = run_job(NEWSLETTER_YML, "edition", repo, {}, tmp_path / "runner-temp")
    assert not built.failed, built.stderr
    assert built.outputs["build"] == {"due": "false"}
    assert built.uploads == {} and "Keep the edition's files" in built.skipped
    assert "No edition is dated today." in built.summary

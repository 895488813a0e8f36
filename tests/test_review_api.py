"""`agora review --github-event`: reviews, files and item authors read from GitHub's API, here a local server
replaying recorded responses (two pages of reviews, joined by a Link header)."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG
from test_committee import COMMITTEE

from agorapress.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "github"
REPO_PATH = "/repos/agora-press/agora-press"
TOKEN = "test-token-not-a-secret"
NOW = "2026-11-22T12:00:00+01:00"
PROFILES = {f"content/contributors/{handle}.md": f"---\nname: {handle.title()}\ngithub: {login}\n---\nBio.\n"
            for handle, login in {"amelie": "amelie-durand", "elise": "elise-bertrand", "farid": "farid-haddad",
                                  "chloe": "chloe-nguyen", "bastien": "bastien-morel", "hugo": "hugo-lefevre"}.items()}


class Recorded(BaseHTTPRequestHandler):
    """GitHub's API as recorded: the paths below, with the bearer token required."""

    routes: dict = {}
    seen: list = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.seen.append((self.path, self.headers.get("Authorization"), self.headers.get("X-GitHub-Api-Version")))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"message": "Bad credentials"})
        route = self.routes.get(self.path)
        if route is None:
            return self._send(404, {"message": "Not Found"})
        body, link = route
        self._send(200, body, link.replace("{base}", f"http://127.0.0.1:{self.server.server_port}") if link else None)

    def _send(self, status: int, body, link: str | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if link:
            self.send_header("Link", link)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def api(monkeypatch):
    """A local server with the recorded answers; GITHUB_API_URL points at it."""
    event = fixture("event-pull-request-review.json")
    head = event["pull_request"]["head"]["sha"]
    # GitHub's next links use the repository's id, not its name: followed as given.
    routes = {
        f"{REPO_PATH}/pulls/42/reviews?per_page=100": (
            fixture("reviews-page-1.json"),
            '<{base}/repositories/123456/pulls/42/reviews?per_page=100&page=2>; rel="next", '
            '<{base}/repositories/123456/pulls/42/reviews?per_page=100&page=2>; rel="last"'),
        "/repositories/123456/pulls/42/reviews?per_page=100&page=2": (
            fixture("reviews-page-2.json"),
            '<{base}/repositories/123456/pulls/42/reviews?per_page=100&page=1>; rel="prev", '
            '<{base}/repositories/123456/pulls/42/reviews?per_page=100&page=1>; rel="first"'),
        f"{REPO_PATH}/pulls/42/files?per_page=100": (fixture("files-page-1.json"), None),
        f"{REPO_PATH}/contents/content/articles/reparer-son-velo.md?ref={head}": (
            fixture("contents-reparer-son-velo.json"), None),
    }
    handler = type("Handler", (Recorded,), {"routes": routes, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    yield handler
    server.shutdown()
    server.server_close()


def review(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), "review", "--github-event",
                                     str(FIXTURES / "event-pull-request-review.json"), "--now", NOW, *args],
                              catch_exceptions=False)


def test_reviews_files_and_authors_come_from_the_api(portal, api) -> None:
    root = portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)
    result = review(root, "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    # amelie asked for changes on an older commit, then approved the head (page 2); chloe approved (page 2).
    assert decision["approved"] == ["amelie", "chloe"] and decision["met"] is True and decision["needed"] == 2
    assert [r["area"] for r in decision["requirements"]] == ["articles", "media"]
    why = {entry["login"]: entry["why"] for entry in decision["not_counted"]}
    # elise wrote the new article with hugo (read at the head commit through the contents API): her approval does
    # not count toward the quorum; it is her consent to being credited.
    assert why == {"Elise-Bertrand": "elise is among the people of content/articles/reparer-son-velo.md: their approval "
                                     "is their consent, not a committee approval",
                   "bastien-morel": "bastien is a former member (term ended 2026-01-09)"}
    assert [(c["handle"], c["field"], c["given"], c["why"]) for c in decision["consents"]] == [
        ("elise", "authors[1]", True, "approved the latest commit")]
    paths = [path for path, _, _ in api.seen]
    assert "/repositories/123456/pulls/42/reviews?per_page=100&page=2" in paths  # the Link header was followed
    assert {auth for _, auth, _ in api.seen} == {f"Bearer {TOKEN}"}
    assert {version for _, _, version in api.seen} == {"2022-11-28"}


def test_a_co_author_who_has_not_approved_holds_the_decision(portal, api) -> None:
    first_page, link = api.routes[f"{REPO_PATH}/pulls/42/reviews?per_page=100"]
    api.routes[f"{REPO_PATH}/pulls/42/reviews?per_page=100"] = (
        [entry for entry in first_page if entry["user"]["login"] != "Elise-Bertrand"], link)
    result = review(portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE), "--format", "json")
    assert result.exit_code == 1
    decision = json.loads(result.output)
    assert decision["approved"] == ["amelie", "chloe"] and decision["missing"] == 0
    assert decision["missing_consents"] == ["elise"] and decision["met"] is False


def contents(text: str) -> dict:
    """GitHub's contents API answer for a small file."""
    return {"type": "file", "encoding": "base64", "content": base64.b64encode(text.encode("utf-8")).decode("ascii")}


def config_at_head(api, text: str) -> None:
    head = fixture("event-pull-request-review.json")["pull_request"]["head"]["sha"]
    api.routes[f"{REPO_PATH}/contents/site_config.yaml?ref={head}"] = (contents(text), None)


def test_given_files_are_not_fetched(portal, api) -> None:
    root = portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)
    config_at_head(api, MINIMAL_CONFIG + COMMITTEE + "# a comment\n")  # the seats are unchanged
    result = review(root, "--changed", "site_config.yaml")
    # Governance: three of the four members. elise counts here: she wrote no file of this pull request.
    assert result.exit_code == 0
    assert result.output.startswith("quorum met: 3 of 3 approval(s) counted")
    assert not any("/files" in path for path, _, _ in api.seen)


def test_a_next_page_on_another_host_is_not_followed(portal, api) -> None:
    api.routes[f"{REPO_PATH}/pulls/42/reviews?per_page=100"] = (
        [], '<https://elsewhere.example/steal?page=2>; rel="next"')
    result = review(portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE))
    assert result.exit_code == 2
    assert "the next page is on another host (elsewhere.example); not followed" in result.output


def test_api_errors_and_a_missing_token_exit_2(portal, api, monkeypatch) -> None:
    root = portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)
    del api.routes[f"{REPO_PATH}/pulls/42/reviews?per_page=100"]
    result = review(root)
    assert result.exit_code == 2 and "HTTP 404: Not Found" in result.output
    monkeypatch.delenv("GITHUB_TOKEN")
    result = review(root)
    assert result.exit_code == 2 and "GITHUB_TOKEN is not set" in result.output


def test_a_member_approving_a_change_to_their_own_seat_does_not_count(portal, api) -> None:
    # The pull request extends elise's term, read at its head through the contents API: she approved it, but her
    # approval is not a committee approval, so two of the three approvals governance needs are counted.
    root = portal(PROFILES, config=MINIMAL_CONFIG + COMMITTEE)
    extended = COMMITTEE.replace("{handle: elise, role: section-editor, sections: [articles, interviews], "
                                 "from: 2026-01-10, to: 2026-12-31}",
                                 "{handle: elise, role: section-editor, sections: [articles, interviews], "
                                 "from: 2026-01-10, to: 2027-12-31}")
    assert extended != COMMITTEE
    config_at_head(api, MINIMAL_CONFIG + extended)
    result = review(root, "--changed", "site_config.yaml", "--format", "json")
    assert result.exit_code == 1, result.output
    decision = json.loads(result.output)
    assert decision["approved"] == ["amelie", "chloe"] and decision["needed"] == 3
    assert decision["recused"] == [{"handle": "elise", "why": "elise is recused: the change modifies their own seat "
                                                              "in site_config.yaml"}]
    text = review(root, "--changed", "site_config.yaml").output
    assert "recused: elise (@elise-bertrand): elise is recused: the change modifies their own seat" in text

"""Reading a pull request's reviews and files from GitHub's REST API, with the standard library only.

The pull request is named by the event file GitHub Actions writes (`GITHUB_EVENT_PATH`); the token
comes from `GITHUB_TOKEN`; `GITHUB_API_URL` points at GitHub Enterprise (or, in tests, a local server).
Pages are followed through the `Link: <...>; rel="next"` header, and only on the API's own host, so
the token is never sent anywhere else.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..problems import AgoraError

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
MAX_PAGES = 50  # 5,000 reviews or files: beyond that something is wrong, not slow
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class PullRequestRef:
    """The pull request an event is about, and what the event says of it."""

    repository: str  # owner/name
    number: int
    author: str | None
    head: str | None


def read_event(path: Path) -> PullRequestRef:
    """The pull request of a `pull_request` or `pull_request_review` event file."""
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AgoraError(f"--github-event {path}: cannot read the event ({exc})") from None
    pr = event.get("pull_request") if isinstance(event, dict) else None
    repo = event.get("repository", {}).get("full_name") if isinstance(event, dict) else None
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int) or not isinstance(repo, str):
        raise AgoraError(f"--github-event {path}: not a pull request event (no pull_request.number or repository.full_name)")
    user = pr.get("user") if isinstance(pr.get("user"), dict) else {}
    head = pr.get("head") if isinstance(pr.get("head"), dict) else {}
    return PullRequestRef(repo, pr["number"], user.get("login"), head.get("sha"))


class GitHubApi:
    """A client for the few endpoints the committee needs: reads, and opening the committee's reminder issue."""

    def __init__(self, token: str | None = None, base: str | None = None, timeout: float = 30.0):
        self.token = token if token is not None else os.environ.get("GITHUB_TOKEN", "")
        self.base = (base or os.environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
        self.timeout = timeout
        if urlsplit(self.base).scheme not in ("http", "https"):
            raise AgoraError(f"GITHUB_API_URL must be an http(s) address, not {self.base!r}")
        if not self.token:
            raise AgoraError("GITHUB_TOKEN is not set: the reviews cannot be read from GitHub "
                             "(in a workflow: env: GITHUB_TOKEN: ${{ github.token }})")

    def reviews(self, pr: PullRequestRef) -> list[dict]:
        """Every review of the pull request, oldest first, as the API returns them."""
        return self._all(f"/repos/{_repo_path(pr.repository)}/pulls/{pr.number}/reviews?per_page=100")

    def files(self, pr: PullRequestRef) -> list[str]:
        """Every path the pull request changes; a renamed file counts under its old path too."""
        paths = []
        for entry in self._all(f"/repos/{_repo_path(pr.repository)}/pulls/{pr.number}/files?per_page=100"):
            for key in ("filename", "previous_filename"):
                if isinstance(entry, dict) and isinstance(entry.get(key), str):
                    paths.append(entry[key])
        return sorted(set(paths))

    def text_at(self, pr: PullRequestRef, path: str, ref: str) -> str | None:
        """The text of `path` at commit `ref` (the head of the pull request), or None when it is not there."""
        url = f"{self.base}/repos/{_repo_path(pr.repository)}/contents/{quote(path)}?ref={quote(ref, safe='')}"
        try:
            data, _ = self._get(url)
        except _NotFound:
            return None
        if not isinstance(data, dict) or data.get("encoding") != "base64" or not isinstance(data.get("content"), str):
            return None  # a folder, a symbolic link or a file too large for this endpoint: nobody to name
        try:
            return base64.b64decode(data["content"]).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            return None

    def closed_pull_requests(self, repository: str) -> list[dict]:
        """The repository's closed pull requests, most recently updated first."""
        found = self._all(f"/repos/{_repo_path(repository)}/pulls?state=closed&sort=updated&direction=desc&per_page=100")
        return [entry for entry in found if isinstance(entry, dict)]

    def open_issues(self, repository: str) -> list[dict]:
        """The repository's open issues (and pull requests, as the API lists them)."""
        return self._all(f"/repos/{_repo_path(repository)}/issues?state=open&per_page=100")

    def create_issue(self, repository: str, title: str, body: str) -> dict:
        """Open an issue; the token needs `issues: write`."""
        return self._send("POST", f"{self.base}/repos/{_repo_path(repository)}/issues",
                          {"title": title, "body": body})

    def _send(self, method: str, url: str, payload: dict) -> dict:
        request = urllib.request.Request(url, method=method, data=json.dumps(payload).encode("utf-8"), headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "agora-press",
            "Content-Type": "application/json",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only, checked)
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = _message(exc.read())
            raise AgoraError(f"GitHub API {method} {_display(url)}: HTTP {exc.code}{': ' + detail if detail else ''}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AgoraError(f"GitHub API {method} {_display(url)}: {getattr(exc, 'reason', exc)}") from None
        try:
            data = json.loads(body)
        except ValueError:
            raise AgoraError(f"GitHub API {method} {_display(url)}: the answer is not JSON") from None
        return data if isinstance(data, dict) else {}

    def _all(self, path: str) -> list:
        url: str | None = self.base + path
        results: list = []
        for _ in range(MAX_PAGES):
            if url is None:
                return results
            page, link = self._get(url)
            if not isinstance(page, list):
                raise AgoraError(f"GitHub API {_display(url)}: expected a list, got {type(page).__name__}")
            results += page
            url = self._next(link)
        raise AgoraError(f"GitHub API {_display(path)}: more than {MAX_PAGES} pages")

    def _next(self, link: str | None) -> str | None:
        match = _NEXT.search(link or "")
        if match is None:
            return None
        url = match.group(1)
        here, there = urlsplit(self.base), urlsplit(url)
        # The token goes with every request: never follow a link to another host.
        if (there.scheme, there.netloc) != (here.scheme, here.netloc):
            raise AgoraError(f"GitHub API: the next page is on another host ({there.netloc}); not followed")
        return url

    def _get(self, url: str) -> tuple[object, str | None]:
        request = urllib.request.Request(url, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "agora-press",
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only, checked)
                body = response.read()
                link = response.headers.get("Link")
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and "/contents/" in url:
                raise _NotFound(url) from None
            detail = _message(exc.read())
            raise AgoraError(f"GitHub API {_display(url)}: HTTP {exc.code}{': ' + detail if detail else ''}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AgoraError(f"GitHub API {_display(url)}: {getattr(exc, 'reason', exc)}") from None
        try:
            return json.loads(body), link
        except ValueError:
            raise AgoraError(f"GitHub API {_display(url)}: the answer is not JSON") from None


class _NotFound(Exception):
    """A file that is not at that commit."""


def _repo_path(repository: str) -> str:
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise AgoraError(f"'{repository}' is not owner/name")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"


def _display(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("message", "")) if isinstance(data, dict) else ""

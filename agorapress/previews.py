"""Hosted previews of pull requests: which pull request a run is about, whether its preview may be built with the
default branch's code (its changes are all under content/, or a committee member asked), and, at each deployment,
the open pull requests' previews gathered from their artifacts under previews/pr-N/ of the site (docs/developers/
previews.md explains the design).

Every answer of GitHub's API and every byte of an artifact is data: numbers are checked as numbers, commits as
40 hex digits, zip members as plain relative paths, and the token is only ever sent to the API's own host."""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
import subprocess
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from .build.audit import survey
from .build.preview import PREVIEWS_DIR, preview_path
from .committee.github_api import API_VERSION, GitHubApi, _repo_path
from .content.loader import CONTENT_DIR
from .problems import AgoraError

#: The comment a committee member writes on a pull request that changes more than content/: the command, then the
#: commit it vouches for (its first 7 to 40 hex digits). A later push needs a new command.
COMMAND = re.compile(r"/preview[ \t]+([0-9a-f]{7,40})[ \t]*", re.IGNORECASE)
#: Who may ask: GitHub's permission on the repository (the committee holds write access, see HARDENING.md).
TRUSTED_PERMISSIONS = frozenset({"admin", "maintain", "write"})
ARTIFACT_PREFIX = "preview-pr-"
#: The only runs whose preview artifacts a deployment takes: previews.yml, on the events that always run the
#: default branch's copy of it (never pull_request, which runs the pull request's own copy).
TRUSTED_WORKFLOW = ".github/workflows/previews.yml"
TRUSTED_EVENTS = frozenset({"workflow_run", "issue_comment"})
MAX_PREVIEW_BYTES = 200 * 1024 * 1024  # one preview, unpacked
MAX_PREVIEW_FILES = 50_000
MAX_ZIP_BYTES = 100 * 1024 * 1024
_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Target:
    """The pull request a run previews."""

    number: int
    head_sha: str
    requested_by: str | None = None  # the committee member whose /preview command started this run


class Api(GitHubApi):
    """The few endpoints previews need, on top of the committee's read-only client."""

    def __init__(self, repository: str, **kwargs):
        super().__init__(**kwargs)
        self.repo = _repo_path(repository)

    def pull(self, number: int) -> dict:
        data, _ = self._get(f"{self.base}/repos/{self.repo}/pulls/{int(number)}")
        return data if isinstance(data, dict) else {}

    def open_pulls(self) -> list[dict]:
        return [p for p in self._all(f"/repos/{self.repo}/pulls?state=open&per_page=100") if isinstance(p, dict)]

    def comments(self, number: int) -> list[dict]:
        return [c for c in self._all(f"/repos/{self.repo}/issues/{int(number)}/comments?per_page=100")
                if isinstance(c, dict)]

    def permission(self, login: str) -> str:
        data, _ = self._get(f"{self.base}/repos/{self.repo}/collaborators/{quote(login, safe='')}/permission")
        return str(data.get("permission", "none")) if isinstance(data, dict) else "none"

    def artifacts(self, name: str) -> list[dict]:
        data, _ = self._get(f"{self.base}/repos/{self.repo}/actions/artifacts?name={quote(name)}&per_page=100")
        found = data.get("artifacts") if isinstance(data, dict) else None
        return [a for a in found or [] if isinstance(a, dict)]

    def send(self, method: str, path: str, payload: dict) -> dict:
        """POST or PATCH JSON to the API (the token goes to the API's host only)."""
        request = urllib.request.Request(f"{self.base}{path}", method=method, data=json.dumps(payload).encode(),
                                         headers={"Accept": "application/vnd.github+json", "User-Agent": "agora-press",
                                                  "X-GitHub-Api-Version": API_VERSION, "Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                answer = response.read()
        except urllib.error.HTTPError as exc:
            raise AgoraError(f"GitHub API {method} {path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AgoraError(f"GitHub API {method} {path}: {getattr(exc, 'reason', exc)}") from None
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    def put_comment(self, number: int, marker: str, body: str) -> None:
        """One comment of ours per issue or pull request, found by its first line and updated in place."""
        mine = [c for c in self.comments(number) if (c.get("user") or {}).get("login") == "github-actions[bot]"
                and str(c.get("body", "")).startswith(marker) and type(c.get("id")) is int]
        if mine:
            self.send("PATCH", f"/repos/{self.repo}/issues/comments/{mine[0]['id']}", {"body": body})
        else:
            self.send("POST", f"/repos/{self.repo}/issues/{int(number)}/comments", {"body": body})

    def trusted_run(self, run_id: object) -> bool:
        """Whether a workflow run is previews.yml run by GitHub from the default branch (after the check, or for a
        /preview comment): any workflow of a pull request, a fork's included, can upload an artifact of any name,
        and its pull_request runs use the pull request's own workflow files. Those are never gathered."""
        if type(run_id) is not int:
            return False
        data, _ = self._get(f"{self.base}/repos/{self.repo}/actions/runs/{run_id}")
        return (isinstance(data, dict) and data.get("path") == TRUSTED_WORKFLOW
                and data.get("event") in TRUSTED_EVENTS and data.get("conclusion") == "success")

    def download(self, artifact_id: int, limit: int = MAX_ZIP_BYTES) -> bytes:
        """An artifact's zip. GitHub answers with a redirect to its storage: the token is sent to the API only
        (an unredirected header), never to the host it redirects to."""
        request = urllib.request.Request(f"{self.base}/repos/{self.repo}/actions/artifacts/{int(artifact_id)}/zip",
                                         headers={"Accept": "application/vnd.github+json", "User-Agent": "agora-press",
                                                  "X-GitHub-Api-Version": API_VERSION})
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                data = response.read(limit + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AgoraError(f"artifact {artifact_id}: cannot download it ({getattr(exc, 'reason', exc)})") from None
        if len(data) > limit:
            raise AgoraError(f"artifact {artifact_id}: larger than {limit} bytes")
        return data


# -- which pull request, and may it be previewed ----------------------------------------------------------------------

def target_of(event: dict, api: Api) -> Target | None:
    """The pull request of a `workflow_run` (the check finished) or `issue_comment` (/preview) event, or None when
    the event is about no open pull request whose head is the commit in question."""
    if isinstance(event.get("workflow_run"), dict):
        run = event["workflow_run"]
        head = str(run.get("head_sha", ""))
        if run.get("event") != "pull_request" or not _SHA.fullmatch(head):
            return None
        # The number GitHub names (empty for forks), else the open pull request whose head is the checked commit.
        named = [p.get("number") for p in run.get("pull_requests") or [] if isinstance(p, dict)]
        candidates = [api.pull(n) for n in named if type(n) is int] or api.open_pulls()
        matching = [p for p in candidates if p.get("state") == "open" and (p.get("head") or {}).get("sha") == head]
        return Target(matching[0]["number"], head) if len(matching) == 1 else None
    issue, comment = event.get("issue"), event.get("comment")
    if isinstance(issue, dict) and isinstance(comment, dict) and isinstance(issue.get("pull_request"), dict) \
            and type(issue.get("number")) is int:
        match = COMMAND.fullmatch(str(comment.get("body", "")).strip())
        login = str((comment.get("user") or {}).get("login", ""))
        if match is None or not login:
            return None
        pr = api.pull(issue["number"])
        head = str((pr.get("head") or {}).get("sha", ""))
        if pr.get("state") != "open" or not _SHA.fullmatch(head) or not head.startswith(match.group(1).lower()):
            return None  # a command for an older commit: the new commits are not vouched for
        if api.permission(login) not in TRUSTED_PERMISSIONS:
            return None
        return Target(issue["number"], head, requested_by=login)
    return None


def outside_content(repo: Path, base: str, head: str) -> list[str]:
    """The paths a pull request changes outside content/, or as a link or submodule anywhere (git's raw modes:
    120000, 160000): what the default branch's code could not treat as data."""
    for sha in (base, head):
        if not _SHA.fullmatch(sha):
            raise AgoraError(f"{sha!r} is not a commit (40 hex digits)")
    done = subprocess.run(["git", "diff", "--raw", "--no-renames", "-z", f"{base}...{head}"], cwd=repo,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise AgoraError(f"git diff {base[:7]}...{head[:7]}: {done.stderr.decode(errors='replace').strip()}")
    fields = done.stdout.split(b"\0")
    outside = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(b":"):
            continue
        old_mode, new_mode = meta[1:].split(b" ")[:2]
        name = path.decode("utf-8", errors="replace")
        special = {b"120000", b"160000"} & {old_mode, new_mode}
        if special or not name.startswith(f"{CONTENT_DIR}/"):
            outside.append(name)
    return sorted(outside)


def requested(api: Api, number: int, head_sha: str) -> str | None:
    """The committee member who asked, on the pull request, for a preview of exactly this commit; else None."""
    for comment in api.comments(number):
        match = COMMAND.fullmatch(str(comment.get("body", "")).strip())
        login = str((comment.get("user") or {}).get("login", ""))
        if match and login and head_sha.startswith(match.group(1).lower()) and api.permission(login) in TRUSTED_PERMISSIONS:
            return login
    return None


# -- the deployment: the site and the open previews -------------------------------------------------------------------

def gather(api: Api, site: Path) -> list[tuple[int, str]]:
    """Unpack into `site`/previews/pr-N/ the newest preview of each open pull request; what happened to each.
    A closed pull request's preview is simply not gathered again: the next deployment no longer has it."""
    target = site / PREVIEWS_DIR
    if target.exists() or target.is_symlink():
        raise AgoraError(f"{target} exists: the site's own build never writes {PREVIEWS_DIR}/")
    outcome = []
    for pr in sorted(api.open_pulls(), key=lambda p: p.get("number", 0)):
        number = pr.get("number")
        if type(number) is not int or number < 1:
            continue
        artifacts = [a for a in api.artifacts(f"{ARTIFACT_PREFIX}{number}")
                     if a.get("name") == f"{ARTIFACT_PREFIX}{number}" and not a.get("expired") and type(a.get("id")) is int]
        # Newest first; only an artifact of a previews.yml run on the default branch counts (see trusted_run).
        artifacts.sort(key=lambda a: str(a.get("created_at", "")), reverse=True)
        chosen = next((a for a in artifacts if api.trusted_run((a.get("workflow_run") or {}).get("id"))), None)
        if chosen is None:
            outcome.append((number, "no preview (none built, or it expired)"))
            continue
        try:
            unpack(api.download(chosen["id"]), site / preview_path(number))
        except AgoraError as exc:
            shutil.rmtree(site / preview_path(number), ignore_errors=True)
            outcome.append((number, f"left out: {exc}"))
            continue
        outcome.append((number, "published"))
    return outcome


def unpack(data: bytes, folder: Path) -> None:
    """A preview's zip into `folder`: regular files at plain relative paths only, bounded in count and size, then
    the build's own audit of the result (file types, dotfiles, links)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise AgoraError("not a zip file") from None
    members = archive.infolist()
    if len(members) > MAX_PREVIEW_FILES or sum(m.file_size for m in members) > MAX_PREVIEW_BYTES:
        raise AgoraError(f"more than {MAX_PREVIEW_FILES} files or {MAX_PREVIEW_BYTES} bytes")
    folder.mkdir(parents=True)
    try:
        _extract(archive, members, folder)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise AgoraError(f"a broken zip: {exc}") from None
    found = survey(folder)
    if found.problems:
        raise AgoraError("the preview failed the output audit: " + "; ".join(p.message for p in found.problems[:3]))


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: Path) -> None:
    for member in members:
        name = PurePosixPath(member.filename)
        mode = member.external_attr >> 16
        if member.is_dir():
            continue
        if (name.is_absolute() or ".." in name.parts or "\\" in member.filename or not name.parts
                or (mode and not stat.S_ISREG(mode))):
            raise AgoraError(f"{member.filename!r} is not a plain file at a relative path")
        path = folder.joinpath(*name.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, open(path, "xb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        # zipfile reads no more than the size the member declares, and checks its CRC at the end.
        if path.stat().st_size != member.file_size:
            raise AgoraError(f"{member.filename!r}: its size differs from what the zip says")


def pages_url(site_url: str, number: int) -> str:
    """The address of pull request `number`'s preview."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https"):
        raise AgoraError(f"{site_url!r} is not a web address")
    return site_url.rstrip("/") + "/" + preview_path(number)


def read_event(path: Path) -> dict:
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AgoraError(f"cannot read the event {path}: {exc}") from None
    if not isinstance(event, dict):
        raise AgoraError(f"{path}: not an event")
    return event

"""Hosted previews, end to end through the exact steps of previews.yml and deploy.yml: a fork's pull request in a
real Git repository, GitHub's API replayed on localhost, the real `agora`."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, write_portal
from github_replay import github_replay
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workflow_steps import JobRun, git, run_job

from agorapress.changes import Changes, compare, render_markdown
from agorapress.previews import unpack
from agorapress.problems import AgoraError

PREVIEWS_YML = REPO / ".github" / "workflows" / "previews.yml"
DEPLOY_YML = REPO / ".github" / "workflows" / "deploy.yml"
NUMBER = 42
SITE = "https://example.org/mini/"
PREVIEW = f"{SITE}previews/pr-{NUMBER}/"
ARTICLE = "---\ntitle: {title}\ndate: {date}\nauthors: [ana]\n{extra}---\n{body}\n"
EVENT = ("---\ntitle: Repair evening\ndate: 2026-01-02\nauthors: [ana]\nstart: 2027-03-14T19:00:00+01:00\n"
         "end: 2027-03-14T21:00:00+01:00\norganizers: [ana]\nlocation:\n  name: The hall\n---\nCome along.\n")


def _repository(tmp_path: Path, change) -> dict:
    """main holds a tiny portal and the workflows; a fork's commit (`change`) is the head of pull request 42, kept
    by GitHub in the base repository as refs/pull/42/head; origin is the repository itself, as on GitHub."""
    repo = tmp_path / "portal"
    write_portal(repo, {"content/articles/old.md": ARTICLE.format(title="Old news", date="2026-01-01", extra="",
                                                                 body="Already there."),
                        "pyproject.toml": "[project]\nname = \"mini\"\nversion = \"0\"\n"})
    (repo / ".github").mkdir()
    import shutil

    shutil.copytree(REPO / ".github" / "workflows", repo / ".github" / "workflows")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The portal")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "fork")
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "From a fork")
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "fork")
    git(repo, "update-ref", f"refs/pull/{NUMBER}/head", head)
    git(repo, "remote", "add", "origin", str(repo))
    return {"repo": repo, "base": base, "head": head}


def _content_only(repo: Path) -> None:
    (repo / "content" / "articles" / "from-a-fork.md").write_text(ARTICLE.format(
        title="Notes from the repair café", date="2026-02-01", extra="", body="We fixed lamps."), encoding="utf-8")
    (repo / "content" / "articles" / "draft.md").write_text(ARTICLE.format(
        title="Half written", date="2026-02-01", extra="status: draft\n", body="Soon."), encoding="utf-8")
    (repo / "content" / "articles" / "later.md").write_text(ARTICLE.format(
        title="For next year", date="2031-02-01", extra="", body="Scheduled."), encoding="utf-8")
    (repo / "content" / "events").mkdir()
    (repo / "content" / "events" / "repair-evening.md").write_text(EVENT, encoding="utf-8")
    (repo / "content" / "articles" / "old.md").unlink()


def _touches_theme(repo: Path) -> None:
    _content_only(repo)
    override = repo / "themes" / "agora" / "templates" / "partials" / "site_footer.html"
    override.parent.mkdir(parents=True)
    override.write_text("<footer>changed by the pull request</footer>\n", encoding="utf-8")


def _pull(pr: dict, state: str = "open") -> dict:
    return {"number": NUMBER, "state": state, "head": {"sha": pr["head"], "ref": "my-text", "user": {"login": "bob-forks"}}}


def _run(pr: dict, tmp_path: Path, api, event: dict, job: str = "build", workflow: Path = PREVIEWS_YML,
         extra: dict | None = None) -> JobRun:
    tmp_path.mkdir(parents=True, exist_ok=True)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    values = {"github.token": "a-read-only-token", "github.repository": "org/portal", **(extra or {})}
    return run_job(workflow, job, pr["repo"], values, tmp_path / "runner-temp",
                   {"GITHUB_EVENT_PATH": str(event_path), "GITHUB_API_URL": api.url})


def _check_finished(pr: dict) -> dict:
    # A fork's pull request: GitHub names no pull request in the event; the open one with this head is found.
    return {"workflow_run": {"event": "pull_request", "head_sha": pr["head"], "pull_requests": [], "conclusion": "success"}}


def _answer_pull(api, pr: dict, comments: list | None = None, state: str = "open") -> None:
    api.answer("/repos/org/portal/pulls", [_pull(pr)] if state == "open" else [])
    api.answer(f"/repos/org/portal/pulls/{NUMBER}", _pull(pr, state))
    api.answer(f"/repos/org/portal/issues/{NUMBER}/comments", comments or [])


ISSUE = {"number": NUMBER, "pull_request": {"url": f"https://api.github.com/repos/org/portal/pulls/{NUMBER}"}}


def _zip(folder: Path) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return data.getvalue()


def _deploy(pr: dict, tmp_path: Path, api) -> Path:
    git(pr["repo"], "checkout", "-q", "-f", "main")
    values = {"github.event_name": "workflow_run", "github.event.schedule": ""}
    result = _run(pr, tmp_path, api, {}, "build", DEPLOY_YML, values)
    assert not result.failed, result.stderr + result.stdout
    return result.uploads["github-pages"]


def _page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def test_a_content_only_fork_pull_request_gets_a_preview_until_it_is_closed(tmp_path):
    pr = _repository(tmp_path, _content_only)
    with github_replay() as api:
        _answer_pull(api, pr)
        result = _run(pr, tmp_path / "previews", api, _check_finished(pr))
        assert not result.failed, result.stderr + result.stdout
        assert result.outputs["pr"] == {"number": str(NUMBER), "head_sha": pr["head"], "requested_by": ""}
        assert result.outputs["scope"] == {"build": "true"}
        site = result.uploads["preview-pr-${{ steps.pr.outputs.number }}"]
        article = _page(site / "articles" / "from-a-fork" / "index.html")
        banner = article.select_one("p.preview-banner")
        # The tiny portal speaks French: the banner too.
        assert banner is not None and banner.get_text() == f"Aperçu de la demande de fusion n° {NUMBER}, non publié"
        assert article.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert article.find("link", rel="canonical")["href"] == f"{PREVIEW}articles/from-a-fork/"
        # Drafts and scheduled items of the pull request are in its preview; it has no sitemap of its own.
        assert (site / "articles" / "draft" / "index.html").is_file()
        assert (site / "articles" / "later" / "index.html").is_file()
        assert not (site / "sitemap.xml").exists() and not (site / "robots.txt").exists()
        # "What changes": computed from the base's build and the pull request's, each page linked in the preview.
        changes = (result.uploads["preview-info"] / "changes.md").read_text(encoding="utf-8")
        assert "- [/articles/from-a-fork/ (Notes from the repair café" in changes
        assert f"]({PREVIEW}articles/from-a-fork/)" in changes
        assert "**Pages removed** (1)" in changes and "- /articles/old/" in changes
        assert "**Feed entries that will appear**" in changes and "- Notes from the repair café" in changes
        assert "**Calendar events that will appear** (1)" in changes and "Repair evening, 2027-03-14T19:00:00+01:00" in changes
        # The workflow read nothing but content/ from the pull request.
        assert git(pr["repo"], "diff", "--name-only", pr["head"], "--", "content") == ""
        assert git(pr["repo"], "status", "--porcelain", "--", ".", ":!content") == ""

        # The comment job: the address and what changes, on the pull request (one comment, updated).
        comment_dir = tmp_path / "comment" / "runner-temp"
        comment_dir.mkdir(parents=True)
        import shutil

        shutil.copytree(result.uploads["preview-info"], comment_dir / "preview-info")
        git(pr["repo"], "checkout", "-q", "-f", "main")
        posted = _run(pr, tmp_path / "comment", api, {}, "comment",
                      extra={"needs.build.outputs.number": str(NUMBER), "needs.build.outputs.head_sha": pr["head"]})
        assert not posted.failed, posted.stderr
        ((method, path, body),) = api.writes
        assert (method, path) == ("POST", f"/repos/org/portal/issues/{NUMBER}/comments")
        assert PREVIEW in body["body"] and "What changes" in body["body"]

        # The deployment gathers the open pull request's preview beside the site.
        # Beside the preview previews.yml built, a newer artifact of the same name uploaded by a pull request's own
        # workflow (a fork can rewrite check.yml): the deployment takes only previews.yml's, run from main.
        api.answer(f"/repos/org/portal/actions/artifacts?name=preview-pr-{NUMBER}&per_page=100", {"artifacts": [
            {"id": 7, "name": f"preview-pr-{NUMBER}", "expired": False, "created_at": "2026-11-22T10:00:00Z",
             "workflow_run": {"id": 70}},
            {"id": 8, "name": f"preview-pr-{NUMBER}", "expired": False, "created_at": "2026-11-22T11:00:00Z",
             "workflow_run": {"id": 80}},
            {"id": 9, "name": f"preview-pr-{NUMBER}", "expired": False, "created_at": "2026-11-22T12:00:00Z",
             "workflow_run": {"id": 90}}]})
        api.answer("/repos/org/portal/actions/runs/70", {"path": ".github/workflows/previews.yml",
                                                         "event": "workflow_run", "conclusion": "success"})
        api.answer("/repos/org/portal/actions/runs/80", {"path": ".github/workflows/check.yml",
                                                         "event": "pull_request", "conclusion": "success"})
        api.answer("/repos/org/portal/actions/runs/90", {"path": ".github/workflows/previews.yml",
                                                         "event": "pull_request", "conclusion": "success"})
        api.answer("/repos/org/portal/actions/artifacts/7/zip", _zip(site))
        poisoned = site.parent / "poisoned"
        (poisoned / "articles" / "from-a-fork").mkdir(parents=True)
        (poisoned / "articles" / "from-a-fork" / "index.html").write_text("<script>steal()</script>", encoding="utf-8")
        for artifact in (8, 9):
            api.answer(f"/repos/org/portal/actions/artifacts/{artifact}/zip", _zip(poisoned))
        deployed = _deploy(pr, tmp_path / "deploy", api)
        assert (deployed / "articles" / "old" / "index.html").is_file()  # the site itself, from main
        hosted = deployed / "previews" / f"pr-{NUMBER}" / "articles" / "from-a-fork" / "index.html"
        assert hosted.is_file() and _page(hosted).select_one("p.preview-banner") is not None
        assert "steal()" not in hosted.read_text(encoding="utf-8")
        assert not any("/artifacts/8/" in r or "/artifacts/9/" in r for r in api.reads)  # never even downloaded
        # The portal's own sitemap, feeds and search never list the preview.
        assert "previews/" not in (deployed / "sitemap.xml").read_text(encoding="utf-8")
        assert "from-a-fork" not in (deployed / "feeds" / "all.atom.xml").read_text(encoding="utf-8")

        # Closed: the next deployment no longer holds it.
        _answer_pull(api, pr, state="closed")
        redeployed = _deploy(pr, tmp_path / "deploy-after", api)
        assert (redeployed / "articles" / "old" / "index.html").is_file()
        assert not (redeployed / "previews").exists()


def test_a_pull_request_touching_the_theme_gets_a_preview_only_when_a_committee_member_asks(tmp_path):
    pr = _repository(tmp_path, _touches_theme)
    with github_replay() as api:
        _answer_pull(api, pr)
        api.answer("/repos/org/portal/collaborators/carl-w/permission", {"permission": "write"})
        api.answer("/repos/org/portal/collaborators/mallory/permission", {"permission": "read"})
        result = _run(pr, tmp_path / "first", api, _check_finished(pr))
        assert not result.failed, result.stderr + result.stdout
        assert result.outputs["scope"] == {"build": "false"}
        assert "Build the preview and compare it with the default branch" in result.skipped
        assert set(result.uploads) == {"preview-info"}  # no preview; the comment says why and how to ask
        info = json.loads((result.uploads["preview-info"] / "preview.json").read_text(encoding="utf-8"))
        assert info["built"] is False and info["outside"] == ["themes/agora/templates/partials/site_footer.html"]
        from agorapress.commands.previews import preview_comment

        said = preview_comment(result.uploads["preview-info"], NUMBER, pr["head"], PREVIEW)
        assert f"/preview {pr['head'][:7]}" in said and PREVIEW not in said

        # Someone without write access asks: nothing. An older commit named: nothing.
        for login, sha in (("mallory", pr["head"][:7]), ("carl-w", pr["base"][:7])):
            asked = {"issue": ISSUE, "comment": {"body": f"/preview {sha}", "user": {"login": login}}}
            refused = _run(pr, tmp_path / f"refused-{login}", api, asked)
            assert refused.outputs["pr"]["number"] == "" and refused.uploads == {}, refused.stderr

        # carl, on the committee, asks for this commit: the preview is built (with the default branch's theme).
        _answer_pull(api, pr, comments=[{"id": 3, "user": {"login": "carl-w"}, "body": f"/preview {pr['head'][:7]}"}])
        asked = {"issue": ISSUE, "comment": {"body": f"/preview {pr['head'][:7]}",
                                                                          "user": {"login": "carl-w"}}}
        built = _run(pr, tmp_path / "asked", api, asked)
        assert not built.failed, built.stderr + built.stdout
        assert built.outputs["pr"]["requested_by"] == "carl-w", (built.outputs, built.stderr)
        assert built.outputs["scope"] == {"build": "true"}
        page = (built.uploads["preview-pr-${{ steps.pr.outputs.number }}"] / "index.html").read_text(encoding="utf-8")
        assert "changed by the pull request" not in page  # only content/ was taken from the pull request


def test_what_changes_is_empty_for_identical_builds_and_titles_stay_text(tmp_path):
    before, after = tmp_path / "a", tmp_path / "b"
    for folder in (before, after):
        (folder / "x").mkdir(parents=True)
        (folder / "x" / "index.html").write_text("<title>X</title><main>same</main>", encoding="utf-8")
    assert compare(before, after).empty
    (after / "y").mkdir()
    (after / "y" / "index.html").write_text("<title>[click](https://evil.example) @everyone</title><main>n</main>")
    text = render_markdown(compare(before, after), PREVIEW)
    assert "@everyone" not in text and "\\[click\\]\\(https://evil.example\\)" in text


@pytest.mark.parametrize("name, mode", [("../escape.html", 0o100644), ("/abs.html", 0o100644), ("link", 0o120777),
                                        ("a\\b.html", 0o100644)])
def test_a_preview_artifact_with_an_odd_member_is_refused(tmp_path, name, mode):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, "x")
    with pytest.raises(AgoraError):
        unpack(data.getvalue(), tmp_path / "pr-1")
    assert not (tmp_path / "escape.html").exists()


# -- classes of hostile input ----------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_a_title_in_what_changes_is_always_inert_text(title):
    text = render_markdown(Changes(added=[("articles/x/", title)], entries=[(title, "")], events=[(title, "2027")]),
                           PREVIEW)
    page_line = next(line for line in text.splitlines() if line.startswith("- [/articles/x/"))
    # The only link is ours: the title cannot close it, open another, mention anyone or carry markup.
    assert page_line.endswith(f"]({PREVIEW}articles/x/)")
    inner = page_line[len("- ["):-len(f"]({PREVIEW}articles/x/)")]
    if inner != "/articles/x/":
        assert inner.startswith("/articles/x/ (") and inner.endswith(")")
        inner = inner[len("/articles/x/ ("):-1]  # the title, as shown
    for char in "[]()<>`":
        assert all(inner[i - 1] == "\\" for i, c in enumerate(inner) if c == char and i > 0), char
    assert "\n" not in inner and all(text[i + 1] == "\u200b" for i, c in enumerate(text) if c == "@")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="ab./\\:-~ ", min_size=1, max_size=12), min_size=1, max_size=4))
def test_an_artifact_never_writes_outside_its_folder(tmp_path, names):
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_path) as scratch:
        root = Path(scratch)
        folder = root / "site" / "previews" / "pr-1"
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names are part of the test
            for name in names:
                archive.writestr(zipfile.ZipInfo(name), "x")
        try:
            unpack(data.getvalue(), folder)
        except AgoraError:
            pass
        outside = [p for p in root.rglob("*") if folder not in p.parents and p != folder
                   and p not in folder.parents]
        assert outside == []

"""Building tiny portals with the real Pelican engine: URLs, scheduling, safety of the swap, reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from conftest import copy_demo

from agorapress.build.pipeline import build
from agorapress.cache import PortalCache
from agorapress.problems import BuildFailed

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
ARTICLE = "---\ntitle: {title}\ndate: {date}\nauthors: [ana]\ntags: [velo]\n{extra}---\n{body}\n"


def article(title="Hello", date="2026-01-02", extra="", body="Some *text*."):
    return ARTICLE.format(title=title, date=date, extra=extra, body=body)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def test_pretty_urls_relative_links(portal) -> None:
    root = portal({
        "content/articles/hello.md": article(body="See [about](../pages/about.md)."),
        "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
    })
    out = build(root, now=NOW).output
    for rel in ["index.html", "articles/index.html", "articles/hello/index.html", "about/index.html",
                "tags/velo/index.html", "tags/index.html", "contributors/index.html", "contributors/ana/index.html",
                "archives/index.html", "404.html", "theme/css/agora.css"]:
        assert (out / rel).is_file(), rel
    doc = parse(out / "articles/hello/index.html")
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "../../about/" in hrefs  # the Markdown link to a source file became the page URL
    assert "../../contributors/ana/" in hrefs
    assert all(not (h or "").startswith("/") for h in hrefs)  # relative: works under /<repo>/
    assert doc.find(".//h1").text == "Hello"


def test_scheduled_and_draft_items_are_not_published(portal) -> None:
    root = portal({
        "content/articles/now.md": article(title="Now"),
        "content/articles/later.md": article(title="Later", date="2026-07-01"),
        "content/articles/draft.md": article(title="Draft", extra="status: draft\n"),
    })
    out = build(root, now=NOW).output
    assert (out / "articles/now/index.html").exists()
    assert not (out / "articles/later").exists()
    assert not (out / "articles/draft").exists()
    listing = (out / "articles/index.html").read_text()
    assert "Later" not in listing and "Draft" not in listing
    drafts = build(root, root / "preview", now=datetime.fromisoformat("2026-07-02T00:00:00+02:00"), drafts=True).output
    assert (drafts / "articles/later/index.html").exists()
    assert (drafts / "articles/draft/index.html").exists()


def test_failed_build_leaves_previous_output_untouched(portal) -> None:
    root = portal({"content/articles/hello.md": article()})
    out = build(root, now=NOW).output
    before = tree_digest(out)
    (root / "content/articles/broken.md").write_text(article(extra="colour: red\n"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(root, now=NOW)
    assert [p.rule for p in failure.value.problems] == ["schema-unknown"]
    assert tree_digest(out) == before
    assert not any(p.name.startswith(".output") for p in root.iterdir())  # no staging left behind


def test_template_error_fails_and_keeps_output(portal) -> None:
    root = portal({"content/articles/hello.md": article()})
    out = build(root, now=NOW).output
    before = tree_digest(out)
    override = root / "themes/agora/templates/article.html"
    override.parent.mkdir(parents=True)
    override.write_text("{% extends 'base.html' %}{% block content %}{{ article.nope.deeper }}{% endblock %}")
    with pytest.raises(Exception):
        build(root, now=NOW)
    assert tree_digest(out) == before
    assert own_children("pagefind") == []  # the search index started with the rendering: stopped with it


def own_children(name: str) -> list[int]:
    """This process's live children whose command line names `name` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and name.encode() in command:
            found.append(int(stat.parent.name))
    return found


def test_portal_template_override_wins(portal) -> None:
    root = portal({"content/articles/hello.md": article(),
                   "themes/agora/templates/404.html": "{% extends 'base.html' %}{% block content %}Lost here{% endblock %}"})
    out = build(root, now=NOW).output
    assert "Lost here" in (out / "404.html").read_text()
    assert "Hello" in (out / "index.html").read_text()  # the other templates still come from the shipped theme


def test_output_cannot_replace_the_portal(portal) -> None:
    root = portal({"content/articles/hello.md": article()})
    with pytest.raises(Exception, match="refusing"):
        build(root, root, now=NOW)


def test_same_commit_same_bytes_whatever_the_machine_clock_zone(portal, tmp_path: Path) -> None:
    # Items of the same date are where an unordered collection would show: several of them, on purpose.
    files = {f"content/articles/same-{i}.md": article(title=f"Same day {i}", date="2026-02-02") for i in range(6)}
    files["content/articles/hello.md"] = article()
    root = portal(files)
    digests = []
    for zone, seed in (("UTC", "1"), ("Pacific/Kiritimati", "2")):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "TZ": zone, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(root), "build", "--output", str(out),
                        "--now", NOW.isoformat()], check=True, env=env, capture_output=True)
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]
    assert len(digests[0]) > 10


def test_build_from_the_command_line_prints_everything_and_keeps_its_exit_code(portal, tmp_path: Path) -> None:
    # `agora build` ends without tearing down its heap (cli.FAST_EXIT): what it prints and writes must all be there.
    root = portal({"content/articles/hello.md": article()})
    command = [sys.executable, "-m", "agorapress.cli", "--root", str(root), "build", "--now", NOW.isoformat(), "--profile"]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert "Where the time went" in done.stderr and "Built 1 items" in done.stderr
    info = json.loads((PortalCache(root).path / "build.json").read_text(encoding="utf-8"))
    assert info["files"] == sum(len(files) for _, _, files in os.walk(root / "output"))
    before = tree_digest(root / "output")
    (root / "content/articles/broken.md").write_text(article(extra="colour: red\n"), encoding="utf-8")
    failed = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    assert failed.returncode == 1
    assert [(p["path"], p["rule"]) for p in json.loads(failed.stdout)] == [("content/articles/broken.md", "schema-unknown")]
    assert tree_digest(root / "output") == before


def test_builds_without_python_markdown_installed(portal, tmp_path: Path) -> None:
    # Agora reads Markdown with markdown-it-py; Pelican's own Markdown reader needs Python-Markdown, which is
    # not a dependency. Without it, Pelican used to warn on every .md file, and the build refused them all.
    root = portal({"content/articles/hello.md": article()})
    out = tmp_path / "out"
    without_markdown = ("import sys; sys.modules['markdown'] = None; sys.argv[0] = 'agora'; "
                        "from agorapress.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", without_markdown, "--root", str(root), "build", "--output", str(out),
                             "--now", NOW.isoformat()], env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "markdown" not in (result.stdout + result.stderr).lower().replace("content/", "")
    assert (out / "articles/hello/index.html").is_file()


def test_listings_test_membership_by_identity_in_one_lookup() -> None:
    from agorapress.render.core import _Members

    a, b, c = object(), object(), object()
    members = _Members([a, b])
    assert a in members and b in members and c not in members
    assert list(members) == [a, b] and len(members) == 2 and members[1:] == [b]  # still the list Pelican made


def test_join_url_is_urljoin() -> None:
    import random
    from urllib.parse import urljoin

    from agorapress.text import join_url

    bases = ["https://example.org/bench/", "https://example.org/", "http://a.b/c/d/", "https://e.org/x",
             "https://e.org/?x=/", "https://e.org/#/"]
    pieces = ["a", "b", "/", ".", "..", "-", "_", "%20", ":", "?", "#", "~", "é", " ", "\\", "//", "index.html", "1"]
    rng = random.Random(7)
    for _ in range(20000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        for base in bases:
            assert join_url(base, url) == urljoin(base, url), (base, url)


def _on_a_terminal(command: list[str], env: dict[str, str]) -> str:
    """What `command` prints on a pseudo-terminal (rich draws its spinner only there), escape codes removed."""
    import pty  # noqa: PLC0415 - POSIX only, like the build's forking

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: the command has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    text = b"".join(chunks).decode("utf-8", "replace")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_build_on_a_terminal_shows_its_progress_and_ci_logs_get_the_last_line_only(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    command = [sys.executable, "-m", "agorapress.cli", "--root", str(root), "build", "--now", NOW.isoformat(), "--force"]
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR", "TERM")}
    shown = _on_a_terminal(command, {**env, "TERM": "xterm-256color", "COLUMNS": "120"})
    # The spinner names each stage, and while the pages render, the files written so far (counted in every process).
    assert "reading and checking content…" in shown
    counts = [int(n) for n in re.findall(r"rendering \d+ items… (\d+) files written", shown)]
    assert counts and counts == sorted(counts), shown[-2000:]
    assert "Built " in shown
    # In CI (the CI variable set), a terminal still gets only the final line.
    quiet = _on_a_terminal(command, {**env, "TERM": "xterm-256color", "COLUMNS": "120", "CI": "true"})
    assert "Built " in quiet and "rendering" not in quiet and "reading and checking" not in quiet

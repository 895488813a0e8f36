"""The edit loop: one saved item re-rendered from the live build state, and the server that reloads browsers."""

from __future__ import annotations

import threading
import urllib.request
from datetime import datetime

import html5lib
from test_build import article

from agorapress.build.pipeline import build
from agorapress.devserver import RELOAD_PATH, Reloads, make_server
from agorapress.render import live

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def test_saved_item_is_rerendered_from_the_live_state(portal) -> None:
    root = portal({"content/articles/a.md": article(title="Before"), "content/articles/b.md": article(title="Other")})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, live=state).output
    other_before = (out / "articles/b/index.html").read_bytes()
    (root / "content/articles/a.md").write_text(article(title="After", body="Fresh words."), encoding="utf-8")
    written, problems = live.render_item(state, root, out, "articles/a.md")
    assert problems == []
    assert written == str(out / "articles/a/index.html")
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    assert "After" in page and "Fresh words." in page
    assert (out / "articles/b/index.html").read_bytes() == other_before
    assert state["portal"].graph.by_path["articles/a.md"].meta.title == "After"


def test_a_saved_translation_never_lists_itself(portal) -> None:
    # The quick render swaps the saved item into the graph: every view made from the old one is forgotten with it
    # (the translation groups listed the item as its own translation).
    english = article(title="English", extra="lang: en\ntranslation_of: a\n")
    root = portal({"content/articles/a.md": article(title="Français"), "content/articles/a-en.md": english})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, live=state).output
    built = html5lib.parse((out / "articles/a-en/index.html").read_bytes(), namespaceHTMLElements=False)
    (root / "content/articles/a-en.md").write_text(english.replace("Some *text*.", "Other words."), encoding="utf-8")
    written, problems = live.render_item(state, root, out, "articles/a-en.md")
    assert problems == [] and written == str(out / "articles/a-en/index.html")
    page = html5lib.parse((out / "articles/a-en/index.html").read_bytes(), namespaceHTMLElements=False)

    def translations(doc) -> list[str]:
        return sorted(a.get("href") for a in doc.iter("a") if a.get("hreflang"))

    assert translations(page) == translations(built) == ["../../articles/a/"]


def test_broken_save_reports_problems_and_writes_nothing(portal) -> None:
    root = portal({"content/articles/a.md": article(title="Before")})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, live=state).output
    before = (out / "articles/a/index.html").read_bytes()
    (root / "content/articles/a.md").write_text(article(extra="colour: red\n"), encoding="utf-8")
    written, problems = live.render_item(state, root, out, "articles/a.md")
    assert written is None
    assert [p.rule for p in problems] == ["schema-unknown"]
    assert (out / "articles/a/index.html").read_bytes() == before


def test_new_file_or_profile_needs_a_full_build(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, live=state).output
    (root / "content/articles/new.md").write_text(article(title="New"), encoding="utf-8")
    assert live.render_item(state, root, out, "articles/new.md") == (None, [])
    assert live.render_item(state, root, out, "contributors/ana.md") == (None, [])


def test_server_injects_reload_script_into_html_only(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    out = build(root, now=NOW).output
    reloads = Reloads()
    server = make_server(out, "127.0.0.1", 0, reloads)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = urllib.request.urlopen(f"{base}/articles/a/", timeout=5).read()
        assert RELOAD_PATH.encode() in page
        assert RELOAD_PATH.encode() not in (out / "articles/a/index.html").read_bytes()  # built files stay clean
        css = urllib.request.urlopen(f"{base}/theme/css/agora.css", timeout=5).read()
        assert css == (out / "theme/css/agora.css").read_bytes()
        stream = urllib.request.urlopen(f"{base}{RELOAD_PATH}", timeout=5)
        assert stream.readline().startswith(b'data: {"version": 0')
        reloads.bump()
        stream.readline()
        assert stream.readline().startswith(b'data: {"version": 1')
        stream.close()
    finally:
        server.shutdown()


def test_saves_during_a_build_are_shown_with_the_previous_state_until_the_new_one_is_ready(portal) -> None:
    root = portal({"content/articles/a.md": article(title="Before"), "content/articles/b.md": article(title="Other")})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, live=state).output
    first = state["ArticlesGenerator"]
    seen: list = []

    def save_while_reading(generator) -> None:
        # The next build is reading its context: the previous build's state still serves.
        seen.append(state["ArticlesGenerator"] is first)
        (root / "content/articles/a.md").write_text(article(title="Saved meanwhile"), encoding="utf-8")
        seen.append(live.render_item(state, root, out, "articles/a.md")[0])

    from pelican import signals

    signals.article_generator_finalized.connect(save_while_reading)
    try:
        build(root, now=NOW, workers=1, force=True, live=state)
    finally:
        signals.article_generator_finalized.disconnect(save_while_reading)
    assert seen == [True, str(out / "articles/a/index.html")]
    assert state["ArticlesGenerator"] is not first
    assert state["portal"].graph.by_path["articles/a.md"] is not None


def test_the_build_after_a_quick_render_of_an_edited_body_is_incremental(portal, tmp_path) -> None:
    from test_build import tree_digest

    root = portal({"content/articles/a.md": article(title="Same", body="First paragraph.\n\nSecond one."),
                   "content/articles/b.md": article(title="Other")})
    state: dict = {}
    live.connect()
    out = build(root, now=NOW, workers=1, force=True, live=state).output
    (root / "content/articles/a.md").write_text(article(title="Same", body="First paragraph.\n\nSecond two."), encoding="utf-8")
    assert live.render_item(state, root, out, "articles/a.md")[0] == str(out / "articles/a/index.html")
    # agora serve's next build: the output is the last build's but for the page the quick render wrote.
    result = build(root, now=NOW, workers=1, trust_output=True, live=state)
    assert result.rendered == {"articles/a/index.html"}
    assert state["portal"] is result.portal  # the quick renders now start from this build
    full = build(root, tmp_path / "full", now=NOW, force=True)
    assert tree_digest(out) == tree_digest(full.output)

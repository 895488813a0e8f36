"""The caches: a file is parsed again only when its bytes change; a build renders only when an input changed."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from test_build import article

from agorapress.build.pipeline import build
from agorapress.cache import PortalCache
from agorapress.content.loader import ParseCache, load
from agorapress.content.markdown import Options

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def _load(root: Path) -> ParseCache:
    cache = ParseCache(PortalCache(root), "test")
    load(root / "content", options=Options("none"), max_bytes=1 << 20, cache=cache)
    return cache


def test_an_edit_invalidates_exactly_that_file(portal) -> None:
    root = portal({f"content/articles/a{i}.md": article(title=f"A{i}") for i in range(5)})
    assert _load(root).hits == 0
    assert _load(root).hits == 6  # five articles and the profile
    (root / "content/articles/a2.md").write_text(article(title="Edited"), encoding="utf-8")
    assert _load(root).hits == 5


def test_parse_cache_is_keyed_by_settings(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    _load(root)
    other = ParseCache(PortalCache(root), "other-settings")
    load(root / "content", options=Options("github"), max_bytes=1 << 20, cache=other)
    assert other.hits == 0


def test_nothing_changed_means_nothing_rendered(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    first = build(root, now=NOW)
    assert not first.unchanged
    again = build(root, now=NOW)
    assert again.unchanged
    assert build(root, now=NOW, force=True).unchanged is False


def test_content_theme_config_and_clock_changes_rebuild(portal) -> None:
    root = portal({"content/articles/a.md": article(), "content/articles/later.md": article(title="Later", date="2026-07-01")})
    build(root, now=NOW)
    (root / "content/articles/a.md").write_text(article(title="Changed"), encoding="utf-8")
    assert not build(root, now=NOW).unchanged
    override = root / "themes/agora/templates/404.html"
    override.parent.mkdir(parents=True)
    override.write_text("{% extends 'base.html' %}{% block content %}Gone{% endblock %}", encoding="utf-8")
    assert not build(root, now=NOW).unchanged
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Mini", "Mini portal"), encoding="utf-8")
    assert not build(root, now=NOW).unchanged
    assert build(root, now=NOW).unchanged
    # The scheduled item falls due: the clock alone changes the site.
    assert not build(root, now=datetime.fromisoformat("2026-07-02T00:00:00+02:00")).unchanged


def test_output_edited_by_hand_is_rebuilt(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    built = build(root, now=NOW)
    out = built.output
    # The build's count and summary come from its audit of the staging folder: the same as a survey of the output.
    assert built.files == sum(len(files) for _, _, files in os.walk(out))
    assert build(root, now=NOW).unchanged
    (out / "404.html").unlink()
    assert not build(root, now=NOW).unchanged
    assert (out / "404.html").exists()
    page = out / "articles/a/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    assert not build(root, now=NOW).unchanged
    assert "edited" not in page.read_text(encoding="utf-8")
    (out / ".cache").mkdir()  # refused by the audit, so it is not the output of the last build
    assert not build(root, now=NOW).unchanged
    assert not (out / ".cache").exists()


def test_a_page_edited_by_hand_to_the_same_size_is_rebuilt(portal) -> None:
    root = portal({"content/articles/a.md": article()})
    out = build(root, now=NOW).output
    page = out / "articles/a/index.html"
    original, before = page.read_bytes(), page.stat()
    edited = original.replace(b"Hello", b"HELLO", 1)
    assert edited != original and len(edited) == len(original)
    with open(page, "r+b") as handle:  # in place, as an editor that keeps the file: the same inode and size
        handle.write(edited)
    assert page.stat().st_ino == before.st_ino and page.stat().st_mtime_ns != before.st_mtime_ns
    assert not build(root, now=NOW).unchanged
    assert page.read_bytes() == original


def test_the_output_an_incremental_build_links_stays_the_last_builds(portal) -> None:
    # The summary holds inodes and times: the files an incremental build links from the last output keep theirs.
    root = portal({"content/articles/a.md": article(title="Stays"),
                   "content/articles/b.md": article(title="Moves", body="Its summary.\n\nIts body.")})
    build(root, now=NOW)
    (root / "content/articles/b.md").write_text(article(title="Moves", body="Its summary.\n\nIts new body."),
                                                encoding="utf-8")
    assert build(root, now=NOW).rendered == {"articles/b/index.html"}
    assert build(root, now=NOW).unchanged
    assert build(root, now=NOW).unchanged


def test_unchanged_pages_are_not_rewritten(portal) -> None:
    root = portal({"content/articles/a.md": article(title="Stays"), "content/articles/b.md": article(title="Moves")})
    out = build(root, now=NOW).output
    stays, moves = out / "articles/a/index.html", out / "articles/b/index.html"
    before = stays.stat().st_ino, moves.stat().st_ino
    (root / "content/articles/b.md").write_text(article(title="Moves", body="A new body."), encoding="utf-8")
    build(root, now=NOW)
    assert stays.stat().st_ino == before[0]  # the same file, linked from the previous build
    assert moves.stat().st_ino != before[1]
    assert "A new body." in moves.read_text(encoding="utf-8")


def test_compiled_templates_follow_their_source_and_environment(portal, tmp_path) -> None:
    root = portal({"content/articles/a.md": article()})
    override = root / "themes/agora/templates/404.html"
    override.parent.mkdir(parents=True)
    override.write_text("{% extends 'base.html' %}{% block content %}Gone once{% endblock %}", encoding="utf-8")
    out = build(root, now=NOW).output
    assert "Gone once" in (out / "404.html").read_text(encoding="utf-8")
    assert any(name.startswith("jinja-") for name, _size in PortalCache(root).files())
    override.write_text("{% extends 'base.html' %}{% block content %}Gone twice{% endblock %}", encoding="utf-8")
    assert "Gone twice" in (build(root, now=NOW).output / "404.html").read_text(encoding="utf-8")
    # The same source compiled with other extensions is another entry, never the cached code of the first.
    import jinja2

    from agorapress.render.compiled import CompiledTemplates

    cache = CompiledTemplates(PortalCache(tmp_path))
    plain = jinja2.Environment(bytecode_cache=cache)
    i18n = jinja2.Environment(bytecode_cache=cache, extensions=["jinja2.ext.i18n"])
    assert cache.get_bucket(plain, "t.html", None, "x").key != cache.get_bucket(i18n, "t.html", None, "x").key


def test_an_unchanged_file_is_known_by_its_stat_signature(portal, monkeypatch) -> None:
    from agorapress.content import loader

    root = portal({"content/articles/a.md": article(title="Settled")})
    monkeypatch.setattr(loader, "SETTLED_NS", -(10**12))  # every file counts as settled when read
    first = _load(root)
    digest, known, result = first.entries["articles/a.md"]
    assert known is not None
    # The entry's digest is made wrong behind the cache's back: an unchanged signature is trusted without reading the file.
    first.put("articles/a.md", "not the digest", known, result)
    first.save(set(first.entries))
    again = ParseCache(PortalCache(root), "test")
    assert again.lookup(str(root / "content/articles/a.md"), "articles/a.md") == ("not the digest", result)


def test_same_size_and_date_restored_by_hand_is_read_again(portal, monkeypatch) -> None:
    from agorapress.content import loader

    root = portal({"content/articles/a.md": article(title="Before")})
    monkeypatch.setattr(loader, "SETTLED_NS", -(10**12))
    _load(root)
    path = root / "content/articles/a.md"
    info = path.stat()
    path.write_text(article(title="Later!"), encoding="utf-8")  # the same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same date: only the change time tells
    assert path.stat().st_size == info.st_size
    cache = _load(root)
    assert cache.hits == 1  # the profile only
    assert cache.entries["articles/a.md"][2][0].meta.title == "Later!"


def test_a_file_changed_just_before_it_was_read_is_hashed_next_time(portal) -> None:
    # Changed within the file system's clock tick of its reading, a file could change again unseen by its signature.
    root = portal({"content/articles/a.md": article()})
    assert _load(root).entries["articles/a.md"][1] is None

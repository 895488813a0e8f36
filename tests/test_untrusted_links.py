"""Links in contributors' text never reach Pelican's link rewriting: nothing outside the repository is read or
published, nothing is written outside the output, nobody's image is moved. Agora resolves the links it wrote."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from conftest import MINIMAL_CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from agorapress.build.pipeline import build
from agorapress.content.markdown import link_key, render
from agorapress.problems import AgoraError, BuildFailed
from agorapress.render.view.media import MediaView
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
SECRET = b"the committee's private notes: not for publication\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2"
    "2ef2a30000000049454e44ae426082")


def article(body: str, authors: str = "[ana]") -> str:
    return f"---\ntitle: Hello\ndate: 2026-01-02\nauthors: {authors}\n---\n{body}\n"


#: Pelican's intrasite syntax, everywhere a contributor can put it: in a link title, an image's alt text, a raw
#: destination, a reference definition, plain text and code.
HOSTILE_BODIES = {
    "attach-in-title": "[x](https://example.org/ \"y src='{attach}/../../secret.txt' z\")",
    "attach-relative": "[x](https://example.org/ \"y src='{attach}../../../secret.txt' z\")",
    "attach-double-quotes": "[x](https://example.org/ 'y href=\"{attach}../../../secret.txt\" z')",
    "static-outside": "[x](https://example.org/ \"a src='{static}/../../secret.txt' b\")",
    "filename-destination": "[x]({filename}/../../../secret.txt)",
    "attach-image-title": "![a photo](../media/shared.png \"q src='{attach}../media/shared.png' r\")",
    "attach-other-image": "[x](https://example.org/ \"q src='{attach}/media/shared.png' r\")",
    "reference": "[x][r]\n\n[r]: https://example.org/ \"s href='{attach}../../../secret.txt' t\"",
    "bars": "[x](https://example.org/ \"|filename|../../../secret.txt\") and |tag|velo and {index} and {author}ana",
    "in-code": "`<a href=\"{attach}../../../secret.txt\">` and\n\n```\n<img src='{static}/../../../secret.txt'>\n```",
}


def hostile_portal(tmp_path: Path, body: str, config: str = MINIMAL_CONFIG) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "portal"
    files = {
        "site_config.yaml": config,
        "content/contributors/ana.md": "---\nname: Ana Lopez\ngithub: ana-l\n---\nAna.\n",
        "content/contributors/bea.md": "---\nname: Bea Martin\ngithub: bea-m\n---\nBea.\n",
        "content/articles/hostile.md": article(body),
        "content/articles/beas.md": article("Bea's photo: ![a bicycle](../media/shared.png)", "[bea]"),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content/media").mkdir(parents=True, exist_ok=True)
    (root / "content/media/shared.png").write_bytes(PNG)
    return root


def beside_portal(folder: Path) -> set[str]:
    """Everything under `folder` but the portal itself."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "portal" not in p.relative_to(folder).parts[:1]}


def prose(page: Path) -> str:
    """The inner HTML of the page's body text, as the page serves it."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<div class="prose">(.*?)</div>\s*(?:<footer|<aside|<section|<nav|</article)', text, re.DOTALL)
    assert match, f"no prose in {page}"
    return match.group(1)


@pytest.mark.parametrize("allow_html", [False, True], ids=["markdown", "html-allowed"])
@pytest.mark.parametrize("case", sorted(HOSTILE_BODIES))
def test_pelican_link_syntax_in_a_contribution_is_inert(tmp_path: Path, case: str, allow_html: bool) -> None:
    config = MINIMAL_CONFIG + ("moderation:\n  allow_html: true\n" if allow_html else "")
    root = hostile_portal(tmp_path, HOSTILE_BODIES[case], config)
    around = beside_portal(tmp_path)
    portal = load_portal(root, now=NOW, use_cache=False)
    if portal.problems.errors:
        # Refused by the check (a destination that leaves content/): then nothing is built at all.
        assert {p.rule for p in portal.problems.errors} == {"path-escape"}, portal.problems.render()
        with pytest.raises(BuildFailed):
            build(root, now=NOW)
        assert not (root / "output").exists() and beside_portal(tmp_path) == around
        return
    out = build(root, now=NOW).output

    published = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert not [rel for rel, data in published.items() if SECRET in data], "a file from outside the repository was published"
    assert (tmp_path / "secret.txt").read_bytes() == SECRET
    assert not (tmp_path / "outside").exists(), "the build wrote outside its output"
    assert beside_portal(tmp_path) == around, "the build wrote beside the portal"
    # Bea's image stays where her page links to it, and her page still shows it.
    # Re-encoded by the image pipeline (metadata gone), the same picture.
    assert _pixels(published[Path("media/shared.png")]) == _pixels(PNG)
    doc = html5lib.parse((out / "articles/beas/index.html").read_bytes(), namespaceHTMLElements=False)
    assert "../../media/shared.png" in [img.get("src") for img in doc.iter("img")]
    # What the contributor wrote is shown as Agora rendered it: Pelican changed nothing in it.
    item = portal.graph.by_path["articles/hostile.md"]
    # (after Agora's own picture pass: images given their widths and sizes, code blocks focusable)
    view = MediaView()
    view.graph, view.config = portal.graph, portal.config
    expected = view.pictures(portal.graph.html_of(item), item.url, eager_first=True)  # no cover: its first picture leads
    assert prose(out / "articles/hostile/index.html").strip() == str(expected).strip()


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").tobytes()


def test_local_links_are_resolved_by_agora_relative_to_the_page(portal) -> None:
    root = portal({
        "content/articles/one.md": article("[two](two.md#details), [the meetup](../events/meetup.md), "
                                           "[about](../pages/about.md), [Ana](../contributors/ana.md), "
                                           "![a map](../media/map.png)"),
        "content/articles/two.md": "---\ntitle: Two\ndate: 2026-01-03\nauthors: [ana]\nslug: second\n---\n## Details\n",
        "content/events/meetup.md": "---\ntitle: Meetup\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-07-01T19:00\n---\nCome.\n",
        "content/pages/about.md": "---\ntitle: About\n---\nSee [the first article](../articles/one.md).\n",
        "content/media/map.png": PNG,
    })
    out = build(root, now=NOW).output
    doc = html5lib.parse((out / "articles/one/index.html").read_bytes(), namespaceHTMLElements=False)
    hrefs = [a.get("href") for a in doc.iter("a")]
    for expected in ["../second/#details", "../../events/meetup/", "../../about/", "../../contributors/ana/"]:
        assert expected in hrefs
    assert "../../media/map.png" in [img.get("src") for img in doc.iter("img")]
    about = html5lib.parse((out / "about/index.html").read_bytes(), namespaceHTMLElements=False)
    assert "../articles/one/" in [a.get("href") for a in about.iter("a")]
    assert "#agora-" not in "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html"))


def test_a_profile_bio_links_like_any_page(portal) -> None:
    root = portal({
        "content/contributors/ana.md": "---\nname: Ana Lopez\ngithub: ana-l\n---\nRead [my article](../articles/one.md).\n",
        "content/articles/one.md": article("Text."),
    })
    out = build(root, now=NOW).output
    doc = html5lib.parse((out / "contributors/ana/index.html").read_bytes(), namespaceHTMLElements=False)
    assert "../../articles/one/" in [a.get("href") for a in doc.iter("a")]


def test_a_link_to_a_file_without_an_address_is_reported(portal) -> None:
    root = portal({
        "content/contributors/ana.png": PNG,
        "content/articles/one.md": article("[my avatar](../contributors/ana.png)"),
    })
    problems = load_portal(root, now=NOW, use_cache=False).problems
    found = [p for p in problems.errors if p.rule == "broken-link"]
    assert found and found[0].path == "content/articles/one.md" and found[0].line == 6
    assert "not published at an address of its own" in found[0].message


def test_feeds_carry_absolute_links(portal) -> None:
    import feedparser

    root = portal({"content/articles/one.md": article("[about](../pages/about.md) ![a map](../media/map.png)"),
                   "content/pages/about.md": "---\ntitle: About\n---\nUs.\n", "content/media/map.png": PNG})
    out = build(root, now=NOW).output
    feed = feedparser.parse((out / "feeds/all.atom.xml").read_bytes())
    body = feed.entries[0].content[0].value
    assert 'href="https://example.org/mini/about/"' in body
    assert 'src="https://example.org/mini/media/map.png"' in body


# Generated bodies: fragments of Markdown, Pelican's syntax and strings shaped like Agora's own placeholders.
_FRAGMENTS = st.sampled_from([
    "[a](other.md)", "[b](../media/pic.png)", "![c](../media/pic.png)", "[d](#top)", "[e](https://example.org/)",
    "{attach}", "{static}", "{filename}", "|tag|", "{index}", "../../secret.txt", "\"", "'", " src=", " href=",
    "<a href=\"", "\">", "#agora-", "-0", "-1", "0123456789abcdef01234567", " ", "\n", "\n\n", "`", "*", "[", "](", ")",
])
_BODIES = st.lists(_FRAGMENTS, max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_BODIES, forged=st.booleans())
def test_only_the_placeholders_agora_wrote_are_ever_replaced(body: str, forged: bool) -> None:
    if forged:
        # A placeholder copied from another body (whose key is known) is just text here.
        body += f" [z](https://example.org/#agora-{link_key('another body')}-0) #agora-{link_key('another body')}-0"
    rendered = render(body, "articles/x.md", 5)
    marker = f"#agora-{rendered.link_key}-"
    assert rendered.html.count(marker) == len(rendered.local_links)
    from agorapress.content.markdown import resolve_local_links

    resolved = resolve_local_links(rendered.html, rendered.link_key, rendered.local_links, lambda link: "RESOLVED/")
    assert marker not in resolved
    # Everything else is left exactly as rendered.
    assert re.sub(re.escape(marker) + r"\d+", "RESOLVED/", rendered.html) == resolved


def test_the_placeholder_key_depends_on_the_whole_body() -> None:
    assert link_key("a") != link_key("a ") and len(link_key("")) == 24
    assert hashlib.blake2b(b"a", digest_size=12).hexdigest() == link_key("a")


# Symbolic links: refused before anything is opened through them.
OUTSIDE_TOKEN = "OUTSIDE-TOKEN-7f3a"


def agora_check(root: Path):
    from click.testing import CliRunner

    from agorapress.cli import main

    return CliRunner().invoke(main, ["--root", str(root), "check", "--now", NOW.isoformat()])


@pytest.mark.parametrize("link, target_text", [
    ("site_config.yaml", MINIMAL_CONFIG + f"# {OUTSIDE_TOKEN}\nbogus: [{OUTSIDE_TOKEN}]\n"),
    ("content/board.yaml", f"topics:\n  - id: x\n    title: {OUTSIDE_TOKEN}\n    section: nowhere\n    proposed_by: {OUTSIDE_TOKEN}\n"),
    ("content/articles/linked.md", article(f"{OUTSIDE_TOKEN} [x](../../../nowhere.md)")),
    ("themes/agora/static/leak.txt", OUTSIDE_TOKEN),
    ("themes/agora/templates/article.html", "{{ " + OUTSIDE_TOKEN + " }"),
    ("plugins/evil.py", f"raise SystemExit('{OUTSIDE_TOKEN}')"),
], ids=["config", "board", "item", "theme-static", "template", "plugin"])
def test_a_linked_file_is_refused_and_never_read(tmp_path: Path, link: str, target_text: str) -> None:
    root = hostile_portal(tmp_path, "Hello.")
    (tmp_path / "elsewhere.txt").write_text(target_text, encoding="utf-8")
    path = root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    path.symlink_to(tmp_path / "elsewhere.txt")
    result = agora_check(root)
    assert result.exit_code in (1, 2), result.output
    assert f"{link}: error[symlink]" in result.output
    assert OUTSIDE_TOKEN not in result.output, "the linked file was read"
    assert "Traceback" not in result.output
    with pytest.raises(AgoraError) as failed:
        build(root, now=NOW)
    assert OUTSIDE_TOKEN not in str(failed.value)
    assert not (root / "output").exists()


@pytest.mark.parametrize("folder", ["content", "content/articles", "themes", "plugins", "themes/agora"])
def test_a_linked_folder_is_refused(tmp_path: Path, folder: str) -> None:
    root = hostile_portal(tmp_path, "Hello.")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text(article(OUTSIDE_TOKEN), encoding="utf-8")
    path = root / folder
    if path.exists():
        import shutil

        shutil.move(str(path), str(elsewhere / "moved"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(elsewhere)
    result = agora_check(root)
    assert result.exit_code in (1, 2), result.output
    assert f"{folder}: error[symlink]" in result.output or f"{folder}/: error[symlink]" in result.output, result.output
    assert OUTSIDE_TOKEN not in result.output


# Headings: ids unique on the page, never one of the theme's, in linear time.
THEME_TEMPLATES = Path(__file__).resolve().parent.parent / "agorapress" / "themes" / "agora" / "templates"
CONTENT_PAGES = ("base", "article", "interview", "event", "page", "contributor")


def test_every_id_the_theme_puts_around_a_body_is_reserved() -> None:
    from agorapress.content.markdown import THEME_IDS

    sources = [THEME_TEMPLATES / f"{name}.html" for name in CONTENT_PAGES] + sorted((THEME_TEMPLATES / "partials").glob("*.html"))
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    literal = set(re.findall(r'\bid="([^"{]+)"', text))
    # Ids written from a template's own list: {% set groups = [("written", _("Texts written"), ...), ...] %}
    listed = {key for block in re.findall(r"\{% set groups = \[(.*?)\] %\}", text, re.DOTALL)
              for key in re.findall(r'\("([a-z_-]+)", _\(', block)}
    assert listed, "the profile's groups are no longer where this test reads them"
    assert literal | listed <= THEME_IDS, sorted((literal | listed) - THEME_IDS)


def test_heading_ids_are_unique_and_never_the_themes(portal) -> None:
    headings = ["Main", "Written", "fn1", "Section", "Section", "Section 1", "Section", "Théâtre", "学习"]
    body = "\n\n".join(f"## {title}\n\nText[^1]." for title in headings) + "\n\n[^1]: A note.\n"
    root = portal({"content/articles/one.md": article(body)})
    out = build(root, now=NOW).output
    doc = html5lib.parse((out / "articles/one/index.html").read_bytes(), namespaceHTMLElements=False)
    ids = [element.get("id") for element in doc.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    rendered = render(body, "articles/one.md", 6).html
    assert re.findall(r'<h2 id="([^"]+)"', rendered) == [
        "main-1", "written-1", "fn1-1", "section", "section-1", "section-1-1", "section-2", "theatre", "section-3"]


def test_many_equal_headings_cost_linear_work() -> None:
    # Work, not time: the number of ids tried grows with the number of headings, not its square.
    from agorapress.content import anchors as markdown

    tried = 0
    original = markdown._FOOTNOTE_ID

    class Counting:
        def fullmatch(self, text):
            nonlocal tried
            tried += 1
            return original.fullmatch(text)

    markdown._FOOTNOTE_ID = Counting()
    try:
        render("## Same\n\n" * 5000 + "## Same 1\n\n" * 50, "articles/x.md", 1)
    finally:
        markdown._FOOTNOTE_ID = original
    assert tried < 3 * 5050


def test_a_flood_of_brackets_is_shown_as_text_past_the_budget() -> None:
    from agorapress.content.markdown import MAX_BRACKETS

    body = "[a link](other.md) and [another](https://example.org/)\n\n" + "[" * MAX_BRACKETS + "\n\nlast [one](x.md)\n"
    rendered = render(body, "articles/x.md", 5)
    assert rendered.flattened == [7]  # the paragraph of brackets, on its line; the others are Markdown as usual
    assert "[" * MAX_BRACKETS in rendered.html
    assert [link.target for link in rendered.local_links] == ["articles/other.md", "articles/x.md"]
    assert 'href="https://example.org/"' in rendered.html


def test_a_file_of_broken_links_gives_a_readable_report(portal) -> None:
    from agorapress.graph import MAX_LINK_PROBLEMS

    body = "".join(f"[x](missing-{i}.md)\n\n" for i in range(MAX_LINK_PROBLEMS + 25))
    root = portal({"content/articles/one.md": article(body)})
    problems = [p for p in load_portal(root, now=NOW, use_cache=False).problems.errors if p.rule == "broken-link"]
    assert len(problems) == MAX_LINK_PROBLEMS + 1
    assert problems[-1].message == "and 25 more link(s) that lead nowhere, from this line on"


def test_a_paragraph_shown_as_text_is_reported_on_its_line(portal) -> None:
    from agorapress.content.markdown import MAX_BRACKETS

    root = portal({"content/articles/one.md": article("Intro.\n\n" + "[" * (MAX_BRACKETS + 1) + "\n")})
    found = [p for p in load_portal(root, now=NOW, use_cache=False).problems if p.rule == "too-many-brackets"]
    assert [(p.path, p.line, p.severity) for p in found] == [("content/articles/one.md", 8, "warning")]

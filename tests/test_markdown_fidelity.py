"""Real posts render as their authors meant them: posts of the Rust blog (tests/fixtures/rust-blog, see its README
for their source and licence) built into a portal, and each promise of issue #23 read on the built output with
real parsers (html5lib, feedparser, JSON); the open-ended classes (schemes, reference definitions, where a comment
stands) with Hypothesis."""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from datetime import datetime
from pathlib import Path

import feedparser
import html5lib
import pytest
from conftest import MINIMAL_PROFILE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agorapress.avatars import contrast
from agorapress.build.pipeline import build
from agorapress.content.highlight import AA, SCHEMES, stylesheet
from agorapress.content.markdown import render
from agorapress.content.schemes import KNOWN_SCHEMES
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-11-22T12:00:00+01:00")
FIXTURES = REPO / "tests" / "fixtures" / "rust-blog"
SITE = "https://blog.example.org/"
CONFIG = f"""\
site:
  title: Rust blog
  description: Real posts.
  url: {SITE}
  repository: https://github.com/example/blog
  language: en
"""
#: The one absolute link of the fixtures to a post the test portal does not publish (Rust 1.85.0): the built portal
#: points it at a post it does publish, by its absolute path as the original does (test_own_addresses checks both).
MISSING_POST = "/2025/02/20/Rust-1.85.0/"
PUBLISHED_POST = "/articles/rust-1-77-2/"
FRENCH = """\
---
title: "Atelier : réparer son vélo"
date: 2026-10-01
authors: [ana]
lang: fr
---
Bonjour ! Venez à l'atelier ; nous serons là : "à 18 h" ? Oui, «vraiment».

## Matériel {#materiel}

## Matériel
"""


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.removesuffix(".md").lower()).strip("-")


def as_article(path: Path, fix_missing: bool = True) -> tuple[str, str]:
    """A Rust blog post as an Agora article: its TOML front matter as YAML, its body as it is."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("+++", 2)
    meta = tomllib.loads(front)
    day = re.search(r"(\d{4})/(\d{2})/(\d{2})", meta["path"])
    date = "-".join(day.groups()) if day else "2020-01-01"
    if fix_missing:
        body = body.replace(MISSING_POST, PUBLISHED_POST)
    title = json.dumps(meta["title"], ensure_ascii=False)
    front_matter = f"---\ntitle: {title}\ndate: {date}\nauthors: [ana]\ntags: [rust]\n---"
    return f"content/articles/{slug_of(path.name)}.md", front_matter + body


def fixture_files(fix_missing: bool = True) -> dict[str, str]:
    files = dict(as_article(path, fix_missing) for path in sorted(FIXTURES.glob("*.md")) if path.name != "README.md")
    files["content/articles/atelier.md"] = FRENCH
    return files


def write(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    (root / "content" / "contributors").mkdir(parents=True, exist_ok=True)
    (root / "site_config.yaml").write_text(config, encoding="utf-8")
    (root / "content" / "contributors" / "ana.md").write_text(MINIMAL_PROFILE, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list]:
    root = write(tmp_path_factory.mktemp("rust") / "portal", fixture_files())
    result = build(root, root / "output", now=NOW)
    return result.output, list(load_portal(root, now=NOW).problems)


def page(output: Path, slug: str):
    return html5lib.parse((output / "articles" / slug / "index.html").read_bytes(), treebuilder="etree",
                          namespaceHTMLElements=False)


def body_of(document):
    return next(element for element in document.iter() if "prose" in (element.get("class") or "").split())


def text_of(element) -> str:
    return "".join(element.itertext())


def every_output_text(output: Path) -> str:
    """Every page, feed and JSON file of the site, and the search index's fragments, as one text."""
    parts = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pf_fragment":
            data = gzip.decompress(data)
        elif path.suffix not in {".html", ".xml", ".json", ".ics", ".opml"}:
            continue
        parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


# --- comments -----------------------------------------------------------------------------------------------------

def test_html_comments_are_nowhere_in_the_built_site(built) -> None:
    output, problems = built
    everything = every_output_text(output)
    assert "pf_fragment" not in everything and len(list(output.rglob("*.pf_fragment"))) >= 5  # the index was read
    for secret in ("time period: 2024-11-05 through 2024-12-03", "FIXME: this should be toml"):
        assert secret not in everything, secret
    for slug in ("test-infra-nov-2024", "rust-1-94-0"):
        assert "<!--" not in text_of(body_of(page(output, slug)))
    # The text around them is there: the code block the FIXME stood above.
    assert 'version = "1.0",' in text_of(body_of(page(output, "rust-1-94-0")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.sampled_from(["Text before", "- a list item", "> a quote", "| a | b |\n|---|---|\n| c | d |", "## Heading",
                            ""]),
    where=st.sampled_from(["block", "inline", "end-of-line", "in-heading", "spanning", "in-quote", "in-list"]),
    inside=st.text(alphabet=st.characters(blacklist_characters="<>-\r", blacklist_categories=("Cs", "Cc")), max_size=30),
    policy=st.sampled_from(["github", "none"]),
)
def test_a_comment_is_never_shown_wherever_it_stands(before: str, where: str, inside: str, policy: str) -> None:
    secret = "SECRETWORD"
    comment = f"<!-- {inside} {secret} [x](missing-page.md) {inside} -->"
    bodies = {
        "block": f"{before}\n\n{comment}\n\nAfter.",
        "inline": f"{before}\n\nSome {comment} words.",
        "end-of-line": f"{before}\n\nWords {comment}\nmore words.",
        "in-heading": f"{before}\n\n## Title {comment}\n\nAfter.",
        "spanning": f"{before}\n\nWords <!-- {inside}\n\n{secret} [x](missing-page.md) -->\n\nAfter.",
        "in-quote": f"{before}\n\n> quoted {comment} text",
        "in-list": f"{before}\n\n- item {comment}\n- next",
    }
    rendered = render(bodies[where], "articles/a.md", 5, html=policy)
    assert secret not in rendered.html and secret not in rendered.first_paragraph
    assert not rendered.local_links  # the link inside is never read, so never checked
    assert "After" in rendered.html or where not in ("block", "in-heading", "spanning")


def test_an_escaped_comment_opener_stays_text() -> None:
    html = render("Write `<!-- note -->` to hide a note, or \\<!-- like this.", "articles/a.md", 1).html
    assert "&lt;!-- note --&gt;" in html and "&lt;!-- like this." in html


# --- the HTML policy -------------------------------------------------------------------------------------------

def test_github_policy_keeps_github_html_of_real_posts(built) -> None:
    output, problems = built
    overview = body_of(page(output, "rustc-dev-guide-overview"))
    assert [text_of(sup) for sup in overview.iter("sup")][:2] == ["1", "1"]
    lineup = body_of(page(output, "conf-lineup-2"))
    assert len(list(lineup.iter("br"))) >= 8
    # Text that only looks like a tag, in a link's text of Rust 1.94.0 ('TryFrom<char>' in backticks), is never flagged.
    assert not [p for p in problems if p.rule in ("raw-html", "html-removed")]


def test_none_policy_shows_tags_as_text_and_names_their_lines(tmp_path: Path) -> None:
    files = {rel: text for rel, text in fixture_files().items() if "conf-lineup" in rel or "rustc-dev" in rel}
    root = write(tmp_path / "portal", files, CONFIG + "moderation:\n  html: none\n")
    problems = [p for p in load_portal(root, now=NOW).problems if p.rule == "raw-html"]
    lineup = (FIXTURES / "conf-lineup-2.md").read_text(encoding="utf-8").split("\n")
    first_br = next(number for number, line in enumerate(lineup, 1) if "<br>" in line)
    # The front matter is rewritten: TOML's lines become YAML's (title, date, authors, tags between two ---).
    offset = 7 - (lineup.index("+++", 1) + 2)
    by_file = {p.path: p for p in problems}
    assert by_file["content/articles/conf-lineup-2.md"].line == first_br + offset
    assert "<br>" in by_file["content/articles/conf-lineup-2.md"].message
    html = render("**FOSDEM**<br>February", "articles/a.md", 1, html="none").html
    assert "&lt;br&gt;" in html


def test_the_deprecated_key_is_read_with_a_hint(tmp_path: Path) -> None:
    root = write(tmp_path / "portal", {}, CONFIG + "moderation:\n  allow_html: false\n")
    portal = load_portal(root, now=NOW)
    assert portal.config.moderation.html_policy == "none"
    (hint,) = [p for p in portal.problems if p.rule == "config-deprecated"]
    assert (hint.line, hint.severity) == (8, "warning") and "html: none" in hint.hint


def test_escaped_text_is_never_flagged_and_bare_generics_get_the_backticks_hint() -> None:
    escaped = render("Use \\<T\\>, &lt;T&gt; or `Vec<T>` freely.", "articles/a.md", 1)
    assert not escaped.notes and escaped.html.count("&lt;T&gt;") == 3
    bare = render("A `Vec` is a Vec<T> in prose.", "articles/a.md", 1)
    assert [(note.rule, note.hint) for note in bare.notes] == [("raw-html", "wrap code in backticks: `Vec<T>`")]
    assert "Vec&lt;T&gt;" in bare.html


def test_removed_html_is_reported_with_its_line_and_what_to_do() -> None:
    rendered = render("Fine.\n\n<iframe src='https://video.example/'></iframe>\n\n<p onclick='x()'>p</p>", "a.md", 10)
    found = {(note.line, note.rule, note.message.split(" ")[0]) for note in rendered.notes}
    assert found == {(12, "html-removed", "<iframe>"), (14, "html-removed", "the")}
    assert "iframe" not in rendered.html and "onclick" not in rendered.html and ">p</p>" in rendered.html


# --- links --------------------------------------------------------------------------------------------------------

def test_real_links_of_every_scheme_and_a_typo(built) -> None:
    output, problems = built
    survey = body_of(page(output, "survey-2016"))
    assert "mailto:community-team@rust-lang.org" in [a.get("href") for a in survey.iter("a")]
    excerpt = (FIXTURES / "project-goals-2026-04-excerpt.md").read_text(encoding="utf-8").split("\n")
    line = next(number for number, text in enumerate(excerpt, 1) if "](ttps://" in text)
    offset = 7 - (excerpt.index("+++", 1) + 2)
    (typo,) = [p for p in problems if p.rule == "link-scheme"]
    assert (typo.path, typo.line, typo.severity, typo.hint) == (
        "content/articles/project-goals-2026-04-excerpt.md", line + offset, "warning", "did you mean https?")


SCHEMES_THAT_LINK = sorted(KNOWN_SCHEMES)


@settings(max_examples=200, deadline=None)
@given(scheme=st.sampled_from(SCHEMES_THAT_LINK),
       rest=st.from_regex(r"[a-z0-9][a-z0-9._/?=-]{0,15}(@[a-z0-9.]{1,8})?", fullmatch=True))
def test_every_scheme_that_cannot_run_script_links(scheme: str, rest: str) -> None:
    rendered = render(f"See [there]({scheme}:{rest}).", "articles/a.md", 1)
    fragment = html5lib.parseFragment(rendered.html, treebuilder="etree", namespaceHTMLElements=False)
    assert [a.get("href") for a in fragment.iter("a")] == [f"{scheme}:{rest}"]
    assert not [note for note in rendered.notes if note.severity == "error"]


def _disguised(draw, scheme: str, entities: bool = True) -> str:
    """`scheme` as a browser would still read it: any case, its first letter maybe a character reference (Markdown
    decodes those in a destination). Tabs, line ends and spaces inside are percent-encoded by the parser, which
    makes the address a harmless relative one."""
    letters = [draw(st.sampled_from([c.lower(), c.upper()])) for c in scheme]
    if entities and draw(st.booleans()):
        letters[0] = draw(st.sampled_from([f"&#{ord(letters[0])};", f"&#x{ord(letters[0]):x};"]))
    return "".join(letters)


@st.composite
def unsafe_links(draw) -> tuple[str, str, int]:
    scheme = draw(st.sampled_from(["javascript", "vbscript", "file", "data"]))
    address = f"{_disguised(draw, scheme)}:{'text/html,x' if scheme == 'data' else 'alert(1)'}"
    form = draw(st.sampled_from(["inline", "reference", "autolink", "image"]))
    if form == "inline":
        return f"[click me](<{address}>)", scheme, 1
    if form == "reference":
        return f"[click me][r]\n\n[r]: <{address}>", scheme, 1
    if form == "image":
        return f"![click me](<{address}>)", scheme, 1
    return f"<{_disguised(draw, scheme, entities=False)}:alert(1)>", scheme, 1


@settings(max_examples=200, deadline=None)
@given(case=unsafe_links(), lines_before=st.integers(0, 5))
def test_script_addresses_are_neutralised_and_reported_with_their_line(case, lines_before: int) -> None:
    text, scheme, _ = case
    rendered = render("Para.\n\n" * lines_before + text + "\n", "articles/a.md", 7)
    fragment = html5lib.parseFragment(rendered.html, treebuilder="etree", namespaceHTMLElements=False)
    addresses = [(e.get("href") or e.get("src") or "") for e in fragment.iter() if e.tag in ("a", "img")]
    assert not [a for a in addresses if re.sub(r"[\s\x00-\x20]", "", a).lower().startswith(scheme)]
    assert "click me" in text_of(fragment) or scheme in text_of(fragment).lower()  # the text stays
    (error,) = [note for note in rendered.notes if note.severity == "error"]
    assert (error.rule, error.line) == ("unsafe-url", 7 + 2 * lines_before)


@settings(max_examples=150, deadline=None)
@given(count=st.integers(2, 9), bad=st.integers(0, 8),
       destination=st.sampled_from(["ttps://example.org", "hhttps://x.y", "javascript:alert(1)", "JAVASCRIPT:x",
                                    "vbscript:x", "data:text/html,x", "file:///etc/passwd", "crate::bar::Bar",
                                    "www.example.org", "<>", "ftp://files.example.org"]))
def test_a_bad_destination_never_drops_the_definitions_after_it(count: int, bad: int, destination: str) -> None:
    bad = bad % count
    uses = " ".join(f"[link {n}][r{n}]" for n in range(count))
    definitions = "\n".join(f"[r{n}]: {destination if n == bad else f'https://example.org/{n}'}" for n in range(count))
    rendered = render(f"{uses}\n\n{definitions}\n", "articles/a.md", 1)
    fragment = html5lib.parseFragment(rendered.html, treebuilder="etree", namespaceHTMLElements=False)
    linked = {text_of(a): a.get("href") for a in fragment.iter("a")}
    for n in range(count):
        if n != bad:
            assert linked.get(f"link {n}") == f"https://example.org/{n}", (n, rendered.html)
    assert "[r" not in text_of(fragment)


def test_www_without_a_scheme_gets_the_hint() -> None:
    (note,) = render("See [the site](www.example.org/page).", "articles/a.md", 3).notes
    assert (note.rule, note.line, note.severity) == ("link-scheme", 3, "error")
    assert note.hint.startswith("add https://")


def test_own_addresses_are_checked_against_what_the_portal_publishes(tmp_path: Path) -> None:
    files = fixture_files(fix_missing=False)
    files["content/pages/links.md"] = (f"---\ntitle: Links\n---\n[events](/events/) [a post]({PUBLISHED_POST}) "
                                       f"[in full]({SITE}articles/survey-2016/) [feed](/feeds/all.atom.xml)\n\n"
                                       "[nowhere](/articles/no-such-post/)\n")
    root = write(tmp_path / "portal", files)
    problems = list(load_portal(root, now=NOW).problems)
    assert not [p for p in problems if p.rule == "path-escape"]
    broken = sorted((p.path, p.message) for p in problems if p.rule == "broken-link")
    assert broken == [
        ("content/articles/hiring-for-program-management.md",
         f"the link to '{MISSING_POST}': the portal publishes no page at /2025/02/20/Rust-1.85.0"),
        ("content/pages/links.md", "the link to '/articles/no-such-post/': the portal publishes no page at "
                                   "/articles/no-such-post"),
    ]


# --- code ---------------------------------------------------------------------------------------------------------

def test_code_is_highlighted_at_build_time_with_its_language(built) -> None:
    output, problems = built
    wasm = body_of(page(output, "changes-to-webassembly-targets-and-handling-undefined-symbols"))
    blocks = [div for div in wasm.iter("div") if div.get("class") == "highlight"]
    labels = [text_of(span) for div in blocks for span in div.iter("span") if span.get("class") == "code-lang"]
    assert {"Rust", "WebAssembly"} <= set(labels)
    assert any(span.get("class") == "k" for span in blocks[0].iter("span"))  # keywords carry Pygments' classes
    assert not list(wasm.iter("script"))
    assert not [p for p in problems if p.rule == "code-language"]
    css = (output / "theme" / "css" / "highlight.css").read_text(encoding="utf-8")
    assert css == stylesheet()
    assert 'theme/css/highlight.css"' in (output / "articles" / "survey-2016" / "index.html").read_text(encoding="utf-8")


def test_an_unknown_language_is_plain_text_with_a_warning_on_its_line() -> None:
    rendered = render("Text.\n\n```klingon\nqapla'\n```\n", "articles/a.md", 4)
    assert rendered.html.endswith("<pre><code>qapla'\n</code></pre>\n")
    (note,) = rendered.notes
    assert (note.rule, note.line, note.severity) == ("code-language", 6, "warning") and "klingon" in note.message


def test_both_schemes_of_the_stylesheet_read_at_aa() -> None:
    css = stylesheet()
    for scheme, (background, _, _) in SCHEMES.items():
        block = css if scheme == "light" else css[css.index("@media"):]
        colours = re.findall(r"color: (#[0-9a-f]{6})", block.split("@media")[0] if scheme == "light" else block)
        assert len(colours) > 20
        for colour in colours:
            assert contrast(colour, background) >= AA, (scheme, colour)


# --- headings -----------------------------------------------------------------------------------------------------

def test_every_heading_has_a_unique_anchor_and_a_link(built) -> None:
    output, _ = built
    for slug in ("rust-1-94-0", "hiring-for-program-management", "project-goals-2026-04-excerpt", "atelier"):
        body = body_of(page(output, slug))
        headings = [e for e in body.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        assert headings, slug
        ids = [h.get("id") for h in headings]
        assert all(ids) and len(set(ids)) == len(ids), (slug, ids)
        for heading in headings:
            (link,) = [a for a in heading.iter("a") if a.get("class") == "heading-anchor"]
            assert link.get("href") == f"#{heading.get('id')}"
            hidden = [s for s in link.iter("span") if s.get("class") == "visually-hidden"]
            assert hidden and text_of(hidden[0]).strip()
    french = [h.get("id") for h in body_of(page(output, "atelier")).iter("h2")]
    assert french == ["materiel", "materiel-1"]


# --- text ---------------------------------------------------------------------------------------------------------

def test_summaries_keep_the_space_at_line_breaks(built) -> None:
    output, _ = built
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    summary = next(e.summary for e in feed.entries if e.title == "Announcing Rust 1.77.2")
    assert "Rust is a programming language" in summary and "aprogramming" not in summary
    document = page(output, "rust-1-77-2")
    descriptions = [m.get("content") for m in document.iter("meta") if m.get("name") == "description"]
    assert descriptions and "Rust is a programming language" in descriptions[0]


def test_french_spacing_and_quotes_follow_the_page_language(built) -> None:
    output, _ = built
    text = text_of(body_of(page(output, "atelier")))
    assert "Bonjour\u202f!" in text and "atelier\u202f;" in text and "là\u00a0:" in text
    assert "«\u202fà 18 h\u202f»\u202f?" in text and "«\u202fvraiment\u202f»" in text
    assert "l’atelier" in text
    english = text_of(body_of(page(output, "rust-1-77-2")))
    assert "don’t" in english and "\u202f" not in english


# --- feeds --------------------------------------------------------------------------------------------------------

def test_feeds_stay_under_their_size_and_carry_summaries_per_tag_and_member(tmp_path: Path) -> None:
    long_post = as_article(FIXTURES / "Rust-1.94.0.md")[1]
    files = {f"content/articles/post-{n:02}.md": long_post.replace("date: 2026-03-05", f"date: 2026-03-{n + 1:02}")
             for n in range(28)}
    root = write(tmp_path / "portal", files, CONFIG + "feeds:\n  max_kb: 64\n  families:\n    section: {limit: 3}\n")
    output = build(root, root / "output", now=NOW).output
    for path in (output / "feeds").rglob("*"):
        if path.is_file():
            assert path.stat().st_size <= 64 * 1024, path
    everything = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert 2 <= len(everything.entries) < 28 and everything.entries[0].content  # the newest, in full
    assert len(feedparser.parse((output / "feeds" / "articles.atom.xml").read_bytes()).entries) == 3
    tag = feedparser.parse((output / "feeds" / "tags" / "rust.atom.xml").read_bytes())
    member = json.loads((output / "feeds" / "contributors" / "ana.json").read_text(encoding="utf-8"))
    assert tag.entries and not any("content" in entry for entry in tag.entries)
    assert member["items"] and all("content_html" not in item for item in member["items"])


def test_the_demo_feeds_are_under_one_mib(demo_site: Path) -> None:
    sizes = [path.stat().st_size for path in (demo_site / "feeds").rglob("*") if path.is_file()]
    assert sizes and max(sizes) <= 1 << 20

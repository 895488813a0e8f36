"""Moderation rules on real malicious inputs: look-alikes, invisible characters, words, files, HTML, the output audit."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG
from PIL import Image

from agorapress.build.audit import audit_output, ensure_safe_output
from agorapress.build.pipeline import build
from agorapress.cli import main
from agorapress.content.markdown import render
from agorapress.docgen import write_reference
from agorapress.lookalikes import describe, invisible_characters, is_confusable_with, skeleton
from agorapress.problems import BuildFailed
from agorapress.rules import catalogue
from agorapress.rules.files import count_problems, name_problems
from agorapress.sanitize import clean
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
RULES_DIR = Path(__file__).resolve().parent.parent / "agorapress" / "rules"


def article(extra: str = "", body: str = "Text.\n", title: str = "A title") -> str:
    return f"---\ntitle: {title}\ndate: 2026-01-10\nauthors: [ana]\n{extra}---\n{body}"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, fmt)
    return buffer.getvalue()


def problems_of(portal, files: dict, config: str = MINIMAL_CONFIG) -> list:
    return list(load_portal(portal(files, config=config), now=NOW, use_cache=False).problems)


def found(problems, rule: str) -> list[tuple[str, int, str, str]]:
    return [(p.path, p.line, p.field, p.severity) for p in problems if p.rule == rule]


# --- identity: skeletons shared with the contributors' checks -------------------------------------------------

@pytest.mark.parametrize("one, other", [
    ("ana", "\u0430n\u0430"),  # Cyrillic a
    ("ana", "ANA"),
    ("ana", "ａｎａ"),  # fullwidth
    ("ana", "a\u200bna"),  # zero-width space
    ("amelie", "arnelie"),  # rn reads as m
    ("bob", "b0b"),
    ("ana-l", "ana-1"),
    ("ana-l", "ana-I"),
    ("paypal", "p\u0430yp\u0430l"),
])
def test_lookalikes_share_a_skeleton(one: str, other: str) -> None:
    assert skeleton(one) == skeleton(other)
    assert is_confusable_with(one, other)


@pytest.mark.parametrize("one, other", [("ana", "anna"), ("ana-l", "ana-i"), ("bob", "rob"), ("elise", "elsie")])
def test_different_names_stay_different(one: str, other: str) -> None:
    assert not is_confusable_with(one, other)


def test_invisible_characters_are_named() -> None:
    assert [describe(c) for c in invisible_characters("a\u202eb\u200bc\u202e")] == [
        "U+202E RIGHT-TO-LEFT OVERRIDE", "U+200B ZERO WIDTH SPACE"]


# --- invisible characters, look-alike names, alt text, refused URLs, raw HTML ---------------------------------

def test_bidi_and_zero_width_characters_are_refused_in_titles_names_and_the_board(portal) -> None:
    problems = problems_of(portal, {
        "content/articles/a.md": article(title='"invoice\u202efdp.exe"'),
        "content/articles/emoji.md": article(title='"Our dev team 👩\u200d💻"'),  # a joiner in an emoji: fine
        "content/contributors/eve.md": '---\nname: "An\u200ba"\ngithub: eve\n---\nBio.\n',
        "content/contributors/zed.md": '---\nname: "Ze\u200dd"\ngithub: zed\nlinks:\n  - {label: "Site\u200d", url: "https://z.example/\u2066"}\n---\nBio.\n',
        "content/board.yaml": 'topics:\n  - id: t\n    title: "Repair\u2067 night"\n'
                              '    section: articles\n    proposed_by: ana\n',
    })
    assert found(problems, "invisible-character") == [
        ("content/articles/a.md", 2, "title", "error"),
        ("content/board.yaml", 3, "", "error"),
        ("content/contributors/eve.md", 2, "name", "error"),
        ("content/contributors/zed.md", 2, "name", "error"),  # a joiner in a name: refused
        ("content/contributors/zed.md", 5, "links[0].url", "error"),
    ]
    message = next(p.message for p in problems if p.path == "content/articles/a.md")
    assert message == "contains invisible character(s) U+202E RIGHT-TO-LEFT OVERRIDE"


def test_bidi_controls_in_a_body_are_shown_to_reviewers(portal) -> None:
    problems = problems_of(portal, {"content/articles/a.md": article(body="Line one.\n\nPay to \u202eLIAMEK\u202c now.\n")})
    assert found(problems, "invisible-character") == [("content/articles/a.md", 8, "", "warning")]


def test_a_name_mixing_alphabets_is_flagged(portal) -> None:
    problems = problems_of(portal, {
        "content/contributors/eve.md": "---\nname: \u0410na Lopez\ngithub: eve\n---\nBio.\n",
        "content/contributors/ken.md": "---\nname: Ken 健 Sato\ngithub: ken\n---\nBio.\n",  # two scripts, word by word
        "content/contributors/eli.md": "---\nname: Ελένη Παππά\ngithub: eli\n---\nBio.\n",
    })
    assert found(problems, "mixed-script") == [("content/contributors/eve.md", 2, "name", "warning")]


def test_images_need_alt_text(portal) -> None:
    problems = problems_of(portal, {
        "content/media/p.png": image_bytes(),
        "content/articles/a.md": article(body="Fine: ![a green field](../media/p.png)\n\n"
                                              "Bad: ![](../media/p.png)\n\n![  ](../media/p.png)\n"),
        "content/interviews/i.md": "---\ntitle: I\ndate: 2026-01-10\nauthors: [ana]\ninterviewee:\n  name: Bo\n"
                                   "  photo: media/p.png\n---\n## Q\nA\n",
    })
    assert found(problems, "image-alt-missing") == [
        ("content/articles/a.md", 8, "", "error"),
        ("content/articles/a.md", 10, "", "error"),
        ("content/interviews/i.md", 7, "interviewee.photo_alt", "error"),
    ]


def test_script_urls_in_a_body_are_reported_and_never_linked(portal) -> None:
    body = ("Safe text.\n\n[x](javascript:alert(1))\n\n![y](DATA:image/svg+xml;base64,PHN2Zz4=)\n\n"
            "<vbscript:msgbox(1)>\n\n`[code](javascript:shown-as-code)`\n")
    root = portal({"content/articles/a.md": article(body=body)})
    problems = list(load_portal(root, now=NOW).problems)
    assert [(p.line, p.message.split("'")[1], p.severity) for p in problems if p.rule == "unsafe-url"] == [
        (8, "javascript:", "error"), (10, "data:", "error"), (12, "vbscript:", "error")]
    html = render(body, "articles/a.md", 1).html
    doc = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    assert [a.get("href") for a in doc.iter("a")] == [] and [i.get("src") for i in doc.iter("img")] == []


def test_raw_html_is_shown_as_text_and_reported_under_html_none(portal) -> None:
    body = "Hello <b>there</b> <script>alert(1)</script>\n\n`<i>in code</i>` is fine.\n"
    problems = problems_of(portal, {"content/articles/a.md": article(body=body)},
                           config=MINIMAL_CONFIG + "moderation:\n  html: none\n")
    raw = [p for p in problems if p.rule == "raw-html"]
    assert [(p.line, p.severity) for p in raw] == [(6, "warning"), (6, "warning")]
    assert [p.message.split(" is shown")[0] for p in raw] == ["the HTML tag <b>", "the HTML tag <script>"]
    github = problems_of(portal, {"content/articles/a.md": article(body=body)})  # the default policy
    assert not [p for p in github if p.rule == "raw-html"]
    assert [(p.line, p.message.split(" is removed")[0]) for p in github if p.rule == "html-removed"] == [(6, "<script>")]


# --- the sanitiser, when a portal allows HTML -----------------------------------------------------------------

XSS_VECTORS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
    "<a href='javascript:alert(1)'>x</a>", "<a href='&#106;avascript:alert(1)'>x</a>", "<a href='java\tscript:alert(1)'>x</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>", "<iframe src='https://evil.example'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>", "<object data='x.swf'></object>", "<embed src='x.swf'>",
    "<form action='https://evil.example'><input name=q><button formaction='javascript:alert(1)'>go</button></form>",
    "<style>*{display:none}</style>", "<div style='background:url(javascript:alert(1))'>x</div>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>", "<base href='https://evil.example/'>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", "<details open ontoggle=alert(1)>x</details>",
    "<a href='https://ok.example' target='_blank' onclick='steal()'>ok</a>",
    "<img src='https://t.example/pixel.gif' srcset='javascript:alert(1) 1x'>",
    "<p id='main' class='site-header'>clobber</p>", "<!-- <script>alert(1)</script> -->",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_the_sanitiser_leaves_nothing_that_runs(vector: str) -> None:
    cleaned = clean(vector)
    doc = html5lib.parseFragment(cleaned, treebuilder="etree", namespaceHTMLElements=False)
    for element in doc.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        assert tag not in {"script", "iframe", "object", "embed", "form", "style", "meta", "base", "svg", "math", "button"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") and name not in {"target", "srcset"}, cleaned
            assert name != "style" or "url" not in value, cleaned
            if name in {"href", "src"}:
                assert re.match(r"^(https?:|mailto:|[^:]*$)", value), cleaned
        if element.get("id"):
            assert element.get("id") != "main"


def test_the_sanitiser_keeps_what_markdown_writes() -> None:
    body = ("## Why?\n\nText <b>bold</b> [a link](https://example.org) and [[1]](#fn1).\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n\n"
            "- [x] done\n\nNote[^1].\n\n[^1]: The note.\n")
    html = render(body, "interviews/x.md", 1, allow_html=True, interview=True).html
    assert '<section class="qa">' in html and '<h2 id="why" class="qa-question">' in html
    assert '<th style="text-align:right">' in html and "<b>bold</b>" in html
    assert 'href="https://example.org" rel="ugc noopener"' in html
    assert '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox">' in html
    assert 'id="fn1"' in html


def test_sanitised_html_is_the_same_bytes_in_every_process() -> None:
    """Hash maps inside nh3 are seeded per process: nothing they order may reach the output."""
    script = ("from agorapress.content.markdown import render; import sys; "
              "sys.stdout.write(render(sys.stdin.read(), 'articles/a.md', 1, allow_html=True).html)")
    body = ("- [ ] open\n- [x] done\n\n<input type=text value=x> <p class='qa footnotes' id='x' title='t' lang='fr'>"
            "<a href='https://x.example' hreflang='fr' title='y'>k</a></p>\n\n| a |\n|--:|\n| 1 |\n")
    outputs = {subprocess.run([sys.executable, "-c", script], input=body, capture_output=True, text=True, check=True).stdout
               for _ in range(6)}
    assert len(outputs) == 1
    assert '<input disabled="disabled" type="checkbox">' in outputs.pop()


# --- words ----------------------------------------------------------------------------------------------------

WORDS = MINIMAL_CONFIG + "moderation:\n  refused_terms: [casino, 'free money']\n  flagged_terms: [crypto, 'gratuit à vie']\n"


def test_refused_and_flagged_terms_are_found_wherever_they_hide(portal) -> None:
    problems = problems_of(portal, {
        "content/articles/a.md": article("summary: Best CASINO in town\ntags: [crypto]\n",
                                         "Get FREE   money now.\n\nA c\u0430sino again (Cyrillic a).\n\nAlso c\u200basino.\n"),
        "content/articles/b.md": article(body="Casinos and cryptography are other words.\n"),
        "content/articles/c.md": article(title="Gratuit à vie"),
        "content/contributors/eve.md": "---\nname: Eve Casino\ngithub: eve\n---\nBio.\n",
        "content/board.yaml": "topics:\n  - id: t\n    title: A casino night\n    section: articles\n    proposed_by: ana\n",
    }, config=WORDS)
    refused = [(p.path, p.line, p.field, p.message) for p in problems if p.rule == "refused-term"]
    assert refused == [
        ("content/articles/a.md", 5, "summary", "'casino' is a refused term on this portal (lines 5, 10, 12)"),
        ("content/articles/a.md", 8, "", "'free money' is a refused term on this portal"),
        ("content/board.yaml", 3, "", "'casino' is a refused term on this portal"),
        ("content/contributors/eve.md", 2, "name", "'casino' is a refused term on this portal"),
    ]
    flagged = [(p.path, p.line, p.field, p.severity) for p in problems if p.rule == "flagged-term"]
    assert flagged == [("content/articles/a.md", 6, "tags[0]", "warning"), ("content/articles/c.md", 2, "title", "warning")]


def test_a_disguised_term_says_so(portal) -> None:
    problems = problems_of(portal, {"content/articles/a.md": article(body="Play c\u0430sin0 tonight.\n")}, config=WORDS)
    (problem,) = [p for p in problems if p.rule == "refused-term"]
    assert problem.message == "'casino' is a refused term on this portal, written with look-alike characters"


def test_flagged_terms_warn_and_refused_terms_fail_the_check(portal) -> None:
    root = portal({"content/articles/a.md": article(body="About crypto.\n")}, config=WORDS)
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "warning[flagged-term]" in result.stdout
    (root / "content/articles/a.md").write_text(article(body="About the casino.\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--now", NOW.isoformat()])
    assert result.exit_code == 1 and "error[refused-term]" in result.stdout


# --- files ----------------------------------------------------------------------------------------------------

def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header declares a huge canvas (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_media_files_are_what_their_names_say(portal) -> None:
    big = os.urandom(3 * 1024 * 1024)
    problems = problems_of(portal, {
        "content/media/ok.png": image_bytes(),
        "content/media/ok.gif": image_bytes("GIF"),
        "content/media/jpeg-named.png": image_bytes("JPEG"),
        "content/media/page.png": b"<!doctype html><script>alert(1)</script>",
        "content/media/vector.jpg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "content/media/bomb.png": bomb_png(),
        "content/media/huge.jpg": b"\xff\xd8\xff" + big,
        "content/media/fake.pdf": b"MZ\x90\x00 not a pdf",
        "content/media/binary.txt": b"text\x00with NUL",
        "content/media/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "content/articles/drawing.svg": b"<svg/>",
    })
    # Nothing uses these files: each is also reported as unused (a warning, rules/media.py), and never published.
    assert {p.path for p in problems if p.rule == "media-unused" and p.severity == "warning"} >= {
        "content/media/ok.png", "content/media/ok.gif"}
    by_file = {p.path.removeprefix("content/"): p.rule for p in problems
               if p.rule not in {"unclaimed-file", "media-unused"} and p.path.startswith("content/")}
    assert by_file == {
        "articles/drawing.svg": "svg-refused",
        "media/binary.txt": "file-type",
        "media/bomb.png": "not-an-image",
        "media/fake.pdf": "file-type",
        "media/huge.jpg": "image-too-large",
        "media/jpeg-named.png": "not-an-image",
        "media/logo.svg": "svg-refused",
        "media/page.png": "not-an-image",
        "media/vector.jpg": "not-an-image",
    }
    messages = {p.path: p.message for p in problems if p.rule != "unclaimed-file"}
    assert messages["content/media/jpeg-named.png"] == "'jpeg-named.png' is a JPEG image named '.png'"
    assert "decompression bomb" in messages["content/media/bomb.png"] or "pixels" in messages["content/media/bomb.png"]
    assert messages["content/media/vector.jpg"] == "'vector.jpg' is an SVG image, which can carry scripts"
    assert messages["content/media/logo.svg"] == "SVG images are refused: they can carry scripts"


OTHER_CHARACTERS = "has characters other than ASCII letters, digits, '.', '_' and '-'"


def test_file_names_must_be_safe_urls(portal) -> None:
    problems = problems_of(portal, {
        "content/articles/Café Été.md": article(),
        "content/articles/My-Text.md": article(),
        "content/articles/Named-By-Slug.md": article("slug: named-by-slug\n"),
        "content/articles/.hidden.md": article(),
        "content/media/my photo.png": image_bytes(),
    })
    assert sorted((p.path, p.message) for p in problems if p.rule == "file-name") == [
        ("content/articles/.hidden.md", "the file name '.hidden.md' is hidden (starts with a dot)"),
        ("content/articles/Café Été.md", f"the file name 'Café Été.md' {OTHER_CHARACTERS}"),
        ("content/articles/My-Text.md", "'My-Text' becomes the URL of this item but is not a slug"),
        ("content/media/my photo.png", f"the file name 'my photo.png' {OTHER_CHARACTERS}"),
    ]
    assert name_problems("articles/2026/ok-name.md") == []


def test_the_number_of_files_is_limited() -> None:
    assert count_problems(5000, 5000) == []
    (problem,) = count_problems(5001, 5000)
    assert (problem.path, problem.rule, problem.message) == ("content", "too-many-files", "5001 files, over the limit of 5000")


def test_contributors_cannot_set_how_the_site_is_built(portal) -> None:
    problems = problems_of(portal, {"content/articles/a.md": article(
        "template: ../../evil\nsave_as: ../../index.html\nurl: /\noutput_path: /tmp\nlayout: raw\n")})
    unknown = sorted(p.field for p in problems if p.rule == "schema-unknown")
    assert unknown == ["layout", "output_path", "save_as", "template", "url"]


# --- the catalogue ----------------------------------------------------------------------------------------------

def test_every_rule_id_of_the_moderation_modules_is_documented() -> None:
    not_rules = {"my-text", "cat-file", "merge-base", "rev-parse"}  # a file name hint and git subcommands
    for module in ("rules/safety.py", "rules/words.py", "rules/files.py", "rules/limits.py", "pr.py", "build/audit.py"):
        source = (RULES_DIR.parent / module).read_text(encoding="utf-8")
        emitted = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', source)) - not_rules
        docstring = source.split('"""')[1]
        # Each rule is a bullet of the module docstring: "- ``rule-id`` (severity): what it refuses".
        bullets = re.findall(r"^- ((?:``[a-z-]+``(?:, )?)+)", docstring, re.MULTILINE)
        documented = {rule for bullet in bullets for rule in re.findall(r"``([a-z-]+)``", bullet)}
        documented |= set(re.findall(r"rule id ``([a-z-]+)``", docstring))
        assert emitted <= documented, (module, emitted - documented)
        assert documented <= set(catalogue.RULE_DOCS), (module, documented - set(catalogue.RULE_DOCS))
    assert {"ownership", "lookalike-author", "submodule", "executable", "output-audit"} <= set(catalogue.RULE_DOCS)


def test_the_rules_page_is_generated_from_the_catalogue(tmp_path: Path) -> None:
    written = write_reference(tmp_path, main)
    page = (tmp_path / "rules.md").read_text(encoding="utf-8")
    assert tmp_path / "rules.md" in written
    for rule, doc in catalogue.RULE_DOCS.items():
        assert f"| `{rule}` | {doc.severity} |" in page


# --- the output audit -----------------------------------------------------------------------------------------

def test_a_real_build_passes_the_audit(portal) -> None:
    root = portal({"content/articles/a.md": article(), "content/media/p.png": image_bytes()})
    output = build(root, root / "output", now=NOW).output
    assert audit_output(output) == []


def test_the_audit_refuses_links_dotfiles_and_foreign_types(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token", encoding="utf-8")
    site = tmp_path / "site"
    (site / "media").mkdir(parents=True)
    (site / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    (site / "leak.txt").symlink_to(secret)
    (site / "etc").symlink_to("/etc")
    os.link(secret, site / "copy.txt")
    (site / ".env").write_text("KEY=1", encoding="utf-8")
    (site / ".git").mkdir()
    (site / "run.sh").write_text("#!/bin/sh", encoding="utf-8")
    (site / "media" / "evil.js").write_text("alert(1)", encoding="utf-8")
    (site / "media" / "x.svg").write_text("<svg/>", encoding="utf-8")
    os.mkfifo(site / "pipe.txt")
    messages = sorted(p.message for p in audit_output(site))
    assert messages == [
        ".env is a hidden file",
        ".git is a hidden folder",
        "copy.txt is a hard link to a file outside the site",
        "etc is a symbolic link to a folder",
        "leak.txt is a symbolic link",
        "media/evil.js is a '.js' file outside theme/ and pagefind/: only the theme and the search index ship scripts",
        "media/x.svg is a '.svg' file outside theme/ and pagefind/: only the theme and the search index ship scripts",
        "pipe.txt is not a regular file (a device, a pipe or a socket)",
        "run.sh has a file type the site does not publish ('.sh')",
    ]
    assert {p.rule for p in audit_output(site)} == {"output-audit"}
    with pytest.raises(BuildFailed):
        ensure_safe_output(site)


def test_the_audit_accepts_the_incremental_builds_links_and_a_size_limit(tmp_path: Path) -> None:
    previous, staging = tmp_path / "output", tmp_path / "staging"
    (previous / "a").mkdir(parents=True)
    (staging / "a").mkdir(parents=True)
    (previous / "a" / "index.html").write_text("<p>same</p>", encoding="utf-8")
    os.link(previous / "a" / "index.html", staging / "a" / "index.html")
    assert audit_output(staging, previous) == []
    assert [p.message for p in audit_output(staging)] == ["a/index.html is a hard link to a file outside the site"]
    too_big = audit_output(staging, previous, max_bytes=4)
    assert [p.message for p in too_big] == ["the site holds 11 bytes, over the limit of 4 bytes"]


def test_the_audit_passes_a_real_incremental_build_before_the_swap(portal, monkeypatch) -> None:
    """The one line build.py needs (`ensure_safe_output(staging, previous=output)` before `swap.swap`), run in place."""
    from agorapress.build import swap

    audited: list[int] = []
    real_swap = swap.swap

    def audited_swap(staging: Path, output: Path) -> None:
        ensure_safe_output(staging, previous=output)
        audited.append(sum(1 for path in staging.rglob("*") if path.is_file() and path.stat().st_nlink > 1))
        real_swap(staging, output)

    monkeypatch.setattr(swap, "swap", audited_swap)
    root = portal({"content/articles/a.md": article(), "content/articles/b.md": article(title="B")})
    build(root, root / "output", now=NOW)
    (root / "content/articles/b.md").write_text(article(title="B, revised"), encoding="utf-8")
    build(root, root / "output", now=NOW)
    assert len(audited) == 2 and audited[1] > 0  # the second staging folder shares unchanged pages with the first

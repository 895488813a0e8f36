"""No script from any field: every way a contributor could plant one is either refused by `agora check` with a
named problem, or built into pages, feeds and calendars that, parsed for real, hold no executable script."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path

import html5lib
import pytest
from conftest import MINIMAL_CONFIG, REPO
from icalendar import Calendar
from lxml import etree
from PIL import Image

from agorapress.build.audit import audit_output
from agorapress.build.pipeline import build
from agorapress.content.markdown import render
from agorapress.problems import BuildFailed
from agorapress.site import load_portal

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")
THEME = Path(__file__).resolve().parent.parent / "agorapress" / "themes" / "agora" / "templates"
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "file:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset",
                  "cite", "longdesc", "usemap", "ping", "manifest"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "style", "link-import"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


# --- every field a contributor fills, each with script in it --------------------------------------------------

XSS = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
ATTR = '" onmouseover="alert(2)" x="'
BODY = """\
Raw: <script>alert(1)</script> <img src=x onerror=alert(2)> <iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name=q><button>go</button></form> <style>body{display:none}</style>
<svg onload=alert(3)><script>alert(4)</script></svg> <math><mi xlink:href="javascript:alert(5)">m</mi></math>
<object data="evil.swf"></object> <embed src="evil.swf"> <meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/"> <link rel="import" href="https://evil.example/x.html">
<a href="javascript:alert(6)">a</a> <a href="&#106;avascript:alert(7)">b</a> <a href=" JaVaScRiPt:alert(8)">c</a>
<div style="background:url(javascript:alert(9))" onclick="alert(10)">d</div> <iframe srcdoc="<script>alert(11)</script>"></iframe>
<form><button formaction="javascript:alert(12)">x</button></form> <details open ontoggle=alert(13)>e</details>

[l1](javascript:alert(14)) [l2](JAVASCRIPT:alert(15)) [l4](data:text/html;base64,PHNjcmlwdD5hbGVydCgxNyk8L3NjcmlwdD4=)
[l5](vbscript:msgbox(18)) ![i1](javascript:alert(19)) ![i2](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjApPg==)
<javascript:alert(21)> [ref] [ok](https://example.org/?q="><script>alert(22)</script>)

[ref]: javascript:alert(23)

## </h2><script>alert(24)</script>

A picture: ![a red square](../media/red.png)
"""


def hostile_files(body: str) -> dict[str, str | bytes]:
    return {
        "content/media/red.png": png(),
        "content/contributors/eve.md": f"""\
---
name: 'Eve {XSS}'
github: eve
pronouns: '{ATTR}'
location: '<b onmouseover=alert(3)>Lyon</b>'
interests: ['{XSS}']
links:
  - label: '{XSS}'
    url: 'https://eve.example/?q="><script>alert(5)</script>'
  - label: mail
    url: 'mailto:eve@example.org?subject="><script>alert(6)</script>'
---
{body}""",
        "content/articles/hostile.md": f"""\
---
title: 'T {XSS}'
summary: 'S {XSS} {ATTR}'
date: 2026-03-01
authors: [eve]
tags: [javascript, onload]
image: media/red.png
image_alt: 'A {ATTR} {XSS}'
---
{body}""",
        "content/interviews/hostile.md": f"""\
---
title: 'I {XSS}'
date: 2026-03-02
authors: [eve]
interviewers: [eve]
interviewee:
  name: 'N {XSS}'
  role: 'R {ATTR}'
  photo: media/red.png
  photo_alt: 'P {XSS}'
  links:
    - label: 'L {XSS}'
      url: 'https://x.example/"><script>alert(1)</script>'
---
## Q {XSS}

{body}""",
        "content/events/hostile.md": f"""\
---
title: 'E {XSS}'
summary: 'ES {XSS}'
date: 2026-03-03
authors: [eve]
organizers: [eve]
start: "2026-07-01T19:00"
location:
  name: 'Place {XSS}'
  address: 'Street {ATTR}'
  online: 'https://meet.example/"><script>alert(1)</script>'
registration: 'https://reg.example/?a="><img/src=x/onerror=alert(1)>'
---
{body}""",
        "content/pages/hostile.md": f"""\
---
title: 'Page {XSS}'
summary: 'PS {XSS}'
---
{body}""",
        "content/board.yaml": f"""\
topics:
  - id: hostile
    title: 'B {XSS}'
    section: articles
    proposed_by: eve
    notes: 'N {ATTR}'
""",
    }


# --- what "no executable script" means, for each kind of output file ------------------------------------------

def _theme_blocks(tag: str) -> set[str]:
    """The literal <script>/<style> bodies of the theme's templates (no template code in them): the theme's own."""
    found = set()
    for template in THEME.rglob("*.html"):
        for body in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", template.read_text(encoding="utf-8"), re.DOTALL):
            if "{{" not in body and "{%" not in body:
                found.add(body.strip())
    return found


THEME_SCRIPTS = _theme_blocks("script")
#: The one script file the theme loads (the light/dark toggle); any other src is someone else's script.
THEME_SCRIPT_FILE = "/theme/js/agora.js"
THEME_STYLES = _theme_blocks("style")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _bad_url(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme: strip them as they do.
    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
    # srcset and ping hold lists: a script URL may hide after a comma.
    return any(squeezed.startswith(scheme) or f",{scheme}" in squeezed for scheme in BAD_SCHEMES)


def html_findings(document, where: str, page: str = "") -> list[str]:
    """Everything in a parsed HTML tree that could run script."""
    found = []
    for element in document.iter():
        tag = _local(element.tag)
        if tag == "script":
            kind = (element.get("type") or "").lower()
            content = element.text or ""
            if kind in {"application/ld+json", "application/json"}:
                try:
                    json.loads(content)
                except ValueError:
                    found.append(f"{where}: a {kind} block that is not JSON")
                if "</" in content:
                    found.append(f"{where}: a {kind} block holding '</'")
            elif content.strip() not in THEME_SCRIPTS:
                found.append(f"{where}: <script> {content[:60]!r}")
            elif element.get("src") is not None and not element.get("src").endswith(THEME_SCRIPT_FILE):
                found.append(f"{where}: <script src={element.get('src')[:60]!r}>")
        elif tag == "style" and (element.text or "").strip() not in THEME_STYLES:
            found.append(f"{where}: <style> from content")
        elif tag == "form" and not (page == "search/index.html" and element.get("id") == "search-form"):
            found.append(f"{where}: <form>")
        elif tag in FORBIDDEN_ELEMENTS - {"style", "form"}:
            found.append(f"{where}: <{tag}>")
        elif tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            attribute = _local(name) if "}" in str(name) else str(name).lower()
            if attribute.startswith("on"):
                found.append(f"{where}: <{tag} {attribute}=...>")
            if attribute in URL_ATTRIBUTES and _bad_url(value):
                found.append(f"{where}: <{tag} {attribute}={value[:60]!r}>")
            if attribute == "style" and re.search(r"expression\s*\(|url\s*\(|javascript:", value, re.IGNORECASE):
                found.append(f"{where}: <{tag} style={value[:60]!r}>")
    return found


def _fragment_findings(text: str, where: str) -> list[str]:
    """Findings in a text that its reader treats as HTML."""
    if "<" not in text:
        return []
    fragment = html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)
    return html_findings(fragment, where)


ATOM = "{http://www.w3.org/2005/Atom}"
#: Atom text constructs: HTML when type="html", markup when type="xhtml", else plain text (RFC 4287, 3.1).
ATOM_TEXT = {"title", "subtitle", "summary", "content", "rights"}
#: RSS elements readers render as HTML: the entity-encoded synopsis and the full content.
RSS_HTML = {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}
XML_URLS = {"href", "src", "url", "uri", "xmlurl", "htmlurl", "icon", "logo", "link", "comments", "docs"}


def xml_findings(path: Path, where: str) -> list[str]:
    """Feeds read as their readers do: HTML where the format says HTML, URLs where it says URL."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        name = _local(tag)
        here = f"{where} <{name}>"
        for attribute, value in element.attrib.items():
            if _local(attribute) in XML_URLS and _bad_url(value):
                found.append(f"{here} {_local(attribute)}={value[:60]!r}")
        text = element.text or ""
        if tag.startswith(ATOM) and name in ATOM_TEXT:
            kind = element.get("type", "text")
            if kind == "html":
                found += _fragment_findings(text, here)
            elif kind == "xhtml":
                markup = "".join(etree.tostring(child, encoding="unicode") for child in element)
                found += _fragment_findings(markup, here)
        elif tag in RSS_HTML or name in RSS_HTML:
            found += _fragment_findings(text, here)
        elif name in XML_URLS and _bad_url(text.strip()):
            found.append(f"{here}: {text[:60]!r}")
    return found


#: JSON Feed 1.1: content_html is HTML, these keys hold URLs, every other string is plain text.
JSON_URLS = {"url", "external_url", "image", "banner_image", "icon", "favicon", "avatar", "home_page_url", "feed_url",
             "next_url", "@id", "sameAs", "logo", "contentUrl"}


def json_findings(value: object, where: str, key: str = "") -> list[str]:
    if isinstance(value, str):
        if key.endswith("_html"):
            return _fragment_findings(value, where)
        if key in JSON_URLS and _bad_url(value.strip()):
            return [f"{where}: {value[:60]!r}"]
        return []
    if isinstance(value, dict):
        return [f for k, child in value.items() for f in json_findings(child, f"{where}.{k}", str(k))]
    if isinstance(value, list):
        return [f for index, child in enumerate(value) for f in json_findings(child, f"{where}[{index}]", key)]
    return []


#: iCalendar properties whose value is a URI (RFC 5545, RFC 7986); X-ALT-DESC carries HTML for some clients.
ICS_URIS = {"URL", "ATTACH", "CONFERENCE", "IMAGE", "SOURCE", "TZURL", "ORGANIZER", "ATTENDEE"}


def ics_findings(path: Path, where: str) -> list[str]:
    calendar = Calendar.from_ical(path.read_bytes())
    found = []
    for component in calendar.walk():
        for name, value in component.property_items(recursive=False):
            raw = value.to_ical() if hasattr(value, "to_ical") else str(value)
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if name in ICS_URIS and _bad_url(text.strip().removeprefix("mailto:").strip()) or \
                    name in ICS_URIS and _bad_url(text.strip()):
                found.append(f"{where}: {name}:{text[:60]!r}")
            elif name == "X-ALT-DESC":
                found += _fragment_findings(text, f"{where}: {name}")
    return found


def scan_site(output: Path) -> tuple[list[str], dict[str, int]]:
    """Findings over every page, feed, JSON file and calendar of a built site, and how many of each were read."""
    findings: list[str] = []
    counts = {".html": 0, ".xml": 0, ".json": 0, ".ics": 0}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        suffix = path.suffix
        if not path.is_file() or rel.startswith("pagefind/") and suffix != ".json":
            continue
        if suffix == ".html":
            document = html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
            findings += html_findings(document, rel, rel)
        elif suffix in {".xml", ".opml"}:
            findings += xml_findings(path, rel)
        elif suffix == ".json":
            findings += json_findings(json.loads(path.read_text(encoding="utf-8")), rel)
        elif suffix == ".ics":
            findings += ics_findings(path, rel)
        else:
            continue
        counts[".xml" if suffix == ".opml" else suffix] += 1
    return findings, counts


# --- the tests ------------------------------------------------------------------------------------------------

#: The lines of BODY whose links could run script: each is an error of the check (unsafe-url), so a portal holding
#: them is never built; they are rendered below without a build, and the rest of BODY is built and scanned.
UNSAFE_LINE = re.compile(r"(?i)((?<![:\w])href=\"\s*(&#106;|j)avascript|\]\((javascript|vbscript|data)|<javascript:|\]: javascript)")


@pytest.mark.parametrize("allow_html", [False, True], ids=["html-off", "html-on"])
def test_no_script_reaches_any_page_feed_or_calendar(portal, allow_html: bool) -> None:
    config = MINIMAL_CONFIG + f"moderation:\n  allow_html: {'true' if allow_html else 'false'}\n"
    checked = load_portal(portal(hostile_files(BODY), config=config), now=NOW, use_cache=False)
    # A link that could run script is an error, on its line; nothing else of the hostile body is.
    assert {p.rule for p in checked.problems.errors} == {"unsafe-url"}, checked.problems.render()
    unsafe = [line for line in BODY.splitlines() if UNSAFE_LINE.search(line)]
    assert len(unsafe) == 5
    for policy in ("none", "github"):
        fragment = html5lib.parseFragment(render(BODY, "articles/hostile.md", 1, html=policy).html,
                                          treebuilder="etree", namespaceHTMLElements=False)
        assert html_findings(fragment, policy) == []
    buildable = "\n".join(line for line in BODY.splitlines() if not UNSAFE_LINE.search(line))
    root = portal(hostile_files(buildable + "\n\n[a web page](https://example.org/)\n"),
                  config=config)
    checked = load_portal(root, now=NOW, use_cache=False)
    assert not checked.problems.errors, checked.problems.render()
    # The attempts are not silent: reviewers are told (a warning does not block the build).
    warned = {p.rule for p in checked.problems.warnings}
    assert ("html-removed" in warned) is allow_html and ("raw-html" in warned)

    output = build(root, root / "output", now=NOW).output
    findings, counts = scan_site(output)
    assert findings == [], "\n".join(findings[:40])
    # The scan really read the site: pages, feeds (Atom, RSS, OPML), JSON feeds and calendars.
    assert counts[".html"] >= 10 and counts[".xml"] >= 5 and counts[".json"] >= 3 and counts[".ics"] >= 2, counts
    page = (output / "articles" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert ("alert(4)" in page) is not allow_html  # shown to readers as text, or removed with its <script>
    assert "ugc noopener" in page  # external links from contributors carry rel="ugc noopener"


def test_the_scanner_catches_what_it_must(tmp_path: Path) -> None:
    """The scan itself is tested on a planted bad site, so a passing build means something."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<p onclick="x()">x</p><script>alert(1)</script><a href=" java\tscript:alert(1)">a</a><iframe></iframe>'
        '<script type="application/ld+json">{"a": "</script>"}</script><form></form><style>p{}</style>', encoding="utf-8")
    (site / "feed.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lt;b&gt;inert text&lt;/b&gt;</title>'
                                   '<content type="html">&lt;img src=x onerror=alert(1)&gt;</content>'
                                   '<link href="javascript:alert(1)"/></entry></feed>', encoding="utf-8")
    (site / "feed.rss.xml").write_text('<rss><channel><item><description>&lt;script&gt;alert(1)&lt;/script&gt;</description>'
                                       '</item></channel></rss>', encoding="utf-8")
    (site / "feed.json").write_text(json.dumps({"items": [{"url": "data:text/html,x", "content_html": "<svg onload=alert(1)>"}]}),
                                    encoding="utf-8")
    (site / "cal.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
                                  "URL:javascript:alert(1)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    findings, _ = scan_site(site)
    text = "\n".join(findings)
    for expected in ("onclick", "<script> 'alert(1)'", "<a href=", "<iframe>", "that is not JSON", "<form>", "<style>",
                     "feed.xml <content>: <img onerror", "feed.xml <link> href=", "feed.json.items[0].url",
                     "content_html: <svg onload", "feed.rss.xml <description>: <script>", "cal.ics: URL"):
        assert expected in text, (expected, text)
    assert "inert text" not in text and "<title>" not in text  # Atom text is text


BAD_FIELDS = [
    # (what is planted, files, the rule that must name it, the file it names)
    ("a tag with HTML", {"content/articles/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n"
                                                  "tags: ['<script>']\n---\nx\n"}, "schema-type", "content/articles/x.md"),
    ("a javascript: profile link", {"content/contributors/eve.md": "---\nname: Eve\ngithub: eve\nlinks:\n"
                                    "  - {label: x, url: 'javascript:alert(1)'}\n---\nx\n"},
     "schema-type", "content/contributors/eve.md"),
    ("a data: profile link", {"content/contributors/eve.md": "---\nname: Eve\ngithub: eve\nlinks:\n"
                              "  - {label: x, url: 'data:text/html,<script>alert(1)</script>'}\n---\nx\n"}, "schema-type",
     "content/contributors/eve.md"),
    ("a javascript: registration", {"content/events/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-07-01\n"
                                    "registration: 'javascript:alert(1)'\n---\nx\n"}, "schema-type", "content/events/x.md"),
    ("a vbscript: online room", {"content/events/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-07-01\n"
                                 "location: {online: 'vbscript:msgbox(1)'}\n---\nx\n"}, "schema-type", "content/events/x.md"),
    ("an interviewee javascript: link", {"content/interviews/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n"
                                         "interviewee:\n  name: Bo\n  links: [{label: x, url: ' JaVaScRiPt:alert(1)'}]\n"
                                         "---\n## Q\nA\n"},
     "schema-type", "content/interviews/x.md"),
    ("a script URL as image", {"content/articles/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n"
                               "image: 'javascript:alert(1)'\nimage_alt: x\n---\nx\n"}, "missing-file", "content/articles/x.md"),
    ("a script URL as interviewee photo", {"content/interviews/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n"
                                           "interviewee: {name: Bo, photo: 'javascript:alert(1)', photo_alt: x}\n---\n## Q\nA\n"},
     "missing-file", "content/interviews/x.md"),
    ("an SVG avatar with script", {"content/contributors/eve.md": "---\nname: Eve\ngithub: eve\navatar: eve.svg\n---\nx\n",
                                   "content/contributors/eve.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
     "svg-refused", "content/contributors/eve.svg"),
    ("an SVG renamed .png", {"content/media/x.png": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'},
     "not-an-image", "content/media/x.png"),
    ("an SVG in media", {"content/media/x.svg": '<svg onload="alert(1)"/>'}, "svg-refused", "content/media/x.svg"),
    ("an HTML page in media", {"content/media/x.html": "<script>alert(1)</script>"}, "unclaimed-file", "content/media/x.html"),
    ("a right-to-left override in a title", {"content/articles/x.md": "---\ntitle: \"harmless\u202egnp.exe\"\ndate: 2026-01-01\n"
                                              "authors: [ana]\n---\nx\n"}, "invisible-character", "content/articles/x.md"),
    ("a template of one's own", {"content/articles/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n"
                                                          "template: evil\n---\nx\n"}, "schema-unknown", "content/articles/x.md"),
    ("an entity-hidden javascript: link", {"content/articles/x.md": "---\ntitle: X\ndate: 2026-01-01\nauthors: [ana]\n---\n"
                                           "[x](jav&#x09;ascript:alert(1))\n"}, "broken-link", "content/articles/x.md"),
    ("a Python object tag", {"content/articles/x.md": "---\ntitle: !!python/object/apply:os.system ['id']\ndate: 2026-01-01\n"
                             "authors: [ana]\n---\nx\n"}, "yaml-tag", "content/articles/x.md"),
]


@pytest.mark.parametrize("planted, files, rule, path", BAD_FIELDS, ids=[case[0] for case in BAD_FIELDS])
def test_what_cannot_be_made_safe_is_refused_by_name(portal, planted, files, rule, path) -> None:
    root = portal(files)
    problems = load_portal(root, now=NOW, use_cache=False).problems
    assert (path, rule) in {(p.path, p.rule) for p in problems.errors}, problems.render()
    with pytest.raises(BuildFailed):
        build(root, root / "output", now=NOW)
    assert not (root / "output").exists()  # nothing written


@pytest.mark.skipif(not (REPO / "content" / "contributors").is_dir(), reason="the demo portal's content/ is not written yet")
def test_the_demo_site_runs_no_contributor_script_and_passes_the_output_audit(demo_site: Path) -> None:
    findings, counts = scan_site(demo_site)
    assert findings == [], "\n".join(findings[:40])
    assert counts[".html"] > 20
    assert audit_output(demo_site) == []

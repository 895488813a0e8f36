"""`image:`, an interviewee's `photo:` and the theme's `logo:` name a picture under content/media/. Spellings the check
accepted ('content/media/x.png') were written as they are into <img src> (a broken image), and others that only
reduce to a media path ('https://evil.example/../../media/x.png', 'javascript:x/../media/x.png') went as written into
the event's JSON-LD; an item or another member's avatar passed for an image."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urljoin

import html5lib
import pytest
from conftest import MINIMAL_CONFIG
from PIL import Image
from test_no_script import NOW

from agorapress.build import build
from agorapress.site import load_portal


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


EVENT = "---\ntitle: E\ndate: 2026-01-01\nauthors: [ana]\nstart: 2026-07-01T19:00\nimage: '{image}'\nimage_alt: A red square\n---\nx\n"
SPELLINGS = ["media/red.png", "content/media/red.png", "/media/red.png", "media/./red.png",
             "https://evil.example/../../media/red.png", "javascript:alert(1)/../media/red.png"]


@pytest.mark.parametrize("image", SPELLINGS)
def test_every_accepted_spelling_of_an_image_shows_the_image(portal, image: str) -> None:
    root = portal({"content/media/red.png": png(), "content/events/e.md": EVENT.format(image=image)})
    checked = load_portal(root, now=NOW, use_cache=False)
    if checked.problems.errors:  # refusing a spelling is fine too, on the line of the field
        assert [(p.line, p.field) for p in checked.problems.errors] == [(6, "image")]
        return
    out = build(root, root / "output", now=NOW).output
    page = (out / "events" / "e" / "index.html").read_bytes()
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    site = "https://example.org/mini/"
    sources = [urljoin(site + "events/e/", img.get("src")) for img in document.iter("img")]
    assert sources and all(src.startswith(site) and (out / src[len(site):]).is_file() for src in sources), sources
    blocks = [json.loads(block) for block in re.findall(rb'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)]
    assert [block["image"] for block in blocks if block["@type"] == "Event"] == [site + "media/red.png"]


@pytest.mark.parametrize("image", ["articles/b.md", "contributors/ana.png", "media/notes.pdf"])
def test_only_a_picture_under_media_is_an_image(portal, image: str) -> None:
    files = {"content/media/red.png": png(), "content/media/notes.pdf": b"%PDF-1.4\n%%EOF\n",
             "content/contributors/ana.png": png(), "content/events/e.md": EVENT.format(image=image),
             "content/articles/b.md": "---\ntitle: B\ndate: 2026-01-01\nauthors: [ana]\n---\nx\n"}
    root = portal(files)
    errors = [(p.path, p.line, p.rule, p.field) for p in load_portal(root, now=NOW, use_cache=False).problems.errors]
    assert ("content/events/e.md", 6, "missing-file", "image") in errors


@pytest.mark.parametrize("logo", ["content/media/red.png", "/media/red.png"])
def test_the_logo_however_spelled_shows_the_logo(portal, logo: str) -> None:
    root = portal({"content/media/red.png": png()}, config=MINIMAL_CONFIG + f"theme:\n  options:\n    logo: {logo}\n")
    assert not load_portal(root, now=NOW, use_cache=False).problems.errors
    out = build(root, root / "output", now=NOW).output
    document = html5lib.parse((out / "index.html").read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    [src] = [img.get("src") for img in document.iter("img") if img.get("class") == "logo"]
    assert urljoin("https://example.org/mini/", src) == "https://example.org/mini/media/red.png"

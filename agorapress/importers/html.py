"""HTML bodies (WordPress posts, feed entries) as Markdown: paragraphs, headings (with their ids pinned), lists,
tables, code and footnote links kept; scripts, styles, frames and forms dropped and listed."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

from .model import Note

#: Elements whose content is no text of the post: dropped whole (a script's code must never become text).
DROPPED = ("script", "style", "iframe", "object", "embed", "form", "noscript", "template", "applet", "frameset")
_ID = re.compile(r"^[A-Za-z][\w-]{0,80}$")


def wpautop(text: str) -> str:
    """WordPress's own paragraphs: a body without block markup has its blank lines as paragraph breaks."""
    if re.search(r"<(p|div|h[1-6]|ul|ol|table|pre|blockquote)\b", text, re.IGNORECASE):
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>\n" for p in paragraphs)


_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


class _Converter(MarkdownConverter):
    def escape(self, text, parent_tags):
        # What the HTML shows as text stays text: '&lt;b&gt;' was '<b>' for the reader, never a tag to Markdown
        # (nor '&amp;copy;' an entity).
        text = super().escape(text, parent_tags)
        return _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))

    def convert_hN(self, n, el, text, parent_tags=None, **kwargs):  # noqa: N802 - markdownify's naming
        heading = super().convert_hN(n, el, text, parent_tags=parent_tags, **kwargs)
        anchor = el.get("id")
        if anchor and _ID.match(anchor) and heading.strip():
            # The id the old page had: deep links to it keep working (see anchors.py).
            return heading.rstrip("\n") + f" {{#{anchor}}}\n\n"
        return heading


def _language(pre) -> str:
    code = pre.find("code") or pre
    names = list(code.get("class") or []) + list(pre.get("class") or [])
    for name in names:
        if name.startswith(("language-", "lang-")):
            return re.sub(r"[^\w+-]", "", name.split("-", 1)[1])
    if "code" in names:  # docutils: <pre class="code python literal-block">
        return next((re.sub(r"[^\w+-]", "", name) for name in names if name not in {"code", "literal-block"}), "")
    return ""


#: Players whose embed address is not the page a reader would open: (pattern of the embed, the page).
_PLAYERS = ((re.compile(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{1,64})"),
             "https://www.youtube.com/watch?v={}"),
            (re.compile(r"https?://player\.vimeo\.com/video/(\d{1,20})"), "https://vimeo.com/{}"))
_EMBEDDING = ("iframe", "embed", "object")


def _embedded_address(element) -> str | None:
    """The page an iframe, embed or object showed (a video's own page rather than its player), if it is on the web."""
    source = element.get("src") or element.get("data") or ""
    if not isinstance(source, str) or not re.match(r"https?://[^\s<>\"']+$", source.strip()):
        return None
    source = source.strip()
    for pattern, page in _PLAYERS:
        found = pattern.match(source)
        if found:
            return page.format(found.group(1))
    return source


def to_markdown(html: str, file: str, line: int, notes: list[Note]) -> str:
    """`html` as Markdown; each dropped element is a note at `line` (the line of the element holding the HTML). What
    an iframe, embed or object showed from the web stays, as a link to it: a portal runs no embedded content."""
    soup = BeautifulSoup(html, "html.parser")
    for name in _EMBEDDING:
        for element in soup.find_all(name):
            address = _embedded_address(element)
            if address is None:
                continue
            link = soup.new_tag("a", href=address)
            link.string = address
            paragraph = soup.new_tag("p")
            paragraph.append(link)
            element.replace_with(paragraph)
            notes.append(Note(file, line, f"<{name}> shown as a link to what it embedded, {address[:80]} (the portal "
                                          "runs no embedded content)"))
    for name in DROPPED:
        for element in soup.find_all(name):
            notes.append(Note(file, line, f"<{name}> not converted (the portal publishes no active or embedded content)"))
            element.decompose()
    for literal in soup.select("span.docutils.literal"):  # docutils' inline literal: code, shown as written
        literal.name = "code"
    converter = _Converter(heading_style="ATX", bullets="-", strong_em_symbol="*", code_language_callback=_language,
                             escape_misc=False)
    markdown = converter.convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"

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


def to_markdown(html: str, file: str, line: int, notes: list[Note]) -> str:
    """`html` as Markdown; each dropped element is a note at `line` (the line of the element holding the HTML)."""
    soup = BeautifulSoup(html, "html.parser")
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

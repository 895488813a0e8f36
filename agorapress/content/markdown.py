"""Markdown to HTML with markdown-it-py: safe by default, local links resolved, interviews as Q&A."""

from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from ..text import slugify

WORDS_PER_MINUTE = 220
_SAFE_SCHEMES = {"http", "https", "mailto"}
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass
class LocalLink:
    """A link or image in a body that points at another file of the repository."""

    line: int
    target: str  # resolved path under content/, posix; may start with '..' when it escapes
    is_image: bool


@dataclass
class Rendered:
    """What the Markdown body of one file becomes."""

    html: str
    words: int
    first_paragraph: str
    local_links: list[LocalLink] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    images_without_alt: list[int] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def _validate_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme == "" or scheme in _SAFE_SCHEMES


@lru_cache(maxsize=4)
def _parser(allow_html: bool) -> MarkdownIt:
    # The parser is configuration only; per-file state travels in `env`.
    md = (
        MarkdownIt("js-default", {"html": allow_html})
        .enable(["table", "strikethrough"])
        .use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(tasklists_plugin)
    )
    md.validateLink = _validate_link
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def _resolve_local(url: str, env: dict[str, Any]) -> str | None:
    """Turn a relative link into a path under content/, or None for web links and fragments."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        return "/" + posixpath.normpath(parts.path).lstrip("/")  # absolute: never a repository file
    return posixpath.normpath(posixpath.join(posixpath.dirname(env["relpath"]), parts.path))


def _pelican_link(target: str, url: str) -> str:
    # Pelican rewrites {filename} and {static} links into the output URL of the target.
    fragment = "#" + urlsplit(url).fragment if urlsplit(url).fragment else ""
    marker = "{filename}" if target.endswith(".md") else "{static}"
    return f"{marker}/{target}{fragment}"


def _render_link_open(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    target = _resolve_local(href, env)
    if target is not None:
        env["local_links"].append(LocalLink(env["line"](token), target, False))
        if not target.startswith(("..", "/")):
            token.attrSet("href", _pelican_link(target, href))
    elif urlsplit(href).scheme in {"http", "https"}:
        env["external_links"].append(href)
        token.attrSet("rel", "ugc noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    target = _resolve_local(src, env)
    if target is not None:
        env["local_links"].append(LocalLink(env["line"](token), target, True))
        if not target.startswith(("..", "/")):
            token.attrSet("src", _pelican_link(target, src))
    if not token.children or not "".join(c.content for c in token.children).strip():
        env["images_without_alt"].append(env["line"](token))
    token.attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def _wrap_questions(tokens: list[Token]) -> list[str]:
    """Make each `##` section of an interview a question/answer pair; return the questions."""
    questions: list[str] = []
    out: list[Token] = []
    open_section = False

    def raw(html: str) -> Token:
        return Token("html_block", "", 0, content=html)

    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            if open_section:
                out.append(raw("</div></section>\n"))
            out.append(raw('<section class="qa">\n'))
            token.attrJoin("class", "qa-question")
            questions.append(tokens[index + 1].content)
            open_section = True
        out.append(token)
        if token.type == "heading_close" and token.tag == "h2":
            out.append(raw('<div class="qa-answer">\n'))
    if open_section:
        out.append(raw("</div></section>\n"))
    tokens[:] = out
    return questions


def render(body: str, relpath: str, body_line: int, *, allow_html: bool = False, interview: bool = False) -> Rendered:
    """Render a Markdown body; `body_line` is the file line where the body starts."""
    md = _parser(allow_html)
    env: dict[str, Any] = {
        "relpath": relpath,
        "local_links": [],
        "external_links": [],
        "images_without_alt": [],
        "line": lambda token: body_line + (token.map[0] if token.map else 0),
    }
    tokens = md.parse(body, env)
    _stamp_inline_lines(tokens)
    questions = _wrap_questions(tokens) if interview else []
    html = md.renderer.render(tokens, md.options, env)
    if allow_html:
        # Raw HTML went through untouched: nh3 keeps only its allowlist (see sanitize.py). Imported
        # here because only portals that allow HTML need it.
        from ..sanitize import clean

        html = clean(html)
    words, first = _count_words(tokens)
    return Rendered(html, words, first, env["local_links"], env["external_links"], env["images_without_alt"], questions)


def _stamp_inline_lines(tokens: list[Token]) -> None:
    # Inline children carry no line map; give them their block's so errors point at a line.
    for token in tokens:
        if token.type == "inline" and token.map:
            for child in token.children or []:
                child.map = child.map or token.map


def _count_words(tokens: list[Token]) -> tuple[int, str]:
    words = 0
    first = ""
    for index, token in enumerate(tokens):
        if token.type == "inline":
            text = token.content
            words += len(_WORD.findall(text))
            if not first and index > 0 and tokens[index - 1].type == "paragraph_open":
                first = "".join(c.content for c in token.children or [] if c.type in {"text", "code_inline"})
        elif token.type in {"fence", "code_block"}:
            words += len(_WORD.findall(token.content))
    return words, first

"""Markdown to HTML with markdown-it-py: safe by default, local links left for the site graph, interviews as Q&A.

A link or image to another file of the repository cannot be written yet: its address depends on the target's
front matter (its slug), which only the site graph knows. The renderer writes a placeholder in its place,
`#agora-<key>-<n>`, and records the link; `resolve_local_links` swaps each placeholder for the page-relative
address once the graph has them. The key is a digest of the body itself, so no text can carry a placeholder
of its own: it would have to contain the digest of a text containing it. Nothing of Pelican's own link syntax
(`{filename}`, `{static}`, `{attach}`, `|tag|`...) is ever produced or honoured (see render/settings.py)."""

from __future__ import annotations

import hashlib
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
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
    fragment: str = ""  # '#section' as written, or empty
    href: str = ""  # the address as written, kept when the target has no address on the site


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
    link_key: str = ""  # the key of this body's link placeholders (see resolve_local_links)
    flattened: list[int] = field(default_factory=list)  # lines of paragraphs shown as plain text (MAX_BRACKETS)
    repeated: list[int] = field(default_factory=list)  # lines of paragraphs shown as plain text (link_budget)

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
        # maxNesting as CommonMark's preset has it (js-default allows 100): each '[' is tried as a link up to that
        # depth, so a flood of brackets cost 100 tries each.
        MarkdownIt("js-default", {"html": allow_html, "maxNesting": 20})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(tasklists_plugin)
    )
    md.core.ruler.before("inline", "agora_brackets", _guard_brackets)
    md.core.ruler.after("inline", "agora_link_budget", _guard_link_budget)
    md.add_render_rule(PLAIN_INLINE, lambda self, tokens, idx, options, env: escapeHtml(tokens[idx].content))
    md.core.ruler.push("agora_anchors", _anchor_headings)
    md.validateLink = _validate_link
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


#: Heading levels that get an anchor.
ANCHORED_LEVELS = frozenset({"h2", "h3", "h4"})
#: Ids the theme's pages already use around a body (the page's <main>, its sections' titles, the profile's
#: groups): a heading never takes one. tests/test_untrusted_links.py reads the theme's templates to keep this whole.
THEME_IDS = frozenset({
    "main", "theme-toggle", "badges-title", "contributions-title", "new-members-title", "open-topics-title",
    "roles-title", "write-links-title", "topics_claimed", "written", "interviews_conducted", "interviews_given",
    "events_organised",
})
#: Ids of the footnotes plugin (fn1, fnref1, fnref1:2).
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")


#: The '[' a body may hold outside code: markdown-it tries each one as the start of a link, up to 20 levels deep
#: (a file of brackets took 40 s to read). The longest post of ten years of the Rust blog has 1,035.
MAX_BRACKETS = 10_000
PLAIN_INLINE = "agora_plain_inline"


def _guard_brackets(state) -> None:
    """Past MAX_BRACKETS, the paragraphs (headings, table cells) that would add more are shown as plain text."""
    left = MAX_BRACKETS
    for token in state.tokens:
        if token.type != "inline":
            continue
        count = token.content.count("[")
        if count > left:
            token.type = PLAIN_INLINE  # the inline parser reads only "inline" tokens
            state.env["flattened"].append(state.env["line"](token))
        else:
            left -= count


def link_budget(body: str) -> int:
    """The characters the addresses and titles of a body's links and images may add up to. A link written in full
    costs what it takes in the text; a reference ('[a][r]', 7 characters) repeats its definition's address, which
    may be 500,000 characters long: 5,000 of them made 2 GB of HTML from one file."""
    return 4 * len(body) + 100_000


def _guard_link_budget(state) -> None:
    """Past the budget of addresses, the paragraphs (headings, table cells) that would add more are shown as text."""
    left = link_budget(state.src)
    for token in state.tokens:
        if token.type != "inline":
            continue
        cost = sum(len(str(child.attrGet("href") or child.attrGet("src") or "")) + len(str(child.attrGet("title") or ""))
                   for child in token.children or () if child.type in ("link_open", "image"))
        if cost > left:
            token.type = PLAIN_INLINE
            state.env["repeated"].append(state.env["line"](token))
        else:
            left -= cost


def _anchor_headings(state) -> None:
    """An id for each anchored heading: its slug, made unique on the page with -1, -2... in linear time (the
    anchors plugin counted up from 1 for every duplicate: 100,000 equal headings never finished)."""
    taken = set(THEME_IDS)
    following: dict[str, int] = {}  # a base slug -> the next suffix worth trying for it
    tokens = state.tokens
    mark = state.env.get("id_mark", "")  # see render: raw HTML keeps no id of its own
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ANCHORED_LEVELS:
            continue
        inline = tokens[index + 1]
        title = "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))
        base = slugify(title) or "section"
        number = following.get(base, 0)
        candidate = base if number == 0 else f"{base}-{number}"
        # An id is passed over at most twice: once for its own slug, once for the slug it adds a number to.
        while candidate in taken or _FOOTNOTE_ID.fullmatch(candidate):
            number += 1
            candidate = f"{base}-{number}"
        following[base] = number + 1
        taken.add(candidate)
        token.attrSet("id", mark + candidate)


def _resolve_local(url: str, env: dict[str, Any]) -> str | None:
    """Turn a relative link into a path under content/, or None for web links and fragments."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)  # markdown-it percent-encodes what it writes; files are named as they are
    if path.startswith("/"):
        return "/" + posixpath.normpath(path).lstrip("/")  # absolute: never a repository file
    return posixpath.normpath(posixpath.join(posixpath.dirname(env["relpath"]), path))


def _placeholder(env: dict[str, Any], token: Token, target: str, url: str, is_image: bool) -> str:
    """Record a link to a file of the repository and return the placeholder that stands for its address."""
    fragment = urlsplit(url).fragment
    links = env["local_links"]
    links.append(LocalLink(env["line"](token), target, is_image, f"#{fragment}" if fragment else "", url))
    return f"#agora-{env['link_key']}-{len(links) - 1}"


def _render_link_open(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    target = _resolve_local(href, env)
    if target is not None:
        token.attrSet("href", _placeholder(env, token, target, href, False))
    elif urlsplit(href).scheme in {"http", "https"}:
        env["external_links"].append(href)
        token.attrSet("rel", "ugc noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    target = _resolve_local(src, env)
    if target is not None:
        token.attrSet("src", _placeholder(env, token, target, src, True))
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
        "link_key": link_key(body),
        "local_links": [],
        "external_links": [],
        "images_without_alt": [],
        "flattened": [],
        "repeated": [],
        "line": lambda token: body_line + (token.map[0] if token.map else 0),
    }
    if allow_html:
        # The ids this pipeline writes (headings, footnotes) carry a mark no text can hold (a digest of the text, as
        # for link placeholders): the sanitizer keeps those and drops every id of the contributor's raw HTML, which
        # could take the theme's ids ('theme-toggle') or a heading's; the mark is taken out after.
        env["docId"] = f"agora{env['link_key']}"  # the footnotes plugin writes fn-<docId>-1
        env["id_mark"] = f"-{env['docId']}-"
    tokens = md.parse(body, env)
    _stamp_inline_lines(tokens)
    questions = _wrap_questions(tokens) if interview else []
    html = md.renderer.render(tokens, md.options, env)
    if allow_html:
        # Raw HTML went through untouched: nh3 keeps only its allowlist (see sanitize.py). Imported
        # here because only portals that allow HTML need it.
        from ..sanitize import clean

        html = clean(html, id_mark=env["id_mark"]).replace(env["id_mark"], "")
    words, first = _count_words(tokens)
    return Rendered(html, words, first, env["local_links"], env["external_links"], env["images_without_alt"], questions,
                    env["link_key"], env["flattened"], env["repeated"])


def link_key(body: str) -> str:
    """The key of a body's link placeholders: a digest of the body, which therefore cannot contain one."""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def resolve_local_links(html: str, key: str, links: list[LocalLink], address: Callable[[LocalLink], str | None]) -> str:
    """`html` with each placeholder of `key` replaced by `address(link)` (escaped for an attribute), or by the
    address as written when the target has none (the check has reported it: such a body is never built)."""
    if not links:
        return html
    def one(match: re.Match) -> str:
        index = int(match.group(1))
        link = links[index] if index < len(links) else None
        if link is None:
            return "#"
        found = address(link)
        return escape_attribute(found + link.fragment if found is not None else link.href)
    return re.sub(rf"#agora-{re.escape(key)}-(\d+)", one, html)


def escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


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
        if token.type == PLAIN_INLINE:
            words += len(_WORD.findall(token.content))
        elif token.type == "inline":
            text = token.content
            words += len(_WORD.findall(text))
            if not first and index > 0 and tokens[index - 1].type == "paragraph_open":
                first = "".join(c.content for c in token.children or [] if c.type in {"text", "code_inline"})
        elif token.type in {"fence", "code_block"}:
            words += len(_WORD.findall(token.content))
    return words, first

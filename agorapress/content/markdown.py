"""Markdown to HTML with markdown-it-py: safe by default, local links left for the site graph, interviews as Q&A.

A link or image to another file of the repository cannot be written yet: its address depends on the target's
front matter (its slug), which only the site graph knows. The renderer writes a placeholder in its place,
`#agora-<key>-<n>`, and records the link; `resolve_local_links` swaps each placeholder for the page-relative
address once the graph has them. The key is a digest of the body itself, so no text can carry a placeholder
of its own: it would have to contain the digest of a text containing it. Nothing of Pelican's own link syntax
(`{filename}`, `{static}`, `{attach}`, `|tag|`...) is ever produced or honoured (see render/settings.py).

What else a body becomes is decided in the modules beside this one: raw HTML and comments (rawhtml.py), the address
of each link (schemes.py), code blocks (highlight.py), heading anchors (anchors.py). What the renderer refused,
removed or did not know is noted (notes.py) for the link and HTML rules to report."""

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

from ..config import Config
from ..sanitize import clean
from ..text import french_spacing, is_french, quotes_for
from . import rawhtml
from .anchors import THEME_IDS, anchor_headings, render_heading_close
from .highlight import render_block
from .notes import Note, NoteBook
from .schemes import REFUSED as _REFUSED
from .schemes import REFUSED_IMAGE as _REFUSED_IMAGE
from .schemes import SiteLink, children_with_lines, classify, classify_links

WORDS_PER_MINUTE = 220
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
#: Any body's link placeholder (see resolve_local_links): one pattern for all bodies, whose keys differ.
_PLACEHOLDER = re.compile(r"#agora-([0-9a-f]+)-(\d+)")
#: What `moderation.html` may say (rawhtml.py): GitHub's subset of HTML, or none of it (tags shown as text).
HTML_POLICIES = rawhtml.POLICIES
__all__ = ["HTML_POLICIES", "THEME_IDS", "LocalLink", "Note", "Options", "Rendered", "SiteLink", "render", "resolve_local_links"]


@dataclass
class LocalLink:
    """A link or image in a body that points at another file of the repository."""

    line: int
    target: str  # resolved path under content/, posix; may start with '..' when it escapes
    is_image: bool
    fragment: str = ""  # '#section' as written, or empty
    href: str = ""  # the address as written, kept when the target has no address on the site


@dataclass(frozen=True)
class Options:
    """What a portal's configuration decides of its bodies: the HTML policy and the language of items that say none."""

    html: str = "github"
    lang: str = "en"

    @classmethod
    def of(cls, config: Config) -> Options:
        return cls(config.moderation.html_policy, config.site.language)

    @property
    def key(self) -> str:
        """What cached renders depend on: another policy or language renders every body again."""
        return f"html={self.html};lang={self.lang}"


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
    notes: list[Note] = field(default_factory=list)  # what the renderer refused, removed or did not know
    site_links: list[SiteLink] = field(default_factory=list)  # absolute paths and web addresses, with their lines

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@lru_cache(maxsize=16)
def _parser(quotes: str) -> MarkdownIt:
    """The parser of a page language (its smart quotes); per-file state (the HTML policy...) travels in `env`."""
    md = (
        # maxNesting as CommonMark's preset has it (js-default allows 100): each '[' is tried as a link up to that
        # depth, so a flood of brackets cost 100 tries each. HTML is always read as CommonMark reads it, so that what
        # the author wrote as HTML is known whatever the policy (rawhtml.py decides what shows).
        MarkdownIt("js-default", {"html": True, "maxNesting": 20, "typographer": True, "quotes": quotes})
        .enable(["table", "strikethrough"])
        .disable("replacements")  # '(c)', '--' and '...' stay as written, as GitHub shows them
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(tasklists_plugin)
    )
    md.core.ruler.before("inline", "agora_brackets", _guard_brackets)
    md.core.ruler.after("inline", "agora_link_budget", _guard_link_budget)
    md.core.ruler.after("agora_link_budget", "agora_links", classify_links)
    # Before text_join: an escaped '\<!--' is still a token of its own there, never taken for a comment.
    md.core.ruler.before("text_join", "agora_comments", rawhtml.hide_open_comments)
    md.core.ruler.push("agora_raw_html", rawhtml.scan)
    md.core.ruler.push("agora_french", _french)
    md.core.ruler.push("agora_anchors", anchor_headings)
    # Every destination is a link to the parser: one it refused turned the reference definitions after it into
    # plain text. What may not be a link is neutralised when rendered (classify_links).
    md.validateLink = lambda url: True
    md.add_render_rule(PLAIN_INLINE, lambda self, tokens, idx, options, env: escapeHtml(tokens[idx].content))
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule(_REFUSED, lambda self, tokens, idx, options, env: "")
    md.add_render_rule(_REFUSED_IMAGE, _render_refused_image)
    md.add_render_rule("agora_hidden", lambda self, tokens, idx, options, env: "")
    md.add_render_rule("agora_raw", lambda self, tokens, idx, options, env: tokens[idx].content)
    md.add_render_rule("html_block", rawhtml.render_html)
    md.add_render_rule("html_inline", rawhtml.render_html)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("heading_close", render_heading_close)
    return md


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


def _french(state) -> None:
    """French pages: no-break spaces before ; : ! ? » and after «, in the text only (never in code or addresses)."""
    if not is_french(state.env["lang"]):
        return
    for token in state.tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.type == "text":
                    child.content = french_spacing(child.content)


def _resolve_local(url: str, env: dict[str, Any]) -> str | None:
    """Turn a relative link into a path under content/, or None for web links and fragments."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # an absolute path is an address of the portal (SiteLink), never a repository file
    path = unquote(parts.path)  # markdown-it percent-encodes what it writes; files are named as they are
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
    kind = token.meta.get("address")
    if kind == "local":
        target = _resolve_local(href, env)
        if target is not None:
            token.attrSet("href", _placeholder(env, token, target, href, False))
    elif kind == "web":
        env["external_links"].append(href)
        token.attrSet("rel", "ugc noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if token.meta.get("address") == "local":
        target = _resolve_local(src, env)
        if target is not None:
            token.attrSet("src", _placeholder(env, token, target, src, True))
    if not token.children or not "".join(c.content for c in token.children).strip():
        env["images_without_alt"].append(env["line"](token))
    token.attrSet("loading", "lazy")
    return self.image(tokens, idx, options, env)


def _render_refused_image(self, tokens: list[Token], idx: int, options, env) -> str:
    """An image whose address may not be one: its alt text, as text."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _render_fence(self, tokens: list[Token], idx: int, options, env) -> str:
    """A fenced block highlighted (highlight.py); an unknown language is shown as plain text, and noted."""
    token = tokens[idx]
    html, unknown = render_block(token.content, token.info)
    if unknown:
        language = token.info.strip().split()[0] if token.info.strip() else ""
        env["notebook"].add(env["line"](token), "code-language", f"the code block's language '{language}' is not one "
                            "the highlighter knows: it is shown as plain text",
                            "name a language Pygments knows (python, rust, bash, toml, yaml...) or none")
    return html


def _wrap_questions(tokens: list[Token]) -> list[str]:
    """Make each `##` section of an interview a question/answer pair; return the questions."""
    questions: list[str] = []
    out: list[Token] = []
    open_section = False

    def raw(html: str) -> Token:
        return Token("agora_raw", "", 0, content=html)

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


def render(body: str, relpath: str, body_line: int, *, html: str | None = None, lang: str = "en",
           allow_html: bool | None = None, interview: bool = False) -> Rendered:
    """Render a Markdown body; `body_line` is the file line where the body starts. `html` is the portal's policy
    (github or none; `allow_html`, the old key, reads as one of them), `lang` the page's language (its quotes,
    its spacing, the words of its heading links)."""
    policy = html or ("none" if allow_html is False else "github")
    key = link_key(body)
    # The ids this pipeline writes (headings, footnotes) carry a mark no text can hold (a digest of the text, as for
    # link placeholders): the sanitizer keeps those and drops every id of the contributor's raw HTML, which could
    # take the theme's ids ('theme-toggle') or a heading's; the mark is taken out after.
    doc_id = f"agora{key}"
    env: dict[str, Any] = {
        "relpath": relpath,
        "link_key": key,
        "local_links": [],
        "external_links": [],
        "images_without_alt": [],
        "flattened": [],
        "repeated": [],
        "site_links": [],
        "notebook": NoteBook(),
        "html": policy,
        "lang": lang,
        "body_line": body_line,
        "docId": doc_id,  # the footnotes plugin writes fn-<docId>-1
        "id_mark": f"-{doc_id}-",
        "line": lambda token: body_line + (token.map[0] if token.map else 0),
    }
    md = _parser(quotes_for(lang))
    tokens = md.parse(body, env)
    _stamp_inline_lines(tokens)
    questions = _wrap_questions(tokens) if interview else []
    out = md.renderer.render(tokens, md.options, env)
    if policy == "github" and _has_raw_html(tokens):
        # Raw HTML went through as written: nh3 keeps only GitHub's subset (see sanitize.py). A body without any
        # (most of them) is only what this renderer wrote, escaped: it is not cleaned again, which halves the read.
        out = clean(out, id_mark=env["id_mark"], schemes=frozenset(_markdown_schemes(tokens)))
    out = out.replace(env["id_mark"], "")
    words, first = _count_words(tokens)
    return Rendered(out, words, first, env["local_links"], env["external_links"], env["images_without_alt"], questions,
                    key, env["flattened"], env["repeated"], env["notebook"].notes(), env["site_links"])


def _markdown_schemes(tokens: list[Token]):
    """The schemes of the links the Markdown wrote ('ttps' included: noted, not refused), for the sanitizer."""
    for token in tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.meta.get("address") in ("other", "unknown"):
                    yield classify(str(child.attrGet("href") or child.attrGet("src") or "")).scheme


def _has_raw_html(tokens: list[Token]) -> bool:
    for token in tokens:
        if token.type == "html_block":
            return True
        if token.type == "inline" and any(child.type == "html_inline" for child in token.children or ()):
            return True
    return False


def link_key(body: str) -> str:
    """The key of a body's link placeholders: a digest of the body, which therefore cannot contain one."""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def resolve_local_links(html: str, key: str, links: list[LocalLink], address: Callable[[LocalLink], str | None]) -> str:
    """`html` with each placeholder of `key` replaced by `address(link)` (escaped for an attribute), or by the
    address as written when the target has none (the check has reported it: such a body is never built)."""
    if not links:
        return html
    def one(match: re.Match) -> str:
        if match.group(1) != key:
            return match.group(0)
        index = int(match.group(2))
        link = links[index] if index < len(links) else None
        if link is None:
            return "#"
        found = address(link)
        return escape_attribute(found + link.fragment if found is not None else link.href)
    return _PLACEHOLDER.sub(one, html)


def escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _stamp_inline_lines(tokens: list[Token]) -> None:
    # Inline children carry no line map; give each the line it is on, so errors point at it.
    for token in tokens:
        if token.type == "inline" and token.map:
            for child, line in children_with_lines(token):
                child.map = child.map or [line, line + 1]


def _summary_text(token: Token) -> str:
    """What a token of the first paragraph says in a plain-text summary: a line break is a space, a tag that is no
    HTML element ('<T>' of 'Vec<T>', shown as text) is itself."""
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "html_inline" and rawhtml.shows_as_text(token.content):
        return token.content
    return ""


def _count_words(tokens: list[Token]) -> tuple[int, str]:
    """The words of the text (code included, comments not), and the first paragraph as plain text, a space where
    its lines break."""
    words = 0
    first = ""
    for index, token in enumerate(tokens):
        if token.type == PLAIN_INLINE:
            words += len(_WORD.findall(token.content))
        elif token.type == "inline":
            text = token.content
            words += len(_WORD.findall(rawhtml.COMMENT.sub("", text) if "<!--" in text else text))
            if not first and index > 0 and tokens[index - 1].type == "paragraph_open":
                first = "".join(_summary_text(c) for c in token.children or [])
                first = " ".join(first.split())
        elif token.type in {"fence", "code_block"}:
            words += len(_WORD.findall(token.content))
    return words, first

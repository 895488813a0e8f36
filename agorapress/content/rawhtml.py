"""Raw HTML in a body, under the portal's policy (`moderation.html`), and HTML comments, which nobody ever sees.

The parser always reads HTML as CommonMark does (GitHub's preview too), so what an author wrote as HTML is known
exactly: text they escaped (`\\<T\\>`, `&lt;`, `Vec<T>` in backticks) is never HTML and never flagged.

- Comments (`<!-- notes for editors -->`) are dropped under every policy, with what they hold: the links in them
  are never read, so never checked. A comment opened in a paragraph and closed in a later one (CommonMark shows
  it) is hidden too; one never closed hides the rest of the text, and is noted.
- `github`: the tags GitHub's preview keeps are kept, then cleaned by sanitize.clean; what it removes is noted
  with its line and what to do. A tag that is no HTML element (`Vec<T>` in prose) is shown as the text it is,
  with the hint to wrap code in backticks.
- `none`: every tag is shown as text, and noted."""

from __future__ import annotations

import html
import re

from markdown_it.common.utils import escapeHtml

from ..sanitize import ATTRIBUTES, TAGS
from ..text import HTML_ELEMENTS
from .notes import NoteBook
from .schemes import classify

POLICIES = ("github", "none")
COMMENT = re.compile(r"<!--(?:-?>|.*?-->|.*\Z)", re.DOTALL)
# No part of a tag runs past a '<' or '>': a block of 100,000 unclosed '<a "' is read in linear time.
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^<>\"']|\"[^\"<>]*\"|'[^'<>]*')*)>")
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
#: What to do instead of a tag GitHub's preview does not show either.
_INSTEAD = {
    "script": "remove it: scripts never run on the portal", "style": "remove it: the theme styles every page",
    "iframe": "link to the page or video instead: [Title](https://...)", "embed": "link to it instead",
    "object": "link to it instead", "video": "link to the video instead", "audio": "link to the recording instead",
    "form": "link to the form instead", "input": "link to the form instead", "button": "link to the page instead",
    "textarea": "link to the form instead", "select": "link to the form instead", "svg": "use an image: ![alt](../media/x.png)",
    "math": "write the formula in a code block", "link": "remove it", "meta": "remove it", "base": "remove it",
    "font": "use **bold** or _emphasis_", "center": "remove it: the theme lays out the page",
}
_ALLOWED_EVERYWHERE = ATTRIBUTES.get("*", set())
#: A raw task-list checkbox keeps what it says (sanitize.py writes every input as a disabled checkbox).
_KEPT_AS_CHECKBOX = {"input": {"type", "disabled", "checked"}}


def _strip_comments(text: str, inside: bool) -> tuple[str, bool]:
    """`text` without its comments, and whether a comment is still open at its end (`inside`: one was at its start)."""
    out = []
    while True:
        if inside:
            _, found, text = text.partition("-->")
            if not found:
                return "".join(out), True
            inside = False
        head, found, tail = text.partition("<!--")
        out.append(head)
        if not found:
            return "".join(out), False
        if tail.startswith((">", "->")):  # '<!-->' and '<!--->' are whole comments
            text = tail[1 if tail.startswith(">") else 2:]
            continue
        text, inside = tail, True


def hide_open_comments(state) -> None:
    """A comment CommonMark leaves as text (opened in a paragraph, closed after a blank line, or never) is hidden
    from where it opens to where it closes. Runs before text_join: an escaped '\\<!--' is still a token of its own."""
    tokens = state.tokens
    inside = False
    touched = False
    for token in tokens:
        if token.type == "inline":
            kept = []
            for child in token.children or []:
                if child.type == "text" and (inside or "<!--" in child.content):
                    was_inside = inside
                    child.content, inside = _strip_comments(child.content, inside)
                    touched = True
                    if inside and not was_inside:
                        state.env["notebook"].add(state.env["line"](token), "html-comment",
                                                  "an HTML comment opens here and is not closed in this paragraph: "
                                                  "the text is hidden up to its end (-->)",
                                                  "close it in the same paragraph; to show '<!--', write it in backticks")
                elif inside:
                    inside = "-->" not in child.content
                    continue
                kept.append(child)
            token.children = kept
        elif inside and token.type in ("fence", "code_block", "html_block"):
            touched = True
            if "-->" in token.content:
                inside = False
                token.content = token.content.split("-->", 1)[1]
            else:
                token.type = "agora_hidden"
    if touched:
        state.tokens = _without_empty_paragraphs(tokens)


def _without_empty_paragraphs(tokens):
    out = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (token.type in ("paragraph_open", "heading_open") and index + 2 < len(tokens) and tokens[index + 1].type == "inline"
                and not any(child.content.strip() or child.type not in ("text", "softbreak")
                            for child in tokens[index + 1].children or [])):
            index += 3
            continue
        out.append(token)
        index += 1
    return out


def scan(state) -> None:
    """Note every tag of raw HTML the policy removes or shows as text, with its line."""
    env = state.env
    policy = env["html"]
    notes: NoteBook = env["notebook"]
    for token in state.tokens:
        if token.type == "html_block":
            _scan_one(token.content, env["line"](token), policy, notes)
        elif token.type == "inline":
            line = env["line"](token)
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "html_inline":
                    _scan_one(child.content, line, policy, notes)


def _scan_one(content: str, line: int, policy: str, notes: NoteBook) -> None:
    if "<!--" in content and not COMMENT.sub("", content).strip() and not content.rstrip().endswith("-->"):
        notes.add(line, "html-comment", "this HTML comment is never closed: the rest of the text is hidden",
                  "close it with -->")
    content = COMMENT.sub("", content)
    at, counted = line, 0  # lines counted up to `counted`, once: a block of 30,000 tags is read in linear time
    for match in TAG.finditer(content):
        at += content.count("\n", counted, match.start())
        counted = match.start()
        name = match.group(2).lower()
        if name not in HTML_ELEMENTS and not match.group(1):
            notes.add(at, "raw-html", f"'<{match.group(2)}>' reads as an HTML tag, shown as text",
                      "wrap code in backticks: `Vec<T>`")
        elif policy == "none":
            shown = f"the HTML tag <{name}> is shown as text: this portal does not allow HTML (moderation.html: none)"
            notes.add(at, "raw-html", shown, "use Markdown instead (**bold**, [link](https://...), ![alt](../media/x.png))")
        elif name not in TAGS and not match.group(1):
            notes.add(at, "html-removed", f"<{name}> is removed: the portal keeps the HTML GitHub's preview shows",
                      _INSTEAD.get(name, "use Markdown instead"))
        elif not match.group(1):
            _scan_attributes(name, match.group(3), at, notes)


def _scan_attributes(name: str, attributes: str, line: int, notes: NoteBook) -> None:
    allowed = _ALLOWED_EVERYWHERE | ATTRIBUTES.get(name, set()) | _KEPT_AS_CHECKBOX.get(name, set())
    for attribute in _ATTRIBUTE.finditer(attributes):
        key = attribute.group(1).lower()
        value = html.unescape((attribute.group(2) or "").strip("\"'"))
        if key.startswith("on"):
            notes.add(line, "html-removed", f"the event handler {key}= of <{name}> is removed",
                      "remove it: scripts never run on the portal")
        elif key in {"href", "src"} and classify(value, key == "src").kind == "unsafe":
            notes.add(line, "unsafe-url", f"<{name} {key}=\"{classify(value).scheme}:...\"> can run code or hide "
                      "content: the address is removed", "link to an https:// page or a file of the repository",
                      severity="error")
        elif key == "id":
            notes.add(line, "html-removed", f"the id of <{name}> is removed (ids belong to the page)",
                      "pin a heading's anchor with ## Title {#my-id}")
        elif key not in allowed:
            notes.add(line, "html-removed", f"the attribute {key}= of <{name}> is removed",
                      "the theme styles the page: use Markdown")


def _shown(match: re.Match) -> str:
    """A tag kept as HTML, or escaped when it names no HTML element ('<T>' of 'Vec<T>')."""
    return match.group(0) if match.group(2).lower() in HTML_ELEMENTS else escapeHtml(match.group(0))


def shows_as_text(tag: str) -> bool:
    """Whether an inline tag is shown as the text it is under the github policy ('<T>')."""
    match = TAG.fullmatch(tag)
    return match is not None and match.group(2).lower() not in HTML_ELEMENTS


def render_html(self, tokens, idx, options, env) -> str:
    """html_block and html_inline: comments dropped; the rest kept for the sanitizer (github) or shown (none)."""
    content = COMMENT.sub("", tokens[idx].content)
    if env["html"] == "none":
        return escapeHtml(content)
    return TAG.sub(_shown, content)

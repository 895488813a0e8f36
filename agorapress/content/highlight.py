"""Code blocks highlighted at build time with Pygments (as Pelican does: no JavaScript), and their stylesheet.

A block's language is the first word of its info string ('rust', 'rust,ignore', 'python {.x}'); a language Pygments
does not know is shown as plain text, and the renderer notes the line. The colours come from two Pygments styles,
each one darkened (light scheme) or lightened (dark scheme) until it reads at WCAG AA over its background:
`stylesheet()` writes the theme's static/css/highlight.css, and tests/test_markdown_fidelity.py checks both."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from ..avatars import contrast

#: Pygments' class names, the only classes a highlighted block's spans carry (the sanitizer keeps these).
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
#: Info strings that ask for no highlighting at all: no warning.
PLAIN = frozenset({"", "text", "txt", "plain", "plaintext", "none", "nohighlight", "output", "console-output"})
#: Languages as GitHub's previews name them where Pygments says it otherwise.
_ALIASES = {"shell": "bash", "sh": "bash", "zsh": "bash", "console": "console", "shell-session": "console",
            "js": "javascript", "ts": "typescript", "yml": "yaml", "rs": "rust", "py": "python", "golang": "go",
            "dockerfile": "docker", "jsonc": "json", "jsonl": "json", "patch": "diff", "wasm": "wast"}
#: Largest block highlighted: Pygments' lexers are regular expressions, a longer block is shown as plain text.
MAX_HIGHLIGHTED = 64 * 1024
_WORD = re.compile(r"[^\s,{]+")
#: The backgrounds of code blocks in the two schemes, and the styles their colours start from.
SCHEMES = {"light": ("#f6f8fa", "#1f2328", "default"), "dark": ("#161b22", "#e6edf3", "github-dark")}
AA = 4.5


def language_of(info: str) -> str:
    """The language a fence asks for: the first word of its info string, lowercased ('rust,ignore' -> 'rust')."""
    match = _WORD.match(info.strip())
    return match.group(0).lower() if match else ""


@lru_cache(maxsize=256)
def lexer_for(language: str) -> Lexer | None:
    """The lexer of `language`, or None when Pygments does not know it."""
    try:
        return get_lexer_by_name(_ALIASES.get(language, language), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


_FORMATTER = HtmlFormatter(nowrap=True)


def render_block(code: str, info: str) -> tuple[str, bool]:
    """A fenced block as HTML, and whether its language was unknown (then it is shown as plain text)."""
    language = language_of(info)
    lexer = None if language in PLAIN else lexer_for(language)
    if lexer is None or len(code) > MAX_HIGHLIGHTED:
        css = f' class="language-{html.escape(language)}"' if language and lexer is not None else ""
        return f"<pre><code{css}>{html.escape(code, quote=False)}</code></pre>\n", lexer is None and language not in PLAIN
    body = highlight(code, lexer, _FORMATTER)
    label = html.escape(lexer.name)
    return (f'<div class="highlight"><span class="code-lang">{label}</span>'
            f'<pre><code class="language-{html.escape(language)}">{body}</code></pre></div>\n'), False


def _readable(colour: str, background: str, towards: str) -> str:
    """`colour` mixed step by step with `towards` (black or white) until it reads at AA over `background`."""
    def mix(step: int) -> str:
        a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
        b = [int(towards[i:i + 2], 16) for i in (1, 3, 5)]
        return "#" + "".join(f"{round(x + (y - x) * step / 20):02x}" for x, y in zip(a, b, strict=True))
    for step in range(21):
        if contrast(mix(step), background) >= AA:
            return mix(step)
    return towards


def _rules(scheme: str) -> list[str]:
    background, foreground, style_name = SCHEMES[scheme]
    style = get_style_by_name(style_name)
    towards = "#000000" if scheme == "light" else "#ffffff"
    rules = []
    for token, spec in sorted(style, key=lambda pair: STANDARD_TYPES.get(pair[0], "")):
        name = STANDARD_TYPES.get(token)
        if not name or not spec["color"] and not spec["bold"] and not spec["italic"]:
            continue
        parts = []
        if spec["color"]:
            parts.append(f"color: {_readable('#' + spec['color'].lower(), background, towards)}")
        if spec["bold"]:
            parts.append("font-weight: bold")
        if spec["italic"]:
            parts.append("font-style: italic")
        rules.append(f".highlight .{name} {{ {'; '.join(parts)} }}")
    return rules


def stylesheet() -> str:
    """The theme's highlight.css: both schemes, chosen as the theme chooses (the reader's setting, else the
    system's), and the heading anchors' link."""
    light_bg, light_fg, _ = SCHEMES["light"]
    dark_bg, dark_fg, _ = SCHEMES["dark"]
    dark_rules = _rules("dark")
    out = [
        "/* Generated by agorapress.content.highlight.stylesheet(): code highlighted at build time, and the links",
        "   of headings. Every colour reads at WCAG AA (4.5:1) over its block's background. */",
        f".highlight pre {{ background: {light_bg}; color: {light_fg}; }}",
        ".highlight .code-lang { display: block; font-size: .8rem; font-weight: 600; letter-spacing: .02em;"
        f" color: {light_fg}; margin-bottom: .15rem; }}",
        *_rules("light"),
        "@media (prefers-color-scheme: dark) {",
        f"  :root:not([data-theme=\"light\"]) .highlight pre {{ background: {dark_bg}; color: {dark_fg}; }}",
        f"  :root:not([data-theme=\"light\"]) .highlight .code-lang {{ color: {dark_fg}; }}",
        *(f"  :root:not([data-theme=\"light\"]) {rule}" for rule in dark_rules),
        "}",
        f":root[data-theme=\"dark\"] .highlight pre {{ background: {dark_bg}; color: {dark_fg}; }}",
        f":root[data-theme=\"dark\"] .highlight .code-lang {{ color: {dark_fg}; }}",
        *(f":root[data-theme=\"dark\"] {rule}" for rule in dark_rules),
        ".heading-anchor { margin-inline-start: .4em; font-size: .8em; font-weight: 400; text-decoration: none;"
        " color: inherit; }",
        ".heading-anchor:hover, .heading-anchor:focus-visible { text-decoration: underline; }",
        ".visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;"
        " clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    ]
    return "\n".join(out) + "\n"

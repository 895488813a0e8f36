"""reStructuredText posts (Pelican's other format) read with docutils, as Pelican reads them: the title, the fields
under it as metadata (`:date:`, `:tags:`, `:authors:`...), the rest as HTML for the Markdown converter.

docutils is run with nothing that reaches outside the text: no file insertion (`include`, `raw` and `csv-table`
with a file or an address), no raw HTML, no configuration file read, no message printed. Pelican's `sourcecode` and
`code-block` directives take Pygments' options, which docutils' `code` refuses: while a post is read, both are a
directive that keeps the code and its language whatever the options."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from docutils import nodes
from docutils.core import publish_doctree, publish_parts
from docutils.io import DocTreeInput
from docutils.parsers import null
from docutils.parsers.rst import Directive, directives
from docutils.readers import doctree
from docutils.writers import html5_polyglot

_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "_disable_config": True,
    "report_level": 5,
    "halt_level": 5,
    "warning_stream": io.StringIO(),
    "syntax_highlight": "none",
    "doctitle_xform": True,
    "initial_header_level": 2,
    "embed_stylesheet": False,
    "stylesheet_path": "",
    "smart_quotes": False,
    "math_output": "HTML",
    # docutils refuses a document with a line over 10,000 characters (a paragraph written on one line, common in
    # generated posts) and keeps nothing of it; its parse of a long line is linear.
    "line_length_limit": 1_000_000,
}


class _AnyOption(dict):
    """An option_spec that takes every option (Pelican's Pygments ones: linenos, hl_lines...) and ignores it."""

    def __bool__(self) -> bool:  # docutils refuses every option of a directive whose option_spec is empty
        return True

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str):
        return directives.unchanged


class _Code(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = False
    option_spec = _AnyOption()

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        language = self.arguments[0] if self.arguments else ""
        return [nodes.literal_block(text, text, classes=["code", language] if language else ["code"])]


@contextmanager
def _pelican_directives() -> Iterator[None]:
    names = ("sourcecode", "code-block")
    before = {name: directives._directives.get(name) for name in names}  # noqa: SLF001 - docutils' registry
    for name in names:
        directives.register_directive(name, _Code)
    try:
        yield
    finally:
        for name, directive in before.items():
            if directive is None:
                directives._directives.pop(name, None)  # noqa: SLF001
            else:
                directives._directives[name] = directive  # noqa: SLF001


class Unreadable(Exception):
    """docutils could not read a post (nesting too deep for it, or a failure of its own)."""


#: Blocks nested deeper than this (quotes in quotes, by indentation) are refused: docutils parses each level with a
#: deeper recursion, and past Python's limit (which a test framework may have raised) it fails, or worse.
MAX_NESTING = 64


def _nesting(text: str) -> int:
    """How deep the indentation of `text` nests: the longest chain of ever deeper indented lines. Linear."""
    levels: list[int] = [0]
    deepest = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        if not stripped:
            continue
        indent = len(line) - len(stripped)
        while levels and levels[-1] > indent:
            levels.pop()
        if not levels or indent > levels[-1]:
            levels.append(indent)
        deepest = max(deepest, len(levels) - 1)
    return deepest


def read_rst(text: str) -> tuple[str, dict[str, object], str]:
    """(title, metadata, body as HTML) of a reStructuredText post, parsed once. Raises Unreadable."""
    if _nesting(text) > MAX_NESTING:
        raise Unreadable(f"its blocks nest more than {MAX_NESTING} levels deep")
    settings = {**_SETTINGS, "warning_stream": io.StringIO()}
    try:
        with _pelican_directives():
            document = publish_doctree(text, settings_overrides=settings)
            metadata: dict[str, object] = {}
            for docinfo in list(document.findall(nodes.docinfo)):
                for field in docinfo.children:
                    if isinstance(field, nodes.field):
                        metadata[field[0].astext().strip().lower()] = field[1].astext().strip()
                    elif isinstance(field, nodes.authors):  # 'Last, First; Other, Name': the reader splits on ';'
                        metadata["authors"] = "; ".join(author.astext().strip() for author in field.children)
                    elif isinstance(field, nodes.Element):
                        metadata[field.tagname.lower()] = field.astext().strip()
                docinfo.parent.remove(docinfo)
            for message in list(document.findall(nodes.system_message)):
                message.parent.remove(message)  # docutils' own reports are no text of the post
            parts = publish_parts(source=document, source_class=DocTreeInput, reader=doctree.Reader(null.Parser()),
                                  writer=html5_polyglot.Writer(), settings_overrides=settings)
    except Exception as exc:  # noqa: BLE001 - docutils raises many kinds; the import lists the post and goes on
        raise Unreadable(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return str(document.get("title", "")), metadata, parts["fragment"]

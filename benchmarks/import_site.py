"""Import a real site into a fresh portal and judge the result: `agora check`'s findings, every old address
resolving to its post in the built output, the text of each post against its source rendering, a second import
changing nothing, and the time each step takes.

    python benchmarks/import_site.py [KIND SOURCE] [--site-url URL] [--now ISO] [--keep DIR]

Without arguments it imports the Rust blog corpus (../shared/corpora/rust-blog, a Zola site; never copied into the
repository). tests/test_import.py runs the same verification on the small fixture sites.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

import html5lib
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
RUST_BLOG = ROOT.parent / "shared" / "corpora" / "rust-blog"
CONFIG = """\
site:
  title: {title}
  description: An imported site.
  url: https://example.org/imported/
  repository: https://github.com/example/imported
"""
_SPACE = re.compile(r"\s+")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#[^}]*\}")


def new_portal(root: Path, title: str = "Imported", allow_html: bool = False) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    config = CONFIG.format(title=title) + ("moderation:\n  html: github\n" if allow_html else "")
    (root / "site_config.yaml").write_text(config, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file the import may write (content/ and the import map), by path."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    mapping = root / ".agora-import.json"
    if mapping.is_file():
        files[".agora-import.json"] = mapping.read_bytes()
    return files


def classify(problems) -> Counter:
    """Rule id and severity of each finding."""
    return Counter(f"{p.severity}[{p.rule}]" for p in problems)


def _text(html: bytes | str) -> str:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    main = document.find(".//main") or document.find(".//body") or document
    for name in ("script", "style", "nav", "header", "footer", "aside"):
        for parent in main.iter():
            for child in list(parent):
                if child.tag == name:
                    parent.remove(child)
    return _SPACE.sub(" ", "".join(main.itertext())).strip()


#: Typography the portal adds (curly quotes, no-break spaces before French punctuation) and the source did not write.
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " ", "\u202f": " "})


def _body_text(page: bytes) -> str:
    """The text of an item page's body: what its theme writes around it (and the "link to this section" of each
    heading) left out, its typography undone."""
    document = html5lib.parse(page, namespaceHTMLElements=False)
    for parent in document.iter():
        for child in list(parent):
            if "heading-anchor" in (child.get("class") or "").split():
                if child.tail:
                    _keep_tail(parent, child)
                parent.remove(child)
    for element in document.iter():
        if "prose" in (element.get("class") or "").split():
            return _SPACE.sub(" ", "".join(element.itertext())).strip().translate(_TYPOGRAPHY)
    return _text(page).translate(_TYPOGRAPHY)


def _keep_tail(parent, child) -> None:
    """Removing an element removes the text after it too (ElementTree keeps it as its tail): hand it on."""
    index = list(parent).index(child)
    if index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + child.tail
    else:
        parent.text = (parent.text or "") + child.tail


def similarity(source_markdown: str, page: bytes) -> float:
    """How much of the source's own rendering (CommonMark with tables, its template code left out) the item page
    shows, as difflib's ratio of the two texts' words."""
    source_html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(_TEMPLATE.sub("", source_markdown))
    a, b = _text(source_html).translate(_TYPOGRAPHY).split(), _body_text(page).split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio()


def resolve_redirect(output: Path, address: str) -> Path | None:
    """The page a reader reaches at `address` (site-root path): the page itself, or where its redirect leads."""
    path = unquote(address.lstrip("/"))
    page = output / path if path.endswith((".html", ".htm")) else output / path.rstrip("/") / "index.html"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8", errors="replace")
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', text)
    if not refresh:
        return page
    target = urljoin("/" + page.relative_to(output).as_posix(), refresh.group(1).replace("&amp;", "&"))
    final = output / unquote(target.lstrip("/"))
    final = final / "index.html" if target.endswith("/") else final
    return final if final.is_file() else None


def verify(kind: str, source: Path, root: Path, *, site_url: str | None = None, now: datetime,
           report=print) -> dict:
    """Import, check, build and verify; return the figures (and print them with `report`)."""
    from agorapress.build import build
    from agorapress.importers import run_import
    from agorapress.site import load_portal

    figures: dict = {"kind": kind}
    started = time.monotonic()
    first = run_import(kind, source, root, site_url=site_url)
    figures["import_seconds"] = round(time.monotonic() - started, 2)
    figures.update(items=first.items, profiles=first.authors, media=first.media, notes=len(set(first.notes)))
    figures["notes_by_kind"] = Counter(_note_kind(n.message) for n in set(first.notes))
    before = snapshot(root)
    started = time.monotonic()
    second = run_import(kind, source, root, site_url=site_url)
    figures["reimport_seconds"] = round(time.monotonic() - started, 2)
    figures["reimport_written"] = [w for w in second.written]
    figures["reimport_same"] = snapshot(root) == before
    started = time.monotonic()
    portal = load_portal(root, now=now, use_cache=False)
    figures["check_seconds"] = round(time.monotonic() - started, 2)
    figures["findings"] = classify(portal.problems)
    figures["errors"] = [str(p) for p in portal.problems if p.severity == "error"]
    if figures["errors"]:
        report(json.dumps(figures, indent=1, default=list))
        return figures
    started = time.monotonic()
    output = build(root, root / "output", now=now).output
    figures["build_seconds"] = round(time.monotonic() - started, 2)
    mapping = json.loads((root / ".agora-import.json").read_text())[kind]["posts"]
    missing, checked, ratios = [], 0, {}
    graph = load_portal(root, now=now, use_cache=False).graph
    by_path = {item.relpath: item for item in graph.items}
    from agorapress.importers import read_source
    site, _ = read_source(kind, source)
    for post in site.posts:
        item = by_path.get(mapping[post.source])
        if item is None or not graph.is_published(item):
            continue
        page = output / item.url / "index.html"
        for address in [*post.addresses, *["/" + a.lstrip("/") for a in getattr(item.meta, "aliases", [])]]:
            checked += 1
            if resolve_redirect(output, address) != page:
                missing.append((post.source, address))
        ratios[post.source] = similarity(post.body, page.read_bytes())
    figures["addresses_checked"], figures["addresses_missing"] = checked, missing
    values = sorted(ratios.values())
    figures["similarity"] = {"posts": len(values), "mean": round(statistics.mean(values), 3) if values else None,
                             "median": round(statistics.median(values), 3) if values else None,
                             "lowest": sorted(ratios.items(), key=lambda kv: kv[1])[:5]}
    report(json.dumps(figures, indent=1, default=list))
    return figures


def _note_kind(message: str) -> str:
    for key in ("template code", "file the portal does not publish", "over the limit", "no imported post",
                "nothing in the source", "read as https", "no date", "control character", "not converted",
                "cannot be kept", "not imported", "not found"):
        if key in message:
            return key
    return message[:40]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", nargs="?", default="zola")
    parser.add_argument("source", nargs="?", type=Path, default=RUST_BLOG)
    parser.add_argument("--site-url", default=None)
    parser.add_argument("--now", default="2027-01-01T12:00:00+00:00")
    parser.add_argument("--allow-html", action="store_true", help="a portal that lets Markdown carry raw HTML")
    parser.add_argument("--keep", type=Path, help="import into this folder (kept) instead of a temporary one")
    args = parser.parse_args(argv)
    if args.source.resolve() == RUST_BLOG.resolve() and args.site_url is None:
        args.site_url = "https://blog.rust-lang.org/"
    now = datetime.fromisoformat(args.now)
    with tempfile.TemporaryDirectory() as scratch:
        title = "Rust Blog" if args.source == RUST_BLOG else "Imported"
        root = new_portal(args.keep or Path(scratch) / "portal", title, args.allow_html)
        figures = verify(args.kind, args.source.resolve(), root, site_url=args.site_url, now=now)
    ok = not figures["errors"] and not figures.get("addresses_missing") and figures["reimport_same"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

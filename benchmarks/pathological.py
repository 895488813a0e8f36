"""Pathological inputs at the portal's file size limit: `agora check` must stay fast on every one of them.

    python benchmarks/pathological.py [--quick] [--kib 512] [--limit 2] [--give-up 30] [--only CASE[,CASE]]

Each case writes one hostile file as large as moderation.max_file_kb allows (512 KiB by default: --kib) into a
fresh portal and times `agora check` on it (load_portal without the cache, in this process, after a warm-up on a
clean portal, so start-up and imports are not counted). It prints a table (case, bytes, seconds, problems found)
and exits with status 1 when a case takes more than --limit seconds (2 s); a case still running after --give-up
seconds is stopped and shown as such. --quick writes files of 16 KiB: the test that keeps this command working
runs it so.

Time in a check that grows faster than the file is how a contribution makes the gate slow for everyone (the
pull-request check runs on every push); each case is a shape of file that once did, or could.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

CONFIG = """\
site:
  title: Pathological
  description: Hostile files at the size limit.
  url: https://example.org/p/
moderation:
  max_file_kb: {kib}
  refused_terms: [forbidden, another phrase]
  flagged_terms: [dubious]
"""
PROFILE = "---\nname: Ana Lopez\ngithub: ana-l\n---\nAna writes.\n"
HEAD = "---\ntitle: T\ndate: 2026-01-01\nauthors: [ana]\n"


def _fill(unit: str, size: int, before: str = "", after: str = "") -> str:
    """`before`, then `unit` repeated up to `size` bytes in all, then `after`."""
    room = size - len((before + after).encode())
    return before + unit * max(1, room // len(unit.encode())) + after


def _exdates(size: int) -> str:
    days, text, day = [], 0, date(2026, 5, 8)
    while text < size - 200:
        days.append(day.isoformat())
        text += 12
        day += timedelta(days=1)
    return (f"{HEAD}start: 2026-05-07T20:00\nrecurrence: FREQ=DAILY\nexdates: [{', '.join(days)}]\n---\nBody.\n")


def _deep_block(size: int) -> str:
    lines, total, depth = [], len(HEAD) + 30, 0
    while total + 2 * depth + 5 < size:
        line = "  " * depth + "k:\n"
        lines.append(line)
        total += len(line) + 2
        depth += 1
    return HEAD + "location:\n" + "".join("  " + line for line in lines) + "---\nBody.\n"


def _board(size: int) -> str:
    topic = "  - id: t{n}\n    title: Topic number {n}\n    section: articles\n    proposed_by: ana\n"
    out, n = "topics:\n", 0
    while len(out) < size - 100:
        out += topic.format(n=n)
        n += 1
    return out


#: name -> (what it is, path of the file, its text for a size in bytes)
def _one_long_reference(size: int) -> str:
    uses = min(5000, size // 100)  # each repeats the whole address: 2 GB of HTML once, from 512 KiB
    address = "a" * max(1, size - len(HEAD) - 7 * uses - 50)
    return HEAD + "---\n" + "[a][r] " * uses + "\n\n[r]: https://e.org/" + address + "\n"


CASES: dict[str, tuple[str, str, Callable[[int], str]]] = {
    "digits-and-underscores": ("a plain scalar of digits and underscores (YAML's odd-number pattern)",
                               "content/articles/a.md", lambda n: _fill("1_", n, HEAD + "summary: ", "x\n---\nBody.\n")),
    "long-number": ("a number as long as the file", "content/events/a.md",
                    lambda n: _fill("9", n, HEAD + "start: 2026-05-07T20:00\ncapacity: ", "\n---\nBody.\n")),
    "deep-flow-nesting": ("'[' nested as deep as the file allows", "content/articles/a.md",
                          lambda n: _fill("[", n, HEAD + "tags: ", "\n---\nBody.\n")),
    "deep-block-nesting": ("mappings nested by indentation", "content/articles/a.md", _deep_block),
    "many-exdates": ("an event with exception dates filling the file", "content/events/a.md", _exdates),
    "many-tags": ("tags filling the file", "content/articles/a.md",
                  lambda n: _fill("t, ", n, HEAD + "tags: [", "t]\n---\nBody.\n")),
    "many-unknown-fields": ("unknown fields filling the front matter (each a problem)", "content/articles/a.md",
                            lambda n: HEAD + "".join(f"f{i}: {'x' * 50}\n" for i in range(n // 60)) + "---\nBody.\n"),
    "long-title": ("a title as long as the file", "content/articles/a.md",
                   lambda n: _fill("x", n, "---\ntitle: ", "\ndate: 2026-01-01\nauthors: [ana]\n---\nBody.\n")),
    "long-flow-list": ("a flow list of short strings", "content/articles/a.md",
                       lambda n: _fill("a, ", n, HEAD + "summary: [", "a]\n---\nBody.\n")),
    "escaped-controls": ("a quoted value of escaped control characters", "content/articles/a.md",
                         lambda n: _fill("\\x1b", n, HEAD + 'summary: "', '"\n---\nBody.\n')),
    "raw-controls": ("control characters in the file itself (each a problem)", "content/articles/a.md",
                     lambda n: _fill("\x01", n, HEAD + "---\n", "\n")),
    "identical-headings": ("the same heading again and again, past the line limit", "content/articles/a.md",
                           lambda n: _fill("## Q\n\n", n, HEAD + "---\n")),
    "reference-links": ("reference links and their definitions", "content/articles/a.md",
                        lambda n: HEAD + "---\n" + "".join(f"[a][r{i}] " for i in range(n // 30))
                        + "\n\n" + "".join(f"[r{i}]: https://e.org/{i}\n" for i in range(n // 60))),
    "one-long-reference-used-often": ("one reference to an address filling most of the file, used 5,000 times",
                                      "content/articles/a.md", _one_long_reference),
    "long-line": ("one line of text without a space", "content/articles/a.md",
                  lambda n: _fill("x", n, HEAD + "---\n", "\n")),
    "nested-brackets": ("'[' without end in the body", "content/articles/a.md", lambda n: _fill("[", n, HEAD + "---\n")),
    "emphasis": ("unclosed emphasis and code spans", "content/articles/a.md", lambda n: _fill("*a `b _c ", n, HEAD + "---\n")),
    "spaced-unsafe-link": ("a link whose address starts after many spaces", "content/articles/a.md",
                           lambda n: _fill(" ", n, HEAD + "---\n[x](<", "javascript:alert(1)>)\n")),
    "many-raw-tags": ("HTML tags, refused as text", "content/articles/a.md", lambda n: _fill("<a x", n, HEAD + "---\n")),
    "many-bidi-lines": ("a bidi control on every line, as many lines as a file may have (each a warning)", "content/articles/a.md",
                        lambda n: _fill("\u202e" + "x" * 60 + "\n", n, HEAD + "---\n")),
    "many-local-links": ("links to files that do not exist", "content/articles/a.md",
                         lambda n: _fill("[a](b.md) ", n, HEAD + "---\n")),
    "refused-terms": ("words near the refused terms on every line", "content/articles/a.md",
                      lambda n: _fill("forbiddenx another  phrases dubious " * 2 + "\n", n, HEAD + "---\n")),
    "refused-terms-found": ("a refused term on every line, some in look-alike letters", "content/articles/a.md",
                            lambda n: _fill("forbidden fоrbidden another phrase " * 2 + "\n", n, HEAD + "---\n")),
    "long-rrule": ("a recurrence with a day list as long as the file", "content/events/a.md",
                   lambda n: _fill("MO,", n, HEAD + "start: 2026-05-04T20:00\nrecurrence: FREQ=WEEKLY;COUNT=3;BYDAY=",
                                   "MO\n---\nBody.\n")),
    "many-authors": ("authors filling the file", "content/articles/a.md",
                     lambda n: _fill("ana, ", n, "---\ntitle: T\ndate: 2026-01-01\nauthors: [", "ana]\n---\nBody.\n")),
    "many-lines": ("empty lines", "content/articles/a.md", lambda n: _fill("\n", n, HEAD + "---\n")),
    # A block per line, the Markdown reader's dearest case (each line past content.loader.MAX_LINES is refused).
    "one-character-headings": ("a heading per line", "content/articles/a.md", lambda n: _fill("#\n", n, HEAD + "---\n")),
    "tiny-list-items": ("a list item per line", "content/articles/a.md", lambda n: _fill("- a\n", n, HEAD + "---\n")),
    "tiny-paragraphs": ("a paragraph every other line", "content/articles/a.md", lambda n: _fill("a\n\n", n, HEAD + "---\n")),
    "tiny-tables": ("a table every three lines", "content/articles/a.md", lambda n: _fill("|a|\n|-|\n\n", n, HEAD + "---\n")),
    "headings-up-to-the-line-limit": ("identical headings on every accepted line", "content/articles/a.md",
                                      lambda n: HEAD + "---\n" + "## Q\n" * min(n // 5, 9_990)),
    "old-mac-line-ends": ("CR line ends", "content/articles/a.md",
                          lambda n: _fill("text " * 12 + "\r", n, HEAD.replace("\n", "\r") + "---\r")),
    "huge-board": ("board.yaml with topics filling the file", "content/board.yaml", _board),
}


class GaveUp(Exception):
    """A case ran past --give-up seconds."""


def _give_up(signum, frame):
    raise GaveUp


def run_case(name: str, kib: int, give_up: float) -> tuple[int, float | None, int | None]:
    """(bytes written, seconds of the check, problems found) for one case; None when it was stopped."""
    from agorapress.site import load_portal

    _, path, make = CASES[name]
    text = make(kib * 1024 - 64)  # a little under the limit: the file is read, not refused for its size
    with tempfile.TemporaryDirectory() as tmp:
        root = _portal(Path(tmp), kib)
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        # A Python-level interruption: every slow path found so far is Python (the parsers of YAML run in C, in
        # time proportional to the text).
        signal.signal(signal.SIGALRM, _give_up)
        signal.setitimer(signal.ITIMER_REAL, give_up)
        started = time.perf_counter()
        try:
            portal = load_portal(root, use_cache=False)
        except GaveUp:
            return len(data), None, None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - started
    return len(data), seconds, len(portal.problems)


def _portal(tmp: Path, kib: int) -> Path:
    root = tmp / "portal"
    (root / "content" / "contributors").mkdir(parents=True)
    (root / "site_config.yaml").write_text(CONFIG.format(kib=kib), encoding="utf-8")
    (root / "content" / "contributors" / "ana.md").write_text(PROFILE, encoding="utf-8")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or ""),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="files of 16 KiB (for the test that runs this command)")
    parser.add_argument("--kib", type=int, default=512, help="size of each file, in KiB (moderation.max_file_kb)")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds a case may take")
    parser.add_argument("--give-up", type=float, default=30.0, help="seconds after which a case is stopped")
    parser.add_argument("--only", help="comma-separated cases to run (default: all)")
    args = parser.parse_args()
    kib = 16 if args.quick else args.kib
    names = args.only.split(",") if args.only else list(CASES)
    unknown = [name for name in names if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    from agorapress.site import load_portal

    with tempfile.TemporaryDirectory() as tmp:  # imports and first-use caches, off the clock
        load_portal(_portal(Path(tmp), kib), use_cache=False)
    print(f"`agora check` on one hostile file of {kib} KiB per case (limit {args.limit:g} s)\n")
    print("| case | bytes | seconds | problems |")
    print("|---|---:|---:|---:|")
    slow = []
    for name in names:
        size, seconds, found = run_case(name, kib, args.give_up)
        if seconds is None:
            print(f"| {name} | {size:,} | > {args.give_up:g} (stopped) | ? |", flush=True)
            slow.append(f"{name} (stopped after {args.give_up:g} s)")
            continue
        print(f"| {name} | {size:,} | {seconds:.2f} | {found:,} |", flush=True)
        if seconds > args.limit:
            slow.append(f"{name} ({seconds:.1f} s)")
    if slow:
        print(f"\nover {args.limit:g} s: {', '.join(slow)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

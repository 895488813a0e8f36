"""The demo portal builds exactly the committed golden tree: every byte of every file (as Pelican's functional
tests do). Regenerate it with `python tests/golden_tree.py` and review the diff."""

from __future__ import annotations

import difflib
from pathlib import Path

from golden_tree import committed, snapshot

REGENERATE = "if the change is meant, run `python tests/golden_tree.py` and review `git diff tests/golden`"


def test_the_demo_builds_the_golden_tree(demo_site: Path) -> None:
    whole, digests = snapshot(demo_site)
    golden_whole, golden_digests = committed()
    assert sorted(whole) == sorted(golden_whole), f"files added or removed: {REGENERATE}"
    assert digests == golden_digests, f"the search index changed: {REGENERATE}"
    changed = [rel for rel in sorted(whole) if whole[rel] != golden_whole[rel]]
    if changed:
        rel = changed[0]
        diff = difflib.unified_diff(golden_whole[rel].decode("utf-8", "replace").splitlines(),
                                    whole[rel].decode("utf-8", "replace").splitlines(), "golden/" + rel, "built/" + rel,
                                    n=1, lineterm="")
        shown = "\n".join(list(diff)[:40])
        raise AssertionError(f"{len(changed)} file(s) differ from the golden tree, first {rel}:\n{shown}\n{REGENERATE}")

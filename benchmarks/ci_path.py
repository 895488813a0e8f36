"""The pull-request check as a portal's CI runs it: a fresh environment, Agora installed from a warm package cache,
then `agora check --pr-author … --base …` on a portal of 10,000 items with no Agora cache (a pull request never
restores one). Prints the seconds of each part and their sum; the target is 15 s.

    python benchmarks/ci_path.py [--items 10000] [--runs 3]

The installer is uv, as in the scaffold's workflows (check.yml). The package index is a wheelhouse made once from
this source tree and the machine's own package sources (`pip wheel`), so the figure does not depend on the
network: the cache is warmed by one install before the timed runs, as `actions/cache/restore` does on GitHub.
Each timed run makes a new virtual environment and a new Agora cache folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET = 15.0
PR_FILES = 3
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]


def uv_binary() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(found).exists():
        sys.exit("uv is needed (python -m pip install uv): the portal's workflows install with it")
    return found


def wheelhouse(where: Path) -> Path:
    """Agora's wheel and every dependency's, as the index would serve them."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(where), str(REPO)],
                   check=True, stderr=subprocess.DEVNULL)
    return where


def pull_request(root: Path) -> str:
    """The portal made a Git repository, plus a pull request of three new articles by one member; returns the
    author's GitHub login."""
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "base"], cwd=root, check=True)
    handle = sorted((root / "content" / "contributors").glob("*.md"))[0].stem
    for n in range(PR_FILES):
        (root / "content" / "articles" / f"pr-{n}.md").write_text(
            f'---\ntitle: "Proposition {n}"\ndate: 2026-11-20\nauthors: [{handle}]\n---\nUn texte proposé.\n',
            encoding="utf-8")
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "pull request"], cwd=root, check=True)
    return f"gh-{handle}"


#: CPU seconds (user + system) of every timed command, by what it was: on a shared machine the wall time also
#: counts the others' work, the CPU time only this one's.
CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], **kwargs) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    what = "check" if "check" in cmd else "install"
    CPU.setdefault(what, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return took


def one_run(uv: str, wheels: Path, uv_cache: Path, root: Path, author: str, work: Path,
            main_cache: Path | None = None) -> tuple[float, float]:
    """(install seconds, check seconds) in a new environment; the check starts from no Agora cache, or from a copy
    of `main_cache` (what the default branch's last build left, restored read-only as check.yml does)."""
    venv = Path(tempfile.mkdtemp(prefix="venv-", dir=work))
    shutil.rmtree(venv)
    install = timed([uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
    install += timed([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                      "--cache-dir", str(uv_cache), "--no-index", "--find-links", str(wheels), "agorapress"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cache = Path(tempfile.mkdtemp(prefix="agora-cache-", dir=work))
    if main_cache is not None:
        shutil.copytree(main_cache, cache, dirs_exist_ok=True, symlinks=True)
    env["AGORA_CACHE_DIR"] = str(cache)
    check = timed([str(venv / "bin" / "agora"), "check", "--now", "2026-11-22T12:00:00+01:00", "--pr-author", author,
                   "--base", "HEAD~1"], cwd=root, env=env)
    return install, check


def main_branch_cache(root: Path, work: Path) -> Path:
    """The Agora cache a run on the default branch leaves: a check of the base commit's content."""
    # The cache folder is named after the portal's path: on GitHub every job checks out at the same path, so
    # the base is checked out here, in the same folder, then the pull request again.
    cache = work / "main-cache"
    env = {**os.environ, "AGORA_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    subprocess.run(["git", "checkout", "--quiet", "--detach", "HEAD~1"], cwd=root, check=True)
    try:
        subprocess.run([sys.executable, "-m", "agorapress.cli", "--root", str(root), "check", "--now",
                        "2026-11-22T12:00:00+01:00"], cwd=root, env=env, check=False, capture_output=True)
    finally:
        subprocess.run(["git", "checkout", "--quiet", "-"], cwd=root, check=True)
    return cache


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    uv = uv_binary()
    with tempfile.TemporaryDirectory(prefix="agora-ci-path-") as tmp:
        work = Path(tmp)
        wheels = wheelhouse(work / "wheels")
        root = corpus.write_agora(work / "portal", args.items)
        author = pull_request(root)
        uv_cache = work / "uv-cache"
        one_run(uv, wheels, uv_cache, root, author, work)  # warms the package cache, as the default branch does
        runs = [one_run(uv, wheels, uv_cache, root, author, work) for _ in range(args.runs)]
        main_cache = main_branch_cache(root, work)
        warm = [one_run(uv, wheels, uv_cache, root, author, work, main_cache) for _ in range(args.runs)]
    print(f"CI path on {args.items} items, median of {args.runs} runs (fresh environment, warm package cache; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    for title, figures in (("no Agora cache", runs), ("the default branch's Agora cache restored", warm)):
        install = statistics.median(r[0] for r in figures)
        check = statistics.median(r[1] for r in figures)
        total = statistics.median(r[0] + r[1] for r in figures)
        print(f"  {title}:")
        print(f"    install Agora Press with uv     {install:6.2f} s")
        print(f"    agora check --pr-author --base  {check:6.2f} s")
        print(f"    total                           {total:6.2f} s  (target <= {TARGET:.0f} s: "
              f"{'met' if total <= TARGET else 'missed'})")
    print(f"  CPU seconds of one check (median of all runs): {statistics.median(CPU['check']):.2f} s; "
          f"of one install step: {statistics.median(CPU['install']):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

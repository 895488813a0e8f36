"""One command timed with every process it starts: wall time, CPU time and peak memory of the whole process tree.

A build is several processes: Agora forks its render shards and its outputs process, runs its parsing pool and
Pagefind (a binary of its own); Hugo + Pagefind is a shell and two binaries. `wait4` reports the maximum resident
set of the largest single process and the CPU time of the children that were waited for, which misses both the
processes' sum and the children a command leaves to exit on their own. So a sampler walks /proc every
`INTERVAL` seconds while the command runs, finds every descendant of it, and adds up their proportional set sizes
(PSS: a page shared by forked processes counts once across them, which resident sizes would count in each). The
peak of that sum is the memory of "all the build's processes together". CPU time is the larger of wait4's
figure and the sum over every process seen of the CPU time it had at its last sample.

Linux only (/proc). A process living less than one interval may be missed; the figure is then a lower bound.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.05
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    seconds: float  # wall time
    peak_kib: int  # the largest sum of PSS over the process tree, sampled
    cpu: float  # CPU seconds, user + system, every process of the tree
    largest_kib: int  # wait4's maximum resident set of one process (the figure before the tree was sampled)


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Figures:
    """Run `cmd` in `cwd` to its end; its figures. A failing command stops the benchmark with its error output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = _Sampler(proc.pid)
    sampler.start()
    # stderr is read beside the wait, so that a command writing much of it never blocks on a full pipe.
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    sampler.stop()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{b''.join(errors).decode(errors='replace')[-2000:]}")
    waited_cpu = usage.ru_utime + usage.ru_stime
    return Figures(elapsed, max(sampler.peak_kib, usage.ru_maxrss), max(waited_cpu, sampler.cpu()), usage.ru_maxrss)


class _Sampler(threading.Thread):
    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self.cpu_of: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self._sample()
            self._done.wait(INTERVAL)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def cpu(self) -> float:
        return sum(self.cpu_of.values())

    def _sample(self) -> None:
        total = 0
        for pid in _tree(self.root):
            pss = _pss_kib(pid)
            if pss is None:
                continue  # ended between the walk and the read
            total += pss
            cpu = _cpu_seconds(pid)
            if cpu is not None:
                self.cpu_of[pid] = cpu
        self.peak_kib = max(self.peak_kib, total)


def _tree(root: int) -> list[int]:
    """`root` and every process descending from it (a scan of /proc's parent links)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, pending = [], [root]
    while pending:
        pid = pending.pop()
        out.append(pid)
        pending.extend(children.get(pid, []))
    return out


def _pss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return 0  # a zombie: no memory left


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    # After the command name: state is field 3 of stat(5), utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / _TICK

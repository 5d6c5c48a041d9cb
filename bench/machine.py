"""How busy the machine was with other work while we measured: CPU time from /proc.

On a 2-core machine one stray build halves what a server can do, so every
measured phase records the CPU that processes other than the benchmark and
its servers used meanwhile, in cores (0.0 is a quiet machine, 1.0 a whole
core taken).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (all its threads) so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle, summed over its cores, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / _CLOCK_TICKS


def _probe_workload() -> int:
    table: dict[int, tuple[int, str]] = {}
    for i in range(20_000):
        table[i % 97] = (i, str(i))
    return len(table)


def speed_probe_ms(rounds: int = 7) -> float:
    """Milliseconds a fixed pure-Python workload takes right now (median of `rounds`); lower is faster.

    On this kind of virtual machine the same code runs up to about 1.7× slower
    from one stretch of seconds to the next, whatever else is running; probes
    between the phases of a run show how much of a difference between rows is
    the machine's.
    """
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        _probe_workload()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)[len(samples) // 2]


class OtherCpu:
    """Measures the cores used by processes other than ours between `start()` and `stop()`."""

    def __init__(self) -> None:
        self._started = 0.0
        self._machine = 0.0
        self._ours: dict[int, float] = {}

    def start(self, pids: Iterable[int] = ()) -> OtherCpu:
        """Begin; `pids` are our other processes (server workers) besides this one."""
        self._ours = {pid: cpu_seconds(pid) for pid in {os.getpid(), *pids}}
        self._machine = machine_busy_seconds()
        self._started = time.monotonic()
        return self

    def stop(self) -> float:
        """Average cores used by other processes since `start()` (never below 0)."""
        elapsed = time.monotonic() - self._started
        machine = machine_busy_seconds() - self._machine
        ours = sum(cpu_seconds(pid) - before for pid, before in self._ours.items())
        return max(0.0, (machine - ours) / elapsed) if elapsed > 0 else 0.0


# Command lines of other heavy jobs that would distort the figures (a colleague's build benchmark).
_HEAVY = ("bench.build_bench", "bench.make_dump", "gazetteer build", "prepare_dumps")


def heavy_jobs() -> list[str]:
    """Command lines of running jobs, not started by this process, that would compete for the CPU."""
    mine = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == mine:
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent != mine and any(job in command for job in _HEAVY):
            found.append(f"{entry.name}: {command[:120]}")
    return found

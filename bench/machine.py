"""How busy the machine was with other work while we measured: CPU time from psutil.

On a 2-core machine one stray build halves what a server can do, so every
measured phase records the CPU that processes other than the benchmark and
its servers used meanwhile, in cores (0.0 is a quiet machine, 1.0 a whole
core taken).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

import psutil


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (all its threads) so far; 0 when it is gone."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (nor waiting for I/O), summed over its cores, since boot."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0) - _guest(times))


def _guest(times: Any) -> float:
    """Guest time, which Linux also counts in user and nice time."""
    return float(getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0))


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
    for process in psutil.process_iter(["pid", "ppid", "cmdline"]):
        info = process.info
        command = " ".join(info["cmdline"] or ())
        if info["pid"] != mine and info["ppid"] != mine and any(job in command for job in _HEAVY):
            found.append(f"{info['pid']}: {command[:120]}")
    return found

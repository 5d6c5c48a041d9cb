"""Servers as operators run them, measured from outside: start-up, per-worker memory and CPU, load.

`ServedProcess` starts a server command (`python -m server …` or
`python -m bench.echo …`), reads its log as it comes, and times start-up
from process start until every worker has logged "serving on" and a probe
call succeeds (the health service says SERVING). Worker figures come from /proc: VmRSS and RssAnon of each
child of the parent process, and their CPU time. `run_load` drives a server
with N concurrent callers, each on its own channel and TCP connection, so
SO_REUSEPORT spreads them over the workers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from bench.machine import OtherCpu, cpu_seconds
from bench.timing import Summary, summarize

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SERVING_LINE = re.compile(r"serving on ")
START_TIMEOUT_SECONDS = 120.0


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True, slots=True)
class WorkerMemory:
    """Resident memory of one worker process, in MiB."""

    pid: int
    rss_mib: float  # VmRSS: includes the gazetteer pages it has touched (shared page cache)
    anon_mib: float  # RssAnon: the process's own heap


class ServedProcess:
    """A server child process: start it, wait until it serves, read its workers, stop it."""

    def __init__(self, command: list[str], workers: int, probe: Callable[[grpc.Channel], bool], address: str) -> None:
        self.command = command
        self.workers = workers
        self.probe = probe
        self.address = address
        self.lines: list[str] = []
        self._serving = 0
        self._changed = threading.Condition()
        self.process: subprocess.Popen[str] | None = None
        self.startup_seconds = 0.0

    def start(self) -> float:
        """Start the command; returns seconds from process start to every worker serving."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read_log, daemon=True).start()
        deadline = started + START_TIMEOUT_SECONDS
        with self._changed:
            while self._serving < self.workers:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.command[2]} did not start:\n" + "".join(self.lines[-30:]))
                self._changed.wait(0.05)
        with grpc.insecure_channel(self.address) as channel:
            while not self._probe(channel):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.address} never answered the probe:\n" + "".join(self.lines[-30:]))
                time.sleep(0.01)
        self.startup_seconds = time.monotonic() - started
        return self.startup_seconds

    def _probe(self, channel: grpc.Channel) -> bool:
        try:
            return self.probe(channel)
        except grpc.RpcError:
            return False

    def _read_log(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self.lines.append(line)
                if SERVING_LINE.search(line):
                    self._serving += 1
                self._changed.notify_all()

    def worker_pids(self) -> list[int]:
        """The children of the parent process (the parent itself with one worker)."""
        assert self.process is not None
        pid = self.process.pid
        children: list[int] = []
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
        return children or [pid]

    def memory(self) -> list[WorkerMemory]:
        """VmRSS and RssAnon of every worker."""
        return [
            WorkerMemory(pid, _status_kib(pid, "VmRSS") / 1024, _status_kib(pid, "RssAnon") / 1024)
            for pid in self.worker_pids()
        ]

    def stop(self) -> None:
        """SIGTERM, then wait (SIGKILL after a while)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> ServedProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def server_command(gazetteer: Path, port: int, workers: int) -> list[str]:
    """`python -m server` on loopback with `workers` processes."""
    return [
        sys.executable,
        "-m",
        "server",
        "--gazetteer",
        str(gazetteer),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


def echo_command(port: int, workers: int, reply_bytes: int) -> list[str]:
    """`python -m bench.echo` on loopback with `workers` processes."""
    return [
        sys.executable,
        "-m",
        "bench.echo",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--reply-bytes",
        str(reply_bytes),
    ]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What N concurrent callers saw: client-side latency and calls per second."""

    latency: Summary
    per_second: float
    calls: int
    cpu_share: tuple[float, ...]  # each worker's share of the servers' CPU time during the measured phase
    server_cpu_ms: float  # server CPU time per call (all workers)
    other_cores: float  # cores used by processes other than this one and the workers meanwhile


def run_load(
    address: str,
    make_call: Callable[[grpc.Channel], Callable[[], Any]],
    callers: int,
    warm_seconds: float,
    seconds: float,
    worker_pids: list[int] | None = None,
) -> LoadResult:
    """`callers` threads call as fast as they can: warm for `warm_seconds`, then measure `seconds`.

    Each caller has its own channel with a local subchannel pool (its own TCP
    connection). A call is counted when it starts inside the measured window.
    """
    connected = threading.Barrier(callers + 1)
    go = threading.Event()
    samples: list[list[float]] = [[] for _ in range(callers)]
    errors: list[BaseException] = []
    window = {"begin": 0.0, "end": 0.0}

    def caller(index: int) -> None:
        options = [("grpc.use_local_subchannel_pool", 1), ("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        with grpc.insecure_channel(address, options=options) as channel:
            call = make_call(channel)
            try:
                call()  # connect before the clock starts
                connected.wait()
                go.wait()
                while True:
                    started = time.perf_counter()
                    if started >= window["end"]:
                        return
                    call()
                    if started >= window["begin"]:
                        samples[index].append((time.perf_counter() - started) * 1000)
            except BaseException as exc:  # reported below; a broken caller must not hang the others
                errors.append(exc)
                connected.abort()

    threads = [threading.Thread(target=caller, args=(i,), daemon=True) for i in range(callers)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        connected.wait()
    now = time.perf_counter()
    window["begin"] = now + warm_seconds
    window["end"] = now + warm_seconds + seconds
    go.set()
    time.sleep(warm_seconds)
    cpu_before = [cpu_seconds(pid) for pid in worker_pids or []]
    others = OtherCpu().start(worker_pids or [])
    for thread in threads:
        thread.join()
    other_cores = others.stop()
    cpu_after = [cpu_seconds(pid) for pid in worker_pids or []]
    if errors:
        raise RuntimeError(f"{len(errors)} caller(s) failed: {errors[0]!r}") from errors[0]
    flat = [s for per_caller in samples for s in per_caller]
    used = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
    total = sum(used) or 1.0
    return LoadResult(
        summarize(flat),
        len(flat) / seconds,
        len(flat),
        tuple(u / total for u in used),
        sum(used) / max(len(flat), 1) * 1000,
        other_cores,
    )

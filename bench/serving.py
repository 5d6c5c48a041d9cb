"""Servers as operators run them, measured from outside: start-up, per-worker memory and CPU, load.

`ServedProcess` starts a server command (`python -m server …` or
`python -m bench.echo …`) with its log in a file, and times start-up
from process start until every worker has logged "serving on" and a probe
call succeeds (the health service says SERVING). Worker figures come from
psutil: the resident memory of each child of the parent process, its anonymous
part, and their CPU time. An `Endpoint` says how to reach a server: plaintext,
or TLS with the CA that signed its certificate and a bearer token. `run_loads`
drives one or more servers with N concurrent callers, each on its own channel
and TCP connection, so SO_REUSEPORT spreads them over the workers; several
servers are loaded in turn, round after round, so that the machine's drift
falls on each of them alike.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import psutil

from bench.machine import OtherCpu, cpu_seconds
from bench.timing import Summary, summarize

ROOT = Path(__file__).resolve().parent.parent
SERVING_LINE = re.compile(r"serving on ")
START_TIMEOUT_SECONDS = 120.0
CHANNEL_OPTIONS = (("grpc.use_local_subchannel_pool", 1), ("grpc.max_receive_message_length", 64 * 1024 * 1024))


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Endpoint:
    """How to reach a server: its address; with `root_certificates`, over TLS; with `token`, as a bearer."""

    address: str
    root_certificates: bytes | None = None
    token: str | None = None

    def channel(self, options: Sequence[tuple[str, Any]] = ()) -> grpc.Channel:
        """A new channel to the server, plaintext or TLS."""
        if self.root_certificates is None:
            return grpc.insecure_channel(self.address, options=list(options))
        credentials = grpc.ssl_channel_credentials(root_certificates=self.root_certificates)
        return grpc.secure_channel(self.address, credentials, options=list(options))

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """What every call sends: `authorization: Bearer <token>` when there is a token."""
        return (("authorization", f"Bearer {self.token}"),) if self.token else ()


@dataclass(frozen=True, slots=True)
class WorkerMemory:
    """Resident memory of one worker process, in MiB."""

    pid: int
    rss_mib: float  # resident set: includes the gazetteer pages it has touched (shared page cache)
    anon_mib: float  # resident minus file-backed and shared pages (Linux's RssAnon): the process's own heap


def worker_memory(pid: int) -> WorkerMemory:
    """Resident and anonymous memory of `pid` (zeros when it is gone)."""
    try:
        info = psutil.Process(pid).memory_info()
    except psutil.Error:
        return WorkerMemory(pid, 0.0, 0.0)
    shared = getattr(info, "shared", 0)  # Linux: file-backed and shmem resident pages
    return WorkerMemory(pid, info.rss / 2**20, (info.rss - shared) / 2**20)


class ServedProcess:
    """A server child process: start it, wait until it serves, read its workers, stop it.

    Its standard error goes to a file, not a pipe: a reader thread in this process would
    take the GIL from the callers for every access-log line (hundreds a second under load),
    and charge the log's cost to the server measured.
    """

    def __init__(
        self, command: list[str], workers: int, probe: Callable[[grpc.Channel], bool], endpoint: Endpoint
    ) -> None:
        self.command = command
        self.workers = workers
        self.probe = probe
        self.endpoint = endpoint
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = 0.0
        self._log = tempfile.NamedTemporaryFile(prefix="served-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def lines(self) -> list[str]:
        """Its standard error so far, line by line."""
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)

    def start(self) -> float:
        """Start the command; returns seconds from process start to every worker serving."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = started + START_TIMEOUT_SECONDS
        while sum(1 for line in self.lines if SERVING_LINE.search(line)) < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.command[2]} did not start:\n" + "".join(self.lines[-30:]))
            time.sleep(0.02)
        with self.endpoint.channel() as channel:
            while not self._probe(channel):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.endpoint.address} never answered the probe:\n" + "".join(self.lines[-30:])
                    )
                time.sleep(0.01)
        self.startup_seconds = time.monotonic() - started
        return self.startup_seconds

    def _probe(self, channel: grpc.Channel) -> bool:
        try:
            return self.probe(channel)
        except grpc.RpcError:
            return False

    def worker_pids(self) -> list[int]:
        """The children of the parent process (the parent itself with one worker)."""
        assert self.process is not None
        pid = self.process.pid
        try:
            children = [child.pid for child in psutil.Process(pid).children()]
        except psutil.Error:
            children = []
        return children or [pid]

    def memory(self) -> list[WorkerMemory]:
        """Resident and anonymous memory of every worker."""
        return [worker_memory(pid) for pid in self.worker_pids()]

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
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)


def _loopback_command(module: str, port: int, workers: int, *flags: str) -> list[str]:
    """`python -m <module>` on 127.0.0.1:`port` with `workers` processes and `flags`."""
    return [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), *flags]


def server_command(gazetteer: Path, port: int, workers: int, *flags: str) -> list[str]:
    """`python -m server` on loopback with `workers` processes, plus `flags` (TLS, tokens, metrics, logs)."""
    return _loopback_command("server", port, workers, "--gazetteer", str(gazetteer), *flags)


def echo_command(port: int, workers: int, reply_bytes: int) -> list[str]:
    """`python -m bench.echo` on loopback with `workers` processes."""
    return _loopback_command("bench.echo", port, workers, "--reply-bytes", str(reply_bytes))


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What N concurrent callers saw: client-side latency and calls per second."""

    latency: Summary
    per_second: float
    calls: int
    cpu_share: tuple[float, ...]  # each worker's share of the servers' CPU time during the measured phase
    server_cpu_ms: float  # server CPU time per call (all workers)
    other_cores: float  # cores used by processes other than this one and the workers meanwhile
    round_per_second: tuple[float, ...] = ()  # calls per second in each measured round


@dataclass(frozen=True, slots=True)
class Load:
    """One server to load: where it is, the call to make on a channel, and its worker pids (for their CPU)."""

    endpoint: Endpoint
    make_call: Callable[[grpc.Channel], Callable[[], Any]]
    worker_pids: Sequence[int] = ()


@dataclass(slots=True)
class _Window:
    """One measured round on one server: every call's milliseconds, each worker's CPU seconds, other cores."""

    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    other_cores: float = 0.0


def _run_window(load: Load, callers: int, warm_seconds: float, seconds: float) -> _Window:
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
        with load.endpoint.channel(CHANNEL_OPTIONS) as channel:
            call = load.make_call(channel)
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
    cpu_before = [cpu_seconds(pid) for pid in load.worker_pids]
    others = OtherCpu().start(load.worker_pids)
    for thread in threads:
        thread.join()
    other_cores = others.stop()
    cpu_after = [cpu_seconds(pid) for pid in load.worker_pids]
    if errors:
        raise RuntimeError(f"{len(errors)} caller(s) failed: {errors[0]!r}") from errors[0]
    used = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
    return _Window([s for per_caller in samples for s in per_caller], used, other_cores)


def _combine(windows: Sequence[_Window], seconds: float) -> LoadResult:
    """The rounds of one server as one result; each round measured `seconds`."""
    flat = [s for w in windows for s in w.samples]
    used = [sum(per_worker) for per_worker in zip(*(w.cpu for w in windows), strict=True)]
    total = sum(used) or 1.0
    return LoadResult(
        summarize(flat),
        len(flat) / (seconds * len(windows)),
        len(flat),
        tuple(u / total for u in used),
        sum(used) / max(len(flat), 1) * 1000,
        sum(w.other_cores for w in windows) / len(windows),
        tuple(len(w.samples) / seconds for w in windows),
    )


def run_loads(
    loads: Sequence[Load], callers: int, warm_seconds: float, seconds: float, rounds: int = 1
) -> list[LoadResult]:
    """Each of `loads` in turn, `rounds` times over: every round warms `warm_seconds`, then measures
    `seconds / rounds`, so each server is measured `seconds` in all, in stretches interleaved with the
    others' (the machine's speed drifts by up to 2x over seconds). One result per load, in order."""
    per_round = seconds / rounds
    windows: list[list[_Window]] = [[] for _ in loads]
    for _ in range(rounds):
        for load, done in zip(loads, windows, strict=True):
            done.append(_run_window(load, callers, warm_seconds, per_round))
    return [_combine(done, per_round) for done in windows]

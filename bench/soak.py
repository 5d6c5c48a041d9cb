"""Soak: mixed load on `python -m server --workers 2` while operators and faults do their worst.

`python -m bench.soak [--seconds 60]`, loopback only, bounded in time and count.
16 callers send Link, LinkStream and Resolve (with the long-word and
repeated-letter inputs mixed in) and check every answer against the first one;
8 idle streams are held open; meanwhile: 100 reloads (descriptors other than sockets counted
before and after), a SIGHUP every 5 s, an atomic replace with a corrupt file
(must be refused while the old file serves), an in-place overwrite, one worker
killed with SIGKILL, and SIGTERM at the end. It prints calls made, failed and
refused by design, p50/p99, RSS before and after `--rss-calls` calls, and exits
non-zero on any failed call, a wrong answer, RSS growth of `--max-rss-growth`
percent or more over the whole window, or a server that did not stop cleanly.

RSS growth is measured on the busier worker (by CPU time at its first reading;
the other one is the worker killed), after a warm-up: "before" is read once the
first reload is done (it frees the gazetteer loaded before the fork) and the
load made `--warmup-calls` calls of the same mix (every request thread has
served, the 1 MiB inputs have come by, the per-word caches hold the load's
words); "after" is read once `--rss-calls` more calls were made. A reading
taken before the warm-up would count the warm-up as growth. The other reloads
(and every fault) come after "before", inside the window. Each figure is the
median of `--rss-readings` readings RSS_INTERVAL s apart, none taken while a
reload the soak asked for is in flight: a reload holds two gazetteers, and a
1 MiB text in flight holds a few MiB, so single readings swing by +-5 MiB from
one second to the next. Every caller has its own connection, so both workers
serve. When the load has not made `--rss-calls` calls after `--seconds`, it
goes on (without new faults, with the SIGHUPs) until it has, for at most
`--seconds` more.

Refused by design (the README's documented refusals): RESOURCE_EXHAUSTED
(limits), DEADLINE_EXCEEDED from the server's per-call cap, and UNAVAILABLE or
CANCELLED for a call that was on the worker killed on purpose, or a LinkStream on
it that ended with fewer answers than documents (gRPC sometimes ends a stream whose
server died without a status); a short stream at any other time is a wrong answer.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parent.parent
SERVING = re.compile(r"pid (\d+) serving on \S+:(\d+)")
CALL_TIMEOUT = 30.0
WAIT = 60.0
# Each RSS figure: the median of --rss-readings readings (21: over two periodic SIGHUPs), this many
# seconds apart, each taken while no reload is in flight.
RSS_INTERVAL = 0.5
RELOADED = "now serving version"
RELOAD_ENDED = f"{RELOADED}|reload of .* failed"
TEXTS = [
    "زار بوريطة الرباط ثم فيينا",
    "وصل الوزير إلى الرباط عاصمة المغرب.",
    "قال غانتس إن إسرائيل والمغرب وقعا اتفاقا",
    "التقى إيمانويل ماكرون بالرئيس في باريس",
]
NAMES = ["جانتس", "الرباط", "طرابلس", "ماكرون", "بوريطة", "كلمة"]
LONG_WORD = "".join(random.Random(1).choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(524_000))
REPEATED_LETTER = "ب" * 524_278
RETRY_CONFIG = (
    '{"methodConfig": [{"name": [{"service": "entitylinker.v1.EntityLinkerService"}], "retryPolicy": '
    '{"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "1s", "backoffMultiplier": 2, '
    '"retryableStatusCodes": ["UNAVAILABLE"]}}]}'
)
CHANNEL_OPTIONS = [
    # Each caller its own connection: grpc shares one connection between channels with the same target
    # and options, which put every caller on one worker (SO_REUSEPORT spreads connections, not calls).
    ("grpc.use_local_subchannel_pool", 1),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.service_config", RETRY_CONFIG),
    ("grpc.enable_retries", 1),
]


@dataclass
class SoakResult:
    """What a soak run saw."""

    calls: int = 0
    failed: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    wrong: int = 0
    # The first few wrong answers: which text, what came back, what the baseline said (a wrong answer
    # is rare and must be told apart: a race in the server, or the harness's own timing).
    wrong_examples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    rss_calls: int = 0
    rss_calls_wanted: int = 0
    rss_cpu_seconds: float = 0.0  # CPU time of the measured worker during the window
    rss_window_seconds: float = 0.0
    rss_readings: int = 0
    rss_reloads: int = 0  # reloads the measured worker made in the window
    warmup_calls: int = 0
    max_rss_growth: float | None = None
    fds_before: int = 0
    fds_after: int = 0
    reloads: int = 0
    corrupt_refused: bool = False
    in_place_harmless: bool = False
    worker_restarted: bool = False
    exit_code: int | None = None
    seconds: float = 0.0

    @property
    def rss_growth(self) -> float:
        """RSS after the window against before, in percent."""
        return 100.0 * (self.rss_after_kib - self.rss_before_kib) / max(self.rss_before_kib, 1)

    @property
    def rss_judged(self) -> bool:
        """Growth is judged over a whole window (a short run, e.g. --seconds 8, only reports it)."""
        return self.max_rss_growth is not None and self.rss_before_kib > 0 and self.rss_calls >= self.rss_calls_wanted

    @property
    def rss_ok(self) -> bool:
        return not self.rss_judged or self.rss_growth < (self.max_rss_growth or 0.0)

    @property
    def ok(self) -> bool:
        return (
            self.failed == 0
            and self.rss_ok
            and self.wrong == 0
            and self.exit_code == 0
            and self.corrupt_refused
            and self.in_place_harmless
            and self.worker_restarted
        )

    def report(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        refused = ", ".join(f"{k} {v}" for k, v in sorted(self.refused.items())) or "none"
        short = (
            f"; short of {self.rss_calls_wanted}: the load stopped first, not judged"
            if self.rss_calls < self.rss_calls_wanted
            else ""
        )
        limit = f", limit {self.max_rss_growth:g}%" if self.rss_judged else ""
        lines = [
            f"calls made          {self.calls} in {self.seconds:.0f} s",
            f"failed              {self.failed} {dict(self.failures) if self.failures else ''}".rstrip(),
            f"wrong answers       {self.wrong}" + "".join(f"\n                    {w}" for w in self.wrong_examples),
            f"refused by design   {sum(self.refused.values())} ({refused})",
            f"latency p50 / p99   {p50:.1f} ms / {p99:.1f} ms",
            f"RSS of a worker     {self.rss_before_kib / 1024:.1f} MiB before, {self.rss_after_kib / 1024:.1f} MiB "
            f"after {self.rss_calls} calls ({self.rss_growth:+.1f}%{limit}{short})",
            f"                    (the busier worker, never killed: {self.rss_cpu_seconds:.0f} s CPU in the "
            f"{self.rss_window_seconds:.0f} s window, {self.rss_reloads} reloads in it; before = after a reload and "
            f"{self.warmup_calls} warm-up calls; each the median of {self.rss_readings} readings over "
            f"{self.rss_readings * RSS_INTERVAL:.0f} s, none during a reload)",
            f"descriptors         {self.fds_before} before, {self.fds_after} after {self.reloads} reloads (no sockets)",
            f"corrupt file        {'refused, old file kept serving' if self.corrupt_refused else 'NOT refused'}",
            f"in-place overwrite  {'harmless' if self.in_place_harmless else 'CHANGED ANSWERS'}",
            f"worker killed       {'restarted' if self.worker_restarted else 'NOT restarted'}",
            f"SIGTERM             exit code {self.exit_code}",
        ]
        return "\n".join(lines)


class ServerLog:
    """The server's standard error, read by a thread; waits on lines without polling."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # end of the log
            self._changed.notify_all()

    def count(self, pattern: str) -> int:
        with self._changed:
            return sum(1 for line in self.lines if re.search(pattern, line))

    def wait_for(self, pattern: str, count: int = 1, timeout: float = WAIT) -> list[re.Match[str]]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for line in self.lines if (m := re.search(pattern, line))]
                if len(found) >= count:
                    return found
                if (self.lines and self.lines[-1] == "") or time.monotonic() > deadline:
                    raise RuntimeError(f"no {count}x {pattern!r} in the server log:\n" + "".join(self.lines[-30:]))
                self._changed.wait(max(0.0, deadline - time.monotonic()))


def _reason(error: grpc.RpcError) -> str:
    try:
        status = rpc_status.from_call(error)  # type: ignore[arg-type]
    except ValueError:
        return ""
    for detail in status.details if status else []:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return str(info.reason)
    return ""


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fds(pid: int, readings: int = 5, apart: float = 0.1) -> int:
    """A worker's open descriptors other than sockets, the least of a few readings `apart` seconds.

    Sockets come and go with the callers' connections, and a reload in flight holds two
    gazetteers for a moment; what a leak would leave behind is still there in every reading.
    """
    counts = []
    for reading in range(readings):
        if reading:
            time.sleep(apart)
        folder = f"/proc/{pid}/fd"
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
        count = 0
        for name in names:
            with contextlib.suppress(OSError):  # closed between the listing and the reading
                count += not os.readlink(f"{folder}/{name}").startswith("socket:")
        counts.append(count)
    return min(counts)


def _answer(response: pb.LinkResponse) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.entity.qid) for m in response.mentions]


class Soak:
    """One run: the server, the callers, the operator's actions and the faults."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.result = SoakResult()
        self.lock = threading.Lock()
        self.stop_load = threading.Event()
        self.killed_at = float("inf")
        self.served = folder / "served.sqlite"
        self.good = folder / "good.sqlite"
        self.pids: list[int] = []
        self.baseline: dict[str, list[tuple[int, int, str]]] = {}
        # Held from a SIGHUP until every worker ended its reload, and while RSS is read.
        self.quiet = threading.Lock()
        self.reading = threading.Event()  # an RSS reading waits for `quiet`: no new reload until it has it
        self.rss_before_read = threading.Event()
        self.rss_done = threading.Event()
        self._measured: int | None = None  # the worker whose RSS is read; the other one is killed

    # -- the server --------------------------------------------------------------------

    def start(self) -> None:
        shutil.copy(self.args.gazetteer, self.served)
        shutil.copy(self.args.gazetteer, self.good)
        command = [
            sys.executable, "-m", "server", "--gazetteer", str(self.served), "--host", "127.0.0.1", "--port", "0",
            "--workers", "2", "--runtime-dir", str(self.folder / "run"), "--grace", "5",
            "--stream-idle-seconds", str(self.args.seconds + 120), "--max-call-seconds", "10",
            "--threads", "24", "--max-streams", "16",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
        self.log = ServerLog(self.process)
        matches = self.log.wait_for(SERVING.pattern, count=2)
        self.pids = [int(m.group(1)) for m in matches]
        self.address = f"127.0.0.1:{matches[0].group(2)}"

    def signal_and_wait(self, pattern: str, timeout: float = WAIT) -> None:
        """SIGHUP the server and wait until every worker logged `pattern` once more (no RSS reading meanwhile)."""
        while self.reading.is_set():  # the lock is not fair: back-to-back reloads would starve a reading
            time.sleep(0.05)
        with self.quiet:
            before = self.log.count(pattern)
            self.process.send_signal(signal.SIGHUP)
            self.log.wait_for(pattern, count=before + 2, timeout=timeout)

    # -- the callers -------------------------------------------------------------------

    def _record(self, started: float, error: grpc.RpcError | None, wrong: str = "") -> None:
        """One call; `wrong` describes its answer when that differs from the baseline."""
        elapsed = time.monotonic() - started
        with self.lock:
            self.result.calls += 1
            if wrong:
                self.result.wrong += 1
                if len(self.result.wrong_examples) < 3:
                    self.result.wrong_examples.append(f"{time.strftime('%H:%M:%S')} {wrong}")
            if error is None:
                self.result.latencies.append(elapsed)
                return
            code, reason = error.code(), _reason(error)
            if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
                self.result.refused[f"RESOURCE_EXHAUSTED {reason or 'limit'}"] += 1
            elif code == grpc.StatusCode.DEADLINE_EXCEEDED and reason == "CALL_TIME_LIMIT":
                self.result.refused["DEADLINE_EXCEEDED CALL_TIME_LIMIT"] += 1
            elif code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED) and self._on_killed_worker(started):
                self.result.refused[f"{code.name} on the killed worker"] += 1
            else:
                self.result.failed += 1
                self.result.failures[f"{code.name} {reason} {error.details()[:80]}"] += 1

    def _difference(self, texts: list[str], responses: list[pb.LinkResponse]) -> str:
        """ "" when every response answers its text as the baseline did, else what differs."""
        for text, response in zip(texts, responses, strict=False):
            got, expected = _answer(response), self.baseline[text]
            if got != expected:
                return (
                    f"text #{TEXTS.index(text)}, gazetteer {response.gazetteer_version}: "
                    f"{sorted(set(got) - set(expected))} instead of {sorted(set(expected) - set(got))}"
                )
        if len(responses) != len(texts):
            return f"{len(responses)} answers to {len(texts)} texts"
        return ""

    def _on_killed_worker(self, started: float) -> bool:
        """The call was in flight when a worker was killed on purpose (it started before, ended after)."""
        return started <= self.killed_at + 1.0 and time.monotonic() >= self.killed_at

    def caller(self, seed: int) -> None:
        rng = random.Random(seed)
        with grpc.insecure_channel(self.address, options=CHANNEL_OPTIONS) as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            while not self.stop_load.is_set():
                roll = rng.random()
                started = time.monotonic()
                try:
                    if roll < 0.005:
                        stub.Link(pb.LinkRequest(text=rng.choice([LONG_WORD, REPEATED_LETTER])), timeout=CALL_TIMEOUT)
                        self._record(started, None)
                    elif roll < 0.6:
                        text = rng.choice(TEXTS)
                        response = stub.Link(pb.LinkRequest(text=text), timeout=CALL_TIMEOUT)
                        self._record(started, None, self._difference([text], [response]))
                    elif roll < 0.85:
                        stub.Resolve(pb.ResolveRequest(mention=rng.choice(NAMES)), timeout=CALL_TIMEOUT)
                        self._record(started, None)
                    else:
                        texts = [rng.choice(TEXTS) for _ in range(3)]
                        requests = [pb.LinkStreamRequest(request=pb.LinkRequest(text=t)) for t in texts]
                        answers = [r.response for r in stub.LinkStream(iter(requests), timeout=CALL_TIMEOUT)]
                        if len(answers) < len(texts) and self._on_killed_worker(started):
                            # The worker died under the stream and gRPC ended it without a status now
                            # and then: the answers it gave are checked, the rest were lost to the kill.
                            self._record(started, None, self._difference(texts[: len(answers)], answers))
                            with self.lock:
                                self.result.refused["LinkStream ended short on the killed worker"] += 1
                        else:
                            self._record(started, None, self._difference(texts, answers))
                except grpc.RpcError as error:
                    self._record(started, error)

    def idle_streams(self, count: int, release: threading.Event) -> list[threading.Thread]:
        """`count` streams that each send one document, read the answer, then send nothing until released."""
        opened = threading.Barrier(count + 1)

        def hold() -> None:
            def requests() -> Iterator[pb.LinkStreamRequest]:
                yield pb.LinkStreamRequest(request=pb.LinkRequest(text=TEXTS[0]))
                release.wait(self.args.seconds + WAIT)

            with grpc.insecure_channel(self.address) as channel:
                call = pb_grpc.EntityLinkerServiceStub(channel).LinkStream(requests())
                try:
                    next(call)
                finally:
                    opened.wait(WAIT)
                release.wait(self.args.seconds + WAIT)
                call.cancel()

        threads = [threading.Thread(target=hold, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        opened.wait(WAIT)
        return threads

    # -- the run -----------------------------------------------------------------------

    def run(self) -> SoakResult:
        started = time.monotonic()
        end = started + self.args.seconds
        with grpc.insecure_channel(self.address, options=CHANNEL_OPTIONS) as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            self.baseline = {t: _answer(stub.Link(pb.LinkRequest(text=t), timeout=CALL_TIMEOUT)) for t in TEXTS}
            version = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=CALL_TIMEOUT).version
            release = threading.Event()
            holders = self.idle_streams(8, release)
            callers = [threading.Thread(target=self.caller, args=(i,), daemon=True) for i in range(self.args.callers)]
            for thread in callers:
                thread.start()
            rss = threading.Thread(target=self._rss_window, daemon=True)
            rss.start()
            try:
                self._faults(stub, version, started, end)
                # A slow machine: the load goes on until the RSS window has its calls, for at most --seconds more.
                self.rss_done.wait(self.args.seconds)
            finally:
                self.stop_load.set()
                for thread in callers:
                    thread.join(WAIT)
                release.set()
                for thread in holders:
                    thread.join(WAIT)
                rss.join(WAIT)  # its last reading ends before SIGTERM
        self.result.seconds = time.monotonic() - started
        self.process.send_signal(signal.SIGTERM)
        self.result.exit_code = self.process.wait(timeout=WAIT)
        return self.result

    def _at(self, moment: float) -> None:
        """Wait until `moment` (monotonic), unless the load stopped."""
        self.stop_load.wait(max(0.0, moment - time.monotonic()))

    def _faults(self, stub: pb_grpc.EntityLinkerServiceStub, version: str, started: float, end: float) -> None:
        span = end - started
        health = health_pb2_grpc.HealthStub(grpc.insecure_channel(self.address))
        # Reloads: descriptors of one worker before and after. The first reload, then a SIGHUP every 5 s as
        # long as the load runs; the other reloads once RSS was read after the warm-up: they are in its window.
        self.result.fds_before = _fds(self.pids[0])
        for number in range(self.args.reloads):
            self.signal_and_wait(RELOADED)
            self.result.reloads += 1
            if number == 0:
                threading.Thread(target=self._sighup_every, args=(5.0,), daemon=True).start()
                while not self.rss_before_read.wait(0.05) and not self.stop_load.is_set():
                    pass
        self.result.fds_after = _fds(self.pids[0])
        # An atomic replace with a corrupt file: refused by both workers; the old one keeps serving.
        self._at(started + 0.35 * span)
        corrupt = self.folder / "corrupt.sqlite"
        data = bytearray(self.good.read_bytes())
        data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)
        corrupt.write_bytes(bytes(data))
        corrupt.replace(self.served)
        self.signal_and_wait("reload of .* failed")
        info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=CALL_TIMEOUT)
        self.result.corrupt_refused = info.version == version
        shutil.copy(self.good, self.folder / "restore.sqlite")
        (self.folder / "restore.sqlite").replace(self.served)
        self.signal_and_wait("now serving version")
        # An in-place overwrite (cp over the served file): answers must not change.
        self._at(started + 0.5 * span)
        with self.served.open("r+b") as handle:
            handle.truncate(len(data) // 3)
            handle.write(b"\xff" * 4096)
        answers = [_answer(stub.Link(pb.LinkRequest(text=t), timeout=CALL_TIMEOUT)) for t in TEXTS for _ in range(4)]
        serving = health.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT).status
        self.result.in_place_harmless = answers == [self.baseline[t] for t in TEXTS for _ in range(4)] and (
            serving == health_pb2.HealthCheckResponse.SERVING
        )
        shutil.copy(self.good, self.folder / "restore.sqlite")
        (self.folder / "restore.sqlite").replace(self.served)
        # One worker killed: it is forked again.
        self._at(started + 0.7 * span)
        restarts = self.log.count("worker restarted")
        self.killed_at = time.monotonic()
        os.kill(next(pid for pid in self.pids if pid != self.measured_pid()), signal.SIGKILL)
        self.log.wait_for("worker restarted", count=restarts + 1)
        self.log.wait_for(SERVING.pattern, count=3)
        self.result.worker_restarted = True
        self._at(end)

    def _sighup_every(self, period: float) -> None:
        while not self.stop_load.wait(period):
            # A worker killed meanwhile logs its reload only once forked again: wait a bounded time.
            with contextlib.suppress(RuntimeError):
                self.signal_and_wait(RELOAD_ENDED, timeout=10.0)

    def _wait_calls(self, count: int) -> bool:
        """Wait until the callers made `count` calls; False when the load stopped first."""
        while self.result.calls < count:
            if self.stop_load.wait(0.05):
                return False
        return True

    def measured_pid(self) -> int:
        """The worker whose RSS is read: the one with more CPU time when first asked (after the warm-up).

        Connections, not calls, are spread over the workers, so one may serve more callers than the other.
        """
        with self.lock:
            if self._measured is None:
                self._measured = max(self.pids, key=_cpu_seconds)
            return self._measured

    def _reloads_of_measured(self) -> int:
        return self.log.count(rf" {self.measured_pid()} .*{RELOADED}")  # the log line's pid field

    def _read_rss(self) -> int:
        """RSS of the measured worker: the median of `--rss-readings` readings, each with no reload in flight."""
        readings = []
        for _ in range(self.args.rss_readings):
            self.reading.set()
            try:
                with self.quiet:
                    readings.append(_rss_kib(self.measured_pid()))
            finally:
                self.reading.clear()
            time.sleep(RSS_INTERVAL)
        return int(statistics.median(readings))

    def _rss_window(self) -> None:
        """RSS after the warm-up (a reload and `--warmup-calls` calls), then `--rss-calls` calls later."""
        try:
            self.result.warmup_calls = self.args.warmup_calls
            self.result.rss_readings = self.args.rss_readings
            self.result.rss_calls_wanted = self.args.rss_calls
            if not self._wait_calls(self.args.warmup_calls):
                return
            while self.result.reloads < min(1, self.args.reloads):
                if self.stop_load.wait(0.05):
                    return
            self.result.rss_before_kib = self._read_rss()
            base_calls, base_cpu, base_time = self.result.calls, _cpu_seconds(self.measured_pid()), time.monotonic()
            base_reloads = self._reloads_of_measured()
            self.rss_before_read.set()
            self._wait_calls(base_calls + self.args.rss_calls)
            calls = self.result.calls
            self.result.rss_cpu_seconds = _cpu_seconds(self.measured_pid()) - base_cpu
            self.result.rss_window_seconds = time.monotonic() - base_time
            self.result.rss_reloads = self._reloads_of_measured() - base_reloads
            self.result.rss_after_kib = self._read_rss()
            self.result.rss_calls = calls - base_calls
        finally:
            self.rss_before_read.set()
            self.rss_done.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs")
    parser.add_argument("--callers", type=int, default=16, help="concurrent callers")
    parser.add_argument("--rss-calls", type=int, default=20_000, help="calls between the two RSS readings")
    parser.add_argument(
        "--warmup-calls", type=int, default=2_000, help="calls (and a reload) before the first RSS reading"
    )
    parser.add_argument(
        "--rss-readings", type=int, default=21, help=f"readings {RSS_INTERVAL:g} s apart whose median is an RSS figure"
    )
    parser.add_argument(
        "--max-rss-growth", type=float, default=10.0, help="RSS growth (percent) from which the soak fails"
    )
    parser.add_argument("--reloads", type=int, default=100, help="reloads between the two descriptor counts")
    parser.add_argument("--gazetteer", type=Path, default=None, help="gazetteer (default: the seeds, built now)")
    args = parser.parse_args(argv)
    result = run(args)
    print(result.report())
    return 0 if result.ok else 1


def run(args: argparse.Namespace) -> SoakResult:
    """One soak run with `args` (see `main`); the server is stopped whatever happens."""
    with tempfile.TemporaryDirectory(prefix="soak-") as name:
        folder = Path(name)
        if args.gazetteer is None:
            from gazetteer.build import Source, build
            from gazetteer.readers.seeds import read_seeds

            args.gazetteer = folder / "seeds.sqlite"
            build(args.gazetteer, [], Source("seeds", read_seeds(ROOT / "seeds")))
        soak = Soak(args, folder)
        soak.result.max_rss_growth = args.max_rss_growth
        soak.start()
        try:
            return soak.run()
        finally:
            if soak.process.poll() is None:
                soak.process.kill()
                soak.process.wait()


if __name__ == "__main__":
    sys.exit(main())

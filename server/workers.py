"""Several server processes on one port: SO_REUSEPORT, fork, supervise.

The pattern of grpc's Python multiprocessing example: the parent holds the
port, forks the workers before any gRPC object exists, forwards SIGTERM, SIGINT
and SIGHUP to every worker, and waits for them all. It also supervises them: a
worker that dies is logged and forked again after a growing delay, and when
workers keep dying the parent stops the rest and exits non-zero.

Two instances must not share a port without knowing it (SO_REUSEPORT would let
the second take part of the traffic, maybe with another gazetteer): the port
is checked with a plain bind first, and a lock file names its owner.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import fcntl
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_WAITED = {*_FORWARDED, signal.SIGCHLD}
FIRST_RESTART_DELAY = 0.5  # seconds; doubles with each death in the window, up to MAX_RESTART_DELAY
MAX_RESTART_DELAY = 10.0
MAX_DEATHS = 5  # deaths within DEATH_WINDOW that make the parent give up
DEATH_WINDOW = 60.0


class PortBusyError(RuntimeError):
    """The port is taken, by another instance or another program."""


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host.strip("[]") or host in ("[::]", "::") else socket.AF_INET


def check_port_free(host: str, port: int) -> None:
    """Raise `PortBusyError` when something is bound to the port (a plain bind, without SO_REUSEPORT, fails)."""
    if port == 0:
        return
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortBusyError(f"port {port} on {host} is already in use") from None
            raise


@contextlib.contextmanager
def reserved_port(host: str, port: int) -> Iterator[int]:
    """Hold the port with SO_REUSEPORT so every worker can bind it, and learn it when 0 was asked.

    A plain bind comes first: it fails when anything already listens on the port,
    which SO_REUSEPORT alone would silently share.
    """
    address = host.strip("[]")
    check_port_free(host, port)
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((address, port))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@contextlib.contextmanager
def port_lock(lock_dir: Path, port: int) -> Iterator[Path]:
    """An exclusive lock on `lock_dir/port-PORT.lock` for the life of this process and its workers.

    flock is released by the kernel when the last holder dies, so a killed
    instance never leaves a stale lock; the file holds the owner's pid for the message.
    """
    lock_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = lock_dir / f"port-{port}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise PortBusyError(
                f"port {port} is already served by another instance (pid {owner}, lock {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)


def _describe(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def run_workers(
    host: str,
    port: int,
    count: int,
    serve_one: Callable[[int], None],
    lock_dir: Path | None = None,
    on_restart: Callable[[], object] | None = None,
    on_death: Callable[[int], object] | None = None,
) -> int:
    """Fork `count` processes that each run `serve_one(port)` on the shared port, and keep them running.

    Returns 0 after a clean stop (SIGTERM or SIGINT), 1 when workers keep
    dying. `on_restart` runs in a re-forked worker before it serves (e.g. to
    reload a gazetteer replaced since the parent loaded it); `on_death(pid)`
    runs in the parent for each reaped worker (e.g. to mark its metrics dead). The parent blocks
    the signals it handles and takes them with `sigtimedwait`, so no signal is
    lost between two checks.
    """
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _WAITED)
    children: dict[int, int] = {}  # pid -> slot
    try:
        with reserved_port(host, port) as bound, contextlib.ExitStack() as stack:
            if lock_dir is not None:
                stack.enter_context(port_lock(lock_dir, bound))

            def spawn(slot: int, restarted: bool) -> int:
                pid = os.fork()
                if pid == 0:
                    code = 0
                    try:
                        # Until serve_one installs its own handlers: a reload request is not a reason to die.
                        signal.signal(signal.SIGHUP, signal.SIG_IGN)
                        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
                        if restarted and on_restart is not None:
                            on_restart()
                        serve_one(bound)
                    except BaseException as exc:  # a worker reports and exits, never returns
                        _LOGGER.error("worker failed: %s", exc)
                        code = 1
                    finally:
                        os._exit(code)
                children[pid] = slot
                return pid

            for slot in range(count):
                spawn(slot, restarted=False)
            _LOGGER.info("%d workers on port %d: %s", count, bound, list(children))
            return _supervise(children, spawn, on_death or (lambda _pid: None))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def _supervise(children: dict[int, int], spawn: Callable[[int, bool], int], on_death: Callable[[int], object]) -> int:
    """Forward signals, reap and re-fork workers; the exit status of the whole group."""
    stopping = False
    status = 0
    deaths: collections.deque[float] = collections.deque()
    pending: list[tuple[float, int]] = []  # (when, slot) of workers to fork again

    def signal_all(signum: int) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    while children or pending:
        while children:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid == 0:
                break
            slot = children.pop(pid, None)
            on_death(pid)
            if slot is None or stopping:
                continue
            now = time.monotonic()
            deaths.append(now)
            while deaths and deaths[0] < now - DEATH_WINDOW:
                deaths.popleft()
            how = _describe(os.waitstatus_to_exitcode(wait_status))
            if len(deaths) >= MAX_DEATHS:
                _LOGGER.error(
                    "workers keep dying (%d deaths in %.0fs, the last pid %d %s); stopping the rest",
                    len(deaths),
                    DEATH_WINDOW,
                    pid,
                    how,
                )
                stopping, status = True, 1
                pending.clear()
                signal_all(signal.SIGTERM)
                continue
            delay = min(FIRST_RESTART_DELAY * 2 ** (len(deaths) - 1), MAX_RESTART_DELAY)
            _LOGGER.warning("worker pid %d %s; forking another in %.1fs", pid, how, delay)
            pending.append((now + delay, slot))
        now = time.monotonic()
        for item in [p for p in pending if p[0] <= now]:
            pending.remove(item)
            _LOGGER.warning("worker restarted: pid %d", spawn(item[1], True))
        if not children and not pending:
            break
        timeout = min((when for when, _ in pending), default=now + 5.0) - now
        info = signal.sigtimedwait(_WAITED, max(timeout, 0.0))
        if info is None or info.si_signo == signal.SIGCHLD:
            continue
        if info.si_signo in (signal.SIGTERM, signal.SIGINT):
            stopping = True
            pending.clear()
        signal_all(info.si_signo)
    return status

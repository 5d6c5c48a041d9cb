"""Several server processes on one port: SO_REUSEPORT, fork, supervise.

The pattern of grpc's Python multiprocessing example: the parent holds the
port, forks the workers before any gRPC object exists, forwards SIGTERM, SIGINT
and SIGHUP to every worker, and waits for them all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from types import FrameType

_LOGGER = logging.getLogger(__name__)

_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@contextlib.contextmanager
def reserved_port(host: str, port: int) -> Iterator[int]:
    """Hold the port with SO_REUSEPORT so every worker can bind it, and learn it when 0 was asked."""
    family = socket.AF_INET6 if ":" in host.strip("[]") or host in ("[::]", "::") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def run_workers(host: str, port: int, count: int, serve_one: Callable[[int], None]) -> int:
    """Fork `count` processes that each run `serve_one(port)` on the shared port; return the first failure."""
    children: list[int] = []
    parent = os.getpid()

    def forward(signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != parent:
            return  # a worker that has not installed its own handlers yet
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    # Installed before forking, so no signal finds the parent without them.
    for signum in _FORWARDED:
        signal.signal(signum, forward)
    with reserved_port(host, port) as bound:
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                try:
                    serve_one(bound)
                finally:
                    os._exit(0)
            children.append(pid)
        _LOGGER.info("%d workers on port %d: %s", len(children), bound, children)
        status = 0
        for child in children:
            _, code = os.waitpid(child, 0)
            status = status or os.waitstatus_to_exitcode(code)
    return status

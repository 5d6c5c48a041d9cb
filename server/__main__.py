"""`python -m server`: run the entity-linking gRPC server until SIGINT or SIGTERM.

SIGHUP reloads the gazetteer file; a failed reload keeps the old one serving.
With `--workers N`, N processes serve one port through SO_REUSEPORT. The
gazetteer is loaded once, before the fork, and no gRPC object exists until
each worker creates its own (the pattern of grpc's multiprocessing example);
the parent forwards SIGTERM, SIGINT and SIGHUP to every worker.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from gazetteer.loader import GazetteerLoadError
from gazetteer.schema import SchemaMismatchError
from server.app import create_server
from server.holder import LinkerHolder
from server.settings import Settings, parse_settings

_LOGGER = logging.getLogger(__name__)


def serve(settings: Settings, holder: LinkerHolder, port: int, reuse_port: bool) -> None:
    """Run one server process until SIGTERM or SIGINT; SIGHUP reloads the gazetteer."""
    options: list[tuple[str, object]] = [("grpc.so_reuseport", 1 if reuse_port else 0)]
    server, bound, _health = create_server(
        holder, f"{settings.host}:{port}", settings.max_text_bytes, settings.max_workers, options
    )
    stopped = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        _LOGGER.info(
            "%s: stopping, %.0fs grace for calls in flight", signal.Signals(signum).name, settings.grace_seconds
        )

        def drain_then_stop() -> None:
            server.stop(settings.grace_seconds).wait()
            stopped.set()

        threading.Thread(target=drain_then_stop, name="stop").start()

    def reload(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=holder.reload, name="reload", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    if settings.watch_seconds > 0:
        holder.watch(settings.watch_seconds, stopped)
    info = holder.linker.gazetteer.info
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(info.counts_by_type.items()))
    _LOGGER.info(
        "pid %d serving on %s:%d, gazetteer %s version %s (%s)",
        os.getpid(),
        settings.host,
        bound,
        info.path,
        info.version,
        counts,
    )
    while not stopped.wait(3600):
        pass
    _LOGGER.info("pid %d stopped", os.getpid())


@contextlib.contextmanager
def _reserved_port(host: str, port: int) -> Iterator[int]:
    """Hold the port with SO_REUSEPORT so every worker can bind it, and learn it when 0 was asked."""
    family = socket.AF_INET6 if ":" in host.strip("[]") or host in ("[::]", "::") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def serve_workers(settings: Settings, holder: LinkerHolder) -> int:
    """Fork `settings.workers` serving processes on one port and supervise them."""
    children: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        if os.getpid() != parent:
            return  # a worker that has not installed its own handlers yet
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    parent = os.getpid()
    # Installed before forking, so no signal finds the parent without them.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    with _reserved_port(settings.host, settings.port) as port:
        for _ in range(settings.workers):
            pid = os.fork()
            if pid == 0:
                try:
                    serve(settings, holder, port, reuse_port=True)
                finally:
                    os._exit(0)
            children.append(pid)
        _LOGGER.info("%d workers on port %d: %s", len(children), port, children)
        status = 0
        for child in children:
            _, code = os.waitpid(child, 0)
            status = status or os.waitstatus_to_exitcode(code)
    return status


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    try:
        holder = LinkerHolder.open(settings.gazetteer)
    except (GazetteerLoadError, SchemaMismatchError) as exc:
        _LOGGER.error("cannot start: %s", exc)
        return 2
    # Everything loaded so far lives as long as the process: keep the collector off it,
    # and keep its pages shared after the fork.
    gc.freeze()
    if settings.workers > 1:
        return serve_workers(settings, holder)
    serve(settings, holder, settings.port, reuse_port=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

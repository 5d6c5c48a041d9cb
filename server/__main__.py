"""`python -m server`: run the entity-linking gRPC server until SIGINT or SIGTERM.

SIGHUP reloads the gazetteer file; a failed reload keeps the old one serving.
With `--workers N`, N processes serve one port through SO_REUSEPORT. The
gazetteer is loaded once, before the fork, and no gRPC object exists until
each worker creates its own (the pattern of grpc's multiprocessing example);
the parent forwards SIGTERM, SIGINT and SIGHUP to every worker.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType

from gazetteer.loader import GazetteerLoadError
from gazetteer.schema import SchemaMismatchError
from server import linking
from server.app import create_server
from server.heap import settle_after_load
from server.holder import LinkerHolder
from server.settings import Settings, parse_settings
from server.workers import run_workers

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
        "pid %d serving on %s:%d, gazetteer %s version %s (%s), linking core %s",
        os.getpid(),
        settings.host,
        bound,
        info.path,
        info.version,
        counts,
        "compiled" if linking.COMPILED else "plain Python",
    )
    while not stopped.wait(3600):
        pass
    _LOGGER.info("pid %d stopped", os.getpid())


def serve_workers(settings: Settings, holder: LinkerHolder) -> int:
    """Fork `settings.workers` serving processes on one port and supervise them."""
    return run_workers(
        settings.host, settings.port, settings.workers, lambda port: serve(settings, holder, port, reuse_port=True)
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    try:
        holder = LinkerHolder.open(settings.gazetteer)
    except (GazetteerLoadError, SchemaMismatchError) as exc:
        _LOGGER.error("cannot start: %s", exc)
        return 2
    settle_after_load()  # before the fork, so the workers share the frozen pages
    if settings.workers > 1:
        return serve_workers(settings, holder)
    serve(settings, holder, settings.port, reuse_port=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

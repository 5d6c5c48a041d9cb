"""`python -m server`: run the entity-linking gRPC server until SIGINT or SIGTERM.

SIGHUP reloads the gazetteer file; a failed reload keeps the old one serving.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from gazetteer.loader import GazetteerLoadError
from gazetteer.schema import SchemaMismatchError
from server.app import create_server
from server.holder import LinkerHolder
from server.settings import parse_settings

_LOGGER = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        holder = LinkerHolder.open(settings.gazetteer)
    except (GazetteerLoadError, SchemaMismatchError) as exc:
        _LOGGER.error("cannot start: %s", exc)
        return 2
    server, port, _health = create_server(
        holder, f"{settings.host}:{settings.port}", settings.max_text_bytes, settings.max_workers
    )
    info = holder.linker.gazetteer.info
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(info.counts_by_type.items()))
    _LOGGER.info("serving on %s:%d, gazetteer %s version %s (%s)", settings.host, port, info.path, info.version, counts)

    stopped = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        _LOGGER.info(
            "%s: stopping, %.0fs grace for calls in flight", signal.Signals(signum).name, settings.grace_seconds
        )
        server.stop(settings.grace_seconds).wait()
        stopped.set()

    def reload(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=holder.reload, name="reload", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    while not stopped.wait(3600):
        pass
    _LOGGER.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

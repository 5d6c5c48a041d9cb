"""The linker in service, swapped whole when the gazetteer is reloaded.

Requests read `holder.linker` once and use that object to the end, so a reload
never changes the gazetteer under a request in flight.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from gazetteer.loader import load_gazetteer
from server.linking import Linker

_LOGGER = logging.getLogger(__name__)


class LinkerHolder:
    """Holds the current `Linker`; `reload()` replaces it only when the new one loads."""

    def __init__(self, linker: Linker, path: Path) -> None:
        self.linker = linker
        self.path = path
        self._reload_lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> LinkerHolder:
        """Load the gazetteer at `path` and wrap a linker over it."""
        return cls(Linker(load_gazetteer(path)), path)

    def reload(self) -> bool:
        """Load the file again; on failure keep the old linker serving and log why."""
        with self._reload_lock:
            try:
                linker = Linker(load_gazetteer(self.path))
            except Exception:
                _LOGGER.exception("reload of %s failed; still serving version %s", self.path, self.version)
                return False
            self.linker = linker
            _LOGGER.info("reloaded %s: now serving version %s", self.path, self.version)
            return True

    @property
    def version(self) -> str:
        return self.linker.gazetteer.info.version

    def watch(self, interval: float, stopped: threading.Event) -> threading.Thread:
        """Reload whenever the file at `path` is replaced or rewritten, checking every `interval` seconds."""

        def identity() -> tuple[int, int, int] | None:
            try:
                stat = self.path.stat()
            except OSError:
                return None
            return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

        def loop() -> None:
            seen = identity()
            while not stopped.wait(interval):
                current = identity()
                if current is not None and current != seen:
                    seen = current
                    _LOGGER.info("%s changed on disk", self.path)
                    self.reload()

        thread = threading.Thread(target=loop, name="watch", daemon=True)
        thread.start()
        return thread

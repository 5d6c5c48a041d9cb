"""The linker in service, swapped whole when the gazetteer is reloaded.

A call takes the current linker with `serving()` and uses that object to the
end, so a reload never changes the gazetteer under a call in flight; the old
linker's connection (its descriptor and memory map) and private copy are
closed when the last call using it ends, so reloads leak nothing.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gazetteer.loader import load_gazetteer
from server.linking import Linker

_LOGGER = logging.getLogger(__name__)


class _Served:
    """One loaded linker and the calls using it."""

    def __init__(self, linker: Linker) -> None:
        self.linker = linker
        self.users = 0
        self.retired = False
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.linker.gazetteer.close()


class LinkerHolder:
    """Holds the current `Linker`; `reload()` replaces it only when the new one loads and checks out.

    `on_health(serving)` is told when the served file stops being readable
    (`report_broken`) and when a reload makes it readable again.
    """

    def __init__(self, linker: Linker, path: Path, copy_dir: Path | None = None) -> None:
        self.path = path
        self.copy_dir = copy_dir
        self._served = _Served(linker)
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self.on_health: Callable[[bool], None] = lambda _serving: None
        self.on_reload: Callable[[bool], None] = lambda _ok: None  # told each reload's outcome (metrics)
        self.broken = False

    @classmethod
    def open(cls, path: Path, copy_dir: Path | None = None) -> LinkerHolder:
        """Load the gazetteer at `path` (a private copy in `copy_dir`, if given) and wrap a linker over it."""
        return cls(Linker(load_gazetteer(path, copy_dir)), path, copy_dir)

    @property
    def linker(self) -> Linker:
        """The current linker (for a call, prefer `serving()`, which keeps it open to the end)."""
        return self._served.linker

    @property
    def version(self) -> str:
        return self.linker.gazetteer.info.version

    @contextmanager
    def serving(self) -> Iterator[Linker]:
        """The current linker, kept open until the block ends even if a reload replaces it meanwhile."""
        with self._lock:
            served = self._served
            served.users += 1
        try:
            yield served.linker
        finally:
            with self._lock:
                served.users -= 1
                done = served.retired and served.users == 0
            if done:
                self._close(served)

    def reload(self) -> bool:
        """Load the file again; on failure keep the old linker serving and log why."""
        with self._reload_lock:
            try:
                linker = Linker(load_gazetteer(self.path, self.copy_dir))
            except Exception as exc:  # any failure keeps the old gazetteer
                _LOGGER.error(
                    "reload of %s failed; still serving version %s: %s",
                    self.path,
                    self.version,
                    exc,
                    extra={"event": "reload_failed"},
                )
                self.on_reload(False)
                return False
            with self._lock:
                old, self._served = self._served, _Served(linker)
                old.retired = True
                done = old.users == 0
            if done:
                self._close(old)
            _LOGGER.info(
                "reloaded %s: now serving version %s",
                self.path,
                self.version,
                extra={"event": "reload", "version": self.version},
            )
            self.on_reload(True)
            if self.broken:
                self.broken = False
                self.on_health(True)
            return True

    def report_broken(self, error: BaseException) -> None:
        """A call found the served file unreadable: stop advertising SERVING and try a fresh load."""
        if self.broken:
            return
        self.broken = True
        _LOGGER.error(
            "the served gazetteer (%s) is unreadable: %s; health NOT_SERVING", self.linker.gazetteer.path, error
        )
        self.on_health(False)
        threading.Thread(target=self.reload, name="reload-after-error", daemon=True).start()

    def close(self) -> None:
        """Close the current gazetteer (at exit)."""
        with self._lock:
            self._served.retired = True
            done = self._served.users == 0
        if done:
            self._close(self._served)

    @staticmethod
    def _close(served: _Served) -> None:
        if served.closed:
            return
        served.close()
        # The linker's caches hold bound methods of its gazetteer (cycles): free them now. The first
        # gazetteer was frozen at start (server/heap.py), out of the collector's sight: unfreeze it.
        if gc.get_freeze_count():
            gc.unfreeze()
        gc.collect()

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

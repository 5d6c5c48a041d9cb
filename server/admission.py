"""How much request text one server process links at once.

The linking core runs under the GIL, so texts linked side by side in one
process finish no sooner than one after another; what they do add up is their
peak memory (a maximal text full of names holds about 115 MiB at its peak, see
the README's worst-case table). `TextBudget` lets texts into the core while
their UTF-8 bytes in flight stay within a budget, and makes the rest wait their
turn within their own deadline. Articles are far below any budget and never
wait unless large texts hold it.

Hand-written because the standard library has no weighted semaphore
(`threading.Semaphore` takes one unit per acquire).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Final

# How often a waiting call asks its interrupt whether it is still wanted (deadline, cancellation).
_RECHECK_SECONDS: Final = 0.05


class TextBudget:
    """At most `limit_bytes` of text in the linking core at once, shared by every servicer of the process."""

    def __init__(self, limit_bytes: int) -> None:
        if limit_bytes <= 0:
            raise ValueError(f"the text budget must be positive, got {limit_bytes}")
        self.limit_bytes = limit_bytes
        self._in_flight = 0
        self._changed = threading.Condition()

    @property
    def in_flight(self) -> int:
        """Bytes of text being linked now."""
        with self._changed:
            return self._in_flight

    @contextlib.contextmanager
    def admit(self, size: int, interrupt: Callable[[], None]) -> Iterator[None]:
        """Hold `size` bytes of the budget for the block, waiting while others hold it.

        A text larger than the whole budget waits for the core to be empty. While it
        waits, `interrupt` is asked every few tens of milliseconds and may raise (the
        call's deadline passed, the caller went away), which leaves the budget as it was.
        """
        size = min(size, self.limit_bytes)
        with self._changed:
            while self._in_flight + size > self.limit_bytes:
                self._changed.wait(_RECHECK_SECONDS)
                interrupt()
            self._in_flight += size
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= size
                self._changed.notify_all()

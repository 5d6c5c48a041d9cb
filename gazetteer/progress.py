"""Progress of a long read: a bar redrawn in place on a terminal, log lines otherwise.

Readers call `Progress.update` often (every few thousand lines); it returns at
once unless it is time to draw, so the cost per call is a clock read.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

_LOGGER = logging.getLogger(__name__)

_BAR_WIDTH = 20


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts of entities read and kept, their rate, and an ETA when the total size is known.

    `done` and `total` are in any unit that grows to the end (bytes of the
    compressed file, entities of a table); without `total` there is no bar or ETA.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        interactive: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total if total and total > 0 else None
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        # A terminal can take several redraws a second; a log file wants a line now and then.
        self.interval = interval if interval is not None else (0.25 if self.interactive else 30.0)
        self._clock = clock
        self._started = clock()
        self._last_draw = self._started

    def update(self, read: int, kept: int, done: int | None = None) -> None:
        """Record the counts so far; draw if the interval has passed."""
        now = self._clock()
        if now - self._last_draw >= self.interval:
            self._last_draw = now
            self._draw(self.render(read, kept, done, now))

    def finish(self, read: int, kept: int, done: int | None = None) -> None:
        """Draw the final counts and end the line."""
        line = self.render(read, kept, self.total if done is None else done, self._clock())
        if self.interactive:
            self.stream.write(f"\r{line}\n")
            self.stream.flush()
        else:
            _LOGGER.info("%s", line)

    def render(self, read: int, kept: int, done: int | None, now: float) -> str:
        """One status line: label, bar and percentage, counts, rate, ETA."""
        elapsed = max(now - self._started, 1e-9)
        parts = [self.label]
        if self.total and done is not None:
            fraction = min(max(done / self.total, 0.0), 1.0)
            filled = round(fraction * _BAR_WIDTH)
            bar = f"[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] " if self.interactive else ""
            parts.append(f"{bar}{fraction:6.1%}")
        parts.append(f"{read:,} read, {kept:,} kept, {read / elapsed:,.0f}/s, {_duration(elapsed)}")
        if self.total and done:
            parts.append(f"ETA {_duration(elapsed * (self.total - done) / done)}")
        return "  ".join(parts)

    def _draw(self, line: str) -> None:
        if self.interactive:
            # Pad so a shorter line fully covers the previous one.
            self.stream.write(f"\r{line:<100}")
            self.stream.flush()
        else:
            _LOGGER.info("%s", line)

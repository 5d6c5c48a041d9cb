"""Timing helpers: nearest-rank percentiles and timed loops over a warm callable."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Summary:
    """Latency of a set of calls, in milliseconds."""

    p50: float
    p99: float
    count: int
    mean: float


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank `q`-th percentile (0 < q <= 100) of `samples`."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: Sequence[float]) -> Summary:
    """p50 (the median), p99 and mean of millisecond samples."""
    if not samples:
        return Summary(math.nan, math.nan, 0, math.nan)
    return Summary(statistics.median(samples), percentile(samples, 99), len(samples), statistics.fmean(samples))


def time_each(call: Callable[[T], object], items: Sequence[T], rounds: int) -> list[list[float]]:
    """Milliseconds of `call(item)` for every item, `rounds` times: result[i] holds item i's samples."""
    samples: list[list[float]] = [[] for _ in items]
    for _ in range(rounds):
        for i, item in enumerate(items):
            started = time.perf_counter()
            call(item)
            samples[i].append((time.perf_counter() - started) * 1000)
    return samples


def flat(samples: list[list[float]]) -> list[float]:
    """All samples of `time_each` in one list."""
    return [s for per_item in samples for s in per_item]

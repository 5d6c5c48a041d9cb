"""How a serving process treats its heap once the gazetteer is loaded.

The gazetteer caches, the lexicon and the code live as long as the process,
while a Link request allocates tens of thousands of short-lived records (a 1 MB
text keeps 500,000 to 700,000 alive at once at a million entities). With
CPython's default thresholds the collector would run every 700 allocations and
keep re-walking the long-lived objects; measured side by side on the 1 MB text
of `make bench`, that was a third of the time of a long Link. The server and
the benchmark both call `settle_after_load`.

The C allocator is told to give large blocks back (`keep_large_blocks_out_of_heap`): see there.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys

_LOGGER = logging.getLogger(__name__)

# Net young allocations between collections, and how rarely the older generations are collected.
# Request records are acyclic and freed by reference counting, so a collection during a request
# finds nothing to free: the first threshold is above what a 1 MB text keeps alive (500,000 to
# 700,000 objects at a million entities: at 500,000 one collection walked them all, 80 ms of a
# 0.7 s Link), so collections only run as cyclic garbage (tracebacks of refused calls) accumulates.
_THRESHOLDS = (1_000_000, 50, 100)


# glibc's mallopt parameter for the size from which a block is mmap'ed on its own (malloc.h).
_M_MMAP_THRESHOLD = -3
# Blocks from this size are mapped on their own and unmapped when freed: glibc's initial default.
MMAP_THRESHOLD_BYTES = 128 * 1024


def keep_large_blocks_out_of_heap() -> bool:
    """Fix glibc's mmap threshold, so a freed large block goes back to the system at once.

    By default glibc raises the threshold to the size of each mmap'ed block freed (up to
    32 MiB): after the first 1 MiB text, every later one is carved from a malloc arena (one
    per thread, up to 8 per core), and the freed space stays with the arena as a high-water
    mark that small allocations then pin. Not a leak: Python's live blocks stay flat, the
    arenas' free space grows. Measured on the soak's call mix (0.5% of calls 1 MiB texts)
    through the servicer on 24 threads, 30,000 calls: RSS 101 -> 188 MiB and still rising
    with the default (60-120 MiB free in the arenas), 102 -> 104-124 MiB with
    MALLOC_ARENA_MAX=2 (fewer arenas, each still keeping its peak), 101 -> 176 MiB with
    malloc_trim(0) after each 1 MiB request (the free space is fragmented: little is whole
    pages), 102 -> 104 MiB with the threshold fixed (arenas flat at 23 MiB through 100 more
    reloads and 400,000 calls; what RSS still swings by is the 1 MiB texts in flight). In
    `make soak` (20,000 calls after the warm-up): +15.7% by default, +4.9% fixed. Fixing it
    costs an mmap and a munmap per block of 128 KiB or more, nothing beside the work on a
    text that large. Process-wide (like MALLOC_MMAP_THRESHOLD_=131072 in the environment)
    and inherited by forked workers. False where there is no glibc mallopt (musl, macOS).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


def settle_after_load() -> None:
    """Freeze what is loaded (and keep its pages shared after a fork), then collect less often."""
    keep_large_blocks_out_of_heap()
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    _LOGGER.debug("heap settled: %d objects frozen, thresholds %s", gc.get_freeze_count(), _THRESHOLDS)

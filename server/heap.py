"""How a serving process treats its heap once the gazetteer is loaded.

The gazetteer caches, the lexicon and the code live as long as the process,
while a Link request allocates tens of thousands of short-lived records (a
1 MB text keeps about 400,000 alive at once). With CPython's default
thresholds the collector would run every 700 allocations and keep re-walking
the long-lived objects; measured side by side on the 1 MB text of `make
bench`, that was a third of the time of a long Link. The server and the benchmark both call `settle_after_load`.
"""

from __future__ import annotations

import gc
import logging

_LOGGER = logging.getLogger(__name__)

# Net young allocations between collections, and how rarely the older generations are collected.
# Request records are acyclic and freed by reference counting, so a collection during a request
# finds nothing to free: the first threshold is above what a 1 MB text keeps alive (about 400,000
# objects), so collections only run as cyclic garbage (tracebacks of refused calls) accumulates.
_THRESHOLDS = (500_000, 50, 100)


def settle_after_load() -> None:
    """Freeze what is loaded (and keep its pages shared after a fork), then collect less often."""
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    _LOGGER.debug("heap settled: %d objects frozen, thresholds %s", gc.get_freeze_count(), _THRESHOLDS)

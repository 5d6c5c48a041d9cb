"""A bounded memo for the per-word look-ups the linker makes for every word of every text.

`functools.lru_cache` keeps an exact recency order, which costs a linked-list
update on every hit. These look-ups are pure and each bound is set above their
working set (the vocabulary of the texts served), so a plain dict read directly
is enough: when it does fill up, it is emptied and refills with what is in use.
A bound below the working set makes every look-up a miss: real newswire asks
the name-key memo for up to 64,000 keys a call at a million entities, hence its
200,000 (`index._NAME_KEY_CACHE_ENTRIES`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_MISSING: Final = object()


class Memo(Generic[K, V]):
    """`compute(key)`, remembered for up to `max_entries` keys (0: computed on every call)."""

    def __init__(self, compute: Callable[[K], V], max_entries: int) -> None:
        self._compute = compute
        self._max_entries = max_entries
        self._values: dict[K, object] = {}

    def value(self, key: K) -> V:
        """`compute(key)`, computed once while remembered.

        A method, not `__call__`: mypyc calls a method of a compiled class directly, but
        calling the object goes through Python's generic call protocol, which cost a long
        Link about 7% in look-ups (see ARCHITECTURE.md).
        """
        value = self._values.get(key, _MISSING)
        if value is _MISSING:
            value = self._compute(key)
            if len(self._values) >= self._max_entries:
                self._values.clear()
                if not self._max_entries:
                    return value  # type: ignore[return-value]  # compute()'s own result
            self._values[key] = value
        return value  # type: ignore[return-value]  # stored by this very method from compute()

    def peek(self, key: K) -> V | None:
        """The remembered value, or None when `key` was not computed (or was forgotten)."""
        value = self._values.get(key, _MISSING)
        return None if value is _MISSING else value  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._values)

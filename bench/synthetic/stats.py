"""Figures of a synthetic dump to set beside Wikidata's: name vocabulary, homonym sets, sitelinks, traps.

Counted over the entities the gazetteer profile keeps (in scope), as the
generator classifies them, since those are what the linker must tell apart.
Memory grows with the number of distinct labels: `--stats` is for measuring,
not for the benchmarks' dumps.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def _quantile(counter: Counter[int], q: float) -> int:
    """The q-quantile of a value → count histogram."""
    total = sum(counter.values())
    seen = 0
    for value in sorted(counter):
        seen += counter[value]
        if seen >= q * total:
            return value
    return 0


class DumpStats:
    """Accumulates figures entity by entity."""

    def __init__(self) -> None:
        self.in_scope = 0
        self.words: set[str] = set()
        self.words_all: set[str] = set()
        self.labels: Counter[str] = Counter()
        self.sitelinks: dict[str, Counter[int]] = {}
        self.traps: Counter[str] = Counter()

    def observe(self, entity: dict[str, Any], in_scope: bool, kind: str) -> None:
        """Add one entity (its Arabic label, aliases and sitelinks)."""
        label = entity["labels"].get("ar", {}).get("value", "")
        names = [label] + [a["value"] for a in entity["aliases"].get("ar", [])]
        is_person = kind in ("official", "other_person")
        for name in names:
            for word in name.split():
                if is_person or in_scope:
                    self.words_all.add(word)
                if in_scope:
                    self.words.add(word)
        if not in_scope:
            return
        self.in_scope += 1
        if label:
            self.labels[label] += 1
        self.sitelinks.setdefault(kind, Counter())[len(entity["sitelinks"])] += 1

    def report(self, traps: Counter[str]) -> str:
        """A plain-text table of the figures."""
        sizes = Counter(self.labels.values())  # homonym-set size → number of labels
        entities_by_size = Counter({size: size * n for size, n in sizes.items()})
        shared = sum(n for size, n in entities_by_size.items() if size > 1)
        labelled = sum(entities_by_size.values()) or 1
        lines = [
            f"in-scope entities: {self.in_scope:,}",
            f"distinct Arabic name words, in-scope entities: {len(self.words):,}",
            f"distinct Arabic name words, in-scope entities and all people: {len(self.words_all):,}",
            f"distinct Arabic labels: {len(self.labels):,}",
            f"in-scope entities whose label another shares: {shared:,} ({100 * shared / labelled:.1f}%)",
            "homonym sets (entities per label): "
            + ", ".join(f"{k}: {sizes[k]:,}" for k in sorted(sizes) if k <= 5)
            + f", 6-20: {sum(n for k, n in sizes.items() if 6 <= k <= 20):,}"
            + f", 21+: {sum(n for k, n in sizes.items() if k > 20):,}",
            "largest homonym sets: " + ", ".join(f"{label} ×{n}" for label, n in self.labels.most_common(8)),
            "sitelinks per in-scope entity (p50 / p90 / p99 / max, share with 0, share with ≤2):",
        ]
        total: Counter[int] = Counter()
        for kind, counter in sorted(self.sitelinks.items()):
            total.update(counter)
            lines.append(f"  {kind:<13} {self._links_line(counter)}")
        lines.append(f"  {'all':<13} {self._links_line(total)}")
        lines.append("traps made:")
        lines += [f"  {name}: {count:,}" for name, count in sorted(traps.items())]
        return "\n".join(lines)

    @staticmethod
    def _links_line(counter: Counter[int]) -> str:
        n = sum(counter.values()) or 1
        zero = counter[0] / n
        few = sum(c for v, c in counter.items() if v <= 2) / n
        quantiles = " / ".join(str(_quantile(counter, q)) for q in (0.5, 0.9, 0.99))
        return f"{quantiles} / {max(counter, default=0)}, {100 * zero:.0f}%, {100 * few:.0f}%"

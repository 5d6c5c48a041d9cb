"""Calibration of scores: reliability tables and the expected calibration error (ECE).

Scores are binned into equal-width bins over [0, 1] (a score of 1.0 goes in the
last bin). ECE = Σ_b (n_b / N) · |accuracy_b − mean score_b|.

* Resolve: the top-1 score of every dev query that returned something; right
  iff it is the expected QID (a must-return-nothing query that returned
  something is wrong). Queries that returned nothing have no score and are
  only counted.
* Link: every predicted mention's score; right iff start, end and QID equal
  a gold mention's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.devset import Passage
from evaluation.scoring import Predicted, ResolveReport

BINS = 10


@dataclass(frozen=True, slots=True)
class Bin:
    """One reliability-table row."""

    low: float
    high: float
    count: int
    mean_score: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class Calibration:
    """A reliability table and its ECE over `n` scored items (`unscored` had no score)."""

    bins: tuple[Bin, ...]
    ece: float
    n: int
    unscored: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ece": round(self.ece, 6),
            "n": self.n,
            "unscored": self.unscored,
            "bins": [
                {
                    "low": b.low,
                    "high": b.high,
                    "count": b.count,
                    "mean_score": round(b.mean_score, 6),
                    "accuracy": round(b.accuracy, 6),
                }
                for b in self.bins
            ],
        }


def reliability(scored: Iterable[tuple[float, bool]], bins: int = BINS, unscored: int = 0) -> Calibration:
    """The reliability table and ECE of (score, right) pairs."""
    counts = [0] * bins
    sums = [0.0] * bins
    rights = [0] * bins
    for score, right in scored:
        b = min(bins - 1, max(0, int(score * bins)))
        counts[b] += 1
        sums[b] += score
        rights[b] += bool(right)
    n = sum(counts)
    rows = []
    ece = 0.0
    for b in range(bins):
        mean = sums[b] / counts[b] if counts[b] else 0.0
        accuracy = rights[b] / counts[b] if counts[b] else 0.0
        rows.append(Bin(round(b / bins, 6), round((b + 1) / bins, 6), counts[b], mean, accuracy))
        if n:
            ece += counts[b] / n * abs(accuracy - mean)
    return Calibration(tuple(rows), ece, n, unscored)


def resolve_calibration(report: ResolveReport, bins: int = BINS) -> Calibration:
    """Calibration of Resolve top-1 scores."""
    scored = [(o.returned[0][1], o.correct) for o in report.outcomes if o.returned]
    return reliability(scored, bins, unscored=sum(not o.returned for o in report.outcomes))


def link_calibration(
    passages: Sequence[Passage], predictions: Mapping[str, Sequence[Predicted]], bins: int = BINS
) -> Calibration:
    """Calibration of Link mention scores."""
    scored: list[tuple[float, bool]] = []
    for passage in passages:
        gold = {(g.start, g.end, g.qid) for g in passage.gold}
        scored.extend((p.score, (p.start, p.end, p.qid) in gold) for p in predictions.get(passage.id, ()))
    return reliability(scored, bins)

"""Fit the map from Resolve's raw top-1 score to the chance that it is right.

    python -m evaluation.calibrate [--gazetteer PATH ...]

Resolve runs over the development queries with the seed gazetteer, with a
labels-only gazetteer (as thin as a Wikidata item) and with any `--gazetteer`
given (e.g. the seeds inside a million synthetic entities), its calibration
switched off. The pooled (raw score, right) pairs are fitted with isotonic
regression (pool-adjacent violators: a score never maps below a lower one),
and the fitted curve is printed at fixed knots as the Python table
`server/linking/scoring.py` keeps in `RESOLVE_CALIBRATION`. Pooling the thin
and large gazetteers gives the curve the wrong answers the seeds alone rarely
make, so it is not fitted to one easy set.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from evaluation.blind import label_only_records
from evaluation.devset import QUERIES_PATH, SEEDS_DIR, load_queries
from evaluation.running import evaluate_resolve, linker_for_records, load_linker

# Raw scores at which the curve is kept; Resolve answers nothing below the linker's 0.5.
KNOTS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))


def isotonic(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Pool-adjacent violators: the non-decreasing step fit of (x, y) points, as (last x of a block, fitted y).

    Twelve lines, so written here rather than pulling scikit-learn or SciPy into the project for them.
    """
    blocks: list[list[float]] = []  # [sum of y, count, last x]
    for x, y in sorted(points):
        blocks.append([y, 1.0, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count, last = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][2] = last
    # Each block's share of right answers with one right and one wrong imagined (Laplace): twenty right
    # answers say 0.95, not certainty. A small block smoothed below its neighbour keeps the curve rising.
    fitted: list[tuple[float, float]] = []
    for total, count, last in blocks:
        value = (total + 1) / (count + 2)
        fitted.append((last, max(value, fitted[-1][1]) if fitted else value))
    return fitted


def curve_at(fit: Sequence[tuple[float, float]], x: float) -> float:
    """The step fit's value at `x` (the first block ending at or after it)."""
    for last, value in fit:
        if x <= last:
            return value
    return fit[-1][1]


def raw_outcomes(linker: object) -> list[tuple[float, float]]:
    """(raw top-1 score, 1 if right else 0) for every dev query Resolve answered."""
    linker.resolve_calibration = ()  # type: ignore[attr-defined]  # raw scores
    report = evaluate_resolve(linker, load_queries(QUERIES_PATH))
    return [(o.returned[0][1], 1.0 if o.correct else 0.0) for o in report.outcomes if o.returned]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gazetteer", type=Path, action="append", default=[], help="another gazetteer to pool")
    args = parser.parse_args(argv)
    from gazetteer.readers.seeds import read_seeds

    records = list(read_seeds(SEEDS_DIR))
    points = raw_outcomes(load_linker())
    points += raw_outcomes(linker_for_records(label_only_records(records)))
    for path in args.gazetteer:
        points += raw_outcomes(load_linker(path))
    fit = isotonic(points)
    wrong = sum(1 for _, right in points if not right)
    print(f"# {len(points)} answered queries pooled, {wrong} wrong; `python -m evaluation.calibrate`", file=sys.stderr)
    knots = ", ".join(f"({x}, {curve_at(fit, x):.3f})" for x in KNOTS)
    print(f"RESOLVE_CALIBRATION: Final = ({knots})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

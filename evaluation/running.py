"""Running the linker over passages and queries: seed gazetteers, predictions, Resolve outcomes, the sweep."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.devset import SEEDS_DIR, Passage, Query
from evaluation.scoring import LinkReport, Predicted, ResolveOutcome, ResolveReport, score_linking, score_resolve

SWEEP_THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))  # 0.30 .. 0.90


def build_seed_gazetteer(out_path: Path, seeds_dir: Path = SEEDS_DIR) -> Path:
    """Build the seed-only gazetteer at `out_path`."""
    from gazetteer.readers.seeds import read_seeds

    return build_records_gazetteer(out_path, read_seeds(seeds_dir))


def build_records_gazetteer(
    out_path: Path, records: Iterable[Any], exclude_names: frozenset[tuple[str, str]] = frozenset()
) -> Path:
    """Build a gazetteer of these `EntityRecord`s (as the seeds source) at `out_path`, without `exclude_names`."""
    from gazetteer.build import Source, build

    build(out_path, [], Source("seeds", records), exclude_names=exclude_names)
    return out_path


def linker_for_records(records: Iterable[Any], exclude_names: frozenset[tuple[str, str]] = frozenset()) -> Any:
    """A `Linker` over a gazetteer of `records` built into a temporary file (the file is read in place, then
    unlinked: the open connection keeps it readable)."""
    from gazetteer.loader import load_gazetteer
    from server.linking import Linker

    with tempfile.TemporaryDirectory(prefix="eval-gazetteer-") as tmp:
        gazetteer = load_gazetteer(build_records_gazetteer(Path(tmp) / "gazetteer.sqlite", records, exclude_names))
    return Linker(gazetteer)


def load_linker(gazetteer_path: Path | None = None, seeds_dir: Path = SEEDS_DIR) -> Any:
    """A `server.linking.Linker` over `gazetteer_path`, or over the seeds built into a temporary file."""
    from gazetteer.loader import load_gazetteer
    from gazetteer.readers.seeds import read_seeds
    from server.linking import Linker

    if gazetteer_path is not None:
        return Linker(load_gazetteer(gazetteer_path))
    return linker_for_records(read_seeds(seeds_dir))


@dataclass(frozen=True, slots=True)
class Crash:
    """The linker raised on one passage or query; the item counts as "nothing returned"."""

    where: str
    error: str


def predict(
    linker: Any, passages: Sequence[Passage], min_score: float | None = None, crashes: list[Crash] | None = None
) -> dict[str, list[Predicted]]:
    """The linker's mentions for every passage (no mentions for a passage the linker raised on)."""
    from server.linking import LinkOptions

    options = LinkOptions(min_score=min_score) if min_score is not None else None
    out: dict[str, list[Predicted]] = {}
    for passage in passages:
        try:
            result = linker.link(passage.text, options) if options is not None else linker.link(passage.text)
            out[passage.id] = [
                Predicted(m.start, m.end, m.surface, m.entity.qid, m.entity.kind.value, float(m.score))
                for m in result.mentions
            ]
        except Exception as exc:  # a report: one bad passage must not hide the others
            out[passage.id] = []
            if crashes is not None:
                crashes.append(Crash(f"link {passage.id}", f"{type(exc).__name__}: {exc}"))
    return out


def evaluate_linking(
    linker: Any,
    passages: Sequence[Passage],
    kind_of: dict[str, str],
    min_score: float | None = None,
    crashes: list[Crash] | None = None,
) -> LinkReport:
    """Link every passage and score the mentions."""
    return score_linking(passages, predict(linker, passages, min_score, crashes), kind_of)


def evaluate_resolve(
    linker: Any, queries: Sequence[Query], limit: int = 5, crashes: list[Crash] | None = None
) -> ResolveReport:
    """Resolve every query (limit 5 by default) and score the outcomes."""
    from gazetteer.records import EntityKind

    outcomes = []
    for query in queries:
        kinds = frozenset(EntityKind(k) for k in query.types)
        try:
            candidates = linker.resolve(query.query, query.context, kinds, limit=limit)
            returned = tuple((c.entity.qid, float(c.score)) for c in candidates)
        except Exception as exc:
            returned = ()
            if crashes is not None:
                crashes.append(Crash(f"resolve {query.query!r}", f"{type(exc).__name__}: {exc}"))
        outcomes.append(ResolveOutcome(query, returned))
    return score_resolve(outcomes)


def sweep(
    linker: Any,
    passages: Sequence[Passage],
    kind_of: dict[str, str],
    queries: Sequence[Query] = (),
    thresholds: Sequence[float] = SWEEP_THRESHOLDS,
) -> list[dict[str, Any]]:
    """Link P/R/F1 at each min_score (via LinkOptions); with `queries`, also resolve figures with the
    linker's `default_min_score` temporarily set to the same value (resolve has no per-call threshold)."""
    rows = []
    can_set_default = queries and hasattr(linker, "default_min_score")
    saved = getattr(linker, "default_min_score", None)
    try:
        for threshold in thresholds:
            report = evaluate_linking(linker, passages, kind_of, threshold)
            row: dict[str, Any] = {"min_score": threshold, **report.as_dict()}
            if can_set_default:
                linker.default_min_score = threshold
                row["resolve"] = evaluate_resolve(linker, queries).as_dict()
            rows.append(row)
    finally:
        if can_set_default:
            linker.default_min_score = saved
    return rows


def compute_figures(
    linker: Any,
    passages: Sequence[Passage],
    queries: Sequence[Query],
    kind_of: dict[str, str],
    min_score: float | None = None,
) -> tuple[LinkReport, ResolveReport, list[Crash]]:
    """Everything the report prints: link and resolve figures with their errors, and any linker crashes."""
    crashes: list[Crash] = []
    link = evaluate_linking(linker, passages, kind_of, min_score, crashes)
    resolve = evaluate_resolve(linker, queries, crashes=crashes)
    return link, resolve, crashes

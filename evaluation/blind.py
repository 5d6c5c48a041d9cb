"""Views that take spellings away from the gazetteer, so they measure the matcher rather than the seeds.

* **Spelling-blind.** Every gold mention whose surface is not its entity's
  Arabic label (its normalised key differs from the label's key) gives a
  (QID, key) pair. The distinct pairs are shuffled with a fixed seed and dealt
  into N disjoint slices; gazetteer k is built from the seeds without the
  pairs of slice k: the aliases with that key are dropped from the entity's
  record (so are the surnames derived from them), and the build's
  `exclude_names` hook drops every remaining name row of that entity with that
  key (a derived surname equal to it, an English alias with the same key).
  Each passage is linked with each gazetteer; a blind mention of slice k is
  scored on run k.
  A second reading keeps the names the build derives (`keep_derived`): only
  the stored aliases go, so a surname the build derives from the label stays.
* **Label-only.** Each seed entity keeps only its Arabic and English labels,
  as a thin Wikidata item would. The build still derives, as it always does,
  a person's surname from the Arabic label, and the look-up tables (name
  prefixes, word skeletons, one-typo variants) from those names.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from evaluation.devset import Passage
from evaluation.running import linker_for_records, predict
from evaluation.scoring import PRF, LinkReport, Predicted, score_linking

BLIND_SLICES = 5
BLIND_SEED = 20261201

Pair = tuple[str, str]  # (QID, normalised key)


def _key(name: str) -> str:
    from gazetteer.keys import name_key

    return str(name_key(name))


def blind_pairs(passages: Sequence[Passage], records: Sequence[Any]) -> tuple[list[Pair], int]:
    """The distinct (QID, key) pairs of gold mentions not spelled as their entity's Arabic label, sorted;
    and how many gold mentions are spelled as the label (up to normalisation) and so are never blinded."""
    label_key = {r.qid: _key(r.label_ar) for r in records}
    pairs: set[Pair] = set()
    as_label = 0
    for passage in passages:
        for mention in passage.gold:
            key = _key(mention.surface)
            if not key or key == label_key.get(mention.qid):
                as_label += 1
            else:
                pairs.add((mention.qid, key))
    return sorted(pairs), as_label


def deal_slices(pairs: Sequence[Pair], slices: int = BLIND_SLICES, seed: int = BLIND_SEED) -> list[frozenset[Pair]]:
    """`pairs` shuffled with `seed` and dealt into `slices` disjoint slices (their union is `pairs`)."""
    shuffled = sorted(pairs)
    random.Random(seed).shuffle(shuffled)
    return [frozenset(shuffled[k::slices]) for k in range(slices)]


def blind_records(records: Iterable[Any], blind: frozenset[Pair]) -> list[Any]:
    """The records without the aliases (Arabic or English) whose key is blinded for their entity; labels stay."""
    out = []
    for record in records:
        out.append(
            replace(
                record,
                aliases_ar=tuple(a for a in record.aliases_ar if (record.qid, _key(a)) not in blind),
                aliases_en=tuple(a for a in record.aliases_en if (record.qid, _key(a)) not in blind),
            )
        )
    return out


def label_only_records(records: Iterable[Any]) -> list[Any]:
    """The records with their Arabic and English labels only: no aliases."""
    return [replace(record, aliases_ar=(), aliases_en=()) for record in records]


@dataclass(frozen=True, slots=True)
class BlindMiss:
    """A blind mention its run did not link exactly."""

    passage_id: str
    surface: str
    qid: str
    category: str  # "nothing", "wrong entity", "overlap"
    got: str = ""  # the predicted mention, if any: "surface|QID"


@dataclass(slots=True)
class BlindReport:
    """The spelling-blind figures.

    Recall is on the blind mentions, each scored on the run blind to its spelling. Two precisions:
    `all_runs` pools every prediction of every run on every passage (scored against the full gold);
    `at_blind` counts only the predictions of a blind mention's run that overlap that mention.
    """

    slices: int
    seed: int
    pairs: int
    as_label: int
    keep_derived: bool = False
    blind_mentions: int = 0
    found: int = 0
    at_blind_predicted: int = 0
    at_blind_correct: int = 0
    all_runs: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    misses: list[BlindMiss] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.found / self.blind_mentions if self.blind_mentions else 0.0

    @property
    def precision_at_blind(self) -> float:
        return self.at_blind_correct / self.at_blind_predicted if self.at_blind_predicted else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "slices": self.slices,
            "seed": self.seed,
            "blinded_pairs": self.pairs,
            "derived_names_kept": self.keep_derived,
            "mentions_spelled_as_label": self.as_label,
            "blind_mentions": self.blind_mentions,
            "recall": round(self.recall, 6),
            "found": self.found,
            "precision_all_runs": round(self.all_runs.precision, 6),
            "all_runs": self.all_runs.as_dict(),
            "precision_at_blind_positions": round(self.precision_at_blind, 6),
            "at_blind_predicted": self.at_blind_predicted,
            "at_blind_correct": self.at_blind_correct,
            "misses": [
                {"passage": m.passage_id, "surface": m.surface, "qid": m.qid, "category": m.category, "got": m.got}
                for m in self.misses
            ],
            "seconds": round(self.seconds, 1),
        }


def score_blind_run(
    report: BlindReport,
    passages: Sequence[Passage],
    predictions: Mapping[str, Sequence[Predicted]],
    blind: frozenset[Pair],
    kind_of: Mapping[str, str],
) -> None:
    """Add one run (blind to `blind`) to `report`."""
    run = score_linking(passages, predictions, kind_of).overall
    pooled = report.all_runs
    report.all_runs = PRF(pooled.tp + run.tp, pooled.predicted + run.predicted, pooled.gold + run.gold)
    for passage in passages:
        predicted = predictions.get(passage.id, ())
        for mention in passage.gold:
            if (mention.qid, _key(mention.surface)) not in blind:
                continue
            report.blind_mentions += 1
            overlapping = [p for p in predicted if p.start < mention.end and mention.start < p.end]
            report.at_blind_predicted += len(overlapping)
            exact = [p for p in overlapping if (p.start, p.end, p.qid) == (mention.start, mention.end, mention.qid)]
            if exact:
                report.found += 1
                report.at_blind_correct += 1
                continue
            same_span = [p for p in overlapping if (p.start, p.end) == (mention.start, mention.end)]
            other = (same_span or overlapping)[0] if overlapping else None
            category = "wrong entity" if same_span else "overlap" if overlapping else "nothing"
            got = f"{other.surface}|{other.qid}" if other else ""
            report.misses.append(BlindMiss(passage.id, mention.surface, mention.qid, category, got))


def spelling_blind(
    records: Sequence[Any],
    passages: Sequence[Passage],
    kind_of: Mapping[str, str],
    slices: int = BLIND_SLICES,
    seed: int = BLIND_SEED,
    keep_derived: bool = False,
) -> BlindReport:
    """Build `slices` gazetteers, each blind to one slice of the non-label spellings, and score the blind
    mentions on their run (see the module docstring). With `keep_derived`, only the stored aliases are
    dropped: names the build derives (a surname from the label) stay, as they would for a thin item."""
    started = time.monotonic()
    pairs, as_label = blind_pairs(passages, records)
    report = BlindReport(slices=slices, seed=seed, pairs=len(pairs), as_label=as_label, keep_derived=keep_derived)
    for blind in deal_slices(pairs, slices, seed):
        if not blind:
            continue
        exclude = frozenset() if keep_derived else blind
        linker = linker_for_records(blind_records(records, blind), exclude_names=exclude)
        try:
            score_blind_run(report, passages, predict(linker, passages), blind, kind_of)
        finally:
            linker.gazetteer.close()
    report.seconds = time.monotonic() - started
    return report


def label_only(records: Sequence[Any], passages: Sequence[Passage], kind_of: Mapping[str, str]) -> LinkReport:
    """Link P/R/F1 on `passages` with a gazetteer of the records' labels only."""
    linker = linker_for_records(label_only_records(records))
    try:
        return score_linking(passages, predict(linker, passages), kind_of)
    finally:
        linker.gazetteer.close()


def miss_classes(misses: Iterable[BlindMiss]) -> Counter[str]:
    """How the blind misses went: nothing, wrong entity, overlap."""
    return Counter(m.category for m in misses)

"""Scoring: exact-match P/R/F1 of Link, and Resolve accuracy@1, recall@5 and false matches.

A predicted mention is correct iff its start, end and QID equal a gold
mention's. Per-type figures: recall is counted on the gold mentions of that
type, precision on the predicted mentions whose entity has that type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evaluation.devset import KINDS, GoldMention, Passage, Query

CONTEXT_CHARS = 30

_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


@dataclass(frozen=True, slots=True)
class Predicted:
    """One mention the linker returned."""

    start: int
    end: int
    surface: str
    qid: str
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class PRF:
    """True positives, predictions and gold counts, with the ratios."""

    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


@dataclass(frozen=True, slots=True)
class LinkError:
    """One link error, with its context."""

    category: str  # "missed", "wrong entity", "spurious"
    passage_id: str
    start: int
    end: int
    surface: str
    gold_qid: str | None
    predicted_qid: str | None
    score: float | None
    context: str
    note: str = ""


@dataclass(slots=True)
class LinkReport:
    """Link figures overall and per type, and the errors."""

    overall: PRF
    by_kind: dict[str, PRF]
    errors: list[LinkError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.as_dict(), "by_type": {k: v.as_dict() for k, v in self.by_kind.items()}}


_SPACE_RE = re.compile(r"\s+")


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """`left ⟦span⟧ right` on one line, `width` characters either side; invisible marks are shown as <U+XXXX>."""

    def show(s: str) -> str:
        s = _SPACE_RE.sub(" ", s)
        return "".join(f"<U+{ord(c):04X}>" if c in _INVISIBLE else c for c in s)

    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return f"{show(left)}⟦{show(text[start:end])}⟧{show(right)}"


def _overlap_note(start: int, end: int, others: Iterable[GoldMention | Predicted], what: str) -> str:
    for other in others:
        if other.start < end and start < other.end:
            return f"{what} [{other.surface}|{other.qid}] at {other.start}-{other.end}"
    return ""


def _link_error(
    category: str,
    passage: Passage,
    start: int,
    end: int,
    surface: str,
    gold: str | None,
    pred: Predicted | None,
    note: str = "",
) -> LinkError:
    return LinkError(
        category,
        passage.id,
        start,
        end,
        surface,
        gold,
        pred.qid if pred else None,
        pred.score if pred else None,
        context_of(passage.text, start, end),
        note,
    )


def score_linking(
    passages: Sequence[Passage],
    predictions: Mapping[str, Sequence[Predicted]],
    kind_of: Mapping[str, str],
) -> LinkReport:
    """Exact-match precision/recall/F1 (start, end and QID), overall and per type, plus the errors.

    Errors: "wrong entity" is a predicted span equal to a gold span with another QID (it costs one
    precision and one recall point but is listed once); "missed" is a gold span no prediction has;
    "spurious" is a predicted span that is not a gold span (a boundary error shows up as one missed
    and one spurious, each noting the overlapping span).
    """
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    errors: list[LinkError] = []
    for passage in passages:
        predicted = list(predictions.get(passage.id, ()))
        gold_by_span = {(g.start, g.end): g for g in passage.gold}
        predicted_spans = {(p.start, p.end) for p in predicted}
        matched: set[tuple[int, int]] = set()
        for g in passage.gold:
            n_gold[kind_of.get(g.qid, "unknown")] += 1
            if (g.start, g.end) not in predicted_spans:
                note = _overlap_note(g.start, g.end, predicted, "overlapped by predicted")
                errors.append(_link_error("missed", passage, g.start, g.end, g.surface, g.qid, None, note))
        for p in predicted:
            n_pred[p.kind] += 1
            span = (p.start, p.end)
            hit = gold_by_span.get(span)
            if hit is None:
                note = _overlap_note(p.start, p.end, passage.gold, "overlaps gold")
                errors.append(_link_error("spurious", passage, p.start, p.end, p.surface, None, p, note))
            elif hit.qid != p.qid:
                errors.append(_link_error("wrong entity", passage, p.start, p.end, p.surface, hit.qid, p))
            elif span in matched:
                note = "duplicate of an earlier mention"
                errors.append(_link_error("spurious", passage, p.start, p.end, p.surface, None, p, note))
            else:
                matched.add(span)
                tp[p.kind] += 1
    by_kind = {k: PRF(tp[k], n_pred[k], n_gold[k]) for k in KINDS}
    overall = PRF(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return LinkReport(overall, by_kind, errors)


@dataclass(frozen=True, slots=True)
class ResolveOutcome:
    """What Resolve returned for one query."""

    query: Query
    returned: tuple[tuple[str, float], ...]  # (qid, score), best first

    @property
    def top(self) -> str | None:
        return self.returned[0][0] if self.returned else None

    @property
    def correct(self) -> bool:
        if self.query.expected is None:
            return not self.returned
        return self.top == self.query.expected


@dataclass(slots=True)
class ResolveReport:
    """Resolve figures over a list of outcomes."""

    outcomes: list[ResolveOutcome]

    @property
    def hard(self) -> ResolveReport:
        """The same figures over the hard subset only."""
        return ResolveReport([o for o in self.outcomes if o.query.hard])

    @property
    def positive(self) -> list[ResolveOutcome]:
        return [o for o in self.outcomes if o.query.expected is not None]

    @property
    def negative(self) -> list[ResolveOutcome]:
        return [o for o in self.outcomes if o.query.expected is None]

    @property
    def accuracy_at_1(self) -> float:
        pos = self.positive
        return sum(o.correct for o in pos) / len(pos) if pos else 0.0

    @property
    def recall_at_5(self) -> float:
        pos = self.positive
        return sum(any(q == o.query.expected for q, _ in o.returned[:5]) for o in pos) / len(pos) if pos else 0.0

    @property
    def false_match_rate(self) -> float:
        neg = self.negative
        return sum(bool(o.returned) for o in neg) / len(neg) if neg else 0.0

    @property
    def errors(self) -> list[ResolveOutcome]:
        return [o for o in self.outcomes if not o.correct]

    def as_dict(self) -> dict[str, Any]:
        return {
            "accuracy_at_1": round(self.accuracy_at_1, 6),
            "recall_at_5": round(self.recall_at_5, 6),
            "false_match_rate": round(self.false_match_rate, 6),
            "with_expected": len(self.positive),
            "correct_at_1": sum(o.correct for o in self.positive),
            "must_be_empty": len(self.negative),
            "false_matches": sum(bool(o.returned) for o in self.negative),
        }


def score_resolve(outcomes: Sequence[ResolveOutcome]) -> ResolveReport:
    """The Resolve report of these outcomes."""
    return ResolveReport(list(outcomes))

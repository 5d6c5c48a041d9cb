"""Measure the linker on the development set (issue 3, "Measurement").

Run from the repository root:

    python -m tests.eval                      # build the seed gazetteer, report the figures
    python -m tests.eval --gazetteer PATH     # use an already built gazetteer
    python -m tests.eval --min-score 0.6      # link with LinkOptions(min_score=0.6)
    python -m tests.eval --sweep              # P/R/F1 for min_score 0.30 .. 0.90
    python -m tests.eval --json               # the figures as one JSON object

This is a report, not a test: it exits 0 whatever the figures are (2 on a
usage error). The functions that compute the figures (`parse_markup`,
`score_linking`, `score_resolve`, `evaluate_linking`, `evaluate_resolve`,
`validate_devset`) are importable so that a pytest test can call them.

Development set (`tests/data/devset/`):

* `passages.jsonl`: {"id", "markup", "exercises"}; gold mentions are written
  inline as `[[surface|QID]]` and the plain text is the markup without them.
* `resolve.jsonl`: {"query", "context", "types", "expected", "exercises"};
  `expected` is a QID, or null when the query must return nothing.

A predicted mention is correct iff its start, end and QID equal a gold
mention's. Per-type figures: recall is counted on the gold mentions of that
type, precision on the predicted mentions whose entity has that type.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVSET_DIR = REPO_ROOT / "tests" / "data" / "devset"
PASSAGES_PATH = DEVSET_DIR / "passages.jsonl"
HELDOUT_PASSAGES_PATH = Path(__file__).resolve().parent / "data" / "heldout" / "passages.jsonl"
QUERIES_PATH = DEVSET_DIR / "resolve.jsonl"
SEEDS_DIR = REPO_ROOT / "seeds"
SEED_ARTICLE_ID = "seed_article"
SEED_ARTICLE_PATH = SEEDS_DIR / "000_56f59e649abf86c3.txt"

KINDS = ("person", "place", "organization")
SWEEP_THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))  # 0.30 .. 0.90
CONTEXT_CHARS = 30

_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_MARK_RE = re.compile(r"\[\[([^\[\]|]+)\|(Q[1-9][0-9]*)\]\]")


# -- the development set -------------------------------------------------------


class DevsetError(ValueError):
    """A development-set line is malformed."""


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    surface: str
    qid: str


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    text: str
    gold: tuple[GoldMention, ...]
    exercises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    query: str
    context: str
    types: tuple[str, ...]
    expected: str | None
    exercises: str = ""


def parse_markup(markup: str) -> tuple[str, list[GoldMention]]:
    """`[[surface|QID]]` markup → (plain text, gold mentions with offsets into the plain text)."""
    parts: list[str] = []
    gold: list[GoldMention] = []
    length = 0
    last = 0
    for match in _MARK_RE.finditer(markup):
        before = markup[last : match.start()]
        parts.append(before)
        length += len(before)
        surface, qid = match.group(1), match.group(2)
        gold.append(GoldMention(length, length + len(surface), surface, qid))
        parts.append(surface)
        length += len(surface)
        last = match.end()
    parts.append(markup[last:])
    text = "".join(parts)
    if "[[" in text or "]]" in text:
        raise DevsetError(f"unbalanced or malformed [[...]] markup near {text[max(text.find('[['), 0) :][:40]!r}")
    return text, gold


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DevsetError(f"{path.name}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise DevsetError(f"{path.name}:{number}: not a JSON object")
            yield number, obj


def load_passages(path: Path = PASSAGES_PATH) -> list[Passage]:
    passages = []
    for number, obj in _read_jsonl(path):
        try:
            text, gold = parse_markup(str(obj["markup"]))
        except (KeyError, DevsetError) as exc:
            raise DevsetError(f"{path.name}:{number}: {exc}") from None
        passages.append(Passage(str(obj["id"]), text, tuple(gold), tuple(obj.get("exercises") or ())))
    return passages


def load_queries(path: Path = QUERIES_PATH) -> list[Query]:
    queries = []
    for number, obj in _read_jsonl(path):
        if "query" not in obj or "expected" not in obj:
            raise DevsetError(f"{path.name}:{number}: needs 'query' and 'expected'")
        exercises = obj.get("exercises") or ""
        if isinstance(exercises, list):
            exercises = ", ".join(exercises)
        queries.append(
            Query(
                query=str(obj["query"]),
                context=str(obj.get("context") or ""),
                types=tuple(obj.get("types") or ()),
                expected=obj.get("expected") or None,
                exercises=str(exercises),
            )
        )
    return queries


def seed_kinds(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """QID → "person"/"place"/"organization" for every seed entity."""
    from gazetteer.readers.seeds import read_seeds

    return {record.qid: record.kind.value for record in read_seeds(seeds_dir)}


def validate_devset(
    passages: Sequence[Passage],
    queries: Sequence[Query],
    known_qids: Iterable[str],
    seed_article: str | None = None,
) -> list[str]:
    """Everything wrong with the development set, as messages (empty when it is sound)."""
    known = set(known_qids)
    problems: list[str] = []
    seen_ids: set[str] = set()
    for passage in passages:
        if passage.id in seen_ids:
            problems.append(f"passage id {passage.id} is used twice")
        seen_ids.add(passage.id)
        previous_end = -1
        for mention in passage.gold:
            if passage.text[mention.start : mention.end] != mention.surface:
                problems.append(f"{passage.id}: span {mention.start}-{mention.end} does not slice to {mention.surface}")
            if mention.surface != mention.surface.strip() or not mention.surface:
                problems.append(f"{passage.id}: gold surface {mention.surface!r} has outer white space")
            if mention.start < previous_end:
                problems.append(f"{passage.id}: gold mentions overlap at {mention.start}")
            previous_end = mention.end
            if mention.qid not in known:
                problems.append(f"{passage.id}: {mention.qid} ({mention.surface}) is not a seed entity")
    if seed_article is not None:
        first = next((p for p in passages if p.id == SEED_ARTICLE_ID), None)
        if first is None:
            problems.append(f"no passage with id {SEED_ARTICLE_ID}")
        elif first.text != seed_article:
            at = next((i for i, (a, b) in enumerate(zip(first.text, seed_article, strict=False)) if a != b), None)
            at = min(len(first.text), len(seed_article)) if at is None else at
            problems.append(f"{SEED_ARTICLE_ID} differs from {SEED_ARTICLE_PATH.name} at character {at}")
    for query in queries:
        if query.expected is not None and query.expected not in known:
            problems.append(f"resolve query {query.query!r}: {query.expected} is not a seed entity")
        for kind in query.types:
            if kind not in KINDS:
                problems.append(f"resolve query {query.query!r}: unknown type {kind!r}")
    return problems


# -- figures -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Predicted:
    start: int
    end: int
    surface: str
    qid: str
    kind: str
    score: float


@dataclass(frozen=True, slots=True)
class PRF:
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
    outcomes: list[ResolveOutcome]

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
    return ResolveReport(list(outcomes))


# -- running the linker -----------------------------------------------------------


def build_seed_gazetteer(out_path: Path, seeds_dir: Path = SEEDS_DIR) -> Path:
    """Build the seed-only gazetteer at `out_path`."""
    from gazetteer.build import Source, build
    from gazetteer.readers.seeds import read_seeds

    build(out_path, [], Source("seeds", read_seeds(seeds_dir)))
    return out_path


def load_linker(gazetteer_path: Path | None = None, seeds_dir: Path = SEEDS_DIR) -> Any:
    """A `server.linking.Linker` over `gazetteer_path`, or over the seeds built into a temporary file."""
    from gazetteer.loader import load_gazetteer
    from server.linking import Linker

    if gazetteer_path is not None:
        return Linker(load_gazetteer(gazetteer_path))
    with tempfile.TemporaryDirectory(prefix="eval-gazetteer-") as tmp:
        gazetteer = load_gazetteer(build_seed_gazetteer(Path(tmp) / "gazetteer.sqlite", seeds_dir))
    return Linker(gazetteer)


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
    return score_linking(passages, predict(linker, passages, min_score, crashes), kind_of)


def evaluate_resolve(
    linker: Any, queries: Sequence[Query], limit: int = 5, crashes: list[Crash] | None = None
) -> ResolveReport:
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


# -- the report -------------------------------------------------------------------


def _prf_line(name: str, prf: PRF) -> str:
    return (
        f"  {name:<13} P {prf.precision:6.1%}  R {prf.recall:6.1%}  F1 {prf.f1:6.1%}"
        f"   (tp {prf.tp}, predicted {prf.predicted}, gold {prf.gold})"
    )


def format_report(
    link: LinkReport,
    resolve: ResolveReport,
    label_of: Callable[[str | None], str],
    min_score: float | None,
    crashes: Sequence[Crash] = (),
) -> str:
    lines = [f"Link (min_score: {'the linker default' if min_score is None else min_score})"]
    lines.append(_prf_line("overall", link.overall))
    for kind in KINDS:
        lines.append(_prf_line(kind, link.by_kind[kind]))
    r = resolve
    lines.append("")
    lines.append("Resolve (limit 5, the linker's default threshold)")
    lines.append(
        f"  accuracy@1      {r.accuracy_at_1:6.1%}   ({sum(o.correct for o in r.positive)}/{len(r.positive)} "
        f"queries with an expected entity; expected within top 5: {r.recall_at_5:.1%})"
    )
    lines.append(
        f"  false-match     {r.false_match_rate:6.1%}   ({sum(bool(o.returned) for o in r.negative)}/"
        f"{len(r.negative)} must-return-nothing queries returned something)"
    )
    if crashes:
        lines.append("")
        lines.append(f"Linker exceptions ({len(crashes)}; those items count as nothing returned)")
        for crash in crashes:
            lines.append(f"  {crash.where}: {crash.error}")
    for category in ("missed", "wrong entity", "spurious"):
        errs = [e for e in link.errors if e.category == category]
        lines.append("")
        lines.append(f"Link errors: {category} ({len(errs)})")
        for e in errs:
            if category == "missed":
                what = f"gold {label_of(e.gold_qid)}"
            elif category == "wrong entity":
                what = f"gold {label_of(e.gold_qid)} → got {label_of(e.predicted_qid)} ({e.score:.2f})"
            else:
                what = f"got {label_of(e.predicted_qid)} ({e.score:.2f})"
            note = f"  [{e.note}]" if e.note else ""
            lines.append(f"  {e.passage_id:<13} {e.context}   {what}{note}")
    lines.append("")
    lines.append(f"Resolve errors ({len(r.errors)})")
    for o in r.errors:
        q = o.query
        got = ", ".join(f"{label_of(qid)} {score:.2f}" for qid, score in o.returned[:3]) or "nothing"
        ctx = f" | context: {q.context[:50]}" if q.context else ""
        types = f" | types: {','.join(q.types)}" if q.types else ""
        lines.append(f"  {q.query!r}{types}{ctx}   expected {label_of(q.expected)} → got {got}   [{q.exercises}]")
    return "\n".join(lines)


def format_sweep(rows: Sequence[dict[str, Any]]) -> str:
    with_resolve = bool(rows) and "resolve" in rows[0]
    header = "  min_score   P        R        F1       predicted"
    if with_resolve:
        header += "   resolve acc@1   false-match"
    lines = ["min_score sweep (link via LinkOptions; resolve via the linker's default threshold)", header]
    # ties go to the higher precision, then the higher threshold
    best = (
        max(rows, key=lambda row: (row["overall"]["f1"], row["overall"]["precision"], row["min_score"]))
        if rows
        else None
    )
    for row in rows:
        o = row["overall"]
        line = (
            f"  {row['min_score']:.2f}       {o['precision']:6.1%}   {o['recall']:6.1%}   {o['f1']:6.1%}"
            f"   {o['predicted']:<9}"
        )
        if with_resolve:
            rs = row["resolve"]
            line += f"   {rs['accuracy_at_1']:6.1%}          {rs['false_match_rate']:6.1%}"
        if row is best:
            line += "   ← best link F1"
        lines.append(line)
    return "\n".join(lines)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.eval", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--gazetteer", type=Path, help="a built gazetteer file (default: build the seeds into a temp dir)"
    )
    parser.add_argument("--min-score", type=float, help="link with LinkOptions(min_score=X)")
    parser.add_argument("--sweep", action="store_true", help="P/R/F1 for min_score 0.30 .. 0.90 (step 0.05)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="score the held-out passages (tests/data/heldout/; never tune on them) instead of the dev set",
    )
    parser.add_argument("--passages", type=Path, default=PASSAGES_PATH, help="a passages file in the dev-set format")
    parser.add_argument("--queries", type=Path, default=QUERIES_PATH, help="a Resolve queries file")
    args = parser.parse_args(argv)
    if args.heldout:
        args.passages, args.queries = HELDOUT_PASSAGES_PATH, None
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        parser.error("--min-score must be between 0 and 1")
    if args.gazetteer is not None and not args.gazetteer.is_file():
        parser.error(f"--gazetteer {args.gazetteer} is not a file")
    for path in (args.passages, args.queries):
        if path is not None and not path.is_file():
            parser.error(f"{path} does not exist")
    return args


def _error_dict(e: LinkError) -> dict[str, Any]:
    return {
        "category": e.category,
        "passage": e.passage_id,
        "start": e.start,
        "end": e.end,
        "surface": e.surface,
        "gold": e.gold_qid,
        "predicted": e.predicted_qid,
        "score": e.score,
        "context": e.context,
        "note": e.note,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)

    try:
        passages = load_passages(args.passages)
        queries = load_queries(args.queries) if args.queries is not None else []
        kind_of = seed_kinds()
    except (DevsetError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    is_devset = args.passages == PASSAGES_PATH
    seed_article = SEED_ARTICLE_PATH.read_text(encoding="utf-8") if is_devset and SEED_ARTICLE_PATH.is_file() else None
    problems = validate_devset(passages, queries, kind_of, seed_article)
    for problem in problems:
        print(f"devset problem: {problem}", file=sys.stderr)

    try:
        linker = load_linker(args.gazetteer)
    except Exception as exc:  # unreadable gazetteer or seeds: nothing can be measured
        print(f"error: cannot load the gazetteer: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

    def label_of(qid: str | None) -> str:
        if qid is None:
            return "nothing"
        record = linker.gazetteer.entity(qid)
        return f"{record.label_ar or record.label_en}|{qid}" if record else qid

    link, resolve, crashes = compute_figures(linker, passages, queries, kind_of, args.min_score)
    rows = sweep(linker, passages, kind_of, queries) if args.sweep else None

    if args.json:
        figures: dict[str, Any] = {
            "gazetteer": str(args.gazetteer) if args.gazetteer else "seeds (built for this run)",
            "min_score": args.min_score,
            "linker_default_min_score": getattr(linker, "default_min_score", None),
            "passages": len(passages),
            "gold_mentions": link.overall.gold,
            "gold_by_type": {k: link.by_kind[k].gold for k in KINDS},
            "resolve_queries": len(queries),
            "link": link.as_dict(),
            "resolve": resolve.as_dict(),
            "error_counts": dict(Counter(e.category for e in link.errors)),
            "link_errors": [_error_dict(e) for e in link.errors],
            "resolve_errors": [
                {
                    "query": o.query.query,
                    "context": o.query.context,
                    "types": list(o.query.types),
                    "expected": o.query.expected,
                    "returned": [list(r) for r in o.returned],
                }
                for o in resolve.errors
            ],
            "crashes": [{"where": c.where, "error": c.error} for c in crashes],
            "devset_problems": problems,
        }
        if rows is not None:
            figures["sweep"] = rows
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        gold_by_kind = ", ".join(f"{k} {link.by_kind[k].gold}" for k in KINDS)
        print(
            f"Development set: {len(passages)} passages, {link.overall.gold} gold mentions ({gold_by_kind}); "
            f"{len(queries)} resolve queries ({len(resolve.negative)} must return nothing)"
        )
        print()
        default = getattr(linker, "default_min_score", None)
        print(f"Linker default min_score: {default}; gazetteer: {args.gazetteer or 'seeds, built for this run'}")
        print()
        print(format_report(link, resolve, label_of, args.min_score, crashes))
        if rows is not None:
            print()
            print(format_sweep(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

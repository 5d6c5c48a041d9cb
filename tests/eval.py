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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVSET_DIR = REPO_ROOT / "tests" / "data" / "devset"
PASSAGES_PATH = DEVSET_DIR / "passages.jsonl"
QUERIES_PATH = DEVSET_DIR / "resolve.jsonl"
SEEDS_DIR = REPO_ROOT / "seeds"
SEED_ARTICLE_ID = "seed_article"
SEED_ARTICLE_PATH = SEEDS_DIR / "000_56f59e649abf86c3.txt"

KINDS = ("person", "place", "organization")
SWEEP_THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))  # 0.30 .. 0.90
CONTEXT_CHARS = 30

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
        raise DevsetError(f"unbalanced or malformed [[...]] markup near {text[max(text.find('[['), 0):][:40]!r}")
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
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
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


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """`…left ⟦span⟧ right…` on one line."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    flat = " ".join
    return f"{flat(left.split()) if left.strip() else ''}⟦{text[start:end]}⟧{flat(right.split())}".replace("\n", " ")


def score_linking(
    passages: Sequence[Passage],
    predictions: dict[str, Sequence[Predicted]],
    kind_of: dict[str, str],
) -> LinkReport:
    """Exact-match precision/recall/F1 (start, end and QID), overall and per type, plus the errors."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    errors: list[LinkError] = []
    for passage in passages:
        text = passage.text
        predicted = list(predictions.get(passage.id, ()))
        gold_by_span = {(g.start, g.end): g for g in passage.gold}
        pred_by_span = {(p.start, p.end): p for p in predicted}
        for g in passage.gold:
            n_gold[kind_of.get(g.qid, "unknown")] += 1
        for p in predicted:
            n_pred[p.kind] += 1
            g = gold_by_span.get((p.start, p.end))
            if g is not None and g.qid == p.qid:
                tp[p.kind] += 1
            elif g is not None:
                errors.append(
                    LinkError("wrong entity", passage.id, p.start, p.end, p.surface, g.qid, p.qid, p.score,
                              context_of(text, p.start, p.end))
                )
            else:
                overlapping = [x for x in passage.gold if x.start < p.end and p.start < x.end]
                note = ""
                if overlapping:
                    o = overlapping[0]
                    note = f"overlaps gold [{o.surface}|{o.qid}] at {o.start}-{o.end}"
                errors.append(
                    LinkError("spurious", passage.id, p.start, p.end, p.surface, None, p.qid, p.score,
                              context_of(text, p.start, p.end), note)
                )
        for g in passage.gold:
            p = pred_by_span.get((g.start, g.end))
            if p is None:
                overlapping = [x for x in predicted if x.start < g.end and g.start < x.end]
                note = ""
                if overlapping:
                    o = overlapping[0]
                    note = f"overlapped by predicted [{o.surface}|{o.qid}] at {o.start}-{o.end}"
                errors.append(
                    LinkError("missed", passage.id, g.start, g.end, g.surface, g.qid, None, None,
                              context_of(text, g.start, g.end), note)
                )
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
            "accuracy_at_1": round(self.accuracy_at_1, 4),
            "recall_at_5": round(self.recall_at_5, 4),
            "false_match_rate": round(self.false_match_rate, 4),
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


def predict(linker: Any, passages: Sequence[Passage], min_score: float | None = None) -> dict[str, list[Predicted]]:
    """The linker's mentions for every passage."""
    from server.linking import LinkOptions

    options = LinkOptions(min_score=min_score) if min_score is not None else None
    out: dict[str, list[Predicted]] = {}
    for passage in passages:
        result = linker.link(passage.text, options) if options is not None else linker.link(passage.text)
        out[passage.id] = [
            Predicted(m.start, m.end, m.surface, m.entity.qid, m.entity.kind.value, float(m.score))
            for m in result.mentions
        ]
    return out


def evaluate_linking(
    linker: Any, passages: Sequence[Passage], kind_of: dict[str, str], min_score: float | None = None
) -> LinkReport:
    return score_linking(passages, predict(linker, passages, min_score), kind_of)


def evaluate_resolve(linker: Any, queries: Sequence[Query], limit: int = 5) -> ResolveReport:
    from gazetteer.records import EntityKind

    outcomes = []
    for query in queries:
        kinds = frozenset(EntityKind(k) for k in query.types)
        candidates = linker.resolve(query.query, query.context, kinds, limit=limit)
        outcomes.append(ResolveOutcome(query, tuple((c.entity.qid, float(c.score)) for c in candidates)))
    return score_resolve(outcomes)


# -- the report -------------------------------------------------------------------


def _prf_line(name: str, prf: PRF) -> str:
    return (
        f"  {name:<13} P {prf.precision:6.1%}  R {prf.recall:6.1%}  F1 {prf.f1:6.1%}"
        f"   (tp {prf.tp}, predicted {prf.predicted}, gold {prf.gold})"
    )


def format_report(
    link: LinkReport, resolve: ResolveReport, label_of: Callable[[str | None], str], min_score: float | None
) -> str:
    lines = [f"Link (min_score: {'linker default' if min_score is None else min_score})"]
    lines.append(_prf_line("overall", link.overall))
    for kind in KINDS:
        lines.append(_prf_line(kind, link.by_kind[kind]))
    r = resolve
    lines.append("")
    lines.append("Resolve")
    lines.append(
        f"  accuracy@1      {r.accuracy_at_1:6.1%}   ({sum(o.correct for o in r.positive)}/{len(r.positive)} "
        f"queries with an expected entity; expected within top 5: {r.recall_at_5:.1%})"
    )
    lines.append(
        f"  false-match     {r.false_match_rate:6.1%}   ({sum(bool(o.returned) for o in r.negative)}/"
        f"{len(r.negative)} must-return-nothing queries returned something)"
    )
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


def sweep(
    linker: Any,
    passages: Sequence[Passage],
    kind_of: dict[str, str],
    thresholds: Sequence[float] = SWEEP_THRESHOLDS,
) -> list[dict[str, Any]]:
    """P/R/F1 of the linker at each min_score."""
    rows = []
    for threshold in thresholds:
        report = evaluate_linking(linker, passages, kind_of, threshold)
        rows.append({"min_score": threshold, **report.as_dict()})
    return rows


def format_sweep(rows: Sequence[dict[str, Any]]) -> str:
    lines = ["min_score sweep (link)", "  min_score   P        R        F1       predicted"]
    best = max(rows, key=lambda row: row["overall"]["f1"]) if rows else None
    for row in rows:
        o = row["overall"]
        mark = "  ← best F1" if row is best else ""
        lines.append(
            f"  {row['min_score']:.2f}       {o['precision']:6.1%}   {o['recall']:6.1%}   {o['f1']:6.1%}"
            f"   {o['predicted']}{mark}"
        )
    return "\n".join(lines)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gazetteer", type=Path, help="a built gazetteer file (default: build the seeds into a temp dir)")
    parser.add_argument("--min-score", type=float, help="link with LinkOptions(min_score=X)")
    parser.add_argument("--sweep", action="store_true", help="P/R/F1 for min_score 0.30 .. 0.90 (step 0.05)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--passages", type=Path, default=PASSAGES_PATH, help=argparse.SUPPRESS)
    parser.add_argument("--queries", type=Path, default=QUERIES_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        parser.error("--min-score must be between 0 and 1")
    if args.gazetteer is not None and not args.gazetteer.is_file():
        parser.error(f"--gazetteer {args.gazetteer} is not a file")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)

    from gazetteer.loader import load_gazetteer
    from server.linking import Linker

    passages = load_passages(args.passages)
    queries = load_queries(args.queries)
    kind_of = seed_kinds()
    seed_article = SEED_ARTICLE_PATH.read_text(encoding="utf-8") if SEED_ARTICLE_PATH.is_file() else None
    problems = validate_devset(passages, queries, kind_of, seed_article)
    for problem in problems:
        print(f"devset problem: {problem}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="eval-gazetteer-") as tmp:
        path = args.gazetteer or build_seed_gazetteer(Path(tmp) / "gazetteer.sqlite")
        gazetteer = load_gazetteer(path)
    linker = Linker(gazetteer)
    for qid, record in gazetteer.entities.items():
        kind_of.setdefault(qid, record.kind.value)

    def label_of(qid: str | None) -> str:
        if qid is None:
            return "nothing"
        record = gazetteer.entities.get(qid)
        return f"{record.label_ar or record.label_en}|{qid}" if record else qid

    link = evaluate_linking(linker, passages, kind_of, args.min_score)
    resolve = evaluate_resolve(linker, queries)
    rows = sweep(linker, passages, kind_of) if args.sweep else None

    if args.json:
        figures: dict[str, Any] = {
            "gazetteer": str(args.gazetteer) if args.gazetteer else "seeds (built for this run)",
            "min_score": args.min_score,
            "passages": len(passages),
            "gold_mentions": link.overall.gold,
            "resolve_queries": len(queries),
            "link": link.as_dict(),
            "resolve": resolve.as_dict(),
            "errors": dict(Counter(e.category for e in link.errors)),
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
        print(format_report(link, resolve, label_of, args.min_score))
        if rows is not None:
            print()
            print(format_sweep(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

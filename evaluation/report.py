"""The text report: every view of `python -m evaluation`, formatted for reading."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from evaluation.anercorp import NAME_TYPES, TOP_FALSE, AnercorpReport
from evaluation.blind import BlindReport, miss_classes
from evaluation.calibration import Calibration
from evaluation.devset import KINDS
from evaluation.neutral import NeutralReport
from evaluation.running import Crash
from evaluation.scoring import PRF, LinkError, LinkReport, ResolveReport


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
    """Link and Resolve figures, then every error with its context."""
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
    hard = r.hard
    if hard.outcomes:
        lines.append(
            f"  hard subset     acc@1 {hard.accuracy_at_1:6.1%} ({sum(o.correct for o in hard.positive)}/"
            f"{len(hard.positive)}), false-match {hard.false_match_rate:.1%} "
            f"({sum(bool(o.returned) for o in hard.negative)}/{len(hard.negative)})"
        )
        by_tag: dict[str, list[bool]] = {}
        for o in hard.outcomes:
            words = o.query.exercises.split()
            tag = words[words.index("hard") + 1] if words.index("hard") + 1 < len(words) else "other"
            by_tag.setdefault("null" if o.query.expected is None else tag, []).append(o.correct)
        lines.append(
            "    by kind: "
            + ", ".join(f"{tag} {sum(v)}/{len(v)}" for tag, v in sorted(by_tag.items()))
            + " (null: returned nothing)"
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
    """The min_score sweep as a table."""
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


def error_dict(e: LinkError) -> dict[str, Any]:
    """One link error for the JSON report."""
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


def format_blind(report: BlindReport, label_of: Callable[[str | None], str], shown: int = 25) -> str:
    """The spelling-blind view."""
    r = report
    what = "stored aliases only; derived names kept" if r.keep_derived else "aliases and derived names"
    lines = [
        f"Spelling-blind, {what} (dev passages; {r.pairs} (entity, spelling) pairs not spelled as the Arabic "
        f"label, dealt into {r.slices} slices with seed {r.seed}; {r.seconds:.0f} s)",
        f"  recall on blind mentions       {r.recall:6.1%}   ({r.found}/{r.blind_mentions}; "
        f"{r.as_label} gold mentions spelled as the label are not blinded)",
        f"  precision, all predictions     {r.all_runs.precision:6.1%}   "
        f"({r.all_runs.tp}/{r.all_runs.predicted}, every run on every passage)",
        f"  precision at blind positions   {r.precision_at_blind:6.1%}   "
        f"({r.at_blind_correct}/{r.at_blind_predicted} predictions overlapping a blind mention, in its run)",
    ]
    classes = miss_classes(r.misses)
    lines.append(
        f"  blind misses ({len(r.misses)}): " + (", ".join(f"{k} {n}" for k, n in classes.most_common()) or "none")
    )
    for m in r.misses[:shown]:
        got = f" → {m.got}" if m.got else ""
        lines.append(f"    {m.passage_id:<13} {m.surface}  gold {label_of(m.qid)}  [{m.category}{got}]")
    if len(r.misses) > shown:
        lines.append(f"    … {len(r.misses) - shown} more (--json lists them all)")
    return "\n".join(lines)


def format_label_only(report: LinkReport) -> str:
    """The label-only view."""
    lines = [
        "Label-only gazetteer (Arabic and English labels only; the build still derives surnames from "
        "Arabic labels and the look-up tables)"
    ]
    lines.append(_prf_line("overall", report.overall))
    for kind in KINDS:
        lines.append(_prf_line(kind, report.by_kind[kind]))
    return "\n".join(lines)


def format_calibration(name: str, calibration: Calibration) -> str:
    """One reliability table with its ECE."""
    c = calibration
    extra = f"; {c.unscored} returned nothing" if c.unscored else ""
    lines = [f"{name}: ECE {c.ece:.3f} over {c.n} scores{extra}", "    bin          count   mean score   accuracy"]
    for b in c.bins:
        if b.count:
            lines.append(f"    {b.low:.1f}–{b.high:.1f}      {b.count:>5}   {b.mean_score:10.3f}   {b.accuracy:8.1%}")
        else:
            lines.append(f"    {b.low:.1f}–{b.high:.1f}      {b.count:>5}")
    return "\n".join(lines)


def format_anercorp(report: AnercorpReport) -> str:
    """One gazetteer's figures on ANERcorp, and its most frequent false links."""
    r = report
    d = r.as_dict()
    spans = ", ".join(f"{t} {r.spans[t]}" for t in (*NAME_TYPES, "MISC"))
    lines = [
        f"  gazetteer: {r.gazetteer}: {r.sentences} sentences ({spans}); {r.links} links; {r.seconds:.0f} s",
        f"    on an annotated name      {d['on_name_share']:6.1%}   ({r.on_name}/{r.links}; exact span "
        f"{d['exact_share']:.1%}, exact up to a proclitic {d['exact_up_to_proclitic_share']:.1%})",
        f"    type agreement            {d['type_agreement']:6.1%}   ({r.type_agree}/{r.typed_links} links on "
        f"PER/LOC/ORG; {r.on_misc} more on MISC)",
        f"    recall on gazetteer names {d['recall_loose']:6.1%}   (overlap; strict, exact up to a proclitic: "
        f"{d['recall_strict']:.1%}; {d['gazetteer_names']} annotated PER/LOC/ORG spans are gazetteer names)",
        "      by type: "
        + ", ".join(f"{t} {v['loose']:.1%}/{v['strict']:.1%} of {v['names']}" for t, v in d["recall_by_type"].items()),
        "    type confusion (entity type~span type): "
        + ", ".join(f"{k} {n}" for k, n in sorted(d["type_confusion"].items(), key=lambda kv: -kv[1])),
    ]
    if r.seed_links_kept:
        kept, total = r.seed_links_kept
        lines.append(
            f"    the seeds' links kept     {kept / total if total else 0:6.1%}   ({kept}/{total} links the seed "
            "gazetteer makes, same span and entity here)"
        )
    if r.crashes:
        lines.append(f"    linker exceptions: {r.crashes} sentences")
    false_total = sum(r.false_links.values())
    lines.append(f"    false links (on no annotated span): {false_total}; top {TOP_FALSE} surfaces:")
    for (surface, entity), n in r.false_links.most_common(TOP_FALSE):
        lines.append(f"      {n:>4}  {surface}  → {entity}")
    return "\n".join(lines)


def format_neutral(report: NeutralReport, shown: int = 15) -> str:
    """The seed names a large gazetteer loses in a neutral sentence, and what it linked instead."""
    lines = [
        f"  gazetteer: {report.gazetteer}: {report.kept} of {report.names} seed names linked as the seeds link "
        f"them ({len(report.lost)} lost)"
    ]
    for loss in report.lost[:shown]:
        instead = ", ".join(f"{surface} → {qid}" for surface, qid in loss.linked) or "nothing"
        lines.append(f"    {loss.name} ({loss.qid}): {instead}")
    return "\n".join(lines)

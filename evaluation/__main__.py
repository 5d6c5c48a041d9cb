"""Measure the linker: `python -m evaluation` (what `make eval` runs), from the repository root.

    python -m evaluation                      # build the seed gazetteer, report every view
    python -m evaluation --gazetteer PATH     # dev figures with an already built gazetteer
    python -m evaluation --min-score 0.6      # link with LinkOptions(min_score=0.6)
    python -m evaluation --sweep              # also P/R/F1 for min_score 0.30 .. 0.90
    python -m evaluation --json               # every figure as one JSON object
    python -m evaluation --heldout            # the held-out passages instead of the dev set

Views: the dev set (Link P/R/F1, Resolve acc@1 overall and on the hard
subset), score calibration, spelling-blind and label-only gazetteers
(`evaluation.blind`, always built from the seeds), and ANERcorp
(`evaluation.anercorp`; `--anercorp PATH` or ENTITYLINKER_ANERCORP, skipped
when the file is missing) with the seed gazetteer and, with `--gazetteer-1m`
or when bench/data/gazetteer-1000000.sqlite exists, at 1M entities.

This is a report, not a test: it exits 0 whatever the figures are (2 on a
usage error).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation import anercorp, blind, calibration, neutral, report
from evaluation.devset import (
    HELDOUT_PASSAGES_PATH,
    KINDS,
    PASSAGES_PATH,
    QUERIES_PATH,
    SEED_ARTICLE_PATH,
    SEEDS_DIR,
    DevsetError,
    load_passages,
    load_queries,
    seed_kinds,
    validate_devset,
)
from evaluation.running import Crash, evaluate_resolve, linker_for_records, load_linker, predict, sweep
from evaluation.scoring import score_linking


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=(__doc__ or "").split("\n\n")[0])
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
    parser.add_argument(
        "--anercorp",
        type=Path,
        default=anercorp.default_path(),
        help=f"ANERcorp dev file (env {anercorp.ENV_VAR}; default ../shared/data/anercorp-dev.jsonl from the "
        "repository root); skipped when missing",
    )
    parser.add_argument(
        "--gazetteer-1m",
        type=Path,
        help="a 1M-entity gazetteer for ANERcorp (default: bench/data/gazetteer-1000000.sqlite when it exists)",
    )
    parser.add_argument(
        "--blind-slices", type=int, default=blind.BLIND_SLICES, help="spelling-blind slices (default 5)"
    )
    parser.add_argument(
        "--no-views", action="store_true", help="dev figures and calibration only: no blind, label-only, ANERcorp"
    )
    args = parser.parse_args(argv)
    if args.heldout:
        args.passages, args.queries = HELDOUT_PASSAGES_PATH, None
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        parser.error("--min-score must be between 0 and 1")
    if args.blind_slices < 1:
        parser.error("--blind-slices must be at least 1")
    for flag, path in (("--gazetteer", args.gazetteer), ("--gazetteer-1m", args.gazetteer_1m)):
        if path is not None and not path.is_file():
            parser.error(f"{flag} {path} is not a file")
    for path in (args.passages, args.queries):
        if path is not None and not path.is_file():
            parser.error(f"{path} does not exist")
    if args.gazetteer_1m is None and anercorp.BENCH_1M_PATH.is_file():
        args.gazetteer_1m = anercorp.BENCH_1M_PATH
    return args


def _anercorp_reports(args: argparse.Namespace, main_linker: Any, records: list[Any]) -> tuple[list[Any], str]:
    """ANERcorp reports at seed size and at 1M (when a 1M gazetteer is at hand), and a note on what was skipped."""
    path: Path = args.anercorp
    if not path.is_file():
        return [], f"ANERcorp: {path} not found; skipped (set --anercorp or {anercorp.ENV_VAR})"
    sentences = anercorp.load_sentences(path)
    seed_linker = main_linker if args.gazetteer is None else linker_for_records(records)
    reports = [anercorp.evaluate_anercorp(seed_linker, sentences, "seeds")]
    note = ""
    if args.gazetteer_1m is not None:
        large = anercorp.evaluate_anercorp(load_linker(args.gazetteer_1m), sentences, str(args.gazetteer_1m))
        large.seed_links_kept = anercorp.links_kept(reports[0], large)
        reports.append(large)
    else:
        note = "1M gazetteer: none (--gazetteer-1m, or bench/data/gazetteer-1000000.sqlite from `make bench`); skipped"
    return reports, note


def _neutral_report(args: argparse.Namespace, main_linker: Any, records: list[Any]) -> neutral.NeutralReport | None:
    """The seed names the 1M gazetteer loses in a neutral sentence (`evaluation.neutral`), when one is at hand."""
    if args.gazetteer_1m is None:
        return None
    seed_linker = main_linker if args.gazetteer is None else linker_for_records(records)
    return neutral.neutral_names(seed_linker, load_linker(args.gazetteer_1m), records, str(args.gazetteer_1m))


def _summary(figures: dict[str, Any]) -> list[str]:
    """The headline figures of every view, one line each."""
    link, res = figures["link"]["overall"], figures.get("resolve")
    lines = [
        "Summary",
        f"  dev Link             P {link['precision']:.1%}  R {link['recall']:.1%}  F1 {link['f1']:.1%}",
    ]
    if res:
        hard = res["hard"]
        lines.append(
            f"  Resolve acc@1        {res['accuracy_at_1']:.1%} overall, {hard['accuracy_at_1']:.1%} on the hard "
            f"subset ({hard['correct_at_1']}/{hard['with_expected']}); false matches {res['false_matches']}/"
            f"{res['must_be_empty']} (hard {hard['false_matches']}/{hard['must_be_empty']})"
        )
    if "spelling_blind" in figures:
        b = figures["spelling_blind"]
        lines.append(
            f"  spelling-blind       R {b['recall']:.1%} on {b['blind_mentions']} blind mentions; P "
            f"{b['precision_all_runs']:.1%} all predictions, {b['precision_at_blind_positions']:.1%} at blind positions"
        )
    if "spelling_blind_derived_kept" in figures:
        b = figures["spelling_blind_derived_kept"]
        lines.append(
            f"    derived names kept R {b['recall']:.1%}; P {b['precision_all_runs']:.1%} all predictions, "
            f"{b['precision_at_blind_positions']:.1%} at blind positions"
        )
    if "label_only" in figures:
        lo = figures["label_only"]["overall"]
        lines.append(f"  label-only           P {lo['precision']:.1%}  R {lo['recall']:.1%}  F1 {lo['f1']:.1%}")
    for a in figures.get("anercorp", {}).get("reports", []):
        lines.append(
            f"  ANERcorp ({a['gazetteer']})  on a name {a['on_name_share']:.1%} (exact {a['exact_share']:.1%}, up to "
            f"a proclitic {a['exact_up_to_proclitic_share']:.1%}), type agreement {a['type_agreement']:.1%}, "
            f"recall on gazetteer names {a['recall_loose']:.1%} (strict {a['recall_strict']:.1%})"
            + (f", the seeds' links kept {a['seed_links_kept']}/{a['seed_links']}" if "seed_links" in a else "")
        )
    if "neutral_names" in figures:
        n = figures["neutral_names"]
        lines.append(f"  neutral sentences    {n['kept']} of {n['names']} seed names kept at 1M")
    cal = figures.get("calibration", {})
    eces = ", ".join(f"{name} {c['ece']:.3f}" for name, c in cal.items())
    if eces:
        lines.append(f"  calibration ECE      {eces}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
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

    from gazetteer.readers.seeds import read_seeds

    try:
        records = list(read_seeds(SEEDS_DIR))
        linker = load_linker(args.gazetteer)
    except Exception as exc:  # unreadable gazetteer or seeds: nothing can be measured
        print(f"error: cannot load the gazetteer: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

    def label_of(qid: str | None) -> str:
        if qid is None:
            return "nothing"
        record = linker.gazetteer.entity(qid)
        return f"{record.label_ar or record.label_en}|{qid}" if record else qid

    crashes: list[Crash] = []
    predictions = predict(linker, passages, args.min_score, crashes)
    link = score_linking(passages, predictions, kind_of)
    resolve = evaluate_resolve(linker, queries, crashes=crashes)
    calibrations = {"link": calibration.link_calibration(passages, predictions)}
    if queries:
        calibrations["resolve"] = calibration.resolve_calibration(resolve)
    rows = sweep(linker, passages, kind_of, queries) if args.sweep else None

    figures: dict[str, Any] = {
        "gazetteer": str(args.gazetteer) if args.gazetteer else "seeds (built for this run)",
        "min_score": args.min_score,
        "linker_default_min_score": getattr(linker, "default_min_score", None),
        "passages": len(passages),
        "gold_mentions": link.overall.gold,
        "gold_by_type": {k: link.by_kind[k].gold for k in KINDS},
        "resolve_queries": len(queries),
        "link": link.as_dict(),
    }
    if queries:
        figures["resolve"] = {**resolve.as_dict(), "hard": resolve.hard.as_dict()}
    figures["calibration"] = {name: c.as_dict() for name, c in calibrations.items()}
    blind_report = derived_report = label_report = None
    neutral_report: neutral.NeutralReport | None = None
    aner_reports: list[Any] = []
    aner_note = ""
    if not args.no_views:
        blind_report = blind.spelling_blind(records, passages, kind_of, args.blind_slices)
        derived_report = blind.spelling_blind(records, passages, kind_of, args.blind_slices, keep_derived=True)
        label_report = blind.label_only(records, passages, kind_of)
        aner_reports, aner_note = _anercorp_reports(args, linker, records)
        figures["spelling_blind"] = blind_report.as_dict()
        figures["spelling_blind_derived_kept"] = derived_report.as_dict()
        figures["label_only"] = label_report.as_dict()
        figures["anercorp"] = {
            "path": str(args.anercorp),
            "reports": [a.as_dict() for a in aner_reports],
            "note": aner_note,
        }
        neutral_report = _neutral_report(args, linker, records)
        if neutral_report is not None:
            figures["neutral_names"] = neutral_report.as_dict()

    if args.json:
        figures.update(
            {
                "error_counts": dict(Counter(e.category for e in link.errors)),
                "link_errors": [report.error_dict(e) for e in link.errors],
                "resolve_errors": [
                    {
                        "query": o.query.query,
                        "context": o.query.context,
                        "types": list(o.query.types),
                        "expected": o.query.expected,
                        "exercises": o.query.exercises,
                        "returned": [list(r) for r in o.returned],
                    }
                    for o in resolve.errors
                ],
                "crashes": [{"where": c.where, "error": c.error} for c in crashes],
                "devset_problems": problems,
            }
        )
        if rows is not None:
            figures["sweep"] = rows
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0

    gold_by_kind = ", ".join(f"{k} {link.by_kind[k].gold}" for k in KINDS)
    print(
        f"Development set: {len(passages)} passages, {link.overall.gold} gold mentions ({gold_by_kind}); "
        f"{len(queries)} resolve queries ({len(resolve.negative)} must return nothing, "
        f"{len(resolve.hard.outcomes)} in the hard subset)"
    )
    print()
    default = getattr(linker, "default_min_score", None)
    print(f"Linker default min_score: {default}; gazetteer: {args.gazetteer or 'seeds, built for this run'}")
    print()
    print(report.format_report(link, resolve, label_of, args.min_score, crashes))
    if rows is not None:
        print()
        print(report.format_sweep(rows))
    print()
    print("Calibration (10 equal-width bins)")
    print(
        report.format_calibration("  Link mention scores (right = start, end and QID match gold)", calibrations["link"])
    )
    if "resolve" in calibrations:
        print(report.format_calibration("  Resolve top-1 scores", calibrations["resolve"]))
    if blind_report is not None and derived_report is not None and label_report is not None:
        print()
        print(report.format_blind(blind_report, label_of))
        print()
        print(report.format_blind(derived_report, label_of, shown=10))
        print()
        print(report.format_label_only(label_report))
        print()
        print("ANERcorp (real newswire, NER spans only; see evaluation/anercorp.py for the definitions)")
        for a in aner_reports:
            print(report.format_anercorp(a))
        if aner_note:
            print(f"  {aner_note}")
        if neutral_report is not None:
            print()
            print("Seed names in a neutral sentence, the seeds inside 1M (evaluation/neutral.py)")
            print(report.format_neutral(neutral_report))
    print()
    print("\n".join(_summary(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

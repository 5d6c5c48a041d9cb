"""The one table of the service benchmark: every measurement, its alternative, ratio and target.

Targets are those of the issue (a 1M-entity gazetteer on a 2-core machine);
each row that answers to one says whether it is met at that size.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from bench.measure import BenchConfig, ServedResult, SizeResult

_LOGGER = logging.getLogger(__name__)

RESOLVE_P50_MS = 1.0
RESOLVE_P99_MS = 5.0
FTS_P99_RATIO = 10.0
EXTRACT_P50_RATIO = 1000.0
LINK_P50_MS = 10.0
LINK_DOCS_PER_SECOND = 300.0
LONG_TEXT_SHARE = 0.5
GROWTH_RATIO = 2.0
STARTUP_SECONDS = 10.0
RSS_MIB = 1024.0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table, numbers already formatted."""

    size: str
    what: str
    p50: str = ""
    p99: str = ""
    throughput: str = ""
    rss: str = ""
    startup: str = ""
    accuracy: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


# (field, title, width, right-aligned)
COLUMNS = (
    ("size", "gazetteer", 9, False),
    ("what", "measurement", 50, False),
    ("p50", "p50 ms", 8, True),
    ("p99", "p99 ms", 8, True),
    ("throughput", "throughput", 13, True),
    ("rss", "RSS MiB", 9, True),
    ("startup", "start s", 7, True),
    ("accuracy", "acc@1", 5, True),
    ("ratio", "vs alternative", 22, False),
    ("target", "target", 24, False),
    ("met", "met", 10, False),
)


def size_label(size: int) -> str:
    """10000 → 10k, 1000000 → 1M."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def _ms(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _times(value: float) -> str:
    return f"{value:.2g}" if value < 10 else f"{value:,.0f}"


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def _count(n: int) -> str:
    return f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n / 1e3:.0f}k" if n >= 10_000 else f"{n:,}"


def _rss(served: ServedResult) -> str:
    return "/".join(f"{m.rss_mib:.0f}" for m in served.memory)


def size_rows(r: SizeResult, echo: ServedResult | None, queries: int, config: BenchConfig) -> list[Row]:
    """The rows of one gazetteer."""
    f, core, alt, served = r.facts, r.core, r.alternatives, r.served
    rows = [
        Row(
            r.label,
            f"{f.entities:,} entities, {_count(f.names)} names, {_count(f.distinct_keys)} keys, "
            f"{f.file_bytes / 2**20:,.0f} MiB",
        )
    ]
    ok = core.resolve.p50 <= RESOLVE_P50_MS and core.resolve.p99 <= RESOLVE_P99_MS
    rows.append(
        Row(
            r.label,
            f"Resolve, service core, {queries} dev names ×{config.resolve_rounds}",
            _ms(core.resolve.p50),
            _ms(core.resolve.p99),
            f"{1000 / core.resolve.mean:,.0f} q/s",
            accuracy=f"{core.accuracy.at_1:.3f}",
            target=f"p50≤{RESOLVE_P50_MS:g} p99≤{RESOLVE_P99_MS:g} ms",
            met=_yes(ok),
        )
    )
    ratio = alt.fts.p99 / core.resolve.p99
    rows.append(
        Row(
            r.label,
            f"  FTS5 trigram + rapidfuzz, same names ×{config.fts_rounds}",
            _ms(alt.fts.p50),
            _ms(alt.fts.p99),
            f"{1000 / alt.fts.mean:,.0f} q/s",
            accuracy=f"{alt.fts_accuracy.at_1:.3f}",
            ratio=f"svc p99 ×{_times(ratio)} lower",
            target=f"≥{FTS_P99_RATIO:g}× p99, acc ≥",
            met=f"{_yes(ratio >= FTS_P99_RATIO)}, {_yes(core.accuracy.at_1 >= alt.fts_accuracy.at_1)}",
        )
    )
    same = core.resolve_on_extract_queries.p50
    ratio = alt.extract_all.p50 / same
    rows.append(
        Row(
            r.label,
            f"  process.extract, all {_count(f.names)} names, {alt.extract_all.count} queries",
            _ms(alt.extract_all.p50),
            "—",
            f"{1000 / alt.extract_all.mean:,.1f} q/s",
            accuracy=f"{alt.extract_accuracy.at_1:.3f}",
            ratio=f"svc p50 ×{_times(ratio)} lower",
            target=f"≥{EXTRACT_P50_RATIO:g}× p50, acc ≥",
            met=f"{_yes(ratio >= EXTRACT_P50_RATIO)}, {_yes(core.accuracy.at_1 >= alt.extract_accuracy.at_1)}",
        )
    )
    rows.append(
        Row(
            r.label,
            f"  process.extract, {_count(f.distinct_keys)} distinct keys (reference)",
            _ms(alt.extract_distinct.p50),
            "—",
            f"{1000 / alt.extract_distinct.mean:,.0f} q/s",
            accuracy=f"{alt.extract_accuracy.at_1:.3f}",
            ratio=f"svc p50 ×{_times(alt.extract_distinct.p50 / same)} lower",
        )
    )
    rows.append(
        Row(
            r.label,
            f"Link, seed article, service core ×{core.link.count}",
            _ms(core.link.p50),
            _ms(core.link.p99),
            f"{1000 / core.link.mean:,.0f} doc/s",
            target=f"p50≤{LINK_P50_MS:g} ms",
            met=_yes(core.link.p50 <= LINK_P50_MS),
        )
    )
    ratio = core.long_share_of_spotter
    rows.append(
        Row(
            r.label,
            f"Link, {core.long_bytes / 1e6:.2f} MB text, service core",
            _ms(core.long_seconds * 1000),
            "—",
            f"{core.long_mb_per_second:.3f} MB/s",
            ratio=f"×{ratio:.3f} of AC's MB/s",
            target=f"≥{LONG_TEXT_SHARE:g}× AC MB/s",
            met=_yes(ratio >= LONG_TEXT_SHARE),
        )
    )
    rows.append(
        Row(
            r.label,
            "  Aho-Corasick exact spotter, same text",
            _ms(core.long_spotter_seconds * 1000),
            "—",
            f"{core.spotter_mb_per_second:.1f} MB/s",
        )
    )
    rss = max(m.rss_mib for m in served.memory)
    rows.append(
        Row(
            r.label,
            f"Link, seed article, gRPC, {config.callers} callers, --workers {config.workers}",
            _ms(served.load.latency.p50),
            _ms(served.load.latency.p99),
            f"{served.load.per_second:,.0f} doc/s",
            _rss(served),
            f"{served.startup_seconds:.2f}",
            ratio=f"echo p50 = {echo.load.latency.p50 / served.load.latency.p50:.0%} of it" if echo else "",
            target=f"≥{LINK_DOCS_PER_SECOND:g}/s ≤{RSS_MIB / 1024:g}GiB ≤{STARTUP_SECONDS:g}s",
            met=",".join(
                (
                    _yes(served.load.per_second >= LINK_DOCS_PER_SECOND),
                    _yes(rss <= RSS_MIB),
                    _yes(served.startup_seconds <= STARTUP_SECONDS),
                )
            ),
        )
    )
    return rows


def growth_rows(results: Sequence[SizeResult]) -> list[Row]:
    """p50 at the largest size over p50 at the smallest, for Resolve and Link (core)."""
    if len(results) < 2:
        return []
    small, large = results[0], results[-1]
    label = f"{large.label}/{small.label}"
    resolve = large.core.resolve.p50 / small.core.resolve.p50
    link = large.core.link.p50 / small.core.link.p50
    target = f"≤{GROWTH_RATIO:g}×"
    return [
        Row(
            label,
            "growth of Resolve p50, service core",
            ratio=f"×{resolve:.2f}",
            target=target,
            met=_yes(resolve <= GROWTH_RATIO),
        ),
        Row(
            label,
            "growth of Link p50, seed article, core",
            ratio=f"×{link:.2f}",
            target=target,
            met=_yes(link <= GROWTH_RATIO),
        ),
    ]


def echo_row(echo: ServedResult, config: BenchConfig) -> Row:
    """The floor: the echo service under Link's load and payload sizes."""
    return Row(
        "any",
        f"echo gRPC {echo.request_bytes}→{echo.response_bytes} B, {config.callers} callers, --workers {config.workers}",
        _ms(echo.load.latency.p50),
        _ms(echo.load.latency.p99),
        f"{echo.load.per_second:,.0f} call/s",
        _rss(echo),
        f"{echo.startup_seconds:.2f}",
    )


def format_table(rows: Sequence[Row]) -> str:
    """Fixed-width text: a header, a rule, and a blank line between gazetteers."""
    lines = ["  ".join(f"{title:<{width}}" for _, title, width, _ in COLUMNS).rstrip()]
    lines.append("  ".join("-" * width for _, _, width, _ in COLUMNS))
    previous = None
    for row in rows:
        if previous is not None and row.size != previous:
            lines.append("")
        previous = row.size
        values = asdict(row)
        cells = [
            f"{values[name]:>{width}}" if right else f"{values[name]:<{width}}" for name, _, width, right in COLUMNS
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def notes(results: Sequence[SizeResult], config: BenchConfig, queries: int) -> list[str]:
    """What each row measured, and the figures that did not fit in a column."""
    out = [
        "service core = the call inside the process (Linker.resolve / Linker.link) on a warm linker, repeated "
        "names; the alternatives (indented) run in the same process on the same inputs, never concurrently.",
        f"acc@1 = accuracy@1 on the {queries} dev Resolve queries' expected QIDs (evaluation); the alternatives "
        "ignore context, answer the most-linked entity of a key, and nothing under WRatio 75. process.extract's "
        "acc@1 comes from the distinct-key variant over every query (both variants put the same key first).",
        f"process.extract rows: {config.extract_queries} fixed dev queries, one call each (p50 = their median), "
        "against the service's p50 on the same queries.",
        "gRPC rows: client-side latency and calls/s over loopback, one connection per caller; RSS = VmRSS of "
        "each worker (it counts the memory-mapped gazetteer pages the worker touched); start = process start "
        "until every worker logs serving and Health answers SERVING.",
    ]
    for r in results:
        anon = "/".join(f"{m.anon_mib:.0f}" for m in r.served.memory)
        share = "/".join(f"{s:.0%}" for s in r.served.load.cpu_share)
        disagree = "" if r.alternatives.extract_agree else "; all-names and distinct-key extract DISAGREE"
        busy = ", ".join(f"{phase} {cores:.2f}" for phase, cores in r.other_cores.items())
        out.append(
            f"{r.label}: false matches on must-be-empty queries: service {r.core.accuracy.false_matches:.2f}, "
            f"FTS5 {r.alternatives.fts_accuracy.false_matches:.2f}, extract "
            f"{r.alternatives.extract_accuracy.false_matches:.2f}; 1 MB text: {r.core.long_mentions:,} mentions "
            f"linked, {r.core.spotter_matches:,} AC matches (automaton built in "
            f"{r.core.spotter_build_seconds:.1f}s), Link and AC timed in alternating rounds; "
            f"first Link after SERVING {r.served.first_call_ms:,.0f} ms; "
            f"server CPU per Link {r.served.load.server_cpu_ms:.1f} ms, split {share} over the workers; "
            f"workers' RssAnon {anon} MiB; cores used by other processes: {busy}{disagree}."
        )
    return out


def report(
    results: Sequence[SizeResult], echo: ServedResult | None, config: BenchConfig, queries: int, minutes: float
) -> str:
    """The table, then its numbered notes."""
    rows = [row for r in results for row in size_rows(r, echo, queries, config)]
    if echo is not None:
        rows.append(echo_row(echo, config))
    rows.extend(growth_rows(results))
    lines = [format_table(rows), ""]
    lines.extend(f"[{i}] {note}" for i, note in enumerate(notes(results, config, queries), start=1))
    lines.append(f"Whole run: {minutes:.1f} min.")
    return "\n".join(lines)

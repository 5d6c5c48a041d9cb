"""The one table of the service benchmark: every measurement, its alternative, ratio and target.

Targets are those of the issue (a 1M-entity gazetteer on a 2-core machine);
each row that answers to one says whether it is met at that size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from bench.measure import WARM_CALLS, BenchConfig, GrowthResult, RealTextResult, ServedResult, SizeResult
from bench.timing import Summary
from server.linking.spotter import FRESH_WORDS_PER_CALL

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
SECURED = "TLS + token + metrics + access log"  # the secured row: every production switch on


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


def _rate(per_second: float, unit: str) -> str:
    return f"{per_second:,.1f} {unit}" if per_second < 10 else f"{per_second:,.0f} {unit}"


def _timed(size: str, what: str, summary: Summary, unit: str, p99: bool = True, **cells: str) -> Row:
    """A row of calls timed one by one: p50, p99 (unless too few calls) and calls per second from their mean."""
    return Row(
        size, what, _ms(summary.p50), _ms(summary.p99) if p99 else "—", _rate(1000 / summary.mean, unit), **cells
    )


def _served(size: str, what: str, served: ServedResult, unit: str, **cells: str) -> Row:
    """A row of a server under load: client-side p50 and p99, calls per second, each worker's RSS, start-up."""
    latency, rate = served.load.latency, _rate(served.load.per_second, unit)
    return Row(
        size, what, _ms(latency.p50), _ms(latency.p99), rate, _rss(served), f"{served.startup_seconds:.2f}", **cells
    )


def _link_targets(served: ServedResult) -> dict[str, str]:
    """The served Link targets and whether `served` meets them: docs/s, RSS per worker, start-up."""
    met = (
        served.load.per_second >= LINK_DOCS_PER_SECOND,
        max(m.rss_mib for m in served.memory) <= RSS_MIB,
        served.startup_seconds <= STARTUP_SECONDS,
    )
    target = f"≥{LINK_DOCS_PER_SECOND:g}/s ≤{RSS_MIB / 1024:g}GiB ≤{STARTUP_SECONDS:g}s"
    return {"target": target, "met": ",".join(_yes(ok) for ok in met)}


def secured_cost(plain: ServedResult, secured: ServedResult) -> float:
    """What TLS, a token, metrics and the access log cost: the share of plain's docs/s lost."""
    return 1 - secured.load.per_second / plain.load.per_second


def served_rows(
    size: str, plain: ServedResult, secured: ServedResult, config: BenchConfig, ratio: str = ""
) -> list[Row]:
    """The seed article over gRPC: the plain server, then the secured one under the same load, its cost."""
    return [
        _served(
            size,
            f"Link, seed article, gRPC, {config.callers} callers, --workers {config.workers}",
            plain,
            "doc/s",
            ratio=ratio,
            **_link_targets(plain),
        ),
        _served(
            size,
            f"  {SECURED}, same",
            secured,
            "doc/s",
            ratio=f"cost {secured_cost(plain, secured):.1%} of doc/s",
            **_link_targets(secured),
        ),
    ]


def size_rows(r: SizeResult, echo: ServedResult | None, queries: int, config: BenchConfig) -> list[Row]:
    """The rows of one gazetteer."""
    f, core, alt = r.facts, r.core, r.alternatives
    rows = [
        Row(
            r.label,
            f"{f.entities:,} entities, {_count(f.names)} names, {_count(f.distinct_keys)} keys, "
            f"{f.file_bytes / 2**20:,.0f} MiB",
        )
    ]
    ok = core.resolve.p50 <= RESOLVE_P50_MS and core.resolve.p99 <= RESOLVE_P99_MS
    rows.append(
        _timed(
            r.label,
            f"Resolve, service core, {queries} dev names ×{config.resolve_rounds}",
            core.resolve,
            "q/s",
            accuracy=f"{core.accuracy.at_1:.3f}",
            target=f"p50≤{RESOLVE_P50_MS:g} p99≤{RESOLVE_P99_MS:g} ms",
            met=_yes(ok),
        )
    )
    if alt is not None:
        ratio = alt.fts.p99 / core.resolve.p99
        rows.append(
            _timed(
                r.label,
                f"  FTS5 trigram + rapidfuzz, same names ×{config.fts_rounds}",
                alt.fts,
                "q/s",
                accuracy=f"{alt.fts_accuracy.at_1:.3f}",
                ratio=f"svc p99 ×{_times(ratio)} lower",
                target=f"≥{FTS_P99_RATIO:g}× p99, acc ≥",
                met=f"{_yes(ratio >= FTS_P99_RATIO)}, {_yes(core.accuracy.at_1 >= alt.fts_accuracy.at_1)}",
            )
        )
        same = core.resolve_on_extract_queries.p50
        ratio = alt.extract_all.p50 / same
        rows.append(
            _timed(
                r.label,
                f"  process.extract, all {_count(f.names)} names, {alt.extract_all.count} queries",
                alt.extract_all,
                "q/s",
                p99=False,
                accuracy=f"{alt.extract_accuracy.at_1:.3f}",
                ratio=f"svc p50 ×{_times(ratio)} lower",
                target=f"≥{EXTRACT_P50_RATIO:g}× p50, acc ≥",
                met=f"{_yes(ratio >= EXTRACT_P50_RATIO)}, {_yes(core.accuracy.at_1 >= alt.extract_accuracy.at_1)}",
            )
        )
        rows.append(
            _timed(
                r.label,
                f"  process.extract, {_count(f.distinct_keys)} distinct keys (reference)",
                alt.extract_distinct,
                "q/s",
                p99=False,
                accuracy=f"{alt.extract_accuracy.at_1:.3f}",
                ratio=f"svc p50 ×{_times(alt.extract_distinct.p50 / same)} lower",
            )
        )
    rows.append(
        _timed(
            r.label,
            f"Link, seed article, service core ×{core.link.count}",
            core.link,
            "doc/s",
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
    if core.real is not None:
        rows.extend(real_text_rows(r.label, core.real))
    echo_share = f"echo p50 = {echo.load.latency.p50 / r.served.load.latency.p50:.0%} of it" if echo else ""
    rows.extend(served_rows(r.label, r.served, r.secured, config, echo_share))
    return rows


def real_text_rows(label: str, real: RealTextResult) -> list[Row]:
    """Link on real newswire: articles unseen and seen, and the long-text comparison on words the bench
    did not write."""
    return [
        Row(
            label,
            f"Link, real news articles met for the first time ×{real.articles} (ANERcorp half)",
            _ms(real.article_ms_unseen),
            "—",
            f"{1000 / real.article_ms_unseen:,.0f} doc/s",
            ratio=f"mean; the same articles again: {real.article_ms_seen:.2f} ms",
            target="reference",
        ),
        Row(
            label,
            f"Link, {real.bytes / 1e6:.2f} MB real newswire (ANERcorp half), warm",
            _ms(real.seconds * 1000),
            "—",
            f"{real.mb_per_second:.3f} MB/s",
            ratio=f"×{real.share_of_spotter:.3f} of AC's MB/s; {real.name_keys:,} name keys asked",
            target="reference",
        ),
        Row(
            label,
            "  Aho-Corasick exact spotter, same text",
            _ms(real.spotter_seconds * 1000),
            "—",
            f"{real.bytes / 1e6 / real.spotter_seconds:.1f} MB/s",
        ),
    ]


def growth_rows(results: Sequence[SizeResult], growth: GrowthResult | None = None) -> list[Row]:
    """p50 at the largest size over p50 at the smallest, for Resolve and Link (core).

    From `growth` (both sizes timed side by side) when measured, else from each size's own phase.
    """
    if len(results) < 2:
        return []
    small, large = results[0], results[-1]
    if growth is not None:
        ratios = {
            "Resolve p50, service core (side by side)": growth.resolve,
            "Link p50, seed article, core (side by side)": growth.link,
        }
    else:
        ratios = {
            "Resolve p50, service core": large.core.resolve.p50 / small.core.resolve.p50,
            "Link p50, seed article, core": large.core.link.p50 / small.core.link.p50,
        }
    return [
        Row(
            f"{large.label}/{small.label}",
            f"growth of {what}",
            ratio=f"×{ratio:.2f}",
            target=f"≤{GROWTH_RATIO:g}×",
            met=_yes(ratio <= GROWTH_RATIO),
        )
        for what, ratio in ratios.items()
    ]


def echo_row(echo: ServedResult, config: BenchConfig) -> Row:
    """The floor: the echo service under Link's load and payload sizes."""
    what = (
        f"echo gRPC {echo.request_bytes}→{echo.response_bytes} B, {config.callers} callers, --workers {config.workers}"
    )
    return _served("any", what, echo, "call/s")


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


def served_note(config: BenchConfig) -> str:
    """How the secured row differs from the plain one and how the two were measured."""
    per_round = config.load_seconds / config.load_rounds
    return (
        f"{SECURED}: the same server with --tls-cert/--tls-key (a CA and a certificate made at run time), "
        "--auth-tokens-file (the token sent as authorization: Bearer on every call), --metrics-port (Prometheus, "
        "multiprocess) and --access-log --log-format json (one line per call on standard error, into a file "
        "as a container runtime keeps it). Both servers run at once and take the same load in turn, "
        f"{config.load_rounds} rounds each of {config.warm_seconds:g} s warm-up and {per_round:g} s measured; "
        "cost = 1 - its doc/s over the plain row's. The callers, and their side of TLS, share the cores."
    )


def served_figures(plain: ServedResult, secured: ServedResult) -> str:
    """The figures of the two served rows that did not fit in a column."""
    parts = []
    for name, served in (("plain", plain), ("secured", secured)):
        rounds = "/".join(f"{rate:,.0f}" for rate in served.load.round_per_second)
        share = "/".join(f"{s:.0%}" for s in served.load.cpu_share)
        anon = "/".join(f"{m.anon_mib:.0f}" for m in served.memory)
        parts.append(
            f"{name}: doc/s by round {rounds}, first Link after SERVING {served.first_call_ms:,.0f} ms, "
            f"server CPU per Link {served.load.server_cpu_ms:.1f} ms split {share} over the workers, "
            f"workers' RssAnon {anon} MiB, other processes took {served.load.other_cores:.2f} cores meanwhile"
        )
    return "; ".join(parts) + f"; {secured.log_lines:,} log lines from the secured server"


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
        "gRPC rows: client-side latency and calls/s over loopback, one connection per caller; RSS = resident "
        "memory (VmRSS) of each worker (it counts the memory-mapped gazetteer pages the worker touched); start = "
        "process start until every worker logs serving and Health answers SERVING.",
        served_note(config),
        "real news rows: the ANERcorp half (real 2007 newswire, read from ../shared, never copied). The seed "
        "article and the 1 MB text repeat what the linker has met, so all their words are cached; real news "
        "keeps bringing new words, each looked up with its spelling variants the first time. Articles: the "
        "sentences in order cut into articles of the seed article's length, each linked once on a linker warm "
        "on the dev texts only (mean), then again. Whole text: the sentences joined, timed once warm (after "
        f"{WARM_CALLS} calls; each call looks up at most {FRESH_WORDS_PER_CALL:,} new words with their variants), "
        "side by side with Aho-Corasick. Not targets: the targets name the seed article and the 1 MB text.",
    ]
    for r in results:
        alt = r.alternatives
        disagree = "" if alt is None or alt.extract_agree else "; all-names and distinct-key extract DISAGREE"
        busy = ", ".join(f"{phase} {cores:.2f}" for phase, cores in r.other_cores.items())
        others = (
            "alternatives not run"
            if alt is None
            else f"FTS5 {alt.fts_accuracy.false_matches:.2f}, extract {alt.extract_accuracy.false_matches:.2f}"
        )
        out.append(
            f"{r.label}: false matches on must-be-empty queries: service {r.core.accuracy.false_matches:.2f}, "
            f"{others}; 1 MB text: {r.core.long_mentions:,} mentions "
            f"linked, {r.core.spotter_matches:,} AC matches (automaton built in "
            f"{r.core.spotter_build_seconds:.1f}s), Link and AC timed in alternating rounds; "
            f"{served_figures(r.served, r.secured)}; cores used by other processes: {busy}{disagree}."
        )
    return out


def report(
    results: Sequence[SizeResult],
    echo: ServedResult | None,
    growth: GrowthResult | None,
    config: BenchConfig,
    queries: int,
    minutes: float,
) -> str:
    """The table, then its numbered notes."""
    rows = [row for r in results for row in size_rows(r, echo, queries, config)]
    if echo is not None:
        rows.append(echo_row(echo, config))
    rows.extend(growth_rows(results, growth))
    lines = [format_table(rows), ""]
    lines.extend(f"[{i}] {note}" for i, note in enumerate(notes(results, config, queries), start=1))
    lines.append(f"Whole run: {minutes:.1f} min.")
    return "\n".join(lines)

"""The service against the alternatives a team would otherwise build, side by side, in one table.

    python -m bench.service_bench [--sizes 10000,100000,1000000] [--quick]

For each size, a synthetic gazetteer of that many entities plus the seeds
(built once under bench/data/ and reused; see bench/datasets.py), then, one
phase after the other (bench/measure.py):

- Resolve on the development set (tests/data/devset/resolve.jsonl): the core
  call `Linker.resolve` in process on a warm linker; SQLite FTS5 trigram
  candidates reranked with rapidfuzz; rapidfuzz `process.extract` over every
  normalised name (timed on 5 fixed queries: it scores every name) and, for
  reference, over the distinct keys. Accuracy@1 of each.
- Link: the seed article through `Linker.link` in process; a 1 MB news-like
  text through `Linker.link` and through an exact Aho-Corasick spotter over
  the same keys, text normalisation included in both, timed in alternating
  rounds (the machine's speed drifts over seconds) and compared round by round.
- End to end: `python -m server --workers 2` as a subprocess: start-up until
  SERVING, the seed article from 8 concurrent callers over loopback, and the
  resident memory of each worker; beside it a second one with TLS, a bearer
  token, Prometheus metrics and the JSON access log, under the same load in
  alternating rounds, and its cost in docs/s against the plain one
  (`python -m bench.ops_bench` runs this phase alone).

Then, once, an echo gRPC service with Link's payload sizes under the same
load: the floor of Python gRPC here; and the growth from the smallest size to
the largest, both linkers in one process timed in alternating rounds. One table (bench/table.py) gives p50,
p99, throughput, RSS, start-up, each ratio to its alternative and its target.
--quick: 10k only, few rounds. The figures are also written to
bench/data/service_bench_results.json (-quick.json for --quick).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import datasets
from bench.machine import heavy_jobs, speed_probe_ms
from bench.measure import (
    QUICK,
    BenchConfig,
    GrowthResult,
    ServedResult,
    SizeResult,
    Texts,
    measure_echo,
    measure_growth,
    measure_size,
)
from bench.table import report, size_label
from entitylinker.v1 import entity_linker_service_pb2 as pb
from server import linking
from server.linking._native import stale_reason

_LOGGER = logging.getLogger(__name__)

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000,)
RESULTS_PATH = datasets.DATA / "service_bench_results.json"
QUICK_RESULTS_PATH = datasets.DATA / "service_bench_results-quick.json"


def write_results(
    results: Sequence[SizeResult], echo: ServedResult | None, growth: GrowthResult | None, config: BenchConfig
) -> Path:
    """Every figure of the run as JSON, for comparing runs (quick runs to a file of their own)."""
    payload: dict[str, Any] = {
        "config": asdict(config),
        "sizes": [asdict(r) for r in results],
        "echo": asdict(echo) if echo else None,
        "growth": asdict(growth) if growth else None,
    }
    path = QUICK_RESULTS_PATH if config == QUICK else RESULTS_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def code_digest() -> str:
    """A hash of the code under test: server/ and the gazetteer modules it imports (not the build).

    The served processes import it afresh, so a change during the run means
    the in-process rows and the served rows may have measured different code.
    """
    gazetteer = datasets.ROOT / "gazetteer"
    files = (getattr(module, "__file__", None) for module in list(sys.modules.values()))
    imported = {Path(file) for file in files if file and Path(file).is_relative_to(gazetteer)}
    digest = hashlib.sha256()
    for path in sorted([*(datasets.ROOT / "server").rglob("*.py"), *imported]):
        digest.update(str(path.relative_to(datasets.ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run(sizes: Sequence[int], config: BenchConfig, alternatives_too: bool = True) -> str:
    """Prepare the gazetteers, measure every size and the echo service; returns the report."""
    started = time.monotonic()
    code = code_digest()
    paths = [(size, datasets.ensure_gazetteer(size)) for size in sizes]
    _LOGGER.info("gazetteers ready after %.0fs", time.monotonic() - started)
    texts = Texts.load(config.long_text_bytes, config.real_text_bytes)
    busy = heavy_jobs()
    if busy:
        _LOGGER.warning("other heavy jobs are running; the figures will be distorted:\n  %s", "\n  ".join(busy))
    probes = [speed_probe_ms()]
    results = []
    for size, path in paths:
        results.append(measure_size(size_label(size), path, config, texts, alternatives_too))
        probes.append(speed_probe_ms())
    request = pb.LinkRequest(text=texts.article).SerializeToString()
    echo = measure_echo(config, request, results[-1].served.response_bytes)
    probes.append(speed_probe_ms())
    growth = None
    if len(paths) > 1:
        growth = measure_growth(paths[0][1], paths[-1][1], config, texts)
        probes.append(speed_probe_ms())
    _LOGGER.info("figures written to %s", write_results(results, echo, growth, config))
    text = report(results, echo, growth, config, len(texts.queries), (time.monotonic() - started) / 60)
    core = "compiled by mypyc (make native)" if linking.COMPILED else f"plain Python ({stale_reason()})"
    text += (
        f"\nLinking core: {core}. Machine speed probe (a fixed pure-Python loop, lower is faster) between phases: "
        + ", ".join(f"{p:.1f}" for p in probes)
        + " ms; rows measured in a slower stretch are slower by about that ratio."
    )
    if busy:
        text += f"\nWARNING: {len(busy)} other heavy job(s) running when the measurements began: " + "; ".join(busy)
    if code_digest() != code:
        text += (
            "\nWARNING: the code under test changed during the run: the in-process rows and the served rows "
            "may have measured different code. Run again."
        )
    else:
        text += (
            f"\nCode under test (server/, the gazetteer modules it imports): sha256 {code}, unchanged during the run."
        )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.service_bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", help="comma-separated gazetteer sizes in entities (default 10000,100000,1000000; --quick 10000)"
    )
    parser.add_argument("--quick", action="store_true", help="10k only (unless --sizes), few rounds: under a minute")
    parser.add_argument(
        "--no-alternatives",
        action="store_true",
        help="skip FTS5 and process.extract (over 30 minutes at 1M); the service's own rows and ratios stay",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = QUICK if args.quick else BenchConfig()
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    else:
        sizes = list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    print(run(sizes, config, not args.no_alternatives), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

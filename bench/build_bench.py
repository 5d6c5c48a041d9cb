"""Gazetteer build benchmark: rate, peak memory and database size on synthetic dumps.

    python -m bench.build_bench --entities 1000000 [--formats gz,bz2,plain] [--in-scope 0.1]

For each size, writes a synthetic dump once (bench/data/, reused on later
runs), compresses it to .gz and .bz2, then times `python -m gazetteer build
--dump FILE` on each format as a separate process. The rate is entities read
per second of the whole command (interpreter start-up included). Peak memory
is sampled as the summed RSS of the build and its worker processes, and also
reported as the largest single process's peak (getrusage).
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import gzip
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import psutil

from bench.make_dump import write_dump

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
_SUFFIXES = {"plain": ".json", "gz": ".json.gz", "bz2": ".json.bz2"}


def _compress(source: Path, target: Path) -> Path:
    """Compress `source` to `target` (.gz at level 6, .bz2 at level 9), via a temporary name."""
    partial = target.with_name(target.name + ".partial")
    opener = gzip.open if target.suffix == ".gz" else bz2.open
    level = 6 if target.suffix == ".gz" else 9
    with source.open("rb") as src, opener(partial, "wb", compresslevel=level) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    partial.replace(target)
    return target


def prepare_dumps(
    entities: int, in_scope: float, formats: list[str], seed: int = 1, prominent_namesakes: bool = False
) -> dict[str, Path]:
    """The dump files of one size in the asked formats, written only when missing."""
    DATA.mkdir(parents=True, exist_ok=True)
    stem = f"synthetic-{entities}-s{seed}-in{in_scope:g}{'-prominent' if prominent_namesakes else ''}"
    plain = DATA / f"{stem}.json"
    paths = {fmt: DATA / f"{stem}{_SUFFIXES[fmt]}" for fmt in formats}
    if not plain.exists():
        started = time.monotonic()
        counts = write_dump(plain, entities, seed=seed, in_scope=in_scope, prominent_namesakes=prominent_namesakes)
        _LOGGER.info("wrote %s in %.0fs: %s", plain.name, time.monotonic() - started, dict(sorted(counts.items())))
    missing = [p for fmt, p in paths.items() if fmt != "plain" and not p.exists()]
    if missing:
        started = time.monotonic()
        with ProcessPoolExecutor(len(missing)) as pool:
            list(pool.map(_compress, [plain] * len(missing), missing))
        _LOGGER.info("compressed %s in %.0fs", ", ".join(p.name for p in missing), time.monotonic() - started)
    return paths


def _tree_rss_kib(pid: int) -> int:
    """Summed resident memory (VmRSS) of a process and all its descendants, in KiB (0 when gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # a child may end between the listing and the reading
            total += process.memory_info().rss
    return total // 1024


def run_build(dump: Path, fmt: str, out: Path, workers: int | None) -> dict[str, Any]:
    """Time one build as a child process; returns its figures."""
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "gazetteer", "build", "--dump", str(dump), "--out", str(out), "--no-progress"]
    if workers is not None:
        command += ["--workers", str(workers)]
    log = out.with_suffix(".log")
    started = time.monotonic()
    with log.open("wb") as log_file:
        # Output to a file, not a pipe: a pipe nobody reads until the end could fill and stall the build.
        process = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.2):
                peak = max(peak, _tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        done.set()
        sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"build of {dump.name} failed, see {log}:\n{log.read_text()[-3000:]}")
    with sqlite3.connect(out) as conn:
        metadata = dict(conn.execute("SELECT key, value FROM metadata").fetchall())
    dump_source = next(s for s in json.loads(metadata["sources"]) if s["name"] == "wikidata-dump")
    return {
        "format": fmt,
        "file": dump.name,
        "file_bytes": dump.stat().st_size,
        "entities_read": dump_source["entities"],
        "kept": dump_source["kept"],
        "wall_seconds": round(wall, 2),
        "entities_per_second": round(dump_source["entities"] / wall),
        "peak_rss_tree_mib": round(peak / 1024),
        "peak_rss_largest_process_mib": round(usage.ru_maxrss / 1024),
        "db_bytes": out.stat().st_size,
        "db_entities": int(metadata["entity_count"]),
        "db_names": int(metadata["name_count"]),
        "timings": json.loads(metadata.get("timings", "{}")),
        "log": str(log),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.build_bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, nargs="+", required=True, help="dump sizes to measure")
    parser.add_argument("--formats", default="gz,bz2,plain", help="comma-separated: gz, bz2, plain")
    parser.add_argument("--in-scope", type=float, default=0.10, help="share of in-scope entities (default 0.10)")
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: the build's)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    results = []
    for entities in args.entities:
        dumps = prepare_dumps(entities, args.in_scope, formats, args.seed)
        for fmt in formats:
            result = run_build(dumps[fmt], fmt, DATA / f"bench-{fmt}.sqlite", args.workers)
            result.update(entities=entities, in_scope=args.in_scope, cpus=os.cpu_count())
            _LOGGER.info("%s", json.dumps(result))
            results.append(result)
    print(f"{'entities':>10} {'format':>6} {'read/s':>8} {'wall s':>7} {'peak MiB':>9} {'DB MiB':>7} {'kept':>8}")
    for r in results:
        print(
            f"{r['entities']:>10} {r['format']:>6} {r['entities_per_second']:>8} {r['wall_seconds']:>7} "
            f"{r['peak_rss_tree_mib']:>9} {r['db_bytes'] / 2**20:>7.1f} {r['kept']:>8}"
        )
    out = DATA / "build_bench_results.json"
    out.write_text(json.dumps(results, indent=2))
    _LOGGER.info("results in %s", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

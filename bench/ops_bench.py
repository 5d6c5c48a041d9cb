"""The served phase of `make bench` alone: Link docs/s plain, and with TLS, a token, metrics and the access log.

    python -m bench.ops_bench [--size 1000000 | --gazetteer PATH] [--seconds 10] [--rounds 2] [--callers 8]

`bench.measure.measure_served`, exactly as `make bench` runs it on each
gazetteer: two `python -m server --workers 2` on loopback, one with everything
off, one with TLS (a CA and a certificate made for the run), a bearer token,
Prometheus metrics and the JSON access log, loaded in turn by the same callers
with the seed article, round after round, so the machine's drift falls on both.
Prints those two rows of the service table (bench/table.py) with the cost of
the secured one, and their notes. The gazetteer: `--size N` is `make bench`'s
synthetic one of N entities (bench/data/, built when missing), `--gazetteer` any
file; without either, the seed gazetteer built afresh for the run.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import datasets
from bench.measure import BenchConfig, measure_served
from bench.table import format_table, served_figures, served_note, served_rows, size_label


def seed_gazetteer(folder: Path) -> Path:
    """The seed gazetteer, built into `folder`."""
    path = folder / "gazetteer.sqlite"
    command = [sys.executable, "-m", "gazetteer", "build", "--out", str(path)]
    subprocess.run(command, cwd=datasets.ROOT, check=True, capture_output=True)
    return path


def main(argv: list[str] | None = None) -> int:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(
        prog="python -m bench.ops_bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--size", type=int, help="make bench's synthetic gazetteer of this many entities")
    which.add_argument("--gazetteer", type=Path, help="this gazetteer file")
    parser.add_argument(
        "--seconds", type=float, default=defaults.load_seconds, help="measured per server over all rounds (%(default)s)"
    )
    parser.add_argument(
        "--warm", type=float, default=defaults.warm_seconds, help="warm-up before each round (%(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=defaults.load_rounds, help="rounds per server (%(default)s)")
    parser.add_argument("--callers", type=int, default=defaults.callers, help="concurrent callers (%(default)s)")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="server processes (%(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = dataclasses.replace(
        defaults,
        callers=args.callers,
        workers=args.workers,
        warm_seconds=args.warm,
        load_seconds=args.seconds,
        load_rounds=args.rounds,
    )
    with tempfile.TemporaryDirectory(prefix="ops-bench-") as folder:
        if args.size is not None:
            label, gazetteer = size_label(args.size), datasets.ensure_gazetteer(args.size)
        elif args.gazetteer is not None:
            label, gazetteer = "file", args.gazetteer
        else:
            label, gazetteer = "seeds", seed_gazetteer(Path(folder))
        plain, secured = measure_served(gazetteer, config, datasets.seed_article())
    print(format_table(served_rows(label, plain, secured, config)))
    print(f"\n[1] {served_note(config)}\n[2] {gazetteer}: {served_figures(plain, secured)}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

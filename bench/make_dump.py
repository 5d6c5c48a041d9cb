"""Write a synthetic Wikidata JSON dump in the real framing, with a real gazetteer's hard cases.

    python -m bench.make_dump --entities 1000000 --out bench/data/dump-1000000.json.gz [--stats]

Entities are synthetic (QIDs from Q9000000001 up; classes, countries and
occupations are real QIDs, offices synthetic) but shaped like real ones:
labels, aliases and descriptions in several languages, P31, P17/P27/P131,
P39 with qualifiers and ranks, P106, statement hashes and references,
sitelinks. Out-of-scope entities follow a real dump's mix (scholarly
articles, taxa, categories, people outside politics, places without Arabic
names). The in-scope ones carry what a Wikidata gazetteer of that size holds
and a small one hides (see `bench/synthetic/generator.py` and bench/README.md
for the figures beside Wikidata's): tens of thousands of Zipf-distributed name
words, namesakes of the famous seed people, nisba family names, villages named
with ordinary words, seed place names reused elsewhere, generic organisation
names, heavy-tailed sitelinks. Deterministic for a seed, streamed in constant
memory (except `--stats`), written plain, .gz or .bz2 according to the name.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import logging
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO

from bench.synthetic.generator import DumpGenerator
from bench.synthetic.stats import DumpStats
from bench.synthetic.wire import FIRST_QID

__all__ = ["FIRST_QID", "DumpGenerator", "main", "write_dump"]

_LOGGER = logging.getLogger(__name__)


def _open_for_writing(path: Path, compression: str) -> IO[bytes]:
    if compression == ".gz":
        return gzip.open(path, "wb", compresslevel=6)  # type: ignore[return-value]  # gzip(1)'s default level
    if compression == ".bz2":
        return bz2.open(path, "wb", compresslevel=9)
    return path.open("wb")


def write_dump(
    path: Path,
    count: int,
    *,
    seed: int = 1,
    in_scope: float = 0.10,
    bad_share: float = 0.0,
    stats: DumpStats | None = None,
    prominent_namesakes: bool = False,
) -> Counter[str]:
    """Write `count` entities to `path` in the official framing; returns how many of each kind.

    With `stats`, every entity is also counted there (name words, labels, sitelinks, traps).
    `prominent_namesakes`: the generator's other shape of namesakes (`DumpGenerator`)."""
    generator = DumpGenerator(seed, in_scope, prominent_namesakes)
    bad_rng = random.Random(seed + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with _open_for_writing(tmp, path.suffix) as out:
        out.write(b"[\n")
        for index in range(count):
            entity = generator.entity(index)
            if stats is not None:
                stats.observe(entity, generator.last_in_scope, generator.last_kind)
            line = dumps(entity)
            if bad_share and bad_rng.random() < bad_share:
                line = line[: len(line) // 2]  # a truncated line
                generator.counts["malformed"] += 1
            out.write(line.encode())
            out.write(b",\n" if index < count - 1 else b"\n")
        out.write(b"]\n")
    tmp.replace(path)
    if stats is not None:
        stats.traps = generator.traps
    return generator.counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.make_dump", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, required=True, help="number of entities to write")
    parser.add_argument("--out", type=Path, required=True, help="output file: .json, .json.gz or .json.bz2")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-scope", type=float, default=0.10, help="share of in-scope entities (default 0.10)")
    parser.add_argument("--bad-share", type=float, default=0.0, help="share of truncated (malformed) lines")
    parser.add_argument(
        "--prominent-namesakes",
        action="store_true",
        help="twice as many namesakes of famous people, with sitelinks as heavy-tailed as anyone's",
    )
    parser.add_argument(
        "--stats", action="store_true", help="print name-vocabulary, homonym, sitelink and trap figures at the end"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    stats = DumpStats() if args.stats else None
    counts = write_dump(
        args.out,
        args.entities,
        seed=args.seed,
        in_scope=args.in_scope,
        bad_share=args.bad_share,
        stats=stats,
        prominent_namesakes=args.prominent_namesakes,
    )
    _LOGGER.info(
        "wrote %s (%d bytes) in %.1fs: %s",
        args.out,
        args.out.stat().st_size,
        time.monotonic() - started,
        dict(sorted(counts.items())),
    )
    if stats is not None:
        print(stats.report(stats.traps))
    return 0


if __name__ == "__main__":
    sys.exit(main())

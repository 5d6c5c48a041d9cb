"""`python -m gazetteer build …`: the command line over `gazetteer.build`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from gazetteer.build import BuildCheckError, Source, build
from gazetteer.readers.seeds import SOURCE_NAME, SeedFormatError, read_seeds

_LOGGER = logging.getLogger(__name__)

DEFAULT_OUT = Path("build/gazetteer.sqlite")
DEFAULT_SEEDS = Path("seeds")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gazetteer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build a gazetteer SQLite file, replacing the old one atomically")
    build_cmd.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default {DEFAULT_OUT})")
    build_cmd.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed *.jsonl files")
    build_cmd.add_argument("--no-seeds", action="store_true", help="do not merge the curated seeds")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sources: list[Source] = []
    seeds = None if args.no_seeds else Source(SOURCE_NAME, read_seeds(args.seeds), {"path": str(args.seeds)})
    try:
        report = build(args.out, sources, seeds)
    except (SeedFormatError, BuildCheckError) as exc:
        _LOGGER.error("build failed, previous gazetteer kept: %s", exc)
        return 1
    print(
        f"{report.out_path}: version {report.version}, {report.entity_count} entities "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.counts_by_type.items()))}), "
        f"{report.name_count} names, {report.seconds:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

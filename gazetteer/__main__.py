"""`python -m gazetteer build …`: the command line over `gazetteer.build`.

    python -m gazetteer build --dump FILE [--dump FILE2 …] [--sparql] [--no-seeds] --out DB

Sources are merged in the order dumps, SPARQL, seeds; a later one wins for
the fields it sets, so the curated seeds win over Wikidata.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from gazetteer.build import BuildCheckError, BuildLockedError, Source, build
from gazetteer.profile import DEFAULT_PROFILE_PATH, ProfileError, load_profile
from gazetteer.readers import dump, sparql
from gazetteer.readers.seeds import SOURCE_NAME, SeedFormatError, read_seeds
from gazetteer.wdqs import WdqsClient, WdqsError, WdqsSettings

_LOGGER = logging.getLogger(__name__)

DEFAULT_OUT = Path("build/gazetteer.sqlite")
DEFAULT_SEEDS = Path("seeds")
DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_USER_AGENT = (
    "entitylinker-gazetteer/0.1 (Arabic entity-linking gazetteer build; "
    "set WDQS_USER_AGENT to add a contact URL or e-mail) python-urllib"
)
# Errors that mean "this build cannot be made"; anything else is a bug and keeps its traceback.
_BUILD_ERRORS = (
    SeedFormatError,
    BuildCheckError,
    BuildLockedError,
    dump.DumpReadError,
    ProfileError,
    WdqsError,
    sparql.SparqlFormatError,
)


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Everything a build run needs, from flags with environment-variable fallbacks."""

    out: Path
    dumps: tuple[Path, ...]
    sparql: bool
    seeds: Path | None
    profile: Path
    max_bad_share: float
    workers: int
    progress: bool | None  # None: a bar on a terminal, log lines otherwise
    wdqs: WdqsSettings
    queries: Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gazetteer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("build", help="build a gazetteer SQLite file, replacing the old one atomically")
    cmd.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default {DEFAULT_OUT})")
    cmd.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed *.jsonl files")
    cmd.add_argument("--no-seeds", action="store_true", help="do not merge the curated seeds")
    cmd.add_argument(
        "--dump",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a Wikidata JSON dump (.json, .json.gz or .json.bz2; - reads standard input); repeat for several",
    )
    cmd.add_argument("--sparql", action="store_true", help="run the queries of --queries against the query service")
    cmd.add_argument("--profile", type=Path, default=DEFAULT_PROFILE_PATH, help="scope profile (JSON)")
    cmd.add_argument(
        "--max-bad-share",
        type=float,
        default=dump.DEFAULT_MAX_BAD_SHARE,
        metavar="FRACTION",
        help=f"fail when more than this share of a dump's lines is malformed (default {dump.DEFAULT_MAX_BAD_SHARE})",
    )
    cmd.add_argument(
        "--workers",
        type=int,
        default=dump.default_workers(),
        help="processes parsing dump lines; 0 parses in the main process (default: one per core)",
    )
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar or progress log lines")
    wdqs = cmd.add_argument_group("query service (--sparql)")
    wdqs.add_argument(
        "--endpoint",
        default=os.environ.get("WDQS_ENDPOINT", DEFAULT_ENDPOINT),
        help="SPARQL endpoint (env WDQS_ENDPOINT)",
    )
    wdqs.add_argument(
        "--user-agent",
        default=os.environ.get("WDQS_USER_AGENT", DEFAULT_USER_AGENT),
        help="User-Agent header (env WDQS_USER_AGENT); say who you are and how to reach you",
    )
    wdqs.add_argument("--queries", type=Path, default=sparql.DEFAULT_QUERIES_DIR, help="folder of .rq templates")
    wdqs.add_argument("--page-size", type=int, default=5000, help="entities per query page (default 5000)")
    wdqs.add_argument("--timeout", type=float, default=70.0, help="seconds to wait for one page (default 70)")
    wdqs.add_argument("--retries", type=int, default=5, help="retries of a page after 429/5xx (default 5)")
    wdqs.add_argument("--backoff", type=float, default=2.0, help="first retry wait in seconds, doubled each time")
    return parser


def settings_from_args(args: argparse.Namespace) -> BuildSettings:
    """The frozen settings of a `build` command line."""
    return BuildSettings(
        out=args.out,
        dumps=tuple(args.dump),
        sparql=args.sparql,
        seeds=None if args.no_seeds else args.seeds,
        profile=args.profile,
        max_bad_share=args.max_bad_share,
        workers=max(0, args.workers),
        progress=False if args.no_progress else None,
        wdqs=WdqsSettings(
            endpoint=args.endpoint,
            user_agent=args.user_agent,
            timeout=args.timeout,
            max_retries=args.retries,
            backoff_base=args.backoff,
            page_size=args.page_size,
        ),
        queries=args.queries,
    )


def sources_for(settings: BuildSettings) -> tuple[list[Source], Source | None]:
    """The sources of a build, in merge order, and the seeds (None with --no-seeds)."""
    profile = load_profile(settings.profile)
    sources: list[Source] = []
    for path in settings.dumps:
        reader = dump.DumpReader(
            path, profile, max_bad_share=settings.max_bad_share, workers=settings.workers, progress=settings.progress
        )
        sources.append(Source(dump.SOURCE_NAME, reader, {"profile": str(settings.profile)}, reader.stats.as_details))
    if settings.sparql:
        client = WdqsClient(settings.wdqs)
        queries = sparql.load_queries(settings.queries)
        sparql_reader = sparql.SparqlReader(client, queries, profile, progress=settings.progress)
        sources.append(Source(sparql.SOURCE_NAME, sparql_reader, {}, sparql_reader.stats.as_details))
    seeds = None
    if settings.seeds is not None:
        seeds = Source(SOURCE_NAME, read_seeds(settings.seeds), {"path": str(settings.seeds)})
    return sources, seeds


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # Unwind like Ctrl-C does, so the build removes its temporary file.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, _terminate)
    settings = settings_from_args(args)
    try:
        sources, seeds = sources_for(settings)
        if not sources and seeds is None:
            _LOGGER.error("nothing to build from: give --dump or --sparql, or keep the seeds")
            return 2
        report = build(settings.out, sources, seeds)
    except _BUILD_ERRORS as exc:
        _LOGGER.error("build failed, previous gazetteer kept: %s", exc)
        return 1
    except KeyboardInterrupt:
        _LOGGER.error("build interrupted, previous gazetteer kept")
        return 130
    print(
        f"{report.out_path}: version {report.version}, {report.entity_count} entities "
        f"({', '.join(f'{k} {v}' for k, v in sorted(report.counts_by_type.items()))}), "
        f"{report.name_count} names, {report.seconds:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

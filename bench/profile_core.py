"""cProfile of the warm linking core on one gazetteer: where Link and Resolve spend their time.

    python -m bench.profile_core --gazetteer bench/data/gazetteer-1000000.sqlite [--what article] [--top 25]

--what: `article` (Link on the seed article, 50 calls), `long` (Link on the
1 MB text, once), `resolve` (Resolve on the dev set, 5 passes). The linker is
warmed as in the benchmark first; the profile covers only the timed calls.

cProfile sees a compiled function (`make native`) as one opaque call: set
ENTITYLINKER_PLAIN_CORE=1 for a function-level profile of the plain core, or
profile the compiled one with `py-spy record --native`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import sys
from collections.abc import Callable
from pathlib import Path

from bench.measure import Texts
from gazetteer.loader import load_gazetteer
from gazetteer.records import EntityKind
from server.linking import Linker


def workload(linker: Linker, texts: Texts, what: str) -> Callable[[], None]:
    """The calls to profile, after warming the linker with the same inputs."""
    queries = [(q.query, q.context, frozenset(EntityKind(t) for t in q.types)) for q in texts.queries]

    def resolve() -> None:
        for _ in range(5):
            for name, context, kinds in queries:
                linker.resolve(name, context, kinds, 5)

    def article() -> None:
        for _ in range(50):
            linker.link(texts.article)

    def long() -> None:
        linker.link(texts.long)

    for name, context, kinds in queries:
        linker.resolve(name, context, kinds, 5)
    for passage in [texts.article, *texts.passages]:
        linker.link(passage)
    return {"resolve": resolve, "article": article, "long": long}[what]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile_core", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gazetteer", type=Path, required=True)
    parser.add_argument("--what", choices=("article", "long", "resolve"), default="article")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    linker = Linker(load_gazetteer(args.gazetteer))
    run = workload(linker, Texts.load(), args.what)
    profile = cProfile.Profile()
    profile.runcall(run)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

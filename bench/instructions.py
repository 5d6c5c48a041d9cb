"""Instructions executed by one warm Link, counted by callgrind: a figure the machine's drift cannot move.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=OUT \\
        .venv/bin/python -m bench.instructions --gazetteer bench/data/gazetteer-1000000.sqlite [--what long]
    callgrind_annotate OUT | head

Timings on this machine swing by up to 2x from one minute to the next, so a
change of a few percent shows only side by side; an instruction count is the
same on every run. The linker is warmed on the text first; instrumentation is
switched on (`callgrind_control -i on`) only around the counted calls. Memory
latency is not counted: a large gazetteer costs more time than its count says.
Needs valgrind (Debian's `valgrind` package); outside valgrind it just runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from pathlib import Path

from bench.datasets import LONG_TEXT_BYTES, articles_of, dev_passages, long_text, real_newswire, seed_article
from gazetteer.loader import load_gazetteer
from server.heap import settle_after_load
from server.linking import COMPILED, Linker

REAL_ARTICLES = 60


def _instrument(on: bool) -> None:
    """Switch callgrind's counting on or off for this process (nothing outside valgrind)."""
    with contextlib.suppress(FileNotFoundError):
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--gazetteer", type=Path, required=True)
    parser.add_argument(
        "--what",
        choices=("article", "long", "real"),
        default="long",
        help="the seed article, 1 MB, or the first 60 ANERcorp articles met for the first time",
    )
    parser.add_argument("--calls", type=int, default=1, help="counted calls (article and long)")
    args = parser.parse_args(argv)
    linker = Linker(load_gazetteer(args.gazetteer))
    settle_after_load()  # as the server does
    for passage in dev_passages():
        linker.link(passage)
    if args.what == "real":
        # Words a warm linker has not met: each article is linked once, as it comes.
        texts = articles_of(real_newswire(LONG_TEXT_BYTES), len(seed_article()))[:REAL_ARTICLES]
        if not texts:
            parser.error("the ANERcorp half is not at hand (../shared/data, or ENTITYLINKER_ANERCORP)")
    else:
        text = seed_article() if args.what == "article" else long_text()
        linker.link(text)
        texts = [text] * args.calls
    _instrument(True)
    for text in texts:
        linker.link(text)
    _instrument(False)
    keys = len(linker.index.key_entries)
    print(f"counted {len(texts)} Link call(s) on the {args.what} text; core {'compiled' if COMPILED else 'plain'}")
    print(f"distinct name keys looked up since start: {keys:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

from bench.datasets import dev_passages, long_text, seed_article
from gazetteer.loader import load_gazetteer
from server.heap import settle_after_load
from server.linking import COMPILED, Linker


def _instrument(on: bool) -> None:
    """Switch callgrind's counting on or off for this process (nothing outside valgrind)."""
    with contextlib.suppress(FileNotFoundError):
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--gazetteer", type=Path, required=True)
    parser.add_argument("--what", choices=("article", "long"), default="long", help="the seed article, or 1 MB")
    parser.add_argument("--calls", type=int, default=1, help="counted calls")
    args = parser.parse_args(argv)
    linker = Linker(load_gazetteer(args.gazetteer))
    settle_after_load()  # as the server does
    text = seed_article() if args.what == "article" else long_text()
    for passage in dev_passages():
        linker.link(passage)
    linker.link(text)
    _instrument(True)
    for _ in range(args.calls):
        linker.link(text)
    _instrument(False)
    print(f"counted {args.calls} Link call(s) on the {args.what} text; core {'compiled' if COMPILED else 'plain'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

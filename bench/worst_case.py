"""Worst-case inputs within the size limit: seconds and resident-memory growth of each, through the core.

`python -m bench.worst_case [--gazetteer PATH] [--limit-bytes N]` links each
input once in this process (the core, no gRPC) and prints its wall time, the
mentions found, the growth of this process's resident set after the call, and
the peak growth during it (VmHWM, reset before each input). The server bounds
each call further with `--max-call-seconds` (the core stops at its next check).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gazetteer.loader import GazetteerLoadError, load_gazetteer
from gazetteer.schema import SchemaMismatchError
from server.heap import settle_after_load
from server.linking import COMPILED, Linker

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LIMIT_BYTES = 1024 * 1024


def _fit(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8."""
    while len(text.encode("utf-8")) > limit:
        text = text[: len(text) * 9 // 10]
    return text


def worst_cases(limit: int = LIMIT_BYTES) -> dict[str, Callable[[], str]]:
    """The inputs of issue 10, each at (or near) `limit` bytes of UTF-8."""
    rng = random.Random(10)
    return {
        "one long word": lambda: "".join(rng.choice(LETTERS) for _ in range(limit // 2 - 8)),
        "one letter repeated": lambda: "ب" * (limit // 2 - 10),
        "a name repeated 100,000 times": lambda: "مصر " * 100_000,
        "a long name repeated": lambda: _fit("الرباط " * (limit // 13), limit),
        "random letters and spaces": lambda: "".join(rng.choice(LETTERS + " ") for _ in range(limit // 2 - 8)),
        "every codepoint class": lambda: _fit(
            "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF), limit
        ),
        "NUL and control characters": lambda: "\x00\x01\x02\x7f\x85" * (limit // 8),
    }


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def _gazetteer(path: Path | None, folder: Path) -> Path:
    if path is not None:
        return path
    from gazetteer.build import Source, build
    from gazetteer.readers.seeds import read_seeds

    out = folder / "seeds.sqlite"
    build(out, [], Source("seeds", read_seeds(Path("seeds"))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worst_case", description=__doc__)
    parser.add_argument("--gazetteer", type=Path, default=None, help="gazetteer file (default: the seeds, built now)")
    parser.add_argument("--limit-bytes", type=int, default=LIMIT_BYTES, help="the server's --max-text-bytes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        try:
            linker = Linker(load_gazetteer(_gazetteer(args.gazetteer, Path(folder))))
        except (GazetteerLoadError, SchemaMismatchError) as exc:
            print(f"cannot load the gazetteer: {exc}", file=sys.stderr)
            return 2
        settle_after_load()  # the collector's thresholds and the allocator as the server sets them
        linker.link("زار بوريطة الرباط")  # warm the caches every input shares
        print(f"linking core {'compiled' if COMPILED else 'plain Python'}")
        print(f"{'input':<32} {'bytes':>9} {'seconds':>8} {'mentions':>9} {'RSS +MiB':>9} {'peak +MiB':>10}")
        for name, make in worst_cases(args.limit_bytes).items():
            text = make()
            before = _status_kib("VmRSS")
            _reset_peak()
            started = time.perf_counter()
            mentions = len(linker.link(text).mentions)
            seconds = time.perf_counter() - started
            after, peak = _status_kib("VmRSS"), _status_kib("VmHWM")
            print(
                f"{name:<32} {len(text.encode('utf-8')):>9} {seconds:>8.2f} {mentions:>9} "
                f"{(after - before) / 1024:>9.1f} {(peak - before) / 1024:>10.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench.ops_bench`, the served phase of `make bench` alone, runs and prints both rows.

Not a benchmark (no figure is checked): two `python -m server --workers 2` on
the seed gazetteer, one with TLS, a token, metrics and the access log, a
fraction of a second of load each.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import ops_bench
from bench.table import SECURED


def test_ops_bench_prints_the_plain_and_the_secured_row(
    seed_gazetteer_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--gazetteer", str(seed_gazetteer_path), "--seconds", "0.4", "--warm", "0.1", "--callers", "2"]
    assert ops_bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "Link, seed article, gRPC, 2 callers, --workers 2" in out
    secured = next(line for line in out.splitlines() if SECURED in line and "doc/s" in line)
    assert re.search(r"cost -?\d+\.\d% of doc/s", secured), secured
    lines = re.search(r"([\d,]+) log lines from the secured server", out)
    assert lines and int(lines.group(1).replace(",", "")) > 0  # the access log was on

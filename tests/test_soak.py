"""A short soak (`bench/soak.py`): mixed load, reloads, a corrupt file, an overwrite, a killed worker, SIGTERM."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.soak import run


def test_a_short_soak_fails_no_call(seed_gazetteer_path: Path) -> None:
    args = argparse.Namespace(seconds=8.0, callers=16, rss_calls=500, reloads=5, gazetteer=seed_gazetteer_path)
    result = run(args)
    print(result.report())
    assert result.failed == 0, result.failures
    assert result.wrong == 0
    assert result.corrupt_refused and result.in_place_harmless and result.worker_restarted
    assert result.fds_after <= result.fds_before + 2
    assert result.exit_code == 0

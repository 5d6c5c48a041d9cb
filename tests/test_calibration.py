"""Resolve's score calibration: the fitted table, and how the core reads it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evaluation.calibrate import curve_at, isotonic
from server.linking.scoring import RESOLVE_CALIBRATION, calibrated


def test_isotonic_fit_never_falls_and_is_smoothed() -> None:
    points = [(0.55, 0.0), (0.6, 1.0), (0.65, 0.0), (0.7, 1.0), (0.8, 1.0), (0.9, 1.0)]
    fit = isotonic(points)
    values = [value for _, value in fit]
    assert values == sorted(values)
    assert values[0] > 0.0 and values[-1] < 1.0  # Laplace: neither certainty nor zero
    assert curve_at(fit, 0.95) == values[-1]


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_the_shipped_table_keeps_the_order_of_scores(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert calibrated(low, RESOLVE_CALIBRATION) <= calibrated(high, RESOLVE_CALIBRATION)
    assert 0.0 <= calibrated(low, RESOLVE_CALIBRATION) <= 1.0


def test_an_empty_table_gives_raw_scores() -> None:
    assert calibrated(0.73, ()) == 0.73
    assert calibrated(0.75, ((0.5, 0.5), (1.0, 0.9))) == 0.7

"""The development set stays valid and the linker keeps issue 3's quality targets on it.

The Resolve target holds on the whole query set, the hard queries included; the hard
subset's own figure is a separate, not yet met target (xfail, not strict).
"""

from __future__ import annotations

import pytest

from evaluation.devset import load_passages, load_queries, seed_kinds, validate_devset
from evaluation.running import compute_figures
from server.linking import Linker
from tests.conftest import SEED_ARTICLE


@pytest.fixture(scope="module")
def figures(linker: Linker):  # type: ignore[no-untyped-def]
    return compute_figures(linker, load_passages(), load_queries(), seed_kinds())


def test_the_development_set_is_valid() -> None:
    kinds = seed_kinds()
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    assert validate_devset(load_passages(), load_queries(), kinds, article) == []


def test_link_quality_targets(figures) -> None:  # type: ignore[no-untyped-def]
    link, _resolve, crashes = figures
    assert crashes == []
    assert link.overall.f1 >= 0.95, link.overall
    assert link.overall.precision >= 0.97, link.overall


def test_resolve_quality_targets(figures) -> None:  # type: ignore[no-untyped-def]
    _link, resolve, _crashes = figures
    assert resolve.accuracy_at_1 >= 0.95
    assert resolve.false_match_rate == 0.0


@pytest.mark.xfail(
    strict=False,
    reason="the hard Resolve subset (misspelled, joined, partial, titled, formal, clitic-glued names) was "
    "written without running the linker; it is a target the linker may not meet yet",
)
def test_resolve_hard_subset_target(figures) -> None:  # type: ignore[no-untyped-def]
    _link, resolve, _crashes = figures
    hard = resolve.hard
    assert len(hard.positive) >= 60
    assert hard.accuracy_at_1 >= 0.95, f"hard acc@1 {hard.accuracy_at_1:.3f}"
    assert hard.false_match_rate == 0.0

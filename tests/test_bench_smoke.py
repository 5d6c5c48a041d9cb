"""A tiny run of the service benchmark's code: the seed gazetteer, a couple of rounds, every row present.

Not a benchmark (that is `make bench`): it checks that the measuring code
runs end to end — core, alternatives, a served `python -m server --workers 2`,
the echo service — and that the table carries the rows readers expect.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bench.alternatives import AhoCorasickSpotter, FtsResolver, ensure_alternative_db
from bench.measure import BenchConfig, SizeResult, Texts, measure_echo, measure_growth, measure_size
from bench.table import report
from entitylinker.v1 import entity_linker_service_pb2 as pb

_LOGGER = logging.getLogger(__name__)

TINY = BenchConfig(
    resolve_rounds=1,
    fts_rounds=1,
    extract_queries=2,
    link_rounds=2,
    long_text_bytes=20_000,
    long_rounds=1,
    callers=2,
    workers=2,
    warm_seconds=0.1,
    load_seconds=0.3,
    growth_rounds=2,
)

EXPECTED_ROWS = (
    "Resolve, service core",
    "FTS5 trigram + rapidfuzz",
    "process.extract, all",
    "distinct keys (reference)",
    "Link, seed article, service core",
    "MB text, service core",
    "Aho-Corasick exact spotter",
    "MB real newswire (ANERcorp half), warm",
    "real news articles met for the first time",
    "Link, seed article, gRPC",
    "echo gRPC",
    "growth of Resolve p50",
    "growth of Link p50",
)


@pytest.fixture(scope="module")
def texts() -> Texts:
    # The real-newswire phase on a stand-in text (the dev passages): the code path, not the figures.
    plain = Texts.load(TINY.long_text_bytes)
    return replace(plain, real="\n\n".join(plain.passages[:5]))


def test_alternatives_find_a_seed_name(seed_gazetteer_path: Path, tmp_path: Path) -> None:
    gazetteer = tmp_path / "seeds.sqlite"
    gazetteer.write_bytes(seed_gazetteer_path.read_bytes())
    alternative_db = ensure_alternative_db(gazetteer)
    fts = FtsResolver(alternative_db)
    try:
        assert fts.resolve("الرباط")[0].qid == "Q3551"
    finally:
        fts.close()
    spotter = AhoCorasickSpotter(["الرباط", "المغرب"])
    assert len(spotter.spot("زار الرباط ثم المغرب.")) == 2


def test_the_bench_table_has_every_row(seed_gazetteer_path: Path, tmp_path: Path, texts: Texts) -> None:
    gazetteer = tmp_path / "seeds.sqlite"
    gazetteer.write_bytes(seed_gazetteer_path.read_bytes())
    result: SizeResult = measure_size("seeds", gazetteer, TINY, texts)
    assert result.core.resolve.count == len(texts.queries)
    assert result.served.load.calls > 0
    assert len(result.served.memory) == TINY.workers
    assert result.alternatives.extract_agree
    assert result.core.real is not None and result.core.real.mentions > 0 and result.core.real.articles > 0
    request = pb.LinkRequest(text=texts.article).SerializeToString()
    echo = measure_echo(TINY, request, result.served.response_bytes)
    assert echo.load.calls > 0
    growth = measure_growth(gazetteer, gazetteer, TINY, texts)
    assert growth.small_link.count == growth.large_link.count > 0
    assert growth.large_resolve.count == TINY.growth_rounds * len(texts.queries)
    table = report([result, result], echo, growth, TINY, len(texts.queries), 0.0)
    for row in EXPECTED_ROWS:
        assert row in table, row
    assert "(side by side)" in table
    # --no-alternatives: the service's rows without the alternatives' own.
    skipped = report([replace(result, alternatives=None)] * 2, echo, growth, TINY, len(texts.queries), 0.0)
    assert "Link, seed article, service core" in skipped and "alternatives not run" in skipped
    assert "FTS5 trigram" not in skipped and "process.extract, all" not in skipped


def test_an_overload_burst_is_answered_whole(seed_gazetteer_path: Path) -> None:
    from bench.overload import burst

    answered, seconds, before, peak = burst(seed_gazetteer_path, 1024 * 1024, 3, "زار بوريطة مصر. " * 2000)
    assert answered == 3
    assert seconds > 0 and before > 0 and peak >= 0

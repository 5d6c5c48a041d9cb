"""The synthetic dump holds the traps a real Wikidata gazetteer holds (bench/make_dump.py).

At 20,000 entities (10% in scope, as `make bench-build` writes them): namesakes
of a seed person's surname, nisba family names, villages named with ordinary
words, seed place names reused elsewhere; and the wire shape the reader expects.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.make_dump import write_dump
from bench.synthetic import sources
from bench.synthetic.stats import DumpStats
from bench.synthetic.vocabulary import nisba


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], DumpStats]:
    path = tmp_path_factory.mktemp("dump") / "synthetic.json.gz"
    stats = DumpStats()
    write_dump(path, 20_000, seed=3, in_scope=0.10, stats=stats)
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = [line.rstrip(",\n") for line in handle if line.startswith("{")]
    return [json.loads(line) for line in lines], stats


def _arabic_labels(entities: list[dict]) -> list[str]:
    return [e["labels"]["ar"]["value"] for e in entities if "ar" in e["labels"]]


def test_seed_surnames_have_namesakes(dump: tuple[list[dict], DumpStats]) -> None:
    entities, _ = dump
    surnames = {p.surname_ar for p in sources.seed_people(frozenset())}
    famous = {p.label_ar for p in sources.seed_people(frozenset())}
    namesakes = [
        label
        for label in _arabic_labels(entities)
        if label not in famous and (label in surnames or label.split()[-1] in surnames)
    ]
    assert len(namesakes) >= 20
    assert all(e["id"] >= "Q9000000001" and len(e["id"]) == 11 for e in entities)


def test_nisba_family_names_and_ordinary_word_villages(dump: tuple[list[dict], DumpStats]) -> None:
    entities, stats = dump
    nisbas = {n for p in sources.seed_places() if (n := nisba(p.label_ar))}
    assert {"المصري", "السوري", "التونسي"} <= nisbas
    people = [e for e in entities if e["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"] == "Q5"]
    with_nisba = [e for e in people if "ar" in e["labels"] and e["labels"]["ar"]["value"].split()[-1] in nisbas]
    assert len(with_nisba) >= 20
    ordinary = set(sources.ordinary_words())
    villages = [
        label
        for e in entities
        if e["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"] == "Q532" and "ar" in e["labels"]
        for label in [e["labels"]["ar"]["value"]]
        if label.removeprefix("ال") in ordinary
    ]
    assert len(villages) >= 10
    assert stats.traps["village named with an ordinary word"] >= 10


def test_seed_place_names_recur_and_sitelinks_are_heavy_tailed(dump: tuple[list[dict], DumpStats]) -> None:
    entities, stats = dump
    seed_names = {p.label_ar for p in sources.seed_places()}
    reused = Counter(label for label in _arabic_labels(entities) if label in seed_names)
    assert len(reused) >= 20
    links = sorted(
        len(e["sitelinks"]) for e in entities if e["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"] == "Q5"
    )
    assert links[len(links) // 2] <= 1 and links[-1] >= 20  # median person 0–1, a long tail
    assert stats.in_scope > 1_000 and len(stats.words) > 1_500


def _namesake_sitelinks(entities: list[dict]) -> list[int]:
    """Sitelink counts of the people who bear a famous seed person's family name, the famous ones left out."""
    surnames = {p.surname_ar for p in sources.seed_people(frozenset())}
    famous = {p.label_ar for p in sources.seed_people(frozenset())}
    return [
        len(e.get("sitelinks", {}))
        for e in entities
        if (label := e["labels"].get("ar", {}).get("value"))
        and label not in famous
        and label.split()[-1] in surnames
        and any(c["mainsnak"]["datavalue"]["value"]["id"] == "Q5" for c in e["claims"].get("P31", []))
    ]


def test_the_prominent_namesakes_shape_has_more_and_better_known_namesakes(
    tmp_path: pytest.TempPathFactory, dump: tuple[list[dict], DumpStats]
) -> None:
    """The other shape (`--prominent-namesakes`): namesakes as many again, more of them known (over 3 sitelinks).

    People of the usual shape may bear a famous family name without being drawn as namesakes."""
    path = tmp_path / "prominent.json"  # type: ignore[operator]
    write_dump(path, 20_000, seed=3, in_scope=0.10, prominent_namesakes=True)
    with open(path, encoding="utf-8") as handle:
        prominent = [json.loads(line.rstrip(",\n")) for line in handle if line.startswith("{")]
    usual, other = _namesake_sitelinks(dump[0]), _namesake_sitelinks(prominent)
    assert len(other) >= 1.5 * len(usual)
    assert sum(n > 3 for n in other) >= 2 * sum(n > 3 for n in usual)

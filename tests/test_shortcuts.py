"""The core's shortcuts change nothing: the same output with each one switched off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.devset import HELDOUT_PASSAGES_PATH, PASSAGES_PATH, load_passages
from gazetteer.keys import name_key
from gazetteer.loader import load_gazetteer
from gazetteer.lookup_tables import deletes
from server.linking import Linker
from server.linking.gates import OBSCURE_PRIOR
from tests.conftest import SEEDS_DIR, build_from_seed_dir, synthetic_entity, write_seed_file

# Little-known places named with ordinary words, the crowd a large gazetteer brings
# (synthetic QIDs from Q9000000001 up, the range the synthetic dumps use; they claim nothing real).
_ORDINARY_PLACE_NAMES = ("النور", "الأمل", "السلام", "الجديد", "مهمة", "البلاد", "المدينة", "قال", "الدفاع", "الوزراء")


# Obscure namesakes of two seed people: their surnames are the famous ones' (synthetic QIDs).
_NAMESAKES = [
    {"qid": f"Q{9_000_000_600 + n}", "type": "person", "label_ar": label, "label_en": "", "sitelinks": n,
     "instance_of": ["Q5"]}
    for n, label in enumerate(("جون غانتس", "ماري بوريطة"))
]  # fmt: skip


def _village(n: int, label: str) -> dict[str, object]:
    return synthetic_entity(500 + n, "place", label, n % 3, country="Q79")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = [json.loads(line) for path in sorted(SEEDS_DIR.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    villages = [_village(n, label) for n, label in enumerate(_ORDINARY_PLACE_NAMES)]
    # A village named in full by two words and, later in a text, by its ordinary-word alias alone:
    # the dormant span's candidate becomes an anchor, so the second pass must read it after all.
    villages.append({**_village(len(villages), "عين الأمل"), "aliases_ar": ["الأمل"]})
    folder = tmp_path_factory.mktemp("crowded")
    write_seed_file(folder / "seeds", seeds + villages + _NAMESAKES)
    return build_from_seed_dir(folder / "seeds", folder / "gazetteer.sqlite")


def _output(linker: Linker, text: str) -> list[tuple[int, int, str, float, tuple[tuple[str, float], ...]]]:
    from server.linking import LinkOptions

    result = linker.link(text, LinkOptions(max_candidates=5))
    return [
        (m.start, m.end, m.entity.qid, m.score, tuple((c.entity.qid, c.score) for c in m.alternatives))
        for m in result.mentions
    ]


def test_skipping_closed_spans_and_obscure_entities_named_by_ordinary_words_changes_nothing(crowded: Path) -> None:
    plain, fast = Linker(load_gazetteer(crowded)), Linker(load_gazetteer(crowded))
    plain.skip_obscure_ordinary = False
    plain.skip_closed_spans = False
    texts = [p.text for p in load_passages(PASSAGES_PATH) + load_passages(HELDOUT_PASSAGES_PATH)]
    texts.append(" ".join(f"زار الوفد {name} ثم عاد إلى مدينة {name} وقرية {name}." for name in _ORDINARY_PLACE_NAMES))
    anchored = "وصل الوفد إلى قرية عين الأمل صباحا. وقال سكان الأمل إن الطريق مقطوع."
    texts.append(anchored)
    compared = 0
    for text in texts:
        assert _output(fast, text) == _output(plain, text), text[:80]
        compared += 1
    assert compared > 100
    # The village named in full, then by its alias alone: the span of the alias is dormant in the
    # first pass (an ordinary word naming only an obscure village) and linked in the second.
    village = f"Q{9_000_000_500 + len(_ORDINARY_PLACE_NAMES)}"
    assert [(m.surface, m.entity.qid) for m in fast.link(anchored).mentions] == [
        ("عين الأمل", village),
        ("الأمل", village),
    ]
    # The shortcut has something to skip: each village is a candidate of its name, too little known to pass.
    from gazetteer.keys import name_key
    from server.linking.gates import LOW_POPULARITY

    for label in _ORDINARY_PLACE_NAMES:
        priors = {c.entity.qid: c.prior for c in fast._key_candidates(name_key(label), frozenset()).candidates}
        assert any(qid.startswith("Q90000005") and prior < LOW_POPULARITY for qid, prior in priors.items()), label


def test_batched_word_lookups_equal_one_at_a_time(crowded: Path) -> None:
    """The index asks for a fresh word's deletions and two-part cuts in one query each: the same answers."""
    gazetteer = load_gazetteer(crowded)
    try:
        # Every deletion of real name words, typos of them and a word nobody uses.
        words = ["بوريطة", "بورطة", "الرباط", "نتانياهو", "غانتس", "عبدالرحمن", "ضظغذثخ"]
        found = 0
        for word in map(name_key, words):
            variants = deletes(word) | {word}
            one_by_one = {w for v in variants for w in gazetteer.words_with_variant(v)}
            assert gazetteer.words_with_any_variant(variants) == one_by_one
            parts = {p for cut in range(1, len(word)) for p in (word[:cut], word[cut:])}
            assert gazetteer.words_among(parts) == {p for p in parts if gazetteer.is_word(p)}
            found += len(one_by_one)
        assert found  # the comparisons were not all of empty sets
        typo = name_key("بورطة")  # a letter dropped
        assert name_key("بوريطة") in gazetteer.words_with_any_variant(deletes(typo) | {typo})
        assert gazetteer.words_among(set()) == frozenset()
        assert gazetteer.words_with_any_variant(set()) == frozenset()
        # A key's names and whether a longer name starts with it, in one query: the two look-ups' answers.
        keys = ["ناصر", "ناصر بوريطة", "بوريطة", "الرباط", "الإمارات", "الأمم المتحدة", "عبد", "ضظغذثخ"]
        entries = {key: gazetteer.key_entry(name_key(key)) for key in keys}
        for key, entry in entries.items():
            assert entry == (gazetteer.refs(name_key(key)), gazetteer.is_prefix(name_key(key))), key
        assert any(e.refs and e.is_prefix for e in entries.values())
        assert any(e.refs and not e.is_prefix for e in entries.values())
        assert any(e.is_prefix and not e.refs for e in entries.values())
    finally:
        gazetteer.close()


def test_skipping_obscure_namesakes_surnames_changes_nothing(crowded: Path) -> None:
    plain, fast = Linker(load_gazetteer(crowded)), Linker(load_gazetteer(crowded))
    plain.skip_obscure_surnames = False
    texts = [p.text for p in load_passages(PASSAGES_PATH) + load_passages(HELDOUT_PASSAGES_PATH)]
    bare = "قال غانتس إن الحكومة ستجتمع غدا. وأضاف بوريطة أن الوفد وصل."
    anchored = "التقى الوزير جون غانتس بالوفد أمس. وقال غانتس إن الطريق مقطوع."  # the namesake named in full
    for text in [*texts, bare, anchored]:
        assert _output(fast, text) == _output(plain, text), text[:80]
    # The shortcut has something to skip: each namesake is a surname candidate of the bare name,
    # too little known to pass without being named in full.
    for surname, namesake in (("غانتس", _NAMESAKES[0]["qid"]), ("بوريطة", _NAMESAKES[1]["qid"])):
        candidates = fast._key_candidates(name_key(surname), frozenset()).candidates
        assert any(
            c.entity.qid == namesake and c.name_kind == "surname" and c.prior < OBSCURE_PRIOR for c in candidates
        ), surname
    assert {m.entity.qid for m in fast.link(bare).mentions} == {"Q1426396", "Q24893357"}  # the seed people
    # Named in full, the namesake is an anchor, and the bare surname after it is read for him again.
    assert [m.entity.qid for m in fast.link(anchored).mentions] == [_NAMESAKES[0]["qid"]] * 2

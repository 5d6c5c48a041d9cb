"""The evaluation's views on a tiny fixture: spelling-blind and label-only gazetteers, calibration, ANERcorp."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation import anercorp, blind
from evaluation.calibration import reliability
from evaluation.devset import Passage, parse_markup
from evaluation.running import linker_for_records, predict
from gazetteer.keys import name_key
from gazetteer.records import EntityKind, EntityRecord


def _record(qid: str, kind: EntityKind, label_ar: str, label_en: str, sitelinks: int, *aliases: str) -> EntityRecord:
    return EntityRecord(qid, kind, label_ar, label_en, aliases_ar=aliases, sitelinks=sitelinks)


RECORDS = [
    _record("Q1426396", EntityKind.PERSON, "بني غانتس", "Benny Gantz", 60, "بيني غانتس"),
    _record("Q3551", EntityKind.PLACE, "الرباط", "Rabat", 150),
    _record("Q40464", EntityKind.ORGANIZATION, "وكالة الصحافة الفرنسية", "Agence France-Presse", 80, "فرانس برس"),
]
KIND_OF = {r.qid: r.kind.value for r in RECORDS}
MARKUP = (
    "وصل [[بيني غانتس|Q1426396]] إلى [[الرباط|Q3551]] مساء الأحد، بحسب [[فرانس برس|Q40464]]. "
    "وقال [[غانتس|Q1426396]] إن الزيارة تاريخية."
)


def _passages() -> list[Passage]:
    text, gold = parse_markup(MARKUP)
    return [Passage("t1", text, tuple(gold))]


def _refs(linker: object, name: str) -> set[str]:
    return {ref.qid for ref in linker.gazetteer.refs(name_key(name))}  # type: ignore[attr-defined]


def test_blind_pairs_are_the_spellings_that_are_not_the_label() -> None:
    pairs, as_label = blind.blind_pairs(_passages(), RECORDS)
    assert pairs == sorted(
        [("Q1426396", name_key("بيني غانتس")), ("Q1426396", name_key("غانتس")), ("Q40464", name_key("فرانس برس"))]
    )
    assert as_label == 1  # الرباط


def test_slices_are_disjoint_deterministic_and_cover_every_pair() -> None:
    pairs = [(f"Q{i}", f"k{i}") for i in range(1, 23)]
    slices = blind.deal_slices(pairs, 5, seed=7)
    assert slices == blind.deal_slices(pairs, 5, seed=7)
    assert sum(len(s) for s in slices) == len(pairs)
    assert frozenset().union(*slices) == frozenset(pairs)
    assert all(4 <= len(s) <= 5 for s in slices)


def test_a_blind_gazetteer_lacks_the_spelling_and_its_derived_names_but_keeps_the_label() -> None:
    hidden = frozenset({("Q40464", name_key("فرانس برس")), ("Q1426396", name_key("غانتس"))})
    full = linker_for_records(RECORDS)
    blinded = linker_for_records(blind.blind_records(RECORDS, hidden), exclude_names=hidden)
    assert "Q40464" in _refs(full, "فرانس برس") and "Q1426396" in _refs(full, "غانتس")
    assert _refs(blinded, "فرانس برس") == set()
    assert _refs(blinded, "غانتس") == set()  # the surname the build derives from بني غانتس is dropped too
    assert "Q40464" in _refs(blinded, "وكالة الصحافة الفرنسية")
    assert "Q1426396" in _refs(blinded, "بيني غانتس")


def test_spelling_blind_scores_each_blind_mention_on_its_own_run() -> None:
    passages = _passages()
    full = predict(linker_for_records(RECORDS), passages)["t1"]
    assert any(p.qid == "Q40464" and p.surface == "فرانس برس" for p in full)
    report = blind.spelling_blind(RECORDS, passages, KIND_OF, slices=3, seed=1)
    assert report.pairs == 3 and report.blind_mentions == 3
    # With its only alias gone, nothing in the gazetteer spells فرانس برس: the run must miss it.
    assert any(m.surface == "فرانس برس" and m.category == "nothing" for m in report.misses)
    assert report.found + len(report.misses) == report.blind_mentions
    assert report.all_runs.tp >= 3  # الرباط, never blinded, is found in each of the three runs
    assert report.as_dict()["blind_mentions"] == 3


def test_label_only_gazetteer_has_no_aliases() -> None:
    linker = linker_for_records(blind.label_only_records(RECORDS))
    assert _refs(linker, "فرانس برس") == set()
    assert _refs(linker, "بيني غانتس") == set()
    assert "Q1426396" in _refs(linker, "بني غانتس")
    report = blind.label_only(RECORDS, _passages(), KIND_OF)
    assert report.overall.gold == 4
    assert report.overall.tp < 4  # فرانس برس cannot be found from the labels


def test_reliability_table_and_ece() -> None:
    calibration = reliability([(0.95, True), (0.95, False), (0.35, False), (1.0, True)])
    top, low = calibration.bins[9], calibration.bins[3]
    assert (top.count, low.count) == (3, 1)
    assert top.accuracy == pytest.approx(2 / 3) and top.mean_score == pytest.approx(2.9 / 3)
    expected = 3 / 4 * abs(2 / 3 - 2.9 / 3) + 1 / 4 * 0.35
    assert calibration.ece == pytest.approx(expected)
    assert reliability([]).ece == 0.0


def test_anercorp_figures_on_a_written_sentence(tmp_path: Path) -> None:
    text = "وصل بيني غانتس أمس بالرباط في زيارة رسمية."
    person, place = text.index("بيني غانتس"), text.index("بالرباط")
    spans = [
        {"start": person, "end": person + 10, "type": "PER", "surface": "بيني غانتس"},
        # the clitic stays in the span, as in ANERcorp; ORG is a deliberate type disagreement
        {"start": place, "end": place + 7, "type": "ORG", "surface": "بالرباط"},
    ]
    path = tmp_path / "sentences.jsonl"
    path.write_text(json.dumps({"id": "s1", "text": text, "spans": spans}, ensure_ascii=False) + "\n", "utf-8")
    sentences = anercorp.load_sentences(path)
    report = anercorp.evaluate_anercorp(linker_for_records(RECORDS), sentences, "fixture")
    assert report.links == 2 and report.on_name == 2
    assert report.exact == 1 and report.exact_up_to_proclitic == 2
    assert report.type_agree == 1 and report.typed_links == 2
    assert sum(report.gazetteer_names.values()) == 2  # بالرباط through its proclitic
    assert sum(report.recalled_strict.values()) == 2
    assert not report.false_links
    # Another gazetteer's links against these: the same two kept; one lost, or moved to another entity, is not.
    assert anercorp.links_kept(report, report) == (2, 2)
    other = anercorp.AnercorpReport(gazetteer="other", link_qids=dict(report.link_qids))
    first, second = sorted(other.link_qids)
    del other.link_qids[first]
    other.link_qids[second] = "Q1"
    assert anercorp.links_kept(report, other) == (0, 2)
    assert anercorp.links_kept(other, report) == (0, 1)


def test_anercorp_path_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(anercorp.ENV_VAR, str(tmp_path / "x.jsonl"))
    assert anercorp.default_path() == tmp_path / "x.jsonl"
    monkeypatch.delenv(anercorp.ENV_VAR)
    assert anercorp.default_path() == anercorp.DEFAULT_PATH


def test_neutral_names_lists_the_seed_names_a_larger_gazetteer_loses() -> None:
    """A better-known namesake takes الرباط in a sentence that says nothing else: the view names the loss
    and what took it; the other seed names are kept."""
    from evaluation.neutral import neutral_names

    namesake = _record("Q9000000950", EntityKind.PLACE, "الرباط", "", 400)
    seeds, larger = linker_for_records(RECORDS), linker_for_records([*RECORDS, namesake])
    report = neutral_names(seeds, larger, RECORDS, "larger")
    assert report.names == 5  # two names each of Gantz and AFP, and Rabat
    assert [(x.qid, x.name, x.linked) for x in report.lost] == [("Q3551", "الرباط", [("الرباط", "Q9000000950")])]
    assert report.as_dict()["kept"] == 4

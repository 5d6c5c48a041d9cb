"""The Wikidata JSON dump reader: framing, compression, scope, ranks, malformed lines."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.make_dump import DumpGenerator
from gazetteer.profile import ProfileError, load_profile, profile_from_dict
from gazetteer.progress import Progress
from gazetteer.readers import dump_pipeline, json_layout
from gazetteer.readers.dump import DumpReader, DumpReadError
from gazetteer.readers.wikidata_entity import LinePrefilter, decode_entity, entity_to_record
from gazetteer.records import EntityKind, EntityRecord

DATA = Path(__file__).parent / "data" / "wikidata"
SAMPLE = DATA / "dump-sample.json"
KEPT = ["Q1028", "Q3551", "Q801", "Q76", "Q1065", "Q9000000001", "Q9000000004", "Q9000000005"]


def read(path: Path, **kwargs: object) -> tuple[list[EntityRecord], DumpReader]:
    reader = DumpReader(path, kwargs.pop("profile", load_profile()), progress=False, **kwargs)  # type: ignore[arg-type]
    return list(reader), reader


def by_qid(records: list[EntityRecord]) -> dict[str, EntityRecord]:
    return {r.qid: r for r in records}


def sample_lines() -> list[bytes]:
    return [line.rstrip(b",") for line in SAMPLE.read_bytes().splitlines() if line.startswith(b"{")]


def test_sample_dump_keeps_the_in_scope_entities_in_file_order() -> None:
    records, reader = read(SAMPLE)
    assert [r.qid for r in records] == KEPT
    stats = reader.stats
    assert (stats.entities, stats.kept, stats.bad_lines) == (13, 8, 0)
    assert stats.rejected_cheaply + stats.rejected_parsed == 5
    assert stats.latest_modified == "2024-05-01T10:00:00Z"


def test_fields_are_extracted_from_labels_claims_and_sitelinks() -> None:
    records = by_qid(read(SAMPLE)[0])
    morocco = records["Q1028"]
    assert morocco.kind is EntityKind.PLACE
    assert (morocco.label_ar, morocco.label_en) == ("المغرب", "Morocco")
    assert morocco.description_en == "country in North Africa"
    assert morocco.aliases_ar == ("المملكة المغربية",) and morocco.aliases_en == ("Kingdom of Morocco",)
    assert morocco.instance_of == ("Q6256", "Q3624078")
    assert (morocco.country_qid, morocco.lat, morocco.lon, morocco.sitelinks) == ("Q1028", 31.65, -7.19, 3)
    assert morocco.sources == ("wikidata-dump",)
    obama = records["Q76"]
    assert obama.kind is EntityKind.PERSON
    assert (obama.country_qid, obama.positions) == ("Q30", ("Q11696",))  # P27 for people
    assert records["Q1065"].kind is EntityKind.ORGANIZATION


def test_ranks_and_snak_types() -> None:
    village = by_qid(read(SAMPLE)[0])["Q9000000001"]
    assert village.instance_of == ("Q532",)  # the deprecated P31 is dropped
    assert village.country_qid == "Q1028"  # the preferred P17 wins over the normal one
    assert (village.lat, village.lon) == (33.5, -7.5)  # the deprecated coordinate is skipped
    diplomat = by_qid(read(SAMPLE)[0])["Q9000000005"]
    assert diplomat.instance_of == ("Q5",)  # from numeric-id alone (old dumps)
    assert diplomat.country_qid == ""  # P27 "unknown value"


def test_empty_maps_written_as_lists_and_mul_labels() -> None:
    party = by_qid(read(SAMPLE)[0])["Q9000000004"]
    assert party.label_ar == "" and party.aliases_ar == ("حزب الاختبار",)  # an Arabic alias is enough
    assert party.label_en == "Testpartei"  # from "mul" when there is no "en"
    assert party.sitelinks == 0 and party.description_ar == ""


@pytest.mark.parametrize(
    ("qid", "why"),
    [
        ("Q42", "a person outside politics"),
        ("Q9000000002", "the only position held is deprecated"),
        ("Q9000000003", "coordinates on Mars, and places need coordinates"),
        ("Q9000000006", "no Arabic name"),
    ],
)
def test_out_of_scope_entities_are_dropped(qid: str, why: str) -> None:
    assert qid not in by_qid(read(SAMPLE)[0]), why


def test_plain_gzip_bzip2_and_worker_processes_give_the_same_records(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    gz = tmp_path / "dump.json.gz"
    gz.write_bytes(gzip.compress(data))
    bz = tmp_path / "dump.json.bz2"
    bz.write_bytes(bz2.compress(data))
    expected = read(SAMPLE)[0]
    assert read(gz)[0] == expected
    assert read(bz)[0] == expected
    records, reader = read(gz, workers=1)
    assert records == expected
    assert reader.stats.compression == "gzip"


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress)])
def test_concatenated_gzip_members_and_bzip2_streams(tmp_path: Path, suffix: str, compress: object) -> None:
    data = SAMPLE.read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 1
    path = tmp_path / f"dump.json{suffix}"
    path.write_bytes(compress(data[:middle]) + compress(data[middle:]))  # type: ignore[operator]
    assert [r.qid for r in read(path)[0]] == KEPT


@pytest.mark.parametrize("workers", [0, 2])
def test_lines_longer_than_a_read_chunk(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setattr(dump_pipeline, "CHUNK_BYTES", 100)  # every line spans many chunks, in many blocks
    records, reader = read(SAMPLE, workers=workers)
    assert [r.qid for r in records] == KEPT
    assert reader.stats.lines == 15


def test_json_lines_without_the_array_framing(tmp_path: Path) -> None:
    path = tmp_path / "entities.jsonl"
    path.write_bytes(b"\n".join(sample_lines()) + b"\n")
    assert [r.qid for r in read(path)[0]] == KEPT


def test_dump_date_comes_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "wikidata-20240101-all.json"
    path.write_bytes(SAMPLE.read_bytes())
    assert read(path)[1].stats.dump_date == "20240101"


def _with_bad_lines(tmp_path: Path) -> Path:
    lines = sample_lines()
    bad = [
        lines[0][: len(lines[0]) // 2],  # cut short
        b"this is not json",
        b'{"type":"item","id":"Q9000000009","labels":{"ar":{"language":"ar","value":7}},'
        b'"claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datavalue":'
        b'{"value":{"entity-type":"item","numeric-id":5,"id":"Q5"},"type":"wikibase-entityid"}}}],'
        b'"P39":[]}}',  # JSON, but a label value that is not a string
    ]
    body = [lines[0], bad[0], lines[1], bad[1], lines[2], bad[2], *lines[3:]]
    path = tmp_path / "bad.json"
    path.write_bytes(b"[\n" + b",\n".join(body) + b"\n]\n")
    return path


def test_malformed_lines_are_counted_with_their_line_numbers(tmp_path: Path) -> None:
    records, reader = read(_with_bad_lines(tmp_path), max_bad_share=0.5)
    assert [r.qid for r in records] == KEPT  # the build goes on past them
    stats = reader.stats
    assert stats.bad_lines == 3
    assert [e.split(":")[0] for e in stats.bad_line_examples] == ["line 3", "line 5", "line 7"]


def test_too_many_malformed_lines_fail_the_read(tmp_path: Path) -> None:
    with pytest.raises(DumpReadError, match=r"3 of 16 entity lines are malformed.*line 3"):
        read(_with_bad_lines(tmp_path), max_bad_share=0.1)


def test_a_truncated_framed_dump_fails(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b"[\n" + b",\n".join(sample_lines()[:3]) + b",\n")  # no closing ]
    with pytest.raises(DumpReadError, match="never closed"):
        read(path)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_damaged_gzip_file_fails(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gzip.compress(SAMPLE.read_bytes())[:-200])
    with pytest.raises(DumpReadError, match=r"unreadable.*EOFError"):
        read(path, workers=workers)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_missing_file_fails_cleanly(tmp_path: Path, workers: int) -> None:
    with pytest.raises(DumpReadError, match="cannot open"):
        read(tmp_path / "nope.json.gz", workers=workers)


def test_worker_processes_report_bad_lines_with_file_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dump_pipeline, "CHUNK_BYTES", 2000)  # many blocks, dealt to both parsers
    inline, _ = read(_with_bad_lines(tmp_path), max_bad_share=0.5)
    records, reader = read(_with_bad_lines(tmp_path), max_bad_share=0.5, workers=2)
    assert records == inline
    assert [e.split(":")[0] for e in reader.stats.bad_line_examples] == ["line 3", "line 5", "line 7"]
    assert reader.stats.lines == 18 and reader.stats.compression == "none"


def test_the_profile_file_decides_the_scope(tmp_path: Path) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"organization": {"instance_of": {"Q484652": "international organization"}}}))
    records, _ = read(SAMPLE, profile=load_profile(path))
    assert [r.qid for r in records] == ["Q1065"]
    path.write_text(json.dumps({"place": {"instance_of": ["Q5x"]}}))
    with pytest.raises(ProfileError, match="instance_of"):
        load_profile(path)


def _item_line(qid: str, label_ar: str, classes: list[str], coordinates: bool) -> bytes:
    """One compact dump line of an item with these P31 classes, an Arabic label and perhaps a P625."""

    def item_claim(prop: str, value: str) -> dict[str, Any]:
        datavalue = {
            "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
            "type": "wikibase-entityid",
        }
        snak = {"snaktype": "value", "property": prop, "datavalue": datavalue, "datatype": "wikibase-item"}
        return {"mainsnak": snak, "type": "statement", "rank": "normal"}

    claims: dict[str, Any] = {"P31": [item_claim("P31", c) for c in classes]}
    if coordinates:
        value = {"latitude": 30.0, "longitude": 31.0, "precision": 0.01, "globe": "http://www.wikidata.org/entity/Q2"}
        snak = {"snaktype": "value", "property": "P625", "datavalue": {"value": value, "type": "globecoordinate"}}
        claims["P625"] = [{"mainsnak": snak, "type": "statement", "rank": "normal"}]
    entity = {"type": "item", "id": qid, "labels": {"ar": {"language": "ar", "value": label_ar}}, "claims": claims}
    return json.dumps(entity, ensure_ascii=False, separators=(",", ":")).encode()


# Classes real news entities carry as their only P31 (synthetic ids; the classes are Wikidata's).
NEWS_CLASSES = [
    ("Q192350", "وزارة الخارجية", False, EntityKind.ORGANIZATION),  # ministry
    ("Q3918", "جامعة القاهرة", False, EntityKind.ORGANIZATION),  # university
    ("Q1616075", "قناة الجزيرة", False, EntityKind.ORGANIZATION),  # television station
    ("Q476028", "نادي الرجاء", False, EntityKind.ORGANIZATION),  # association football club
    ("Q17149090", "كتائب القسام", False, EntityKind.ORGANIZATION),  # armed organization
    ("Q7930989", "القنيطرة", True, EntityKind.PLACE),  # city/town
    ("Q13220204", "إقليم الحوز", True, EntityKind.PLACE),  # second-level administrative division
    ("Q4022", "النيل", True, EntityKind.PLACE),  # river
    ("Q165", "البحر الأحمر", True, EntityKind.PLACE),  # sea
]


@pytest.mark.parametrize(("cls", "label", "coordinates", "kind"), NEWS_CLASSES)
def test_the_default_profile_keeps_the_kinds_of_entity_news_names(
    tmp_path: Path, cls: str, label: str, coordinates: bool, kind: EntityKind
) -> None:
    """Ministries, universities, channels, clubs, armed groups, towns, districts, rivers and seas: each is
    kept from its one direct P31, and a building (Q41176) with coordinates is not."""
    dump = tmp_path / "dump.json"
    lines = [_item_line("Q9000000101", label, [cls], coordinates), _item_line("Q9000000102", "برج", ["Q41176"], True)]
    dump.write_bytes(b"[\n" + b",\n".join(lines) + b"\n]\n")
    records, _ = read(dump)
    assert [(r.qid, r.kind, r.label_ar) for r in records] == [("Q9000000101", kind, label)]
    assert LinePrefilter(load_profile())(lines[0])


@pytest.mark.parametrize(
    ("description", "kept"),
    [
        ({"ar": "سياسي مغربي"}, True),
        ({"ar": "وزيرة الخارجية في حكومة سابقة"}, True),
        ({"en": "Moroccan politician and diplomat"}, True),
        ({"ar": "لاعب كرة قدم مغربي", "en": "Moroccan footballer"}, False),
        ({"en": "political analyst"}, False),
        ({}, False),
    ],
)
def test_a_human_whose_description_says_an_office_is_an_official(
    tmp_path: Path, description: dict[str, str], kept: bool
) -> None:
    """Many officials carry no P39 and a dump may carry no P106: the description then says the office."""
    line = json.loads(_item_line("Q9000000103", "عبد الكريم الناصري", ["Q5"], False))
    line["descriptions"] = {lang: {"language": lang, "value": text} for lang, text in description.items()}
    data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode()
    dump = tmp_path / "dump.json"
    dump.write_bytes(b"[\n" + data + b"\n]\n")
    records, _ = read(dump)
    assert [(r.qid, r.kind) for r in records] == ([("Q9000000103", EntityKind.PERSON)] if kept else [])
    if kept:
        assert LinePrefilter(load_profile())(data)


PROFILES = {
    "default": load_profile(),
    "no arabic needed, no positions, no coordinates": profile_from_dict(
        {
            "require_arabic_name": False,
            "person": {"instance_of": ["Q5"], "any_position_held": False, "occupations": ["Q193391"]},
            "place": {"instance_of": ["Q532", "Q515"], "require_coordinates": False},
            "organization": {"instance_of": ["Q7278"]},
        }
    ),
}


def _generated_entities() -> list[dict[str, Any]]:
    generator = DumpGenerator(seed=7, in_scope=0.5)
    return [json.loads(line) for line in sample_lines()] + [generator.entity(i) for i in range(400)]


ENTITIES = _generated_entities()
# Ways a valid line may be written: compact as the dumps, with spaces as re-serialised dumps and the API.
SEPARATORS = [(",", ":"), (", ", ": "), (",", " : "), (" ,\t", ":\r ")]


def _without_numeric_ids(value: Any) -> Any:
    """The item values written with "id" only: valid Wikibase JSON the numeric-id search cannot see."""
    if isinstance(value, dict):
        return {k: _without_numeric_ids(v) for k, v in value.items() if k != "numeric-id" or "id" not in value}
    if isinstance(value, list):
        return [_without_numeric_ids(v) for v in value]
    return value


def _written(entity: dict[str, Any], separators: tuple[str, str], ascii_only: bool, escaped: bool) -> bytes:
    line = json.dumps(entity, ensure_ascii=ascii_only, separators=separators).encode()
    if escaped:  # keys (and equal values) with an escaped letter: the same JSON to a decoder
        for key in (b'"ar"', b'"P31"', b'"P39"', b'"P625"', b'"numeric-id"'):
            line = line.replace(key, b'"\\u00%x%s' % (key[1], key[2:]))
    return line


def test_the_prefilter_never_drops_a_line_decoding_would_keep() -> None:
    """Every way of writing every entity, under each profile: the prefilter rejects only what decoding rejects."""
    counts = {"kept": 0, "rejected": 0}
    for profile in PROFILES.values():
        prefilter = LinePrefilter(profile)
        for entity in ENTITIES:
            for separators in SEPARATORS[:2]:
                line = _written(entity, separators, ascii_only=False, escaped=False)
                record = entity_to_record(decode_entity(line), profile, "test")
                if not prefilter(line):
                    assert record is None, line[:120]
                    counts["rejected"] += 1
                counts["kept"] += record is not None
    assert counts["kept"] > 40 and counts["rejected"] > 40  # both sides of the test were exercised


@settings(max_examples=300, deadline=None)
@given(
    profile=st.sampled_from(sorted(PROFILES)),
    index=st.integers(0, len(ENTITIES) - 1),
    separators=st.sampled_from(SEPARATORS),
    ascii_only=st.booleans(),
    escaped=st.booleans(),
    id_only=st.booleans(),
)
def test_the_prefilter_never_drops_a_line_however_it_is_written(
    profile: str, index: int, separators: tuple[str, str], ascii_only: bool, escaped: bool, id_only: bool
) -> None:
    entity = _without_numeric_ids(ENTITIES[index]) if id_only else ENTITIES[index]
    line = _written(entity, separators, ascii_only, escaped)
    if entity_to_record(decode_entity(line), PROFILES[profile], "test") is not None:
        assert LinePrefilter(PROFILES[profile])(line), line[:160]


def test_progress_bar_on_a_terminal_shows_rate_and_eta() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = Progress("dump.json.gz", total=1000, stream=stream, interactive=True, clock=lambda: now[0])
    now[0] = 10.0
    progress.update(50_000, 5_000, 250)
    output = stream.getvalue()
    assert "25.0%" in output and "50,000 read" in output and "5,000 kept" in output
    assert "5,000/s" in output and "ETA 0:00:30" in output


def test_progress_without_a_terminal_logs_periodically(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    progress = Progress("dump.json", stream=io.StringIO(), interactive=False, interval=30, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="gazetteer.progress"):
        now[0] = 10.0
        progress.update(1, 1)  # too soon for a line
        now[0] = 31.0
        progress.update(310, 31)
    assert len(caplog.records) == 1 and "310 read, 31 kept, 10/s" in caplog.records[0].getMessage()


def in_streams(data: bytes, compress: Callable[[bytes, int], bytes], streams: int) -> bytes:
    """`data` compressed at level 9 in `streams` concatenated streams (gzip members), cut at line ends."""
    cuts = [0, *(data.index(b"\n", len(data) * i // streams) + 1 for i in range(1, streams)), len(data)]
    return b"".join(compress(data[a:b], 9) for a, b in itertools.pairwise(cuts))


def _dense_dump(copies: int = 60) -> bytes:
    """A framed dump of the sample's entities repeated: valid, and compressing far better than 10x."""
    lines = sample_lines() * copies
    return b"[\n" + b",\n".join(lines) + b"\n]\n"


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress)])
@pytest.mark.parametrize("streams", [1, 3])
def test_files_compressed_at_a_real_dumps_ratio_are_read_to_their_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, compress: object, streams: int
) -> None:
    """A piece read can decompress to more than one call's output (8 pieces): the decompressor must be drained.

    Small pieces make a small file show what a real dump does at 1 MiB pieces.
    """
    monkeypatch.setattr(dump_pipeline, "CHUNK_BYTES", 4096)
    data = _dense_dump()
    packed = in_streams(data, compress, streams)  # type: ignore[arg-type]
    assert len(data) / len(packed) >= 10
    path = tmp_path / f"dump.json{suffix}"
    path.write_bytes(packed)
    plain = tmp_path / "dump.json"
    plain.write_bytes(data)
    records, reader = read(path)
    assert records == read(plain)[0] and len(records) == 60 * len(KEPT)
    assert reader.stats.bad_lines == 0


def _spaced(line: bytes) -> bytes:
    return json.dumps(json.loads(line), separators=(", ", ": ")).encode()


@pytest.mark.parametrize("framed", [True, False])
def test_lines_with_spaces_after_colons_and_commas_are_kept(tmp_path: Path, framed: bool) -> None:
    """As published samples and the API write JSON; the byte searches once rejected every such line."""
    lines = [_spaced(line) for line in sample_lines()]
    path = tmp_path / "spaced.json"
    # Every entity line ends in a comma, the last one too, as in the published sample.
    path.write_bytes(b"[\n" + b",\n".join(lines) + b",\n]\n" if framed else b"\n".join(lines) + b"\n")
    records, reader = read(path)
    assert records == read(SAMPLE)[0]
    assert reader.stats.bad_lines == 0


def _entities() -> list[dict[str, Any]]:
    return [json.loads(line) for line in sample_lines()]


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(lambda es: {"entities": {e["id"]: e for e in es}}, id="EntityData-envelope"),
        pytest.param(lambda es: es, id="array"),
    ],
)
@pytest.mark.parametrize("indent", [None, 4])
@pytest.mark.parametrize("workers", [0, 2])
def test_api_documents_are_read_whole(tmp_path: Path, document: Any, indent: int | None, workers: int) -> None:
    """Special:EntityData answers and arrays, on one line or pretty-printed over many."""
    path = tmp_path / "Special-EntityData.json"
    path.write_text(json.dumps(document(_entities()), indent=indent, ensure_ascii=False), encoding="utf-8")
    records, reader = read(path, workers=workers)
    assert [r.qid for r in records] == KEPT
    assert (reader.stats.entities, reader.stats.bad_lines) == (13, 0)


def test_a_single_pretty_printed_entity_and_a_sequence_of_them(tmp_path: Path) -> None:
    """One entity as the API returns it, and what `jq .` makes of JSON lines; a byte order mark is skipped."""
    entities = _entities()
    morocco = next(e for e in entities if e["id"] == "Q1028")
    single = tmp_path / "Q1028.json"
    single.write_bytes(b"\xef\xbb\xbf" + json.dumps(morocco, indent=2, ensure_ascii=False).encode())
    assert [r.qid for r in read(single)[0]] == ["Q1028"]
    sequence = tmp_path / "jq.json"
    sequence.write_text("\n".join(json.dumps(e, indent=2, ensure_ascii=False) for e in entities), encoding="utf-8")
    assert [r.qid for r in read(sequence)[0]] == KEPT


def test_a_damaged_document_is_a_malformed_entity_and_a_huge_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps({"entities": {e["id"]: e for e in _entities()}}, indent=2)
    path.write_text(text[: len(text) // 2])
    with pytest.raises(DumpReadError, match="1 of 1 entity lines are malformed"):
        read(path)
    monkeypatch.setattr(json_layout, "MAX_DOCUMENT_BYTES", 1000)
    path.write_text(text)
    with pytest.raises(DumpReadError, match="one JSON document of more than 1,000 bytes"):
        read(path)


@pytest.mark.parametrize(
    ("head", "complete", "expected"),
    [
        (b"[\n{}\n", False, "lines"),
        (b"[\n]\n", False, "lines"),
        (b"[\n", False, None),  # the second line decides
        (b"[\n", True, "lines"),
        (b'{"id": "Q1"}\n{"id"', False, "lines"),
        (b'{"id": "Q1"},\n', True, "lines"),
        (b'{"entities": {"Q1": {}}}', True, "lines"),  # an envelope on one line: the decoder opens it
        (b"{\n", False, "document"),
        (b'{"entities": {\n', False, "document"),
        (b"[\n  {\n", False, "document"),
        (b'[{"id": "Q1"}]', True, "document"),
        (b"\xef\xbb\xbf\n\n{\n", False, "document"),
        (b"garbage\nmore\n", False, "lines"),
        (b"", True, "lines"),
    ],
)
def test_the_first_lines_decide_the_layout(head: bytes, complete: bool, expected: str | None) -> None:
    assert json_layout.layout(head, complete=complete) == expected


def test_zero_padding_after_gzip_members_is_skipped(tmp_path: Path) -> None:
    """As the gzip module does (tape and block devices pad with zeros)."""
    data = SAMPLE.read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 1
    path = tmp_path / "padded.json.gz"
    path.write_bytes(gzip.compress(data[:middle]) + bytes(100) + gzip.compress(data[middle:]) + bytes(512))
    assert [r.qid for r in read(path)[0]] == KEPT

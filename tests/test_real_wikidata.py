"""Real Wikidata files build: a 2019 dump's first 100 entities, an edit stream, API answers (tests/data/wikidata/real).

Each file is built in each compression through the command the Make target
runs (``python -m gazetteer build --dump FILE``) and must give the same
entities; files compressed as densely as real dumps, in one stream or several,
must give the entities of their plain text.
"""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gazetteer.__main__ import main
from gazetteer.profile import load_profile
from gazetteer.readers import dump_pipeline
from gazetteer.readers.wikidata_entity import LinePrefilter, decode_entities, entity_to_record

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(__file__).parent / "data" / "wikidata" / "real"

# What the default profile (gazetteer/profile.json) keeps of the dump sample's 100 entities: countries,
# cities and regions by their direct P31 with coordinates, one government and three football clubs
# (Q2052 فيورنتينا, Q2674, Q2756). Ten have no Arabic name; 36 have classes outside the profile (German
# states, Italian comuni, oblasts, Wikipedia).
SAMPLE_KEPT = frozenset(
    f"Q{n}"
    for n in (
        *(31, 45, 148, 155, 183, 233, 288, 298, 398, 585, 586, 597, 647, 648, 686, 749, 771, 801, 807, 819),
        *(863, 869, 878, 891, 912, 916, 1044, 1049, 1204, 1297, 1468, 1494, 1522, 1707, 1711, 1718, 1721),
        *(1724, 1757, 1976, 2052, 2096, 2100, 2119, 2148, 2272, 2674, 2683, 2751, 2756, 3327, 3543, 3742, 3750),
    )
)
# Of the edit stream's 635: three people holding a position and a mountain (Q3516685 تيهيشا, in French
# Polynesia); 622 have no Arabic name.
STREAM_KEPT = frozenset({"Q7608665", "Q2682417", "Q16529187", "Q3516685"})
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "": lambda data: data,
    ".gz": lambda data: gzip.compress(data, 9),
    ".bz2": lambda data: bz2.compress(data, 9),
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four real files, uncompressed, by their name in the repository."""
    folder = tmp_path_factory.mktemp("real")
    files = {}
    for source in sorted(REAL.glob("*.json*")):
        name = source.name.removesuffix(".bz2")
        data = bz2.decompress(source.read_bytes()) if source.suffix == ".bz2" else source.read_bytes()
        files[source.name] = folder / name
        files[source.name].write_bytes(data)
    return files


def qids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {qid for (qid,) in conn.execute("SELECT qid FROM entities")}


def build(dump: Path, out: Path, *options: str) -> set[str]:
    """Build as ``python -m gazetteer build --dump FILE --no-seeds`` does; the QIDs of the result."""
    argv = ["build", "--dump", str(dump), "--no-seeds", "--out", str(out), "--no-progress", *options]
    assert main(argv) == 0
    return qids(out)


def novelists_profile(folder: Path) -> Path:
    """A profile that keeps Q42 Douglas Adams, whom the default profile (politics) leaves out."""
    path = folder / "novelists.json"
    path.write_text(json.dumps({"person": {"instance_of": ["Q5"], "occupations": ["Q6625963"]}}))
    return path


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample_wikidata_items.json.bz2", SAMPLE_KEPT),
        ("short_stream.json.bz2", STREAM_KEPT),
        ("Q31.json", {"Q31"}),
        ("wd_Q42.json", {"Q42"}),
    ],
)
def test_every_real_file_builds_in_every_compression(
    plain: dict[str, Path], tmp_path: Path, name: str, expected: set[str], suffix: str
) -> None:
    dump = tmp_path / (plain[name].name + suffix)
    dump.write_bytes(COMPRESSORS[suffix](plain[name].read_bytes()))
    options = ["--profile", str(novelists_profile(tmp_path))] if name == "wd_Q42.json" else []
    assert build(dump, tmp_path / "out.sqlite", "--workers", "0", *options) == expected


def test_the_published_dump_sample_as_it_is(tmp_path: Path) -> None:
    """Spaces after colons, a comma after every entity, bzip2 at 11x: 54 of 100 entities, with their names."""
    source = REAL / "sample_wikidata_items.json.bz2"
    assert len(bz2.decompress(source.read_bytes())) / source.stat().st_size >= 10
    out = tmp_path / "out.sqlite"
    assert build(source, out, "--workers", "2") == SAMPLE_KEPT
    with sqlite3.connect(out) as conn:
        rows = {r[0]: r[1:] for r in conn.execute("SELECT qid, type, label_ar, label_en, country_qid FROM entities")}
    assert rows["Q31"] == ("place", "بلجيكا", "Belgium", "Q31")
    # Names that are also ordinary words or other places: the linker's business, kept here as Wikidata has them.
    assert rows["Q648"] == ("place", "ليل", "Lille", "Q142")
    assert rows["Q3327"] == ("place", "لورد", "Lourdes", "Q142")
    assert rows["Q288"] == ("place", "تور", "Tours", "Q142")
    assert rows["Q1707"] == ("place", "كيل", "Kiel", "Q183")
    assert rows["Q912"] == ("place", "مالي", "Mali", "Q912")
    assert rows["Q3742"] == ("place", "كاسابلانكا", "Casablanca", "Q298")  # the commune in Chile
    assert rows["Q2148"][0] == "organization"
    assert rows["Q2052"][:2] == ("organization", "فيورنتينا")  # a football club: an organisation the news names


def test_special_entitydata_answers_pretty_printed_or_not(plain: dict[str, Path], tmp_path: Path) -> None:
    """Q31 as Special:EntityData wraps it, on one line and over many, alone and with Q42."""
    belgium = json.loads(plain["Q31.json"].read_bytes())
    adams = json.loads(plain["wd_Q42.json"].read_bytes())
    for indent in (None, 1):
        for entities, expected in (({"Q31": belgium}, {"Q31"}), ({"Q31": belgium, "Q42": adams}, {"Q31"})):
            dump = tmp_path / f"EntityData-{indent}-{len(entities)}.json.gz"
            dump.write_bytes(gzip.compress(json.dumps({"entities": entities}, indent=indent).encode()))
            assert build(dump, tmp_path / "out.sqlite", "--workers", "0") == expected


def test_the_prefilter_keeps_every_real_line_decoding_keeps(plain: dict[str, Path]) -> None:
    """On the real lines as published (spaced) and written compactly as the dumps write them."""
    profile = load_profile()
    prefilter = LinePrefilter(profile)
    kept = 0
    for name in ("sample_wikidata_items.json.bz2", "short_stream.json.bz2"):
        for text in plain[name].read_bytes().splitlines():
            text = text.strip().rstrip(b",")
            if not text.startswith(b"{"):
                continue
            compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")).encode()
            for line in (text, compact):
                records = [entity_to_record(e, profile, "test") for e in decode_entities(line)]
                if any(records):
                    assert prefilter(line), line[:120]
                    kept += 1
    assert kept == 2 * (len(SAMPLE_KEPT) + len(STREAM_KEPT))


def _dense_real_dump(plain: dict[str, Path]) -> tuple[bytes, set[str]]:
    """Real entities, compact as the dumps write them, with repetitive but valid out-of-scope entities between.

    The real entities alone compress 7x in gzip; a real dump compresses 10x and more. The filler is a real
    entity without an Arabic name under new ids, so the in-scope entities are the real ones.
    """
    real = [line.strip().rstrip(b",") for line in plain["sample_wikidata_items.json.bz2"].read_bytes().splitlines()]
    entities = [json.loads(line) for line in real[1:101:4]]  # every fourth: 25, Q31 first
    stream = [json.loads(line) for line in plain["short_stream.json.bz2"].read_bytes().splitlines()]
    filler = min((e for e in stream if "ar" not in e["labels"]), key=lambda e: len(json.dumps(e)))
    lines = []
    for i, entity in enumerate(entities):
        lines.append(json.dumps(entity, ensure_ascii=False, separators=(",", ":")))
        for j in range(200):
            qid = f"Q99{i:03d}{j:03d}"
            lines.append(json.dumps({**filler, "id": qid, "title": qid}, ensure_ascii=False, separators=(",", ":")))
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode(), {e["id"] for e in entities}


@pytest.mark.parametrize("suffix", [".gz", ".bz2"])
@pytest.mark.parametrize("streams", [1, 4])
def test_real_entities_compressed_as_densely_as_a_real_dump(
    plain: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, streams: int
) -> None:
    """At 10x and more, in one stream or concatenated streams (gzip members): the plain file's entities.

    Pieces of 64 KiB: the file then spans as many pieces as a real dump's end does at 1 MiB.
    """
    monkeypatch.setattr(dump_pipeline, "CHUNK_BYTES", 64 << 10)
    data, real = _dense_real_dump(plain)
    packer = gzip.compress if suffix == ".gz" else bz2.compress
    cuts = [0, *(data.index(b"\n", len(data) * i // streams) + 1 for i in range(1, streams)), len(data)]
    packed = b"".join(packer(data[a:b], 9) for a, b in itertools.pairwise(cuts))
    assert len(data) / len(packed) >= 10
    dump = tmp_path / f"latest-all.json{suffix}"
    dump.write_bytes(packed)
    source = tmp_path / "latest-all.json"
    source.write_bytes(data)
    expected = build(source, tmp_path / "plain.sqlite", "--workers", "0")
    assert expected == SAMPLE_KEPT & real
    assert len(expected) == 16
    assert build(dump, tmp_path / "inline.sqlite", "--workers", "0") == expected
    assert build(dump, tmp_path / "workers.sqlite", "--workers", "2") == expected


def test_make_gazetteer_dump_gives_the_same_entities_compressed_and_plain(
    plain: dict[str, Path], tmp_path: Path
) -> None:
    """The Make target's command line, seeds included, in a process of its own, on the 11x bzip2 sample."""
    outputs = {}
    for dump in (REAL / "sample_wikidata_items.json.bz2", plain["sample_wikidata_items.json.bz2"]):
        out = tmp_path / f"{dump.name}.sqlite"
        command = [sys.executable, "-m", "gazetteer", "build", "--dump", str(dump), "--out", str(out), "--no-progress"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs[dump.name] = qids(out)
    compressed, uncompressed = outputs.values()
    assert compressed == uncompressed
    assert compressed >= SAMPLE_KEPT

"""The build: sources merged with seeds winning, names kept in step, checks, atomic replacement."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazetteer.__main__ import main
from gazetteer.build import BuildCheckError, BuildLockedError, Source, build, names_for
from gazetteer.keys import name_key
from gazetteer.lexicon import blocked_surnames
from gazetteer.loader import load_gazetteer
from gazetteer.profile import load_profile
from gazetteer.readers.dump import DumpReader
from gazetteer.readers.seeds import read_seeds
from gazetteer.records import EntityKind, EntityRecord

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "data" / "wikidata" / "dump-sample.json"

SEEDS: list[dict[str, object]] = [
    # Overrides the dump's Arabic label and adds an alias; the dump fills the rest.
    {"qid": "Q3551", "type": "place", "label_ar": "مدينة الرباط", "label_en": "Rabat", "aliases_ar": ["رباط الفتح"]},
    # Not in the dump at all.
    {"qid": "Q9000000900", "type": "organization", "label_ar": "منظمة البذور", "label_en": "Seed Org"},
]


def write_seeds(folder: Path, entities: list[dict[str, object]] = SEEDS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)
    (folder / "seeds.jsonl").write_text(lines, encoding="utf-8")
    return folder


def dump_source(path: Path = SAMPLE, **kwargs: object) -> Source:
    reader = DumpReader(path, load_profile(), progress=False, **kwargs)  # type: ignore[arg-type]
    return Source("wikidata-dump", reader, {}, reader.stats.as_details)


def seed_source(folder: Path) -> Source:
    return Source("seeds", read_seeds(folder), {"path": str(folder)})


def rows(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def metadata(db: Path) -> dict[str, str]:
    return dict(rows(db, "SELECT key, value FROM metadata"))  # type: ignore[arg-type]


def test_dump_and_seeds_merge_with_the_seeds_winning(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.sqlite"
    report = build(out, [dump_source()], seed_source(write_seeds(tmp_path / "seeds")))
    assert report.entity_count == 9  # 8 from the dump, 1 only in the seeds
    gazetteer = load_gazetteer(out)
    rabat = gazetteer.entity("Q3551")
    assert rabat is not None
    assert rabat.label_ar == "مدينة الرباط"  # the seed's label wins
    assert rabat.aliases_ar == ("رباط الفتح",)
    assert (rabat.lat, rabat.lon, rabat.country_qid) == (34.02, -6.84, "Q1028")  # the dump fills the gaps
    assert rabat.sources == ("seeds", "wikidata-dump")
    # The names follow the merged record: the dump's label, replaced, is no longer a name.
    names = {row[0] for row in rows(out, "SELECT name FROM names WHERE qid = 'Q3551' AND lang = 'ar'")}
    assert names == {"مدينة الرباط", "رباط الفتح"}
    seed_only = gazetteer.entity("Q9000000900")
    assert seed_only is not None and (seed_only.label_ar, seed_only.sources) == ("منظمة البذور", ("seeds",))


def test_metadata_records_sources_dump_facts_counts_and_timings(tmp_path: Path) -> None:
    dated = tmp_path / "wikidata-20240501-all.json"
    dated.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "gazetteer.sqlite"
    build(out, [dump_source(dated)], seed_source(write_seeds(tmp_path / "seeds")))
    meta = metadata(out)
    sources = json.loads(meta["sources"])
    assert [s["name"] for s in sources] == ["wikidata-dump", "seeds"]
    dump = sources[0]
    assert (dump["entities"], dump["kept"], dump["records"], dump["bad_lines"]) == (13, 8, 8, 0)
    assert dump["dump_date"] == "20240501" and dump["compression"] == "none"
    assert json.loads(meta["dump_dates"]) == ["20240501"]
    assert json.loads(meta["counts_by_type"]) == {"organization": 3, "person": 2, "place": 4}
    assert meta["entity_count"] == "9" and int(meta["name_count"]) == rows(out, "SELECT COUNT(*) FROM names")[0][0]
    assert set(json.loads(meta["timings"])) >= {"sources", "names_and_indexes", "check"}


def test_a_later_source_wins_and_stale_names_go(tmp_path: Path) -> None:
    first = EntityRecord("Q9000000800", EntityKind.PERSON, label_ar="أحمد القديم", positions=("Q1",), sources=("a",))
    second = EntityRecord("Q9000000800", EntityKind.PERSON, label_ar="أحمد الجديد", sources=("b",))
    out = tmp_path / "gazetteer.sqlite"
    build(out, [Source("a", [first]), Source("b", [second])], None)
    merged = load_gazetteer(out).entity("Q9000000800")
    assert merged is not None and merged.label_ar == "أحمد الجديد" and merged.positions == ("Q1",)
    keys = {row[0] for row in rows(out, "SELECT key FROM names")}
    assert name_key("أحمد الجديد") in keys and name_key("أحمد القديم") not in keys


def test_names_for_uses_the_same_keys_as_name_key() -> None:
    record = EntityRecord("Q9000000801", EntityKind.PERSON, label_ar="بنيامين نتنياهو", aliases_ar=("بيبي نتنياهو",))
    for row in names_for(record, blocked_surnames()):
        assert row["key"] == name_key(row["name"] or row["key"])


def test_a_bracketed_qualifier_is_no_part_of_the_name() -> None:
    """Wikidata's Arabic labels copy Wikipedia titles: بنها (مدينة) is stored as بنها too, and a person's
    surname comes from the name, never from the qualifier (محمد الفاتح (ملاكم) gives no surname ملاكم)."""

    def rows(record: EntityRecord) -> set[tuple[str, str, str]]:
        return {(row["key"], row["kind"], row["lang"]) for row in names_for(record, blocked_surnames())}

    town = EntityRecord("Q9000000821", EntityKind.PLACE, label_ar="بنها (مدينة)", label_en="Banha (city)")
    assert rows(town) == {
        (name_key("بنها (مدينة)"), "label", "ar"),
        (name_key("بنها"), "label", "ar"),
        (name_key("Banha (city)"), "label", "en"),
        (name_key("Banha"), "label", "en"),
    }
    boxer = EntityRecord("Q9000000822", EntityKind.PERSON, label_ar="سليم الفاتح", aliases_ar=("سليم الفاتح (ملاكم)",))
    derived = rows(boxer)
    assert (name_key("الفاتح"), "surname", "ar") in derived
    assert not any(key.endswith(name_key("ملاكم")) and kind == "surname" for key, kind, _ in derived)
    assert (name_key("سليم الفاتح ملاكم"), "alias", "ar") in derived  # asked as written, Resolve still finds it


def test_a_person_s_name_that_opens_with_a_title_is_also_stored_without_it() -> None:
    """الرئيس عبد المجيد تبون in a label or an alias: news also writes عبد المجيد تبون, and the short names
    come from it too (محمد بن زايد). A title and one word (الملك سلمان) stays as it is: a given name
    alone names no one; the titled given name comes from the description instead."""

    def rows(label: str) -> set[tuple[str, str]]:
        record = EntityRecord("Q9000000841", EntityKind.PERSON, label_ar=label)
        return {(row["key"], row["kind"]) for row in names_for(record, blocked_surnames())}

    assert (name_key("عبد المجيد تبون"), "label") in rows("الرئيس عبد المجيد تبون")
    sheikh = rows("الشيخ محمد بن زايد آل نهيان")
    assert {(name_key("محمد بن زايد آل نهيان"), "label"), (name_key("محمد بن زايد"), "short")} <= sheikh
    assert (name_key("علي خامنئي"), "label") in rows("آية الله علي خامنئي")
    assert rows("الملك سلمان") == {(name_key("الملك سلمان"), "label"), (name_key("سلمان"), "surname")}
    assert (name_key("محمد"), "label") not in rows("الشيخ محمد")


def test_a_country_is_also_named_without_the_kind_of_state_that_opens_its_name() -> None:
    """سلطنة عمان is عمان in news; المملكة المتحدة is not المتحدة, and a region keeps its whole name."""

    def short_names(record: EntityRecord) -> set[str]:
        return {row["key"] for row in names_for(record, blocked_surnames()) if row["kind"] == "short"}

    def country(qid: str, label: str, *aliases: str) -> EntityRecord:
        return EntityRecord(
            qid, EntityKind.PLACE, label_ar=label, aliases_ar=aliases, country_qid=qid, instance_of=("Q6256",)
        )

    assert short_names(country("Q9000000811", "سلطنة عمان")) == {"عمان"}
    assert short_names(country("Q9000000812", "جمهورية التشيك")) == {"التشيك"}
    formal = "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية"
    assert short_names(country("Q9000000813", "المملكة المتحدة", formal)) == set()
    assert short_names(country("Q9000000814", "الجمهورية العربية السورية")) == set()
    region = EntityRecord("Q9000000815", EntityKind.PLACE, label_ar="سلطنة لحج", country_qid="Q9000000811")
    assert short_names(region) == set()


def test_a_person_s_derived_names_stop_at_an_office_and_skip_a_queen_s_ordinal() -> None:
    """An alias "إليزابيث الثانية ملكة المملكة المتحدة" gives no family name المتحدة and no short
    name إليزابيث المتحدة; الثانية is a regnal ordinal, as الثاني is."""

    def derived(label: str, *aliases: str) -> set[tuple[str, str]]:
        record = EntityRecord("Q9000000831", EntityKind.PERSON, label_ar=label, aliases_ar=aliases)
        rows = names_for(record, blocked_surnames())
        return {(row["key"], row["kind"]) for row in rows if row["kind"] in ("short", "surname")}

    assert derived("إليزابيث الثانية", "إليزابيث الثانية ملكة المملكة المتحدة") == set()
    assert derived("ماري الأولى") == set()
    assert derived("عبد الله الثاني بن الحسين", "عبد الله الثاني ملك الأردن") == {
        ("عبد الله الثاني", "short"),
        ("عبدالله الثاني", "short"),
        ("بن الحسين", "surname"),
    }
    assert derived("بني غانتس") == {("غانتس", "surname")}
    # Nor does a father's ordinal or الابن end a short name (الحسن بن محمد الخامس، جورج بوش الابن).
    assert derived("الحسن بن محمد الخامس") == {("الحسن بن محمد", "short"), ("الحسن بنمحمد", "short")}
    assert derived("جورج بوش الابن") == {("جورج بوش", "short"), ("بوش", "surname")}


def test_a_compound_name_ending_in_allah_or_din_stays_whole() -> None:
    """نصر الله is حسن نصر الله's family name, written apart or joined, never الله; روح الله الخميني
    has no short name روح الخميني; and a word that only ends in الدين is no compound (الوالدين)."""

    def derived(label: str) -> set[tuple[str, str]]:
        record = EntityRecord("Q9000000832", EntityKind.PERSON, label_ar=label)
        return {(row["key"], row["kind"]) for row in names_for(record, blocked_surnames())}

    assert derived("حسن نصر الله") == {
        ("حسن نصر الله", "label"),
        ("حسن نصرالله", "label"),
        ("نصر الله", "surname"),
        ("نصرالله", "surname"),
    }
    assert derived("روح الله الموسوي الخميني") == {
        ("روح الله الموسوي الخميني", "label"),
        ("روحالله الموسوي الخميني", "label"),
        ("روح الله الخميني", "short"),
        ("روحالله الخميني", "short"),
        ("الخميني", "surname"),
    }
    assert derived("هبة الله") == {("هبه الله", "label"), ("هبهالله", "label")}
    assert derived("سعيد الوالدين") == {("سعيد الوالدين", "label"), ("الوالدين", "surname")}


def test_a_family_name_in_bin_is_stored_joined_and_apart_for_people_only() -> None:
    """بنكيران / بن كيران and بن موسى / بنموسى: Maghrebi family names are written both ways. A given
    name is never split (بنيامين), a name with the article never joined (بن الحسين), and a place
    keeps its one spelling (بنغازي is no بن غازي)."""

    def keys(label: str, kind: EntityKind = EntityKind.PERSON) -> set[str]:
        record = EntityRecord("Q9000000833", kind, label_ar=label)
        return {row["key"] for row in names_for(record, blocked_surnames())}

    assert {"عبد الاله بن كيران", "بنكيران", "بن كيران"} <= keys("عبد الإله بنكيران")
    assert {"شكيب بنموسي", "بن موسي", "بنموسي"} <= keys("شكيب بن موسى")
    assert not any(key.startswith("بن ") for key in keys("بنيامين نتنياهو"))
    assert "بنالحسين" not in keys("عبد الله بن الحسين")
    assert keys("بنغازي", EntityKind.PLACE) == {"بنغازي"}


def test_a_ministry_is_also_named_by_its_portfolio_and_its_country() -> None:
    """وزارة الخارجية الأمريكية is الخارجية الأمريكية in news. A portfolio that is a noun keeps its head
    (الثقافة المصرية is "Egyptian culture"), as does a ministry of no country (وزارة الدفاع)."""

    def shorts(label: str) -> set[str]:
        record = EntityRecord("Q9000000822", EntityKind.ORGANIZATION, label_ar=label, country_qid="Q30")
        return {row["key"] for row in names_for(record, blocked_surnames()) if row["kind"] == "short"}

    assert shorts("وزارة الخارجية الأمريكية") == {"الخارجيه الامريكيه"}
    assert shorts("وزارة الداخلية المصرية") == {"الداخليه المصريه"}
    assert shorts("وزارة الثقافة المصرية") == set()
    assert shorts("وزارة الدفاع") == set()
    assert shorts("المحكمة العليا الأمريكية") == set()


def test_an_organisation_named_by_one_foreign_word_is_also_named_without_its_article() -> None:
    """الأونروا is اونروا too; الجزيرة ("the island") is no جزيرة, and no article is added (أمازون)."""

    def keys(label: str) -> set[str]:
        record = EntityRecord("Q9000000821", EntityKind.ORGANIZATION, label_ar=label)
        return {row["key"] for row in names_for(record, blocked_surnames())}

    assert keys("الأونروا") == {"الاونروا", "اونروا"}
    assert keys("الجزيرة") == {"الجزيره"}
    assert keys("أمازون") == {"امازون"}


def _first_build(tmp_path: Path) -> tuple[Path, bytes]:
    out = tmp_path / "gazetteer.sqlite"
    build(out, [dump_source()], None)
    return out, out.read_bytes()


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.building"))


def test_a_build_failing_midway_leaves_the_old_file_byte_identical(tmp_path: Path) -> None:
    out, before = _first_build(tmp_path)

    def records_then_failure() -> Iterator[EntityRecord]:
        yield from DumpReader(SAMPLE, load_profile(), progress=False)
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        build(out, [Source("broken", records_then_failure())], None)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_failed_check_leaves_the_old_file(tmp_path: Path) -> None:
    out, before = _first_build(tmp_path)
    english_only = tmp_path / "english.json"
    lines = [line for line in SAMPLE.read_text().splitlines() if '"Q9000000006"' in line]
    english_only.write_text("[\n" + lines[0].rstrip(",") + "\n]\n")
    with pytest.raises(BuildCheckError, match="no entities"):
        build(out, [dump_source(english_only)], None)
    assert out.read_bytes() == before


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_the_old_file_untouched(tmp_path: Path, signum: int) -> None:
    out, before = _first_build(tmp_path)
    fifo = tmp_path / "dump.json"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "gazetteer", "build", "--dump", str(fifo), "--out", str(out), "--no-seeds"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Opening the pipe blocks until the build opens it, which it does after creating its temporary file.
        with fifo.open("wb") as pipe:
            pipe.write(b"[\n")
            line = SAMPLE.read_bytes().splitlines()[1]
            for _ in range(200):  # over a pipe buffer: the build is reading, mid-way
                pipe.write(line + b"\n")
            pipe.flush()
            assert _leftovers(tmp_path), "the build should be writing its temporary file"
            process.send_signal(signum)
            process.wait(10)
    except BrokenPipeError:
        pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert out.read_bytes() == before
    if signum == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert _leftovers(tmp_path) == []  # it unwound and removed its temporary file
    else:
        assert process.returncode == -signal.SIGKILL
        assert _leftovers(tmp_path)  # SIGKILL leaves no chance to clean up...
        build(out, [dump_source()], None)
        assert _leftovers(tmp_path) == []  # ...the next build does


@pytest.mark.parametrize("workers", ["0", "2"])
def test_cli_reads_a_compressed_dump_from_standard_input(tmp_path: Path, workers: str) -> None:
    import gzip

    compressed = tmp_path / "dump.json.gz"
    compressed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    out = tmp_path / "gazetteer.sqlite"
    command = [sys.executable, "-m", "gazetteer", "build", "--dump", "-", "--out", str(out), "--no-seeds"]
    with compressed.open("rb") as stdin:
        subprocess.run([*command, "--workers", workers], cwd=ROOT, stdin=stdin, check=True, capture_output=True)
    assert rows(out, "SELECT COUNT(*) FROM entities") == [(8,)]
    assert json.loads(metadata(out)["sources"])[0]["compression"] == "gzip"


def test_too_many_bad_lines_fail_the_cli_build_and_keep_the_old_file(tmp_path: Path) -> None:
    out, before = _first_build(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(SAMPLE.read_text().replace('{"type":"item","id":"Q801"', '{"type":"item","id":"Q801" oops'))
    argv = ["build", "--dump", str(bad), "--out", str(out), "--no-seeds", "--no-progress", "--workers", "0"]
    assert main(argv) == 1
    assert out.read_bytes() == before
    assert main([*argv, "--max-bad-share", "0.1"]) == 0  # one bad line in 13 is allowed by a looser limit
    assert "Q801" not in {row[0] for row in rows(out, "SELECT qid FROM entities")}


def test_cli_build_from_a_gzip_dump_with_workers(tmp_path: Path) -> None:
    import gzip

    dump = tmp_path / "dump.json.gz"
    dump.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    out = tmp_path / "out" / "gazetteer.sqlite"
    seeds = write_seeds(tmp_path / "seeds")
    assert main(["build", "--dump", str(dump), "--seeds", str(seeds), "--out", str(out), "--workers", "1"]) == 0
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]
    assert out.stat().st_mode & 0o777 == 0o644  # readable by a server running as another user
    assert load_gazetteer(out).info.sources == ("wikidata-dump", "seeds")


_HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_second_build_of_the_same_file_is_refused_while_one_runs(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.sqlite"
    # POSIX locks do not conflict within one process: hold it from another one.
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path / ".gazetteer.sqlite.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        with pytest.raises(BuildLockedError):
            build(out, [dump_source()], None)
    finally:
        holder.communicate(b"")
    assert not out.exists()


def test_a_gazetteer_opened_before_a_fork_reads_through_a_connection_of_its_own_after_it(
    seed_gazetteer_path: Path,
) -> None:
    """SQLite connections must not cross a fork (`--workers` forks after loading): the child opens
    the file afresh on its first look-up, and the parent keeps its connection."""
    gazetteer = load_gazetteer(seed_gazetteer_path)
    parent_connection = gazetteer._conn()
    assert gazetteer.key_entry(name_key("الرباط")).refs
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's cleanup
        try:
            fresh = gazetteer._conn() is not parent_connection
            found = bool(gazetteer.key_entry(name_key("الرباط")).refs)
            os.write(write_end, b"1" if fresh and found else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.read(read_end, 1) == b"1"
    os.close(read_end)
    assert gazetteer._conn() is parent_connection

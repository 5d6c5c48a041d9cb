"""Build a gazetteer SQLite file from sources, atomically.

The build writes a temporary file next to the target, checks it, and only
then renames it over the target: a failed, interrupted or killed build leaves
the previous gazetteer untouched. Sources stream in: each batch of records is
written with its `names` rows at once, and an entity met again (in a later
source, or the seeds) is merged into its row, the later source winning for
the fields it sets; the names of merged entities are rewritten at the end.
"""

from __future__ import annotations

import fcntl
import json
import logging
import operator
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import sqlite_utils
from sqlite_utils.utils import chunks

from gazetteer import schema
from gazetteer.keys import (
    INTERNATIONAL_ADJECTIVES,
    case_spellings,
    compound_spellings,
    country_short_keys,
    family_particle_spellings,
    name_key,
    nisba_adjective,
    organisation_short_keys,
    short_name_keys,
    surname_keys,
    titled_given_name_keys,
    without_article,
    without_leading_title,
    without_qualifier,
)
from gazetteer.lexicon import OFTEN_ORDINARY, blocked_surnames, common_words, ordinary_share
from gazetteer.lookup_tables import write_lookup_tables
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.records import EntityKind, EntityRecord, is_country

_LOGGER = logging.getLogger(__name__)

_BATCH_SIZE = 5000
# The temporary file is private to this build and thrown away on failure, so
# it needs no journal and no syncs; a large page cache speeds up the indexing.
_PRAGMAS = (
    "journal_mode = OFF",
    "synchronous = OFF",
    "locking_mode = EXCLUSIVE",
    "temp_store = MEMORY",
    "cache_size = -262144",  # KiB: 256 MiB
)
# The two bulk inserts are executemany() on plain tuples: sqlite-utils' insert_all() checks every value
# for JSON and builds its statements per batch, which took the writer twice the CPU time (58,500 entities,
# 180,780 names: 3.7-4.7 s against 6.6-7.7 s), about 50 s more for a 1M-entity build.
_ENTITY_COLUMNS = tuple(schema.ENTITY_COLUMNS)
_NAME_COLUMNS = tuple(schema.NAME_COLUMNS)
_INSERT_ENTITY = (
    f"INSERT OR REPLACE INTO {schema.ENTITIES_TABLE} ({', '.join(_ENTITY_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_ENTITY_COLUMNS))})"
)
_INSERT_NAME = (
    f"INSERT INTO {schema.NAMES_TABLE} ({', '.join(_NAME_COLUMNS)}) VALUES ({', '.join('?' * len(_NAME_COLUMNS))})"
)
_entity_values = operator.itemgetter(*_ENTITY_COLUMNS)
_name_values = operator.itemgetter(*_NAME_COLUMNS)


class BuildCheckError(RuntimeError):
    """The freshly built file failed a check; the old gazetteer was kept."""


class BuildLockedError(RuntimeError):
    """Another build of the same gazetteer file is running."""


@dataclass(frozen=True, slots=True)
class Source:
    """A named stream of records, e.g. one dump file.

    `details` are facts known up front (a path); `report`, when given, is
    called once the records are exhausted for what reading them found
    (counts, dump date), and its answer is added to the details.
    """

    name: str
    records: Iterable[EntityRecord]
    details: dict[str, object] = field(default_factory=dict)
    report: Callable[[], dict[str, object]] | None = None


@dataclass(slots=True)
class BuildReport:
    """What a build did; also written to the metadata table."""

    out_path: Path
    version: str
    entity_count: int = 0
    name_count: int = 0
    counts_by_type: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    sources: list[dict[str, object]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def names_for(
    record: EntityRecord, blocked: frozenset[str], key_of: Callable[[str], str] = name_key
) -> Iterator[dict[str, str]]:
    """The `names` rows of one entity: labels, aliases, derived short names and surnames."""
    seen: set[tuple[str, str]] = set()

    def row(name: str, key: str, kind: str, lang: str) -> Iterator[dict[str, str]]:
        if key and (key, kind) not in seen:
            seen.add((key, kind))
            yield {"qid": record.qid, "name": name, "key": key, "kind": kind, "lang": lang}

    person = record.kind is EntityKind.PERSON

    def arabic(name: str, key: str, kind: str) -> Iterator[dict[str, str]]:
        """The Arabic name, and the same name with its compounds written the other way (عبدالله / عبد الله),
        its plural in the other case (الحوثيون / الحوثيين), or a person's family name in بن joined or
        apart (بنكيران / بن كيران)."""
        yield from row(name, key, kind, "ar")
        family = family_particle_spellings(key) if person else []
        for spelling in (*compound_spellings(key), *case_spellings(key), *family):
            yield from row(name, spelling, kind, "ar")

    ar_keys = []
    for i, name in enumerate(record.names_ar()):
        kind = schema.NameKind.LABEL if i == 0 else schema.NameKind.ALIAS
        key = key_of(name)
        yield from arabic(name, key, kind)
        # A qualified name (بنها (مدينة)) is also stored as news writes it, and the shorter names and
        # surnames come from that: the qualifier is no part of the name.
        bare = without_qualifier(name)
        if bare:
            key = key_of(bare)
            yield from arabic(bare, key, kind)
        ar_keys.append(key)
    for i, name in enumerate((record.label_en, *record.aliases_en)):
        kind = schema.NameKind.LABEL if i == 0 else schema.NameKind.ALIAS
        for spelling in (name, without_qualifier(name)):
            if spelling:
                yield from row(spelling, key_of(spelling), kind, "en")
    if person:
        for i, key in enumerate(list(ar_keys)):
            # الرئيس عبد المجيد تبون: news names the person without the title too, and the shorter
            # names and surnames come from both forms.
            untitled = without_leading_title(key)
            if untitled:
                yield from arabic(untitled, untitled, schema.NameKind.LABEL if i == 0 else schema.NameKind.ALIAS)
                ar_keys.append(untitled)
        full_keys = {key for key, _ in seen}
        for short in short_name_keys(ar_keys, blocked):
            if short not in full_keys:
                yield from arabic(short, short, schema.NameKind.SHORT)
        for titled in titled_given_name_keys(ar_keys, key_of(record.description_ar)):
            yield from arabic(titled, titled, schema.NameKind.TITLED)
        for tail in surname_keys(ar_keys, blocked):
            if tail not in full_keys:
                yield from arabic(tail, key_of(tail), schema.NameKind.SURNAME)
    elif is_country(record):
        full_keys = {key for key, _ in seen}
        for short in country_short_keys(ar_keys):
            # المملكة المتحدة: a head before an ordinary word makes a name with it, and none without it.
            if short not in full_keys and not _ordinary_word(short.split(" ", 1)[0]):
                yield from arabic(short, short, schema.NameKind.SHORT)
    elif record.kind is EntityKind.ORGANIZATION:
        full_keys = {key for key, _ in seen}
        international = any(key.rsplit(" ", 1)[-1] in INTERNATIONAL_ADJECTIVES for key in ar_keys)
        for short in organisation_short_keys(ar_keys):
            # مجلس الامن الدولي → مجلس الامن stays the council; المحكمة العليا is every country's court;
            # a ministry's portfolio and its country (الخارجية الامريكية) is how news names that ministry.
            generic = (
                _ordinary_word(short)
                and not (international and " " in short)
                and not _ministry_of_a_country(short, ar_keys)
            )
            if short not in full_keys and not generic:
                yield from arabic(short, short, schema.NameKind.SHORT)
        for i, key in enumerate(ar_keys):
            # A one-word name that is no word of the language (an acronym, a foreign name) is written
            # without its article too: الاونروا / اونروا، اليونيسف / يونيسف; not الجزيرة / جزيرة.
            bare = without_article(key)
            if bare and bare not in full_keys and ordinary_share(bare) == 0.0 and bare not in common_words():
                yield from row(bare, bare, schema.NameKind.LABEL if i == 0 else schema.NameKind.ALIAS, "ar")


def _ordinary_word(key: str) -> bool:
    """A key of ordinary words and nisba adjectives only (الجيش، المحكمة العليا، الثقافة الإيرانية).

    Without its head noun or its nationality, such a name is every country's institution, or a
    phrase of the language: no organisation's short name.
    """
    common = common_words()
    words = key.split(" ")
    ordinary = [word in common or ordinary_share(word) >= OFTEN_ORDINARY for word in words]  # not derived
    return any(ordinary) and all(o or nisba_adjective(w) for o, w in zip(ordinary, words, strict=True))


_MINISTRY: Final = "وزاره"


def _ministry_of_a_country(short: str, full_keys: list[str]) -> bool:
    """`short` is a ministry's name without وزارة: its portfolio and its country's adjective, both
    adjectives (الخارجية الامريكية، الداخلية المصرية).

    A portfolio that is a noun makes a phrase of the language with a country's adjective (الثقافة
    المصرية "Egyptian culture", الاعلام اليابانية in وسائل الاعلام اليابانية): no name.
    """
    words = short.split(" ")
    return (
        len(words) == 2
        and all(nisba_adjective(word) for word in words)
        and any(key == f"{_MINISTRY} {short}" for key in full_keys)
    )


def _create_tables(db: sqlite_utils.Database) -> None:
    db.table(schema.ENTITIES_TABLE).create(schema.ENTITY_COLUMNS, pk="qid")
    db.table(schema.NAMES_TABLE).create(schema.NAME_COLUMNS)
    db.table(schema.METADATA_TABLE).create({"key": str, "value": str}, pk="key")


def _in(qids: list[str]) -> str:
    """The WHERE clause of the rows whose QID is one of `qids` (as many ? as QIDs)."""
    return f"qid IN ({', '.join('?' * len(qids))})"


class _Writer:
    """Writes records in batches to `entities` and `names`, merging an entity met twice."""

    def __init__(self, db: sqlite_utils.Database, exclude_names: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.db = db
        self.entities = db.table(schema.ENTITIES_TABLE)
        self.names_table = db.table(schema.NAMES_TABLE)
        self.blocked = blocked_surnames()
        self.exclude_names = exclude_names
        self.pending: dict[str, EntityRecord] = {}
        self.merged: set[str] = set()  # QIDs whose names rows must be rewritten at the end
        self.new_entities = 0
        self.names = 0

    def add(self, record: EntityRecord) -> None:
        earlier = self.pending.get(record.qid)
        self.pending[record.qid] = record.merged_with(earlier) if earlier else record
        if len(self.pending) >= _BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, {}
        if not batch:
            return
        qids = list(batch)
        stored = [schema.row_to_record(row) for row in self.entities.rows_where(_in(qids), qids)]
        for old in stored:
            batch[old.qid] = batch[old.qid].merged_with(old)
            self.merged.add(old.qid)
        self.new_entities += len(batch) - len(stored)
        self.db.conn.executemany(_INSERT_ENTITY, [_entity_values(schema.record_to_row(r)) for r in batch.values()])
        self._insert_names(r for r in batch.values() if r.qid not in self.merged)

    def _insert_names(self, records: Iterable[EntityRecord]) -> None:
        rows = [
            _name_values(row)
            for record in records
            for row in names_for(record, self.blocked)
            if (row["qid"], row["key"]) not in self.exclude_names
        ]
        self.db.conn.executemany(_INSERT_NAME, rows)
        self.names += len(rows)

    def finish(self) -> None:
        """Flush, index, and rewrite the names of merged entities from their final rows."""
        self.flush()
        _LOGGER.info("indexing %d names; rewriting the names of %d merged entities", self.names, len(self.merged))
        self.names_table.create_index(["qid"])
        for chunk in chunks(sorted(self.merged), _BATCH_SIZE):
            qids = list(chunk)
            self.names -= self.db.execute(f"DELETE FROM {schema.NAMES_TABLE} WHERE {_in(qids)}", qids).rowcount
            self._insert_names(schema.row_to_record(row) for row in self.entities.rows_where(_in(qids), qids))
        self.names_table.create_index(["key"])


def _write_sources(writer: _Writer, sources: list[Source]) -> list[dict[str, object]]:
    """Stream every source into the writer; returns each source's details with counts and timing."""
    details = []
    for source in sources:
        started = time.monotonic()
        count = 0
        for record in source.records:
            writer.add(record)
            count += 1
        writer.flush()
        seconds = round(time.monotonic() - started, 3)
        facts = {"name": source.name, **source.details, **(source.report() if source.report else {})}
        details.append({**facts, "records": count, "seconds": seconds})
        _LOGGER.info("source %s: %d records in %.1fs", source.name, count, seconds)
    return details


def _check(db: sqlite_utils.Database, writer: _Writer, sources: list[dict[str, object]], seed_qids: set[str]) -> None:
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BuildCheckError(f"SQLite integrity check failed: {result}")
    entity_count = db.execute(f"SELECT COUNT(*) FROM {schema.ENTITIES_TABLE}").fetchone()[0]
    name_count = db.execute(f"SELECT COUNT(*) FROM {schema.NAMES_TABLE}").fetchone()[0]
    if entity_count == 0:
        raise BuildCheckError("the build produced no entities")
    if entity_count != writer.new_entities or name_count != writer.names:
        raise BuildCheckError(
            f"counts disagree: {entity_count} entities and {name_count} names in the file, "
            f"{writer.new_entities} and {writer.names} written"
        )
    empty = [str(s["name"]) for s in sources if s["records"] == 0 and not s.get("seeds")]
    if empty:
        raise BuildCheckError(f"source(s) {', '.join(empty)} gave no entities in scope: wrong file or profile?")
    if seed_qids:
        missing: list[str] = []
        entities = db.table(schema.ENTITIES_TABLE)
        for chunk in chunks(sorted(seed_qids), _BATCH_SIZE):
            qids = list(chunk)
            found = {row["qid"] for row in entities.rows_where(_in(qids), qids, select="qid")}
            missing.extend(q for q in qids if q not in found)
        if missing:
            raise BuildCheckError(f"{len(missing)} seed entities missing from the build, e.g. {missing[:5]}")


def _seed_qids(seeds: Source) -> tuple[Source, set[str]]:
    """Wrap the seed stream so the QIDs it yields are remembered for the final check."""
    qids: set[str] = set()

    def remembered() -> Iterator[EntityRecord]:
        for record in seeds.records:
            qids.add(record.qid)
            yield record

    return Source(seeds.name, remembered(), seeds.details, seeds.report), qids


def _lock(out_path: Path) -> int:
    """Hold an exclusive lock for the target for the whole build; returns the lock's fd.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so
    forked parser processes do not inherit it, and it goes when this process dies.
    """
    fd = os.open(out_path.with_name(f".{out_path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise BuildLockedError(f"another build of {out_path} is running") from None
    return fd


def _remove_stale_temporaries(out_path: Path) -> None:
    # Under the lock, a temporary file can only be left by a build that was killed.
    for stale in out_path.parent.glob(f".{out_path.name}.*.building"):
        _LOGGER.warning("removing %s, left by a build that was killed", stale)
        stale.unlink(missing_ok=True)


def _replace_durably(tmp_path: Path, out_path: Path) -> None:
    """fsync the new file, rename it over the target, and fsync the folder so the rename sticks."""
    # mkstemp made the file private (0600); a gazetteer is read by the server, maybe as another user.
    os.chmod(tmp_path, out_path.stat().st_mode & 0o777 if out_path.exists() else 0o644)
    with open(tmp_path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp_path, out_path)
    folder = os.open(out_path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def build(
    out_path: Path,
    sources: list[Source],
    seeds: Source | None,
    exclude_names: frozenset[tuple[str, str]] = frozenset(),
) -> BuildReport:
    """Build a gazetteer at `out_path` from `sources` then `seeds`, replacing any old one atomically.

    A later source wins over an earlier one for the fields it sets; the seeds come last and so win over all.
    `exclude_names` holds (QID, key) pairs whose `names` rows are not written, whatever their kind
    (label, alias or derived surname), so neither the look-up tables: the evaluation's hook for
    gazetteers blind to chosen spellings (`evaluation.blind`). Empty for every real build.
    """
    started = time.monotonic()
    out_path = out_path.resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    lock_fd = _lock(out_path)
    try:
        _remove_stale_temporaries(out_path)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".building", dir=out_path.parent)
        os.close(fd)
        tmp_path = Path(tmp_name)
        try:
            report = _build_into(tmp_path, out_path, sources, seeds, started, exclude_names)
            _replace_durably(tmp_path, out_path)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
    finally:
        os.close(lock_fd)
    report.seconds = round(time.monotonic() - started, 3)
    _LOGGER.info(
        "built %s: %d entities, %d names in %.1fs", out_path, report.entity_count, report.name_count, report.seconds
    )
    return report


def _build_into(
    tmp_path: Path,
    out_path: Path,
    sources: list[Source],
    seeds: Source | None,
    started: float,
    exclude_names: frozenset[tuple[str, str]] = frozenset(),
) -> BuildReport:
    db = sqlite_utils.Database(tmp_path)
    for pragma in _PRAGMAS:
        db.execute(f"PRAGMA {pragma}")
    _create_tables(db)
    writer = _Writer(db, exclude_names)
    seed_qids: set[str] = set()
    all_sources = list(sources)
    if seeds is not None:
        seeds, seed_qids = _seed_qids(seeds)
        all_sources.append(Source(seeds.name, seeds.records, {**seeds.details, "seeds": True}, seeds.report))
    timings: dict[str, float] = {}
    with db.atomic():  # one transaction for the entities and names (sqlite-utils commits a write outside one)
        mark = time.monotonic()
        details = _write_sources(writer, all_sources)
        timings["sources"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()
        writer.finish()
        timings["names_and_indexes"] = round(time.monotonic() - mark, 3)
    mark = time.monotonic()
    write_lookup_tables(db.conn)
    timings["lookup_tables"] = round(time.monotonic() - mark, 3)
    counts = dict(db.execute(f"SELECT type, COUNT(*) FROM {schema.ENTITIES_TABLE} GROUP BY type").fetchall())
    built_at = datetime.now(UTC)
    report = BuildReport(
        out_path=out_path,
        version=built_at.strftime("%Y%m%dT%H%M%SZ"),
        entity_count=sum(counts.values()),
        name_count=writer.names,
        counts_by_type=counts,
        sources=details,
        timings=timings,
    )
    mark = time.monotonic()
    _check(db, writer, details, seed_qids)
    timings["check"] = round(time.monotonic() - mark, 3)
    report.seconds = round(time.monotonic() - started, 3)
    metadata = {
        "schema_version": str(schema.SCHEMA_VERSION),
        "normalizer_version": str(NORMALIZER_VERSION),
        "version": report.version,
        "built_at": built_at.isoformat(),
        "sources": json.dumps(report.sources, ensure_ascii=False),
        "dump_dates": json.dumps(sorted({str(s["dump_date"]) for s in details if s.get("dump_date")})),
        "counts_by_type": json.dumps(counts),
        "entity_count": str(report.entity_count),
        "name_count": str(report.name_count),
        "merged_entities": str(len(writer.merged)),
        "timings": json.dumps(timings),
        "build_seconds": str(report.seconds),
    }
    db.table(schema.METADATA_TABLE).insert_all({"key": k, "value": v} for k, v in metadata.items())
    db.conn.commit()
    db.close()
    return report

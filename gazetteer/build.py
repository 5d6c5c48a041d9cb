"""Build a gazetteer SQLite file from sources, atomically.

The build writes a temporary file next to the target, checks it, and only
then renames it over the target: a failed, interrupted or killed build leaves
the previous gazetteer untouched.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import sqlite_utils

from gazetteer import schema
from gazetteer.keys import name_key, surname_keys
from gazetteer.lexicon import blocked_surnames
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.records import EntityKind, EntityRecord

_LOGGER = logging.getLogger(__name__)

_BATCH_SIZE = 5000


class BuildCheckError(RuntimeError):
    """The freshly built file failed a check; the old gazetteer was kept."""


@dataclass(frozen=True, slots=True)
class Source:
    """A named stream of records, e.g. one dump file."""

    name: str
    records: Iterable[EntityRecord]
    # Facts about the source worth keeping in the metadata (dump date, counts...).
    details: dict[str, object] = field(default_factory=dict)


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


def names_for(record: EntityRecord, blocked: frozenset[str]) -> Iterator[dict[str, str]]:
    """The `names` rows of one entity: labels, aliases and derived surnames."""
    seen: set[tuple[str, str]] = set()

    def row(name: str, kind: str, lang: str) -> Iterator[dict[str, str]]:
        key = name_key(name)
        if key and (key, kind) not in seen:
            seen.add((key, kind))
            yield {"qid": record.qid, "name": name, "key": key, "kind": kind, "lang": lang}

    ar_keys = []
    for i, name in enumerate(record.names_ar()):
        ar_keys.append(name_key(name))
        yield from row(name, schema.NameKind.LABEL if i == 0 else schema.NameKind.ALIAS, "ar")
    if record.label_en:
        yield from row(record.label_en, schema.NameKind.LABEL, "en")
    for alias in record.aliases_en:
        yield from row(alias, schema.NameKind.ALIAS, "en")
    if record.kind is EntityKind.PERSON:
        full_keys = {key for key, _ in seen}
        for tail in surname_keys(ar_keys, blocked):
            if tail not in full_keys:
                yield from row(tail, schema.NameKind.SURNAME, "ar")


def _batches(rows: Iterable[dict[str, object]], size: int = _BATCH_SIZE) -> Iterator[list[dict[str, object]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _create_tables(db: sqlite_utils.Database) -> None:
    db[schema.ENTITIES_TABLE].create(schema.ENTITY_COLUMNS, pk="qid")  # type: ignore[union-attr]
    db[schema.NAMES_TABLE].create(schema.NAME_COLUMNS)  # type: ignore[union-attr]
    db[schema.METADATA_TABLE].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]


def _write_entities(db: sqlite_utils.Database, sources: list[Source], seeds: Source | None) -> set[str]:
    """Stream every source into `entities`; seeds are merged last and win. Returns the seed QIDs."""
    table = db[schema.ENTITIES_TABLE]
    for source in sources:
        for batch in _batches(schema.record_to_row(r) for r in source.records):
            table.insert_all(batch, replace=True)  # type: ignore[union-attr]
        _LOGGER.info("read source %s", source.name)
    seed_qids: set[str] = set()
    if seeds is not None:
        for record in seeds.records:
            seed_qids.add(record.qid)
            try:
                existing = schema.row_to_record(table.get(record.qid))  # type: ignore[union-attr]
                record = record.merged_with(existing)
            except sqlite_utils.db.NotFoundError:
                pass
            table.insert(schema.record_to_row(record), replace=True)  # type: ignore[union-attr]
    return seed_qids


def _write_names(db: sqlite_utils.Database) -> int:
    blocked = blocked_surnames()
    rows = (
        name_row
        for row in db[schema.ENTITIES_TABLE].rows
        for name_row in names_for(schema.row_to_record(row), blocked)
    )
    count = 0
    for batch in _batches(rows):
        db[schema.NAMES_TABLE].insert_all(batch)  # type: ignore[union-attr]
        count += len(batch)
    db[schema.NAMES_TABLE].create_index(["key"])  # type: ignore[union-attr]
    db[schema.NAMES_TABLE].create_index(["qid"])  # type: ignore[union-attr]
    return count


def _check(db: sqlite_utils.Database, seed_qids: set[str]) -> None:
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BuildCheckError(f"SQLite integrity check failed: {result}")
    if db[schema.ENTITIES_TABLE].count == 0:
        raise BuildCheckError("the build produced no entities")
    if seed_qids:
        present = {
            row[0]
            for row in db.execute(f"SELECT qid FROM {schema.ENTITIES_TABLE}")
        }
        missing = sorted(seed_qids - present)
        if missing:
            raise BuildCheckError(f"{len(missing)} seed entities missing from the build, e.g. {missing[:5]}")


def build(out_path: Path, sources: list[Source], seeds: Source | None) -> BuildReport:
    """Build a gazetteer at `out_path` from `sources` and `seeds`, replacing any old one atomically."""
    started = time.monotonic()
    out_path = out_path.resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".building", dir=out_path.parent)
    os.close(fd)
    tmp_path = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp_path)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        _create_tables(db)
        seed_qids = _write_entities(db, sources, seeds)
        name_count = _write_names(db)
        counts = dict(db.execute(f"SELECT type, COUNT(*) FROM {schema.ENTITIES_TABLE} GROUP BY type").fetchall())
        entity_count = sum(counts.values())
        built_at = datetime.now(UTC)
        version = built_at.strftime("%Y%m%dT%H%M%SZ")
        all_sources = [*sources, *([seeds] if seeds else [])]
        report = BuildReport(
            out_path=out_path,
            version=version,
            entity_count=entity_count,
            name_count=name_count,
            counts_by_type=counts,
            sources=[{"name": s.name, **s.details} for s in all_sources],
        )
        report.seconds = round(time.monotonic() - started, 3)
        metadata = {
            "schema_version": str(schema.SCHEMA_VERSION),
            "normalizer_version": str(NORMALIZER_VERSION),
            "version": version,
            "built_at": built_at.isoformat(),
            "sources": json.dumps(report.sources, ensure_ascii=False),
            "counts_by_type": json.dumps(counts),
            "entity_count": str(entity_count),
            "name_count": str(name_count),
            "build_seconds": str(report.seconds),
        }
        db[schema.METADATA_TABLE].insert_all(  # type: ignore[union-attr]
            [{"key": k, "value": v} for k, v in metadata.items()]
        )
        _check(db, seed_qids)
        db.conn.commit()
        db.close()
        os.replace(tmp_path, out_path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    _LOGGER.info(
        "built %s: %d entities, %d names in %.1fs", out_path, report.entity_count, report.name_count, report.seconds
    )
    return report

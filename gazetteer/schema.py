"""The SQLite layout of a gazetteer file, and its versions.

`entities` holds one row per entity; `names` one row per lookup name (labels,
aliases and derived surnames) with its normalised `key`; `metadata` key/value
facts about the build. The server refuses a file whose schema or normaliser
version differs from its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Protocol

from gazetteer.records import EntityKind, EntityRecord

SCHEMA_VERSION = 3  # 3: short names, compound and case spellings; تس folded as س

ENTITIES_TABLE = "entities"
NAMES_TABLE = "names"
METADATA_TABLE = "metadata"

ENTITY_COLUMNS: dict[str, type] = {
    "qid": str,
    "type": str,
    "label_ar": str,
    "label_en": str,
    "description_ar": str,
    "description_en": str,
    "aliases_ar": str,  # JSON list
    "aliases_en": str,  # JSON list
    "country_qid": str,
    "lat": float,
    "lon": float,
    "sitelinks": int,
    "instance_of": str,  # JSON list
    "positions": str,  # JSON list
    "sources": str,  # JSON list
    "qid_verified": int,  # 0 for a seed QID that could not be checked
}

NAME_COLUMNS: dict[str, type] = {
    "qid": str,
    "name": str,  # the name as the source wrote it ("" for derived surnames)
    "key": str,  # gazetteer.keys.name_key(name)
    "kind": str,  # NameKind value
    "lang": str,  # "ar" or "en"
}


class NameKind:
    """How a name relates to its entity; stored in `names.kind`."""

    LABEL = "label"
    ALIAS = "alias"
    SURNAME = "surname"  # derived: the distinctive tail of a person's name
    SHORT = "short"  # derived: a long name without its middle names (عبد الفتاح السيسي)
    TITLED = "titled"  # derived: the title a description gives, and the given name (الملك سلمان)


class SchemaMismatchError(RuntimeError):
    """A gazetteer file was written by an incompatible schema or normaliser."""


def record_to_row(record: EntityRecord) -> dict[str, object]:
    """An `EntityRecord` as an `entities` row."""
    return {
        "qid": record.qid,
        "type": record.kind.value,
        "label_ar": record.label_ar,
        "label_en": record.label_en,
        "description_ar": record.description_ar,
        "description_en": record.description_en,
        "aliases_ar": json.dumps(list(record.aliases_ar), ensure_ascii=False),
        "aliases_en": json.dumps(list(record.aliases_en), ensure_ascii=False),
        "country_qid": record.country_qid,
        "lat": record.lat,
        "lon": record.lon,
        "sitelinks": record.sitelinks,
        "instance_of": json.dumps(list(record.instance_of)),
        "positions": json.dumps(list(record.positions)),
        "sources": json.dumps(list(record.sources)),
        "qid_verified": int(record.qid_verified),
    }


class StoredRow(Protocol):
    """An `entities` row read by column name: a dict, or a `sqlite3.Row`."""

    def __getitem__(self, column: str) -> Any: ...


@lru_cache(maxsize=4096)
def _json_strings(stored: str) -> tuple[str, ...]:
    """A stored JSON list of strings as a tuple. Remembered: the same few lists (["Q5"], the
    sources) recur across a million records, and a served worker reads a record for every
    candidate of every name it meets for the first time. Most lists are empty and never get here."""
    return tuple(json.loads(stored))


def row_to_record(row: StoredRow) -> EntityRecord:
    """An `entities` row back as an `EntityRecord`."""

    def strings(column: str) -> tuple[str, ...]:
        stored = row[column]
        return _json_strings(stored) if stored and stored != "[]" else ()

    return EntityRecord(
        qid=row["qid"],
        kind=EntityKind(row["type"]),
        label_ar=row["label_ar"] or "",
        label_en=row["label_en"] or "",
        description_ar=row["description_ar"] or "",
        description_en=row["description_en"] or "",
        aliases_ar=strings("aliases_ar"),
        aliases_en=strings("aliases_en"),
        country_qid=row["country_qid"] or "",
        lat=row["lat"],
        lon=row["lon"],
        sitelinks=row["sitelinks"] or 0,
        instance_of=strings("instance_of"),
        positions=strings("positions"),
        sources=strings("sources"),
        qid_verified=bool(row["qid_verified"]),
    )

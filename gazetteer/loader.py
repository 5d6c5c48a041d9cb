"""Open a built gazetteer file for serving: checks versions, loads it into memory."""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from camel_tools.utils.dediac import dediac_ar

from gazetteer import schema
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.records import EntityRecord
from gazetteer.tokenize import words

_LOGGER = logging.getLogger(__name__)

# Sitelink count at which popularity saturates at 1.0 (the largest countries have ~350).
_POPULARITY_SATURATION = 300


def popularity(sitelinks: int) -> float:
    """Sitelink count → popularity in [0, 1], on a log scale."""
    return min(1.0, math.log1p(max(sitelinks, 0)) / math.log1p(_POPULARITY_SATURATION))


@dataclass(frozen=True, slots=True)
class NameRef:
    """One lookup name of an entity."""

    qid: str
    kind: str  # schema.NameKind value
    lang: str


@dataclass(frozen=True, slots=True)
class GazetteerInfo:
    """The metadata of a loaded gazetteer."""

    path: Path
    version: str
    built_at: str
    schema_version: int
    normalizer_version: int
    sources: tuple[str, ...]
    counts_by_type: dict[str, int]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """A gazetteer in memory: entities by QID and names by key."""

    info: GazetteerInfo
    entities: dict[str, EntityRecord]
    names_by_key: dict[str, tuple[NameRef, ...]]
    # Normalised name words that are written with a final ة (جدة): a text word
    # written with ه (جده) is then only a variant of them.
    teh_marbuta_words: frozenset[str] = frozenset()

    def popularity(self, qid: str) -> float:
        """The popularity prior of an entity."""
        return popularity(self.entities[qid].sitelinks)


class GazetteerLoadError(RuntimeError):
    """The file is missing, unreadable or not a gazetteer."""


def read_metadata(conn: sqlite3.Connection) -> dict[str, str]:
    """The metadata table as a dict."""
    return dict(conn.execute(f"SELECT key, value FROM {schema.METADATA_TABLE}").fetchall())


def check_versions(metadata: dict[str, str], path: Path) -> None:
    """Raise `SchemaMismatchError` unless the file matches this code's schema and normaliser."""
    schema_version = int(metadata.get("schema_version", "0"))
    normalizer_version = int(metadata.get("normalizer_version", "0"))
    if schema_version != schema.SCHEMA_VERSION:
        raise schema.SchemaMismatchError(
            f"{path} has schema version {schema_version}, this server reads version {schema.SCHEMA_VERSION}; "
            "rebuild it with `python -m gazetteer build`"
        )
    if normalizer_version != NORMALIZER_VERSION:
        raise schema.SchemaMismatchError(
            f"{path} was keyed with normaliser version {normalizer_version}, this server uses "
            f"{NORMALIZER_VERSION}; rebuild it with `python -m gazetteer build`"
        )


def load_gazetteer(path: Path) -> Gazetteer:
    """Load and check a gazetteer file."""
    if not path.is_file():
        raise GazetteerLoadError(f"gazetteer file {path} does not exist; build it with `make gazetteer`")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            metadata = read_metadata(conn)
        except sqlite3.DatabaseError as exc:
            raise GazetteerLoadError(f"{path} is not a gazetteer file: {exc}") from None
        check_versions(metadata, path)
        entities = {
            row["qid"]: schema.row_to_record(dict(row))
            for row in conn.execute(f"SELECT * FROM {schema.ENTITIES_TABLE}")
        }
        grouped: dict[str, list[NameRef]] = {}
        teh_marbuta: set[str] = set()
        for name, key, qid, kind, lang in conn.execute(f"SELECT name, key, qid, kind, lang FROM {schema.NAMES_TABLE}"):
            grouped.setdefault(key, []).append(NameRef(qid, kind, lang))
            if "\u0629" in name:
                teh_marbuta.update(teh_marbuta_final_words(name, key))
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise GazetteerLoadError(f"cannot read gazetteer {path}: {exc}") from None
    info = GazetteerInfo(
        path=path,
        version=metadata.get("version", ""),
        built_at=metadata.get("built_at", ""),
        schema_version=int(metadata["schema_version"]),
        normalizer_version=int(metadata["normalizer_version"]),
        sources=tuple(s["name"] for s in json.loads(metadata.get("sources", "[]"))),
        counts_by_type=json.loads(metadata.get("counts_by_type", "{}")),
    )
    names_by_key = {key: tuple(refs) for key, refs in grouped.items()}
    _LOGGER.info("loaded gazetteer %s: %d entities, %d keys", path, len(entities), len(names_by_key))
    return Gazetteer(info=info, entities=entities, names_by_key=names_by_key, teh_marbuta_words=frozenset(teh_marbuta))


def teh_marbuta_final_words(name: str, key: str) -> list[str]:
    """The words of `key` whose spelling in `name` ends with ة."""
    originals = words(dediac_ar(name))
    normalised = key.split(" ")
    if len(originals) != len(normalised):
        return []
    return [norm for original, norm in zip(originals, normalised, strict=True) if original.endswith("\u0629")]

"""Open a built gazetteer file for serving: checks versions, then reads it in place.

Nothing is copied into memory at start-up. Every look-up (names by key, name
words, skeletons, typo variants, entities) is a query on the read-only,
memory-mapped SQLite file, whose pages every server process shares through
the operating system's page cache; bounded per-process caches keep the hot
answers close. Start-up costs the same for ten entities as for a million.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from gazetteer import lookup_tables, schema
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.records import COUNTRY_CLASSES, EntityRecord

_LOGGER = logging.getLogger(__name__)

# Sitelink count at which popularity saturates at 1.0 (the largest countries have ~350).
_POPULARITY_SATURATION = 300
_MMAP_BYTES = 4 * 1024**3
_CACHE_ENTRIES = 200_000

T = TypeVar("T")


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


def _cached(method: Callable[[str], T], size: int = _CACHE_ENTRIES) -> Callable[[str], T]:
    return lru_cache(maxsize=size)(method)


class Gazetteer:
    """A built gazetteer, read in place: entities by QID, names by key, and the look-up tables."""

    def __init__(self, path: Path, info: GazetteerInfo) -> None:
        self.path = path
        self.info = info
        # One connection, opened now and shared by every thread (SQLite serialises them;
        # sqlite3.threadsafety is 3 here): a build that later replaces the path leaves this
        # object reading the file it was opened on, never a mix of two versions.
        self._lock = threading.Lock()
        self._connection = self._open()
        self._pid = os.getpid()
        self._refs_sql = self._choose_refs_sql()
        self.entity = _cached(self._entity)
        self.refs = _cached(self._refs)
        self.is_prefix = _cached(self._is_prefix)
        self.word = _cached(self._word)
        self.words_with_skeleton = _cached(self._words_with_skeleton)
        self.words_with_variant = _cached(self._words_with_variant)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A forked worker: SQLite connections must not cross a fork, so open the file afresh.
            with self._lock:
                if self._pid != os.getpid():
                    self._connection, self._pid = self._open(), os.getpid()
        return self._connection

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    # -- look-ups (each wrapped in a bounded cache in __init__) ---------------------

    def _entity(self, qid: str) -> EntityRecord | None:
        cursor = self._conn().execute(f"SELECT * FROM {schema.ENTITIES_TABLE} WHERE qid = ?", (qid,))
        row = cursor.fetchone()
        if row is None:
            return None
        return schema.row_to_record(dict(zip([c[0] for c in cursor.description], row, strict=True)))

    def _choose_refs_sql(self) -> str:
        """Read a key's candidates from the precomputed table, or rank them on the fly in older files."""
        has_table = self._connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (lookup_tables.CANDIDATES_TABLE,)
        ).fetchone()
        if has_table:
            return f"SELECT qid, kind, lang FROM {lookup_tables.CANDIDATES_TABLE} WHERE key = ?"
        return (
            f"SELECT n.qid, n.kind, n.lang FROM {schema.NAMES_TABLE} n "
            f"JOIN {schema.ENTITIES_TABLE} e ON e.qid = n.qid WHERE n.key = ? "
            f"ORDER BY e.sitelinks DESC, n.qid LIMIT {lookup_tables.MAX_CANDIDATES_PER_KEY}"
        )

    def _refs(self, key: str) -> tuple[NameRef, ...]:
        """The names with this key of its best-known entities (at most MAX_CANDIDATES_PER_KEY)."""
        return tuple(NameRef(*row) for row in self._conn().execute(self._refs_sql, (key,)))

    def _is_prefix(self, key: str) -> bool:
        sql = f"SELECT 1 FROM {lookup_tables.PREFIXES_TABLE} WHERE prefix = ?"
        return self._conn().execute(sql, (key,)).fetchone() is not None

    def _word(self, word: str) -> tuple[bool, bool]:
        """(is a word of some name, is spelled with a final ة in some name)."""
        sql = f"SELECT teh_marbuta FROM {lookup_tables.WORDS_TABLE} WHERE word = ?"
        row = self._conn().execute(sql, (word,)).fetchone()
        return (row is not None, bool(row and row[0]))

    def _words_with_skeleton(self, key: str) -> tuple[str, ...]:
        sql = f"SELECT word FROM {lookup_tables.WORDS_TABLE} WHERE skeleton = ?"
        return tuple(row[0] for row in self._conn().execute(sql, (key,)))

    def _words_with_variant(self, variant: str) -> tuple[str, ...]:
        sql = f"SELECT word FROM {lookup_tables.DELETES_TABLE} WHERE variant = ?"
        return tuple(row[0] for row in self._conn().execute(sql, (variant,)))

    # -- derived --------------------------------------------------------------------

    def is_word(self, word: str) -> bool:
        """True when `word` is a word of some name key."""
        return self.word(word)[0]

    def spelled_with_teh_marbuta(self, word: str) -> bool:
        """True when some name spells this normalised word with a final ة (جدة)."""
        return self.word(word)[1]

    def popularity(self, qid: str) -> float:
        """The popularity prior of an entity (0 when unknown)."""
        entity = self.entity(qid)
        return popularity(entity.sitelinks) if entity else 0.0

    def countries(self) -> list[EntityRecord]:
        """Every country: their names give the demonyms."""
        classes = " OR ".join("instance_of LIKE ?" for _ in COUNTRY_CLASSES)
        sql = f"SELECT qid FROM {schema.ENTITIES_TABLE} WHERE type = 'place' AND (country_qid = qid OR {classes})"
        qids = [row[0] for row in self._conn().execute(sql, [f'%"{c}"%' for c in sorted(COUNTRY_CLASSES)])]
        return [entity for entity in map(self.entity, qids) if entity is not None]


def load_gazetteer(path: Path) -> Gazetteer:
    """Open and check a gazetteer file."""
    if not path.is_file():
        raise GazetteerLoadError(f"gazetteer file {path} does not exist; build it with `make gazetteer`")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            try:
                metadata = read_metadata(conn)
            except sqlite3.DatabaseError as exc:
                raise GazetteerLoadError(f"{path} is not a gazetteer file: {exc}") from None
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise GazetteerLoadError(f"cannot read gazetteer {path}: {exc}") from None
    check_versions(metadata, path)
    info = GazetteerInfo(
        path=path,
        version=metadata.get("version", ""),
        built_at=metadata.get("built_at", ""),
        schema_version=int(metadata["schema_version"]),
        normalizer_version=int(metadata["normalizer_version"]),
        sources=tuple(s["name"] for s in json.loads(metadata.get("sources", "[]"))),
        counts_by_type=json.loads(metadata.get("counts_by_type", "{}")),
    )
    _LOGGER.info("opened gazetteer %s: version %s, %s", path, info.version, info.counts_by_type)
    return Gazetteer(path, info)

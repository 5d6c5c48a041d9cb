"""Open a built gazetteer file for serving: check its versions and structure, then read it in place.

Every look-up is an indexed query on the read-only, memory-mapped SQLite file,
whose pages all server processes share through the page cache; bounded caches
keep the hot answers close. Nothing is loaded at start-up, so it costs the same
for ten entities as for a million.

The server reads a private copy (`load_gazetteer(path, copy_dir=...)`), never
the operator's file: SQLite opens it `immutable=1` and trusts its bytes never
to change, so a file overwritten in place would change under a running server
(wrong answers, errors, SIGBUS). The copy is taken only if the source did not
change meanwhile, and checked whole before it serves. To replace a served
gazetteer, write the new file elsewhere and rename it over the old one, as the
build does.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from gazetteer import lookup_tables, schema
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.records import COUNTRY_CLASSES, EntityRecord

_LOGGER = logging.getLogger(__name__)

# Sitelink count at which popularity saturates at 1.0 (the largest countries have ~350).
_POPULARITY_SATURATION = 300
_MMAP_BYTES = 4 * 1024**3
_CACHE_ENTRIES = 50_000

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


class KeyEntry(NamedTuple):
    """What a key is in the gazetteer: the names with exactly this key, and whether a longer one starts with it."""

    refs: tuple[NameRef, ...]
    is_prefix: bool


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
    """The file is missing, unreadable, incomplete or not a gazetteer."""


# The look-ups serving runs, one SQL each: `check_structure` runs every one of them once.
ENTITY_SQL = f"SELECT * FROM {schema.ENTITIES_TABLE} WHERE qid = ?"
REFS_SQL = f"SELECT qid, kind, lang FROM {lookup_tables.CANDIDATES_TABLE} WHERE key = ?"
PREFIX_SQL = f"SELECT 1 FROM {lookup_tables.PREFIXES_TABLE} WHERE prefix = ?"
# Both at once, for the core's per-key look-up: the key's names, then one row of NULLs when
# some longer name starts with it. Spotting asks both of nearly every key it meets.
KEY_SQL = (
    f"SELECT qid, kind, lang FROM {lookup_tables.CANDIDATES_TABLE} WHERE key = ?1 "
    f"UNION ALL SELECT NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM {lookup_tables.PREFIXES_TABLE} WHERE prefix = ?1)"
)
WORD_SQL = f"SELECT teh_marbuta FROM {lookup_tables.WORDS_TABLE} WHERE word = ?"
SKELETON_SQL = f"SELECT word FROM {lookup_tables.WORDS_TABLE} WHERE skeleton = ?"
VARIANT_SQL = f"SELECT word FROM {lookup_tables.DELETES_TABLE} WHERE variant = ?"
SURNAMES_SQL = (
    f"SELECT DISTINCT key, lang FROM {schema.NAMES_TABLE} WHERE qid = ? AND kind = '{schema.NameKind.SURNAME}'"
)
# The batched forms, for a word met for the first time: one query for all its deletions (or all
# its two-part cuts) instead of one each; a word of a random-letter text costs dozens otherwise.
_ANY_VARIANT_SQL = f"SELECT DISTINCT word FROM {lookup_tables.DELETES_TABLE} WHERE variant IN ({{}})"
_WORDS_AMONG_SQL = f"SELECT word FROM {lookup_tables.WORDS_TABLE} WHERE word IN ({{}})"
# (look-up SQL, the SQL of one sample value it must find)
_LOOKUPS = (
    (ENTITY_SQL, f"SELECT qid FROM {schema.ENTITIES_TABLE} LIMIT 1"),
    (SURNAMES_SQL, f"SELECT qid FROM {schema.NAMES_TABLE} WHERE kind = '{schema.NameKind.SURNAME}' LIMIT 1"),
    (REFS_SQL, f"SELECT key FROM {lookup_tables.CANDIDATES_TABLE} LIMIT 1"),
    (PREFIX_SQL, f"SELECT prefix FROM {lookup_tables.PREFIXES_TABLE} LIMIT 1"),
    (KEY_SQL, f"SELECT key FROM {lookup_tables.CANDIDATES_TABLE} LIMIT 1"),
    (WORD_SQL, f"SELECT word FROM {lookup_tables.WORDS_TABLE} LIMIT 1"),
    (SKELETON_SQL, f"SELECT skeleton FROM {lookup_tables.WORDS_TABLE} WHERE skeleton IS NOT NULL LIMIT 1"),
    (VARIANT_SQL, f"SELECT variant FROM {lookup_tables.DELETES_TABLE} LIMIT 1"),
)


def check_structure(conn: sqlite3.Connection, path: Path, integrity: bool = True) -> None:
    """Raise `GazetteerLoadError` unless every look-up serving runs works on `conn`.

    Each look-up must use an index (a full scan per word would stall every call)
    and find a sample value read from its table (a small gazetteer may have
    empty look-up tables; it may not lack them, nor entities); with `integrity`, every page
    is checked first (`PRAGMA quick_check`, linear in the file's size).
    """
    try:
        if integrity:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise GazetteerLoadError(f"{path} is damaged: {'; '.join(problems)[:300]}")
        for lookup_sql, sample_sql in _LOOKUPS:
            plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {lookup_sql}", ("",)))
            if "INDEX" not in plan and "PRIMARY KEY" not in plan:
                raise GazetteerLoadError(f"{path} has no index for `{lookup_sql}` (plan: {plan})")
            sample = conn.execute(sample_sql).fetchone()
            if sample is None and lookup_sql == ENTITY_SQL:
                raise GazetteerLoadError(f"{path} holds no entities")
            if sample is not None and conn.execute(lookup_sql, sample).fetchone() is None:
                raise GazetteerLoadError(f"{path}: `{lookup_sql}` does not find {sample[0]!r}, read from its table")
    except sqlite3.DatabaseError as exc:
        raise GazetteerLoadError(f"{path} is not a complete gazetteer: {exc}") from None


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


_copies = iter(range(1, 1 << 62))

# How many forks this process descends from: a connection opened before a fork must not be used
# after it. Counted by a fork hook, so that a look-up compares two ints instead of asking the
# kernel for the pid (a system call on every look-up: 1% of a real article at 1M).
_fork_generation = 0


def _after_fork_in_child() -> None:
    global _fork_generation
    _fork_generation += 1


os.register_at_fork(after_in_child=_after_fork_in_child)


def private_copy(path: Path, copy_dir: Path) -> Path:
    """Copy `path` into `copy_dir` under a name of this process; refuse a file that changed meanwhile."""
    copy = copy_dir / f"gazetteer-{os.getpid()}-{next(_copies)}-{time.time_ns()}.sqlite"
    try:
        with path.open("rb") as source:
            before = _identity(os.fstat(source.fileno()))
            with copy.open("xb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            after = _identity(os.fstat(source.fileno()))
        if before != after or _identity(path.stat()) != after:
            raise GazetteerLoadError(
                f"{path} changed while it was copied (is it being written in place?); write the new file "
                "elsewhere and rename it over the served one"
            )
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def remove_stale_copies(copy_dir: Path) -> int:
    """Delete the private copies of processes that no longer run (killed before they could)."""
    removed = 0
    for copy in copy_dir.glob("gazetteer-*-*.sqlite"):
        try:
            pid = int(copy.name.split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            copy.unlink(missing_ok=True)
            removed += 1
        except (ValueError, PermissionError):
            continue
    return removed


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

    def __init__(self, path: Path, info: GazetteerInfo, owns_file: bool = False) -> None:
        self.path = path
        self.info = info
        # A private copy made for this object: deleted by `close` in the process that made it.
        self._owner = os.getpid() if owns_file else None
        # One connection, opened now and shared by every thread (SQLite serialises them;
        # sqlite3.threadsafety is 3 here): a build that later replaces the path leaves this
        # object reading the file it was opened on, never a mix of two versions.
        self._lock = threading.Lock()
        self._connection = self._open()
        self._generation = _fork_generation
        self.entity = _cached(self._entity)
        self.word = _cached(self._word)
        self.words_with_skeleton = _cached(self._words_with_skeleton)
        self.words_with_variant = _cached(self._words_with_variant)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._generation != _fork_generation:
            # A forked worker: SQLite connections must not cross a fork, so open the file afresh.
            with self._lock:
                if self._generation != _fork_generation:
                    self._connection, self._generation = self._open(), _fork_generation
        return self._connection

    def close(self) -> None:
        """Close the connection (its descriptor and mapping); delete the private copy this process made."""
        self._connection.close()
        if self._owner == os.getpid():
            self.path.unlink(missing_ok=True)

    # -- look-ups (most wrapped in a bounded cache in __init__) ---------------------

    def _entity(self, qid: str) -> EntityRecord | None:
        cursor = self._conn().cursor()
        cursor.row_factory = sqlite3.Row  # read by column name in C, no dict built per record
        row = cursor.execute(ENTITY_SQL, (qid,)).fetchone()
        return None if row is None else schema.row_to_record(row)

    # `refs`, `is_prefix` and `key_entry` have no cache here: the linking core asks `key_entry` for
    # nearly every word through a memo of its own, and a cache under that memo only cost time and memory.
    def refs(self, key: str) -> tuple[NameRef, ...]:
        """The names with this key of its best-known entities (at most MAX_CANDIDATES_PER_KEY)."""
        return tuple(NameRef(*row) for row in self._conn().execute(REFS_SQL, (key,)))

    def surnames(self, qid: str) -> tuple[tuple[str, str], ...]:
        """The (key, language) of an entity's family names (derived at build time), read from all its names.

        Unlike `refs`, not cut to a key's best-known entities: a person the text names in full
        keeps their family name however many namesakes share it.
        """
        return tuple((key, lang) for key, lang in self._conn().execute(SURNAMES_SQL, (qid,)))

    def is_prefix(self, key: str) -> bool:
        """True when some longer name key starts with these words."""
        return self._conn().execute(PREFIX_SQL, (key,)).fetchone() is not None

    def key_entry(self, key: str) -> KeyEntry:
        """`refs(key)` and `is_prefix(key)` in one query."""
        refs = []
        prefix = False
        for qid, kind, lang in self._conn().execute(KEY_SQL, (key,)):
            if qid is None:
                prefix = True
            else:
                refs.append(NameRef(qid, kind, lang))
        return KeyEntry(tuple(refs), prefix)

    def _word(self, word: str) -> tuple[bool, bool]:
        """(is a word of some name, is spelled with a final ة in some name)."""
        row = self._conn().execute(WORD_SQL, (word,)).fetchone()
        return (row is not None, bool(row and row[0]))

    def _words_with_skeleton(self, key: str) -> tuple[str, ...]:
        return tuple(row[0] for row in self._conn().execute(SKELETON_SQL, (key,)))

    def _words_with_variant(self, variant: str) -> tuple[str, ...]:
        return tuple(row[0] for row in self._conn().execute(VARIANT_SQL, (variant,)))

    def words_with_any_variant(self, variants: Collection[str]) -> frozenset[str]:
        """The words that lose one letter to become one of `variants` (`words_with_variant` for each, at once)."""
        if not variants:
            return frozenset()
        sql = _ANY_VARIANT_SQL.format(",".join("?" * len(variants)))
        return frozenset(row[0] for row in self._conn().execute(sql, tuple(variants)))

    def words_among(self, words: Collection[str]) -> frozenset[str]:
        """Those of `words` that are words of some name key (`is_word` for each, at once)."""
        if not words:
            return frozenset()
        sql = _WORDS_AMONG_SQL.format(",".join("?" * len(words)))
        return frozenset(row[0] for row in self._conn().execute(sql, tuple(words)))

    # -- derived --------------------------------------------------------------------

    def is_word(self, word: str) -> bool:
        """True when `word` is a word of some name key."""
        return self.word(word)[0]

    def spelled_with_teh_marbuta(self, word: str) -> bool:
        """True when some name spells this normalised word with a final ة (جدة)."""
        return self.word(word)[1]

    def countries(self) -> list[EntityRecord]:
        """Every country: their names give the demonyms."""
        classes = " OR ".join("instance_of LIKE ?" for _ in COUNTRY_CLASSES)
        sql = f"SELECT qid FROM {schema.ENTITIES_TABLE} WHERE type = 'place' AND (country_qid = qid OR {classes})"
        qids = [row[0] for row in self._conn().execute(sql, [f'%"{c}"%' for c in sorted(COUNTRY_CLASSES)])]
        return [entity for entity in map(self.entity, qids) if entity is not None]


def load_gazetteer(path: Path, copy_dir: Path | None = None) -> Gazetteer:
    """Open and check a gazetteer file: versions, then every table and index serving reads.

    With `copy_dir`, serve a private copy made there, checked page by page
    first (the server's way, see the module docstring); without, read `path`
    in place (tools, benchmarks and tests that own their file).
    """
    try:
        if not path.is_file():
            raise GazetteerLoadError(f"gazetteer file {path} does not exist; build it with `make gazetteer`")
        served = private_copy(path, copy_dir) if copy_dir is not None else path
    except OSError as exc:
        raise GazetteerLoadError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from None
    try:
        info = _check(path, served, integrity=copy_dir is not None)
    except BaseException:
        if served != path:
            served.unlink(missing_ok=True)
        raise
    _LOGGER.info("opened gazetteer %s: version %s, %s", path, info.version, info.counts_by_type)
    return Gazetteer(served, info, owns_file=served != path)


def _check(path: Path, served: Path, integrity: bool) -> GazetteerInfo:
    """The metadata of `served` (a copy of `path`, or `path`), once versions and structure pass."""
    conn = None
    try:
        conn = sqlite3.connect(f"file:{served}?mode=ro", uri=True)
        try:
            metadata = read_metadata(conn)
        except sqlite3.DatabaseError as exc:
            raise GazetteerLoadError(f"{path} is not a gazetteer file: {exc}") from None
        check_versions(metadata, path)
        check_structure(conn, path, integrity)
        return GazetteerInfo(
            path=path,
            version=metadata.get("version", ""),
            built_at=metadata.get("built_at", ""),
            schema_version=int(metadata["schema_version"]),
            normalizer_version=int(metadata["normalizer_version"]),
            sources=tuple(s["name"] for s in json.loads(metadata.get("sources", "[]"))),
            counts_by_type=json.loads(metadata.get("counts_by_type", "{}")),
        )
    except sqlite3.DatabaseError as exc:
        raise GazetteerLoadError(f"cannot read gazetteer {path}: {exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise GazetteerLoadError(f"{path} has unreadable metadata: {exc!r}") from None
    finally:
        if conn is not None:
            conn.close()

"""The look-up tables a server needs, derived from `names` once, at build time.

Serving reads them straight from the SQLite file (memory-mapped, so every
worker process shares one copy through the page cache): nothing is rebuilt
when a server starts.

- `name_prefixes`: every proper word-prefix of a name key (بني for بني غانتس),
  so multi-word names are walked word by word.
- `name_words`: every word of every name key, with its phonetic skeleton and
  whether some name spells it with a final ة.
- `word_deletes`: the one-deletion variants of the long words of well-known
  entities' names, for one-typo matching (SymSpell).
- `name_candidates`: for each key, the names of its best-known entities only
  (at most `MAX_CANDIDATES_PER_KEY`, by sitelinks): a surname shared by tens of
  thousands of people in a large gazetteer costs one bounded read.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator

from camel_tools.utils.dediac import dediac_ar
from sqlite_utils.utils import chunks

from gazetteer import schema
from gazetteer.keys import skeleton
from gazetteer.tokenize import words

_LOGGER = logging.getLogger(__name__)

PREFIXES_TABLE = "name_prefixes"
WORDS_TABLE = "name_words"
DELETES_TABLE = "word_deletes"
CANDIDATES_TABLE = "name_candidates"
# Entities considered for one name: the best-known ones. Beyond a handful of namesakes the
# name alone cannot single one out, and the score says so through the ambiguity share. At 1M
# entities 16 rather than 32 made a news article link 35-60% faster, and 8 rather than 16
# kept the same dev figures and ANERcorp's 96.0% on names (`python -m evaluation --gazetteer
# PATH --gazetteer-1m PATH` on both builds side by side).
MAX_CANDIDATES_PER_KEY = 8

# Words at least this long get typo variants.
MIN_TYPO_WORD = 6
# Only names of entities with at least this many sitelinks get typo variants: a
# misspelling is worth catching for a well-known name, and the table stays small.
MIN_TYPO_SITELINKS = 10
_BATCH = 50_000
_TEH_MARBUTA = "\u0629"


def deletes(word: str) -> set[str]:
    """The word with each one letter left out, SymSpell's deletes.

    The build files a name word under its own, serving looks a text word up by
    its own: two words one edit apart share one of them.
    """
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def teh_marbuta_final_words(name: str, key: str) -> list[str]:
    """The words of `key` whose spelling in `name` ends with ة."""
    originals = words(dediac_ar(name))
    normalised = key.split(" ")
    if len(originals) != len(normalised):
        return []
    return [norm for original, norm in zip(originals, normalised, strict=True) if original.endswith(_TEH_MARBUTA)]


def _insert(conn: sqlite3.Connection, sql: str, rows: Iterable[tuple[object, ...]]) -> int:
    """Run `sql` on every row, a batch at a time (millions of rows are never one list); returns the count."""
    count = 0
    for chunk in chunks(rows, _BATCH):
        batch = list(chunk)
        conn.executemany(sql, batch)
        count += len(batch)
    return count


def _prefixes(keys: Iterable[str]) -> Iterator[str]:
    for key in keys:
        parts = key.split(" ")
        for n in range(1, len(parts)):
            yield " ".join(parts[:n])


def write_lookup_tables(conn: sqlite3.Connection) -> dict[str, int]:
    """Create and fill the look-up tables from the `names` table; returns their row counts."""
    names, entities = schema.NAMES_TABLE, schema.ENTITIES_TABLE
    conn.executescript(
        f"""
        CREATE TABLE {PREFIXES_TABLE} (prefix TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE {WORDS_TABLE} (word TEXT PRIMARY KEY, skeleton TEXT, teh_marbuta INTEGER) WITHOUT ROWID;
        CREATE TABLE {DELETES_TABLE} (variant TEXT, word TEXT, PRIMARY KEY (variant, word)) WITHOUT ROWID;
        """
    )
    keys = [row[0] for row in conn.execute(f"SELECT DISTINCT key FROM {names}")]
    prefix_count = _insert(
        conn, f"INSERT OR IGNORE INTO {PREFIXES_TABLE} VALUES (?)", ((p,) for p in set(_prefixes(keys)))
    )
    teh_marbuta: set[str] = set()
    for name, key in conn.execute(f"SELECT name, key FROM {names} WHERE name LIKE ?", (f"%{_TEH_MARBUTA}%",)):
        teh_marbuta.update(teh_marbuta_final_words(name, key))
    vocabulary = {word for key in keys for word in key.split(" ")}
    word_count = _insert(
        conn,
        f"INSERT INTO {WORDS_TABLE} VALUES (?, ?, ?)",
        ((word, skeleton(word), int(word in teh_marbuta)) for word in vocabulary),
    )
    conn.execute(f"CREATE INDEX {WORDS_TABLE}_skeleton ON {WORDS_TABLE} (skeleton)")
    well_known = {
        word
        for (key,) in conn.execute(
            f"SELECT DISTINCT n.key FROM {names} n JOIN {entities} e ON e.qid = n.qid WHERE e.sitelinks >= ?",
            (MIN_TYPO_SITELINKS,),
        )
        for word in key.split(" ")
        if len(word) >= MIN_TYPO_WORD
    }
    delete_count = _insert(
        conn,
        f"INSERT OR IGNORE INTO {DELETES_TABLE} VALUES (?, ?)",
        ((variant, word) for word in well_known for variant in deletes(word) | {word}),
    )
    conn.executescript(
        f"""
        CREATE TABLE {CANDIDATES_TABLE} AS
            SELECT key, qid, kind, lang FROM (
                SELECT n.key, n.qid, n.kind, n.lang,
                       ROW_NUMBER() OVER (PARTITION BY n.key ORDER BY e.sitelinks DESC, n.qid) AS rank
                FROM {names} n JOIN {entities} e ON e.qid = n.qid
            )
            WHERE rank <= {MAX_CANDIDATES_PER_KEY};
        CREATE INDEX {CANDIDATES_TABLE}_key ON {CANDIDATES_TABLE} (key);
        """
    )
    candidate_count = conn.execute(f"SELECT COUNT(*) FROM {CANDIDATES_TABLE}").fetchone()[0]
    counts = {
        PREFIXES_TABLE: prefix_count,
        WORDS_TABLE: word_count,
        DELETES_TABLE: delete_count,
        CANDIDATES_TABLE: candidate_count,
    }
    _LOGGER.info("look-up tables: %s", counts)
    return counts

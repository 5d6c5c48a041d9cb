"""The alternatives a team would otherwise build, over the same gazetteer names as the service.

- `FtsResolver`: SQLite FTS5 with the trigram tokenizer over every distinct
  name key; the query's trigrams (OR) fetch the best candidates by bm25, and
  rapidfuzz (WRatio) reranks them.
- `ExtractResolver`: rapidfuzz `process.extract` (WRatio) over every
  normalised name of the `names` table, or over the distinct keys.
- `AhoCorasickSpotter`: an exact spotter (pyahocorasick) over the distinct
  keys, on the text normalised into key space (`gazetteer.keys.name_key`).

The resolvers answer like `Linker.resolve` for the development set: QIDs best
first. A key that several entities share goes to the one with most sitelinks
(per type, so a `types` filter still has an answer); context is not used.
Queries and texts are normalised with the project's `name_key`, inside the
timed call, as the service normalises inside its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from rapidfuzz import fuzz, process

from gazetteer.keys import name_key

# Rapidfuzz score (0-100) below which a resolver answers nothing.
SCORE_CUTOFF = 75.0
# Candidates the FTS5 query hands to the reranker.
FTS_CANDIDATES = 50
# Scored keys a resolver expands into entities.
RERANK_KEEP = 10
_ALT_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Answer:
    """One entity a resolver proposes, with its rapidfuzz score in [0, 1]."""

    qid: str
    score: float


def alternative_db_path(gazetteer: Path) -> Path:
    """The side database of the alternatives for one gazetteer file (next to it)."""
    return gazetteer.with_name(gazetteer.stem + ".alternatives.sqlite")


def _gazetteer_version(gazetteer: Path) -> str:
    with sqlite3.connect(f"file:{gazetteer}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT value FROM metadata WHERE key = 'version'").fetchone()
    conn.close()
    return f"{_ALT_VERSION}:{row[0] if row else ''}"


def ensure_alternative_db(gazetteer: Path) -> Path:
    """Build (or reuse) the keys, best-entity and FTS5 trigram tables for `gazetteer`.

    `keys` holds every distinct name key; `best` the most-linked entity of
    each key and type; `keys_fts` the trigram index of the keys.
    """
    path = alternative_db_path(gazetteer)
    version = _gazetteer_version(gazetteer)
    if path.exists():
        try:
            with sqlite3.connect(path) as conn:
                row = conn.execute("SELECT value FROM bench_metadata WHERE key = 'version'").fetchone()
            conn.close()
            if row and row[0] == version:
                return path
        except sqlite3.DatabaseError:
            pass
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    try:
        conn.execute("ATTACH DATABASE ? AS g", (f"file:{gazetteer}?mode=ro",))
        conn.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
            INSERT INTO keys (key) SELECT DISTINCT key FROM g.names WHERE key != '' ORDER BY key;
            CREATE TABLE best (key_id INTEGER, type TEXT, qid TEXT, sitelinks INTEGER,
                               PRIMARY KEY (key_id, type)) WITHOUT ROWID;
            -- SQLite's bare columns with MAX(): qid is taken from the row with the most sitelinks.
            INSERT INTO best
                SELECT k.id, e.type, e.qid, MAX(e.sitelinks)
                FROM g.names n JOIN keys k ON k.key = n.key JOIN g.entities e ON e.qid = n.qid
                GROUP BY k.id, e.type;
            CREATE VIRTUAL TABLE keys_fts USING fts5(key, content='keys', content_rowid='id', tokenize='trigram');
            INSERT INTO keys_fts (keys_fts) VALUES ('rebuild');
            CREATE TABLE bench_metadata (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        conn.execute("INSERT INTO bench_metadata VALUES ('version', ?)", (version,))
        conn.commit()
        conn.execute("DETACH DATABASE g")
    finally:
        conn.close()
    partial.replace(path)
    return path


def distinct_keys(alternative_db: Path) -> list[str]:
    """Every distinct name key of the gazetteer: what the Aho-Corasick spotter and extract search."""
    ranker = _Ranker(alternative_db)
    try:
        return ranker.keys()
    finally:
        ranker.close()


class _Ranker:
    """Turns scored keys into entities: the most-linked entity of each key (and wanted type)."""

    def __init__(self, alternative_db: Path) -> None:
        self.conn = sqlite3.connect(f"file:{alternative_db}?mode=ro", uri=True, check_same_thread=False)

    def keys(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT key FROM keys ORDER BY id")]

    def answers(self, scored: Iterable[tuple[str, float]], kinds: frozenset[str], limit: int) -> list[Answer]:
        ranked: list[tuple[float, int, str]] = []
        for key, score in scored:
            rows = self.conn.execute(
                "SELECT b.type, b.qid, b.sitelinks FROM keys k JOIN best b ON b.key_id = k.id WHERE k.key = ?", (key,)
            )
            ranked.extend((score, sitelinks, qid) for kind, qid, sitelinks in rows if not kinds or kind in kinds)
        ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))
        answers: dict[str, Answer] = {}
        for score, _, qid in ranked:
            answers.setdefault(qid, Answer(qid, round(score / 100, 4)))
        return list(answers.values())[:limit]

    def close(self) -> None:
        self.conn.close()


class FtsResolver:
    """FTS5 trigram candidate search, reranked with rapidfuzz."""

    def __init__(self, alternative_db: Path, candidates: int = FTS_CANDIDATES) -> None:
        self._ranker = _Ranker(alternative_db)
        self._conn = self._ranker.conn
        self.candidates = candidates

    @staticmethod
    def match_expression(key: str) -> str:
        """The FTS5 query: any of the key's trigrams, each a quoted string."""
        trigrams = dict.fromkeys(key[i : i + 3] for i in range(len(key) - 2))
        return " OR ".join('"' + t.replace('"', '""') + '"' for t in trigrams)

    def resolve(self, name: str, kinds: frozenset[str] = frozenset(), limit: int = 5) -> list[Answer]:
        key = name_key(name)
        if not key:
            return []
        if len(key) < 3:  # no trigram: only an exact key can match
            choices = [row[0] for row in self._conn.execute("SELECT key FROM keys WHERE key = ?", (key,))]
        else:
            sql = "SELECT key FROM keys_fts WHERE keys_fts MATCH ? ORDER BY rank LIMIT ?"
            choices = [row[0] for row in self._conn.execute(sql, (self.match_expression(key), self.candidates))]
        scored = process.extract(key, choices, scorer=fuzz.WRatio, limit=RERANK_KEEP, score_cutoff=SCORE_CUTOFF)
        return self._ranker.answers(((choice, score) for choice, score, _ in scored), kinds, limit)

    def close(self) -> None:
        self._ranker.close()


class ExtractResolver:
    """rapidfuzz `process.extract` over a list of normalised names.

    `all_names=True` scores every row of the gazetteer's `names` table (what
    "extract over every name" costs); False scores each distinct key once.
    Both put the same key first, so they give the same best answer.
    """

    def __init__(self, gazetteer: Path, alternative_db: Path, all_names: bool) -> None:
        self._ranker = _Ranker(alternative_db)
        if all_names:
            interned: dict[str, str] = {}
            with sqlite3.connect(f"file:{gazetteer}?mode=ro", uri=True) as conn:
                rows = conn.execute("SELECT key FROM names WHERE key != ''")
                self.choices = [interned.setdefault(key, key) for (key,) in rows]
            conn.close()
        else:
            self.choices = self._ranker.keys()

    def resolve(self, name: str, kinds: frozenset[str] = frozenset(), limit: int = 5) -> list[Answer]:
        key = name_key(name)
        if not key:
            return []
        # Every name is scored whatever the limit: that is the cost measured. Duplicates of one key
        # may fill the limit; the best key, which decides accuracy@1, is the same either way.
        extracted = process.extract(key, self.choices, scorer=fuzz.WRatio, limit=RERANK_KEEP, score_cutoff=SCORE_CUTOFF)
        best: dict[str, float] = {}
        for choice, score, _ in extracted:
            best.setdefault(choice, score)
        return self._ranker.answers(best.items(), kinds, limit)

    def close(self) -> None:
        self._ranker.close()


class AhoCorasickSpotter:
    """Exact whole-word matches of every name key in text normalised into key space."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        for key in keys:
            self.automaton.add_word(key, len(key))
        self.automaton.make_automaton()
        self.size = len(keys)

    def spot(self, text: str) -> list[tuple[int, int]]:
        """[start, end) of every whole-word match in `name_key(text)` (normalisation included)."""
        document = name_key(text)
        last = len(document)
        spans = []
        for end_index, length in self.automaton.iter(document):
            start, end = end_index - length + 1, end_index + 1
            if (start == 0 or document[start - 1] == " ") and (end == last or document[end] == " "):
                spans.append((start, end))
        return spans

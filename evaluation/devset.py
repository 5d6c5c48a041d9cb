"""The development set: paths, `[[surface|QID]]` markup, loading and validation.

* `passages.jsonl`: {"id", "markup", "exercises"}; gold mentions are written
  inline as `[[surface|QID]]` and the plain text is the markup without them.
* `resolve.jsonl`: {"query", "context", "types", "expected", "exercises"};
  `expected` is a QID, or null when the query must return nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gazetteer.jsonl import read_jsonl

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVSET_DIR = REPO_ROOT / "tests" / "data" / "devset"
PASSAGES_PATH = DEVSET_DIR / "passages.jsonl"
HELDOUT_PASSAGES_PATH = REPO_ROOT / "tests" / "data" / "heldout" / "passages.jsonl"
QUERIES_PATH = DEVSET_DIR / "resolve.jsonl"
SEEDS_DIR = REPO_ROOT / "seeds"
SEED_ARTICLE_ID = "seed_article"
SEED_ARTICLE_PATH = SEEDS_DIR / "000_56f59e649abf86c3.txt"

KINDS = ("person", "place", "organization")
# Resolve queries whose exercises carry this word form the hard subset (misspelled, joined, partial, titled).
HARD_TAG = "hard"

_MARK_RE = re.compile(r"\[\[([^\[\]|]+)\|(Q[1-9][0-9]*)\]\]")


class DevsetError(ValueError):
    """A development-set line is malformed."""


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One annotated mention: code-point offsets into the plain text."""

    start: int
    end: int
    surface: str
    qid: str


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage: plain text and its gold mentions."""

    id: str
    text: str
    gold: tuple[GoldMention, ...]
    exercises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """One Resolve query; `expected` None means it must return nothing."""

    query: str
    context: str
    types: tuple[str, ...]
    expected: str | None
    exercises: str = ""

    @property
    def hard(self) -> bool:
        """In the hard subset (exercises tagged "hard ...")."""
        return HARD_TAG in self.exercises.split()


def parse_markup(markup: str) -> tuple[str, list[GoldMention]]:
    """`[[surface|QID]]` markup → (plain text, gold mentions with offsets into the plain text)."""
    parts: list[str] = []
    gold: list[GoldMention] = []
    length = 0
    last = 0
    for match in _MARK_RE.finditer(markup):
        before = markup[last : match.start()]
        parts.append(before)
        length += len(before)
        surface, qid = match.group(1), match.group(2)
        gold.append(GoldMention(length, length + len(surface), surface, qid))
        parts.append(surface)
        length += len(surface)
        last = match.end()
    parts.append(markup[last:])
    text = "".join(parts)
    if "[[" in text or "]]" in text:
        raise DevsetError(f"unbalanced or malformed [[...]] markup near {text[max(text.find('[['), 0) :][:40]!r}")
    return text, gold


def load_passages(path: Path = PASSAGES_PATH) -> list[Passage]:
    """Every passage of a file in the dev-set format."""
    passages = []
    for where, obj in read_jsonl(path, DevsetError):
        try:
            text, gold = parse_markup(str(obj["markup"]))
        except (KeyError, DevsetError) as exc:
            raise DevsetError(f"{where}: {exc}") from None
        passages.append(Passage(str(obj["id"]), text, tuple(gold), tuple(obj.get("exercises") or ())))
    return passages


def load_queries(path: Path = QUERIES_PATH) -> list[Query]:
    """Every Resolve query of a file in the dev-set format."""
    queries = []
    for where, obj in read_jsonl(path, DevsetError):
        if "query" not in obj or "expected" not in obj:
            raise DevsetError(f"{where}: needs 'query' and 'expected'")
        exercises = obj.get("exercises") or ""
        if isinstance(exercises, list):
            exercises = ", ".join(exercises)
        queries.append(
            Query(
                query=str(obj["query"]),
                context=str(obj.get("context") or ""),
                types=tuple(obj.get("types") or ()),
                expected=obj.get("expected") or None,
                exercises=str(exercises),
            )
        )
    return queries


def seed_kinds(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    """QID → "person"/"place"/"organization" for every seed entity."""
    from gazetteer.readers.seeds import read_seeds

    return {record.qid: record.kind.value for record in read_seeds(seeds_dir)}


def validate_devset(
    passages: Sequence[Passage],
    queries: Sequence[Query],
    known_qids: Iterable[str],
    seed_article: str | None = None,
) -> list[str]:
    """Everything wrong with the development set, as messages (empty when it is sound)."""
    known = set(known_qids)
    problems: list[str] = []
    seen_ids: set[str] = set()
    for passage in passages:
        if passage.id in seen_ids:
            problems.append(f"passage id {passage.id} is used twice")
        seen_ids.add(passage.id)
        previous_end = -1
        for mention in passage.gold:
            if passage.text[mention.start : mention.end] != mention.surface:
                problems.append(f"{passage.id}: span {mention.start}-{mention.end} does not slice to {mention.surface}")
            if mention.surface != mention.surface.strip() or not mention.surface:
                problems.append(f"{passage.id}: gold surface {mention.surface!r} has outer white space")
            if mention.start < previous_end:
                problems.append(f"{passage.id}: gold mentions overlap at {mention.start}")
            previous_end = mention.end
            if mention.qid not in known:
                problems.append(f"{passage.id}: {mention.qid} ({mention.surface}) is not a seed entity")
    if seed_article is not None:
        first = next((p for p in passages if p.id == SEED_ARTICLE_ID), None)
        if first is None:
            problems.append(f"no passage with id {SEED_ARTICLE_ID}")
        elif first.text != seed_article:
            at = next((i for i, (a, b) in enumerate(zip(first.text, seed_article, strict=False)) if a != b), None)
            at = min(len(first.text), len(seed_article)) if at is None else at
            problems.append(f"{SEED_ARTICLE_ID} differs from {SEED_ARTICLE_PATH.name} at character {at}")
    for query in queries:
        if query.expected is not None and query.expected not in known:
            problems.append(f"resolve query {query.query!r}: {query.expected} is not a seed entity")
        for kind in query.types:
            if kind not in KINDS:
                problems.append(f"resolve query {query.query!r}: unknown type {kind!r}")
    return problems

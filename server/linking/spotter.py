"""Spotting: every span of consecutive words that may be a gazetteer name."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from server.linking.index import NameIndex, WordMatch
from server.linking.text import Word, joined

_LOGGER = logging.getLogger(__name__)

MAX_NAME_WORDS = 8


@dataclass(frozen=True, slots=True)
class SpanMatch:
    """Words [first, last] of the document matching the gazetteer key `key`.

    `skip` normalised characters of the first word are a proclitic outside the
    mention; `similarity` is the product of the word similarities.
    """

    first: int
    last: int
    skip: int
    key: str
    similarity: float
    # The loosest way any word matched: "exact", "variant" or "typo".
    loosest: str

    @property
    def exact(self) -> bool:
        return self.loosest == "exact"

    @property
    def word_count(self) -> int:
        return self.last - self.first + 1


def spot(text: str, words: list[Word], index: NameIndex) -> list[SpanMatch]:
    """Every gazetteer key that occurs in the document, with overlaps; fuzzy and clitic-aware."""
    found: list[SpanMatch] = []
    for first, word in enumerate(words):
        # States: (key so far, similarity so far, skip, loosest match so far).
        states = [
            (m.word, m.similarity, skip, m.how)
            for skip, m in (_as_written(word, r, index) for r in index.first_word_readings(word.norm))
        ]
        last = first
        while states:
            for key, similarity, skip, loosest in states:
                if index.is_name(key):
                    found.append(SpanMatch(first, last, skip, key, similarity, loosest))
            last += 1
            if last >= len(words) or last - first >= MAX_NAME_WORDS or not joined(text, words[last - 1], words[last]):
                break
            next_word = words[last]
            next_matches = [_as_written(next_word, m, index)[1] for m in index.word_matches(next_word.norm)]
            states = [
                (f"{key} {m.word}", similarity * m.similarity, skip, _looser(loosest, m.how))
                for key, similarity, skip, loosest in states
                if index.is_prefix(key)
                for m in next_matches
            ]
    return found


# A name word spelled with ة matched by a text word spelled with ه: a variant, not a match (جده is not جدة).
TEH_MARBUTA_AS_HEH_SIMILARITY = 0.95


def _as_written(word: Word, reading: tuple[int, WordMatch] | WordMatch, index: NameIndex) -> tuple[int, WordMatch]:
    skip, match = reading if isinstance(reading, tuple) else (0, reading)
    if word.ends_with_heh and match.how == "exact" and index.spelled_with_teh_marbuta(match.word):
        match = WordMatch(match.word, TEH_MARBUTA_AS_HEH_SIMILARITY, "variant")
    return skip, match


_LOOSENESS = {"exact": 0, "variant": 1, "typo": 2}


def _looser(a: str, b: str) -> str:
    return a if _LOOSENESS[a] >= _LOOSENESS[b] else b

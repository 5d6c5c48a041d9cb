"""A document as words: original offsets plus the normalised form of each word."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.normalize import normalize, normalize_with_offsets
from gazetteer.tokenize import word_spans

_LOGGER = logging.getLogger(__name__)

# Characters that may join the words of one name besides white space (تل-أبيب).
_NAME_JOINERS = frozenset("-\u2010\u2011\u2012\u2013")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the document: [start, end) in the original text and its normal form."""

    start: int
    end: int
    norm: str


_normalize_word = lru_cache(maxsize=100_000)(normalize)


def document_words(text: str) -> list[Word]:
    """The words of `text` with a non-empty normal form, in order."""
    found = []
    for start, end in word_spans(text):
        norm = _normalize_word(text[start:end]).replace(" ", "")
        if norm:
            found.append(Word(start, end, norm))
    return found


def joined(text: str, left: Word, right: Word) -> bool:
    """True when only white space or a hyphen separates two words, so they can belong to one name."""
    gap = text[left.end : right.start]
    return all(c.isspace() or c in _NAME_JOINERS for c in gap)


def original_offset_after(text: str, word: Word, skip: int) -> int:
    """The original offset where `word` continues after its first `skip` normalised characters."""
    if skip == 0:
        return word.start
    mapped = normalize_with_offsets(text[word.start : word.end])
    return word.start + mapped.starts[skip]

"""Proclitics glued to Arabic words: و ف (conjunctions), ب ل ك (prepositions).

Stripping is only ever proposed here; the linker keeps a split only when the
remainder is a gazetteer name, so بوريطة and لبنان are never cut (the
convention Elasticsearch's Arabic stemmer follows for the same reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from gazetteer.keys import PROCLITICS

_MIN_REMAINDER: Final = 2


@dataclass(frozen=True, slots=True)
class CliticSplit:
    """A proclitic reading of a word.

    `skip` is how many leading normalised characters the mention span leaves
    out; `stem` is the word to look up. For ل + ال the article's alef is
    elided in writing (للمغرب): the stem gets it back (المغرب) and the span
    starts after the first ل.
    """

    skip: int
    stem: str


@lru_cache(maxsize=100_000)
def proclitic_splits(word: str) -> tuple[CliticSplit, ...]:
    """Every proclitic reading of a normalised word, shortest prefix first."""
    splits: list[CliticSplit] = []
    for prefix in PROCLITICS:
        if not prefix or not word.startswith(prefix):
            continue
        stem = word[len(prefix) :]
        if len(stem) < _MIN_REMAINDER:
            continue
        splits.append(CliticSplit(len(prefix), stem))
        if prefix.endswith("ل") and stem.startswith("ل") and not stem.startswith("ال"):
            splits.append(CliticSplit(len(prefix), "ا" + stem))
    splits.sort(key=lambda s: s.skip)
    return tuple(splits)


def with_proclitics(stem: str) -> list[CliticSplit]:
    """Every written form of `stem` with a proclitic or none, as (proclitic length, written form).

    The inverse of `proclitic_splits`, for looking a known stem up among the words of a text in one step.
    """
    forms = []
    for prefix in PROCLITICS:
        forms.append(CliticSplit(len(prefix), prefix + stem))
        if prefix.endswith("ل") and stem.startswith("ال"):
            forms.append(CliticSplit(len(prefix), prefix + stem[1:]))  # ل + ال: للمغرب
    return forms

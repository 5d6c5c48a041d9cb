"""Candidate generation: from one normalised word to the gazetteer words it may be.

Every word of every gazetteer name is a vocabulary word. A text word reaches
vocabulary words three ways, cheapest first, each an indexed look-up in the
gazetteer's tables (never a scan of the vocabulary):

1. exactly;
2. by phonetic skeleton (`gazetteer.keys.skeleton`): transliteration variants;
3. by a one-deletion neighbourhood (SymSpell): one typo in a long word.

Variants are then scored with rapidfuzz. Multi-word names are walked word by
word through the name prefixes.
"""

from __future__ import annotations

import logging
from typing import Final, NamedTuple

from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from gazetteer.keys import name_key, skeleton
from gazetteer.lexicon import common_words, ordinary_share
from gazetteer.loader import Gazetteer
from gazetteer.lookup_tables import MIN_TYPO_WORD
from server.linking.clitics import proclitic_splits
from server.linking.demonyms import DemonymTable
from server.linking.memo import Memo

_LOGGER = logging.getLogger(__name__)

# Below these lengths (normalised letters) a word must match exactly.
MIN_SKELETON_WORD: Final = 4
MIN_SKELETON_KEY: Final = 3
# A variant must still look like the name: at least this share of its letters in place.
MIN_VARIANT_SIMILARITY: Final = 0.75


class WordMatch(NamedTuple):
    """A vocabulary word that a text word may stand for, and how well it matches."""

    word: str
    similarity: float  # 1.0 for exact
    how: str  # "exact", "variant" or "typo"


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# Adjective (nisba) and plural endings: امريكي is not a spelling of امريكا.
_NISBA_ENDINGS: Final = ("يين", "يون", "يات", "يه", "يا", "ي")


def _is_morphological_variant(word: str, name_word: str) -> bool:
    """True when `word` differs from `name_word` by morphology, not spelling.

    Either one is the other plus letters at an end (a suffix or prefix), or
    `word` carries an adjective or plural ending that the name does not.
    """
    if word.startswith(name_word) or name_word.startswith(word):
        return True
    if word.endswith(name_word) or name_word.endswith(word):
        return True
    return any(word.endswith(e) and not name_word.endswith(e) for e in _NISBA_ENDINGS)


class NameIndex:
    """Word-level candidate generation over one gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._common = common_words()
        self.demonyms = DemonymTable(
            (country.qid, name_key(name)) for country in gazetteer.countries() for name in country.names_ar()
        )
        # The names with exactly this key, and whether some longer name starts with these words:
        # asked for nearly every word of every text, so memoised here as well as in the gazetteer.
        self.names_with_key = Memo(gazetteer.refs, 200_000)
        self.is_prefix = Memo(gazetteer.is_prefix, 200_000)
        self.word_matches = Memo(self._word_matches, 200_000)
        self.first_word_readings = Memo(self._first_word_readings, 200_000)
        _LOGGER.info("name index over %s: %d demonyms", gazetteer.path, len(self.demonyms))

    def is_name(self, key: str) -> bool:
        """True when some name has exactly this key."""
        return bool(self.names_with_key(key))

    def is_word(self, word: str) -> bool:
        """True when `word` is a word of some name."""
        return self.gazetteer.is_word(word)

    def spelled_with_teh_marbuta(self, word: str) -> bool:
        """True when some name writes this word with a final ة."""
        return self.gazetteer.spelled_with_teh_marbuta(word)

    def _word_matches(self, word: str) -> tuple[WordMatch, ...]:
        """Vocabulary words that `word` may stand for, best first."""
        if self.is_word(word):
            return (WordMatch(word, 1.0, "exact"),)
        if len(word) < MIN_SKELETON_WORD or word in self._common or ordinary_share(word) >= 0.5:
            # Too short to tell apart, or a real word of its own (الربط is not الرباط).
            return ()
        found: dict[str, WordMatch] = {}
        key = skeleton(word)
        if len(key) >= MIN_SKELETON_KEY:
            for candidate in self.gazetteer.words_with_skeleton(key):
                if len(candidate) < MIN_SKELETON_WORD or _is_morphological_variant(word, candidate):
                    continue
                similarity = Levenshtein.normalized_similarity(word, candidate)
                if similarity >= MIN_VARIANT_SIMILARITY:
                    found[candidate] = WordMatch(candidate, 0.88 + 0.1 * similarity, "variant")
        if len(word) >= MIN_TYPO_WORD:
            for variant in _deletes(word) | {word}:
                for candidate in self.gazetteer.words_with_variant(variant):
                    if candidate in found or _is_morphological_variant(word, candidate):
                        continue
                    if DamerauLevenshtein.distance(word, candidate) > 1:
                        continue
                    similarity = Levenshtein.normalized_similarity(word, candidate)
                    found[candidate] = WordMatch(candidate, 0.8 + 0.1 * similarity, "typo")
        return tuple(sorted(found.values(), key=lambda m: -m.similarity))

    def _first_word_readings(self, word: str) -> tuple[tuple[int, WordMatch], ...]:
        """(skip, match) readings of a word that starts a name.

        The word as it stands wins when it is itself a vocabulary word (لبنان is
        not ل + بنان); otherwise the shortest proclitic whose stem is a
        vocabulary word; fuzzy readings only when nothing matches exactly.
        """
        whole = self.word_matches(word)
        if whole and whole[0].how == "exact" and self.is_name(whole[0].word):
            return ((0, whole[0]),)
        splits = proclitic_splits(word)
        exact_whole = [(0, whole[0])] if whole and whole[0].how == "exact" else []
        for split in splits:
            if self.is_word(split.stem):
                # للامم may begin a name of its own and also be ل + الامم (الأمم المتحدة).
                return (*exact_whole, (split.skip, WordMatch(split.stem, 1.0, "exact")))
        if exact_whole:
            return tuple(exact_whole)
        readings = [(0, m) for m in whole]
        for split in splits:
            readings.extend((split.skip, m) for m in self.word_matches(split.stem))
        return tuple(readings)

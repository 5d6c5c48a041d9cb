"""Spotting: every span of consecutive words that may be a gazetteer name."""

from __future__ import annotations

from typing import Final

from server.linking.index import EXACT, FOLDED, MATCH_NAMES, NameIndex, WordMatch
from server.linking.text import Word, joined

MAX_NAME_WORDS: Final = 8
# Words one call may look up afresh with their spelling variants (see FuzzyBudget). A news
# article has a few hundred distinct words, a 1 MB text of news a few thousand that a warm
# server has not met; 6,000 keeps a 1 MiB text of random letters under 2 s (`make worst-case`).
FRESH_WORDS_PER_CALL: Final = 6_000
# Longer words are no name word (the longest Arabic name words have about 15 letters).
# They are not looked up: per-word look-ups and their caches stay bounded whatever a text holds.
MAX_NAME_WORD_CHARS: Final = 40


class SpanMatch:
    """Words [first, last] of the document matching the gazetteer key `key`.

    `skip` normalised characters of the first word are a proclitic outside the
    mention; `similarity` is the product of the word similarities; `loosest` is
    the loosest way any word matched (`index.EXACT` … `index.TYPO`). A plain
    class (see ARCHITECTURE.md).
    """

    def __init__(self, first: int, last: int, skip: int, key: str, similarity: float, loosest: int) -> None:
        self.first = first
        self.last = last
        self.skip = skip
        self.key = key
        self.similarity = similarity
        self.loosest = loosest

    def __repr__(self) -> str:
        name = MATCH_NAMES[self.loosest]
        return f"SpanMatch({self.first}, {self.last}, {self.skip}, {self.key!r}, {self.similarity:.3f}, {name})"

    @property
    def exact(self) -> bool:
        return self.loosest == EXACT

    @property
    def word_count(self) -> int:
        return self.last - self.first + 1


class FuzzyBudget:
    """How many words one call may still look up afresh, variants and all.

    A word's readings are remembered across calls; a word not seen before costs
    up to a few dozen index look-ups for its spelling variants. Past the budget
    (a text of random letters, say) new words are read only as written, so a
    call's work stays bounded whatever it sends.
    """

    def __init__(self, words: int = FRESH_WORDS_PER_CALL) -> None:
        self.remaining = words

    def take(self) -> bool:
        """True while the budget lasts; each call spends one word."""
        self.remaining -= 1
        return self.remaining >= 0


def spot(text: str, words: list[Word], index: NameIndex, budget: FuzzyBudget | None = None) -> list[SpanMatch]:
    """Every gazetteer key that occurs in the document, with overlaps; fuzzy and clitic-aware.

    In text order: by first word, then by last (`Linker._select` relies on it).
    """
    budget = budget or FuzzyBudget()
    found: list[SpanMatch] = []
    first_word_readings, key_entries = index.first_word_readings, index.key_entries
    word_count = len(words)
    for first, word in enumerate(words):
        if len(word.norm) > MAX_NAME_WORD_CHARS:
            continue  # longer than any name word: looking it up would only grow the caches
        readings = first_word_readings.peek(word.norm)
        if readings is None:
            if budget.take():
                readings = first_word_readings.value(word.norm)
            else:
                readings = index.first_word_readings_as_written(word.norm)
        if not readings:
            continue  # most words: no name starts here
        if word.ends_with_heh:
            readings = tuple((skip, _as_written(word, m, index)) for skip, m in readings)
        # One state per reading: (key so far, similarity so far, skip, loosest match so far),
        # carried word by word while some longer name starts with its key.
        states = [(m.word, m.similarity, skip, m.how) for skip, m in readings]
        last = first
        while states:
            for key, similarity, skip, loosest in states:
                if key_entries.value(key).refs:
                    found.append(SpanMatch(first, last, skip, key, similarity, loosest))
            last += 1
            if last >= word_count or last - first >= MAX_NAME_WORDS:
                break
            states = [state for state in states if key_entries.value(state[0]).is_prefix]
            if not states or not joined(text, words[last - 1], words[last]):
                break
            states = _extend(states, words[last], index)
    return found


_State = tuple[str, float, int, int]  # key so far, similarity so far, skip, loosest match so far


def _extend(states: list[_State], next_word: Word, index: NameIndex) -> list[_State]:
    """Each state carried on by each reading of the next word."""
    if len(next_word.norm) > MAX_NAME_WORD_CHARS:
        return []
    next_matches = index.continuation_matches.value(next_word.norm)
    if next_word.ends_with_heh:
        next_matches = tuple(_as_written(next_word, m, index) for m in next_matches)
    return [
        (f"{key} {m.word}", similarity * m.similarity, skip, max(loosest, m.how))
        for key, similarity, skip, loosest in states
        for m in next_matches
    ]


# A name word spelled with ة matched by a text word spelled with ه: a variant, not a match (جده is not جدة).
TEH_MARBUTA_AS_HEH_SIMILARITY: Final = 0.95
# ...unless the ه can only be the name's ة (بوريطه، غزه): ه for ة is how much news is typed.
HEH_FOR_TEH_MARBUTA_SIMILARITY: Final = 0.98


def _as_written(word: Word, match: WordMatch, index: NameIndex) -> WordMatch:
    if word.ends_with_heh and match.how == EXACT and index.spelled_with_teh_marbuta(match.word):
        if index.heh_is_teh_marbuta(word.norm):
            return WordMatch(match.word, HEH_FOR_TEH_MARBUTA_SIMILARITY, EXACT)
        return WordMatch(match.word, TEH_MARBUTA_AS_HEH_SIMILARITY, FOLDED)
    return match

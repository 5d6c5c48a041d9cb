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

from gazetteer.keys import NISBA_ENDINGS, consonants_in_order, folded, name_key, skeleton
from gazetteer.lexicon import MOSTLY_ORDINARY, OFTEN_ORDINARY
from gazetteer.loader import Gazetteer, NameRef, popularity
from gazetteer.lookup_tables import MIN_TYPO_WORD, deletes
from server.linking.clitics import CliticSplit, proclitic_splits
from server.linking.demonyms import DemonymTable
from server.linking.language import Language
from server.linking.memo import Memo

_LOGGER = logging.getLogger(__name__)

# How a text word matched a vocabulary word, closest first, so that the loosest of several is
# their max(): as written, up to letters that spell one sound, by phonetic skeleton, with one typo.
EXACT: Final = 0
FOLDED: Final = 1
VARIANT: Final = 2
TYPO: Final = 3
MATCH_NAMES: Final = ("exact", "folded", "variant", "typo")

# Below these lengths (normalised letters) a word must match exactly.
MIN_SKELETON_WORD: Final = 4
MIN_SKELETON_KEY: Final = 2
# A name word this short may be the far end of a variant (بريس for برس), and a word that
# continues a name may be this short (شي جين بنغ): the whole multi-word name must still match.
MIN_SKELETON_CANDIDATE: Final = 3
MIN_CONTINUATION_WORD: Final = 3
# A word this long may be two name words joined, each at least MIN_JOINED_PART letters.
MIN_JOINED_WORD: Final = 6
MIN_JOINED_PART: Final = 3
JOINED_SIMILARITY: Final = 0.97
# ...or a name word and بن, the space lost after a letter that does not join the next (محمدبن
# looks like محمد بن as written, so its writer saw nothing missing).
_JOINED_PARTICLE: Final = "بن"
_NON_JOINING_LETTERS: Final = "ادذرزو"
# Each per-word cache holds at most this many words: a fixed memory budget per process (the
# vocabulary of the texts served fits; a caller sending new words only recycles entries).
_WORD_CACHE_ENTRIES: Final = 50_000
# The name-key cache holds every word of the texts served and each multi-word key spotting
# tries: 0.75 MB of real newswire asks 46,600 to 64,100 distinct keys a call at 1M entities. Its
# values mostly hold no name, so four times the entries cost little memory.
_NAME_KEY_CACHE_ENTRIES: Final = 200_000
# A word that is itself a name word is read with one typo only from this length (`_other_spellings`).
MIN_TYPO_NAME_WORD: Final = 7
# A word that names an entity this well known is taken as written, without looking for variants.
AS_WRITTEN_PRIOR: Final = 0.6
# Corpus count above which a word's stem, under a clitic or an ending, is taken for an ordinary word.
FREQUENT_WORD_COUNT: Final = 5000
_NO_COUNTS: Final = (0, 0, 0, 0)
# Two words with one folded form (غوغل / جوجل) are one name spelled two ways.
FOLDED_SIMILARITY: Final = 0.97
# A variant must still look like the name: at least this share of its letters in place.
MIN_VARIANT_SIMILARITY: Final = 0.75
# ...and as written, not only folded: غوغل / جوجل keep half their letters, while ضصثق folds to
# دسك with every letter swapped (a large gazetteer has some name for any such fold).
MIN_AS_WRITTEN_SIMILARITY: Final = 0.5


class WordMatch(NamedTuple):
    """A vocabulary word that a text word may stand for, and how well it matches."""

    word: str
    similarity: float  # 1.0 for exact
    how: int  # EXACT, FOLDED, VARIANT or TYPO

    def __repr__(self) -> str:
        return f"WordMatch({self.word!r}, {self.similarity:.3f}, {MATCH_NAMES[self.how]})"


# Inflections that make another word of a name, not another spelling of it: امريكي is the
# adjective of امريكا, مصرية of مصر, لبنانيون a plural; رويتر is رويترز with a letter dropped.
_SUFFIXES: Final = frozenset(
    ["ي", "يه", "يا", "ين", "يين", "يون", "يات", "ون", "ان", "ات", "ه", "ها", "هم", "هما", "ا", "و", "وا", "نا", "كم"]
)
# Endings an ordinary word takes: the accusative ا, the feminine ة (قادرة), a verb's ت (بينت),
# possessive pronouns.
_ORDINARY_ENDINGS: Final = ("ا", "ه", "ت", "ها", "هم", "هما", "ك", "كم")
# Possessive pronouns, before which a ة is written ت: حكومته is حكومة + ه ("his government").
_POSSESSIVE_ENDINGS: Final = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "ي")
_PREFIXES: Final = frozenset(["ال", "و", "ف", "ب", "ل", "ك", "س", "وال", "بال", "لل", "فال", "كال"])
_NISBA_ENDINGS: Final = tuple(ending for ending, _ in NISBA_ENDINGS)


def _is_morphological_variant(word: str, name_word: str, word_nisba_endings: tuple[str, ...]) -> bool:
    """True when `word` differs from `name_word` by morphology, not spelling.

    One is the other plus an inflectional suffix or a clitic prefix, or `word`
    carries an adjective or plural ending that the name does not.
    `word_nisba_endings` are those of `_NISBA_ENDINGS` that `word` ends with
    (`_nisba_endings_of`), found once for all the name words it is compared with.
    """
    if word.startswith(name_word) and word[len(name_word) :] in _SUFFIXES:
        return True
    if name_word.startswith(word) and name_word[len(word) :] in _SUFFIXES:
        return True
    if word.endswith(name_word) and word[: len(word) - len(name_word)] in _PREFIXES:
        return True
    if name_word.endswith(word) and name_word[: len(name_word) - len(word)] in _PREFIXES:
        return True
    return any(not name_word.endswith(e) for e in word_nisba_endings)


def _nisba_endings_of(word: str) -> tuple[str, ...]:
    """The adjective and plural endings `word` ends with (most words: none)."""
    return tuple(e for e in _NISBA_ENDINGS if word.endswith(e))


class NameIndex:
    """Word-level candidate generation over one gazetteer."""

    def __init__(self, gazetteer: Gazetteer, language: Language, memos: bool = True) -> None:
        """`memos`: remember the per-word look-ups across calls (off only to test that they change nothing)."""
        self.gazetteer = gazetteer
        memo_entries = _WORD_CACHE_ENTRIES if memos else 0
        self._common = language.common_words
        self._frequencies = language.word_counts
        self._function_words = language.function_words
        self._verb_forms = language.verb_forms
        # Given names read only folded (`_whole_word_spellings`): the Arabic ones, not the foreign.
        self._arabic_given_names = language.given_names - language.foreign_given_names
        self._given_names = language.given_names
        self._ordinary_share = language.ordinary_share
        self.is_ordinary = Memo(self._ordinary, memo_entries)
        self.is_ordinary_by_ending = Memo(self._ordinary_by_ending, memo_entries)
        # A country whose name is mostly an ordinary word gives no demonym: مالي is "financial",
        # and so is المالية.
        self.demonyms = DemonymTable(
            (country.qid, key)
            for country in gazetteer.countries()
            for key in map(name_key, country.names_ar())
            if key not in self._common and self._ordinary_share(key) < MOSTLY_ORDINARY
        )
        # The names with exactly this key, and whether some longer name starts with these words (one
        # query for both): asked for nearly every word of every text, so memoised here.
        self.key_entries = Memo(gazetteer.key_entry, _NAME_KEY_CACHE_ENTRIES if memos else 0)
        self.word_matches = Memo(self._word_matches, memo_entries)
        self.continuation_matches = Memo(self._continuation_matches, memo_entries)
        # The folded form of each vocabulary word a skeleton look-up brings back (dozens per new word).
        self._folded = Memo(folded, memo_entries)
        self._consonants = Memo(consonants_in_order, memo_entries)
        self.first_word_readings = Memo(self._first_word_readings, memo_entries)
        _LOGGER.info("name index over %s: %d demonyms", gazetteer.path, len(self.demonyms))

    def _best_known(self, key: str) -> float:
        """The popularity of the best-known entity with a name of exactly this key (0 for none)."""
        best = 0
        for ref in self.names_with_key(key):
            entity = self.gazetteer.entity(ref.qid)
            if entity is not None and entity.sitelinks > best:
                best = entity.sitelinks
        return popularity(best)

    def names_with_key(self, key: str) -> tuple[NameRef, ...]:
        """The names with exactly this key (of its best-known entities)."""
        return self.key_entries.value(key).refs

    def is_name(self, key: str) -> bool:
        """True when some name has exactly this key."""
        return bool(self.key_entries.value(key).refs)

    def is_prefix(self, key: str) -> bool:
        """True when some longer name key starts with these words."""
        return self.key_entries.value(key).is_prefix

    def is_word(self, word: str) -> bool:
        """True when `word` is a word of some name."""
        return self.gazetteer.is_word(word)

    def spelled_with_teh_marbuta(self, word: str) -> bool:
        """True when some name writes this word with a final ة."""
        return self.gazetteer.spelled_with_teh_marbuta(word)

    def heh_is_teh_marbuta(self, word: str) -> bool:
        """A word written with a final ه whose ه can only be a ة: no ordinary word, and no word + ه "his".

        جده is جد + ه ("his grandfather") before it is جدة; بوريطه can only be بوريطة.
        """
        return not self.is_ordinary.value(word) and word[:-1] not in self._frequencies

    def _word_matches(self, word: str) -> tuple[WordMatch, ...]:
        """Vocabulary words that `word` may stand for, best first: itself if it is one, else its variants."""
        if self.is_word(word):
            return (WordMatch(word, 1.0, EXACT),)
        return self._spelling_variants(word)

    def _continuation_matches(self, word: str) -> tuple[WordMatch, ...]:
        """Readings of a word that continues a name: itself, and its variants even when it is a vocabulary word.

        يائير لبيد is a spelling of يائير لابيد although لبيد is a name word of its own (تومي لبيد).
        """
        # An ordinary word may continue a name in another spelling (لبيد): the whole name must match.
        variants = self._spelling_variants(word, MIN_CONTINUATION_WORD, ordinary_allowed=True)
        if word in self._arabic_given_names:
            # As at the start of a name (`_whole_word_spellings`): الملك الحسين is not الملك الحسن.
            variants = tuple(m for m in variants if m.how == FOLDED)
        if not self.is_word(word):
            return variants
        return (WordMatch(word, 1.0, EXACT), *variants)

    def _spelling_variants(
        self, word: str, min_length: int = MIN_SKELETON_WORD, ordinary_allowed: bool = False
    ) -> tuple[WordMatch, ...]:
        """Other vocabulary words that `word` may be a spelling of, best first.

        Three looser and looser readings, each an indexed look-up: the same letters
        up to transliteration's interchangeable consonants and doubling (FOLDED),
        the same phonetic skeleton (VARIANT: long vowels added or dropped too),
        and one typo in a long word (TYPO).
        """
        if len(word) < min_length or (not ordinary_allowed and self.is_ordinary.value(word)):
            # Too short to tell apart, or a real word of its own (الربط is not الرباط).
            return ()
        found: dict[str, WordMatch] = {}
        endings = _nisba_endings_of(word)
        key = skeleton(word)
        if len(key) >= MIN_SKELETON_KEY:
            word_folded = folded(word)
            word_consonants = ""  # `consonants_in_order(word)`, read when a candidate first needs it
            for candidate in self.gazetteer.words_with_skeleton(key):
                if candidate == word or len(candidate) < MIN_SKELETON_CANDIDATE:
                    continue
                if _is_morphological_variant(word, candidate, endings):
                    continue
                as_written = Levenshtein.normalized_similarity(word, candidate)
                if as_written < MIN_AS_WRITTEN_SIMILARITY:
                    continue
                candidate_folded = self._folded.value(candidate)
                if candidate_folded == word_folded:
                    found[candidate] = WordMatch(candidate, FOLDED_SIMILARITY, FOLDED)
                    continue
                # Compared folded, so that only the vowels count (جالنت / غالانت), or as written where the
                # fold collapses a hamza's seat into a doubled letter: يئير is ييير, folded ير; يائير is يايير.
                similarity = max(as_written, Levenshtein.normalized_similarity(word_folded, candidate_folded))
                if (
                    similarity < MIN_VARIANT_SIMILARITY
                    and len(candidate) == len(word)
                    and DamerauLevenshtein.distance(word, candidate) == 1
                ):
                    # A long vowel moved past a consonant (دميتري / ديمتري) is one edit, not two; the
                    # consonants must stay in order all the same (below).
                    similarity = DamerauLevenshtein.normalized_similarity(word, candidate)
                if similarity < MIN_VARIANT_SIMILARITY:
                    continue
                if not word_consonants:
                    word_consonants = consonants_in_order(word)
                if self._consonants.value(candidate) == word_consonants:  # السنين is no الصين
                    found[candidate] = WordMatch(candidate, 0.86 + 0.1 * similarity, VARIANT)
        if len(word) >= MIN_TYPO_WORD - 1:  # a letter dropped from a name word of MIN_TYPO_WORD
            for candidate in sorted(self.gazetteer.words_with_any_variant(deletes(word) | {word})):
                if candidate in found or candidate == word or _is_morphological_variant(word, candidate, endings):
                    continue
                if DamerauLevenshtein.distance(word, candidate) > 1:
                    continue
                similarity = Levenshtein.normalized_similarity(word, candidate)
                found[candidate] = WordMatch(candidate, 0.8 + 0.1 * similarity, TYPO)
        if len(word) >= MIN_JOINED_WORD:
            for match in self._joined_readings(word):
                found.setdefault(match.word, match)
        return tuple(sorted(found.values(), key=lambda m: -m.similarity))

    def _ordinary(self, word: str) -> bool:
        """An ordinary word, bare or inflected: بإذن is ب + إذن, قراراً is قرار + the accusative ا, يدرك a verb.

        An inflected reading counts only when its stem is a frequent word: بوتن is no ب + وتن.
        """
        if self._ordinary_as_written(word) or self._frequent_with_ending(word) or word in self._verb_forms:
            return True
        stems = [split.stem for split in proclitic_splits(word)]
        return any(
            len(stem) >= MIN_CONTINUATION_WORD
            and (self._frequent_ordinary(stem) or self._frequent_with_ending(stem) or stem in self._verb_forms)
            for stem in stems
        )

    def _name_splits(self, word: str) -> tuple[CliticSplit, ...]:
        """The proclitic readings of a word that may start a name.

        None for a function word (فيها is no ف + يها). An ordinary word or a given name as written
        (وزير، كلاوس) splits only into the start of a longer name (والولايات المتحدة) or a well-known
        name: و + زير, a surname somewhere in a large gazetteer, is not a reading of "minister".
        """
        if word in self._function_words:
            return ()
        splits = proclitic_splits(word)
        if splits and (self._ordinary_as_written(word) or word in self._given_names):
            return tuple(s for s in splits if self.is_prefix(s.stem) or self._best_known(s.stem) >= AS_WRITTEN_PRIOR)
        return splits

    def _ordinary_by_ending(self, word: str) -> bool:
        """An ordinary word bare or with an ending (مؤكداً، بينت), clitics not tried: لبيد is no ل + بيد."""
        return self._ordinary_as_written(word) or self._frequent_with_ending(word)

    def _ordinary_as_written(self, word: str) -> bool:
        return word in self._common or word in self._function_words or self._ordinary_share(word) >= OFTEN_ORDINARY

    def _frequent_with_ending(self, word: str) -> bool:
        """`word` is a frequent ordinary word and one of the endings ordinary words take, or a frequent
        word in ة with a possessive pronoun (حكومته، وزارتها، أمته: a stem of three letters too)."""
        return any(
            word.endswith(ending)
            and len(word) - len(ending) >= MIN_CONTINUATION_WORD
            and self._frequent_ordinary(word[: -len(ending)])
            for ending in _ORDINARY_ENDINGS
        ) or any(
            word.endswith("ت" + ending)
            and len(word) - len(ending) >= MIN_CONTINUATION_WORD
            and self._frequent_ordinary(word[: -len(ending) - 1] + "ه")
            for ending in _POSSESSIVE_ENDINGS
        )

    def _frequent_ordinary(self, word: str) -> bool:
        ordinary, proper, _, _ = self._frequencies.get(word, _NO_COUNTS)
        return ordinary >= FREQUENT_WORD_COUNT and ordinary >= proper

    def _joined_readings(self, word: str) -> list[WordMatch]:
        """Two name words written without the space between them (فرانسبرس، سعدالدين، بيونغيانغ، محمدبن)."""
        readings = []
        cuts = [(word[:cut], word[cut:]) for cut in range(MIN_JOINED_PART, len(word) - MIN_JOINED_PART + 1)]
        head = word[: -len(_JOINED_PARTICLE)]
        if word.endswith(_JOINED_PARTICLE) and len(head) >= MIN_JOINED_PART and head[-1] in _NON_JOINING_LETTERS:
            cuts.append((head, _JOINED_PARTICLE))
        known = self.gazetteer.words_among({part for cut in cuts for part in cut})
        for left, right in cuts:
            if left not in known or right not in known:
                continue
            pair = f"{left} {right}"
            if self.is_name(pair) or self.is_prefix(pair):
                readings.append(WordMatch(pair, JOINED_SIMILARITY, FOLDED))
        return readings

    def _other_spellings(self, word: str) -> tuple[WordMatch, ...]:
        """The spelling variants of a word that is a name word as written: with one typo only if it is long.

        غوتيريس، a namesake's surname somewhere in a large gazetteer, is still غوتيريش with one
        letter changed; on a shorter word one letter reaches another real name (الخليج، الخليل).
        """
        variants = self._spelling_variants(word)
        if len(word) >= MIN_TYPO_NAME_WORD:
            return variants
        return tuple(m for m in variants if m.how != TYPO)

    def _whole_word_spellings(self, word: str) -> tuple[tuple[int, WordMatch], ...]:
        """The other spellings of a word that starts a name and is a name word as written, proclitic or not.

        A name word as written (أولف, an obscure man's; بيونج, also ب + يونج) may still be another
        spelling of a well-known name's word (أولاف شولتس، بيونغ يانغ): the whole name must match,
        and the gates decide. An Arabic given name is no spelling of another name with a vowel more
        or less (محمد is not محمود), only one with the same letters folded (FOLDED); a foreign given
        name is read in every spelling, as outlets transliterate its vowels as well as its
        consonants (جوزيف / جوزاف، يئير / يائير، سيرجي / سيرغي).
        """
        if word in self._arabic_given_names:
            return tuple((0, m) for m in self._other_spellings(word) if m.how == FOLDED)
        return tuple((0, m) for m in self._other_spellings(word))

    def first_word_readings_as_written(self, word: str) -> tuple[tuple[int, WordMatch], ...]:
        """(skip, match) readings of a word that starts a name, without spelling variants (not remembered)."""
        if self.is_word(word):
            return ((0, WordMatch(word, 1.0, EXACT)),)
        for split in proclitic_splits(word):
            if self.is_word(split.stem):
                return ((split.skip, WordMatch(split.stem, 1.0, EXACT)),)
        return ()

    def _first_word_readings(self, word: str) -> tuple[tuple[int, WordMatch], ...]:
        """(skip, match) readings of a word that starts a name.

        The word as it stands wins when it is itself a vocabulary word (لبنان is
        not ل + بنان); otherwise the shortest proclitic whose stem is a
        vocabulary word, with each of its stems that is one. Other spellings: of
        a vocabulary word that is no given name and no well-known name as written,
        of a word whose proclitic stems name only obscure entities, and of any word
        that matches nothing exactly.
        """
        whole = self.word_matches.value(word)
        splits = self._name_splits(word)
        if whole and whole[0].how == EXACT and self.is_name(whole[0].word):
            if self._best_known(word) >= AS_WRITTEN_PRIOR:
                return ((0, whole[0]),)
            # Only obscure entities bear the word as written (شولس or للامم, a name somewhere in a
            # large gazetteer): a well-known name spelled this way, or after a proclitic, competes.
            variants = [(0, m) for m in self._other_spellings(word)]
            stems = [(split.skip, WordMatch(split.stem, 1.0, EXACT)) for split in splits if self.is_word(split.stem)]
            return ((0, whole[0]), *stems, *variants)
        exact_whole = [(0, whole[0])] if whole and whole[0].how == EXACT else []
        for split in splits:
            if self.is_word(split.stem):
                # للامم may begin a name of its own and also be ل + الامم (الأمم المتحدة). One proclitic
                # may give two stems (ل + لامم, ل + الامم with the article's alef back): both are read,
                # or a large gazetteer's village لامم would hide الأمم المتحدة.
                proclitic_stems = tuple(
                    (other.skip, WordMatch(other.stem, 1.0, EXACT))
                    for other in splits
                    if other.skip == split.skip and self.is_word(other.stem)
                )
                if exact_whole:
                    other_spellings = self._whole_word_spellings(word)
                elif all(self._best_known(stem.word) < AS_WRITTEN_PRIOR for _, stem in proclitic_stems):
                    # A word that is no name word may be one misspelled, when its clitic reading names
                    # only obscure entities: بوتن is بوتين before it is ب + وتن, a surname somewhere in a
                    # large gazetteer. وواشنطن stays و + واشنطن.
                    other_spellings = tuple((0, m) for m in whole)
                else:
                    other_spellings = ()
                return (*exact_whole, *proclitic_stems, *other_spellings)
        if exact_whole:
            return (*exact_whole, *self._whole_word_spellings(word))
        if self.is_ordinary.value(word):
            return ()  # وزيراً is no و + a spelling of a name
        readings = [(0, m) for m in whole]
        for split in splits:
            readings.extend((split.skip, m) for m in self.word_matches.value(split.stem))
        return tuple(readings)

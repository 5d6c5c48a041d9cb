"""The language resources the core reads words with, passed to it as one object.

The shipped ones (`Language.shipped()`) come from the gazetteer's lexicon (word
frequencies, given names, common and function words, from Arramooz and the
project's word lists) and from the cue words of `server.linking.cues`. Tests
may build a `Language` of a few words instead, and see the core read with it.
"""

from __future__ import annotations

from collections.abc import Callable

from gazetteer import lexicon
from gazetteer.records import EntityKind
from server.linking import cues


class Language:
    """Word lists and word tests, each a plain attribute the core reads."""

    def __init__(
        self,
        *,
        common_words: frozenset[str],
        given_names: frozenset[str],
        function_words: frozenset[str],
        word_counts: dict[str, tuple[int, int, int, int]],
        ordinary_share: Callable[[str], float],
        is_adjective: Callable[[str], bool],
        is_noun: Callable[[str], bool],
        cue_kinds: dict[str, EntityKind],
        place_cues: dict[str, bool],
        honorifics: frozenset[str],
        verb_forms: frozenset[str] = frozenset(),
        foreign_given_names: frozenset[str] = frozenset(),
        region_cues: frozenset[str] = frozenset(),
    ) -> None:
        self.common_words = common_words  # ordinary words whatever the frequency table says
        self.given_names = given_names
        # The foreign ones among them, which transliteration spells several ways (جوزيف / جوزاف).
        self.foreign_given_names = foreign_given_names
        self.function_words = function_words  # particles and pronouns, with their clitics
        # A word → its counts as an ordinary word, a name, an adjective, a noun (`lexicon.word_frequencies`).
        self.word_counts = word_counts
        self.ordinary_share = ordinary_share  # how often a word is an ordinary word, in [0, 1]
        self.is_adjective = is_adjective
        self.is_noun = is_noun
        self.cue_kinds = cue_kinds  # a title or noun → the kind of entity it announces
        self.place_cues = place_cues  # a place cue → True if it announces a country, False a city
        self.region_cues = region_cues  # place cues that announce a state, a province or a region
        self.honorifics = honorifics  # titles after which a definite word is an epithet
        self.verb_forms = verb_forms  # conjugated verbs (يدرك، عانت), ordinary words the counts miss

    @classmethod
    def shipped(cls) -> Language:
        """The resources the service runs with (loaded once per process, then shared)."""
        return cls(
            common_words=lexicon.common_words(),
            given_names=lexicon.given_names(),
            foreign_given_names=lexicon.foreign_given_names(),
            function_words=lexicon.function_words(),
            word_counts=lexicon.word_frequencies(),
            ordinary_share=lexicon.ordinary_share,
            is_adjective=lexicon.is_adjective,
            is_noun=lexicon.is_noun,
            cue_kinds=cues.cue_kinds(),
            place_cues=cues.place_cue_wants_country(),
            region_cues=cues.region_cues(),
            honorifics=cues.honorifics(),
            verb_forms=lexicon.verb_forms(),
        )

"""What the words around a span say, whatever entity it turns out to be."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gazetteer.records import EntityKind, EntityRecord
from server.linking import scoring

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Facts about one span and its neighbourhood, computed once for all its candidates."""

    key: str
    single_word: bool
    cue: scoring.Cue | None
    # The cue is the word right before the span (مدينة صور), not a few words back.
    cue_adjacent: bool
    # Countries named by demonyms just before or after the span (الإسرائيلي).
    nearby_countries: frozenset[str]
    # How often the (one-word) name is an ordinary word, from the frequency lexicon.
    ordinary: float
    common: bool
    # A definite adjective (القديمة، الجديدة) that is not a demonym: ordinary whatever the lexicon's share.
    definite_adjective: bool
    all_words_common: bool
    given_name: bool
    # The country the name itself is the demonym of (السوداني), if any.
    demonym_country: str | None
    # The word before is a given name that the matched name does not include (ميشال عون).
    after_given_name: bool
    # The next word is a definite nisba adjective (مجلس الأمن القومي).
    followed_by_adjective: bool
    following_demonym: str | None
    # Resolve: the name stands alone, there are no neighbouring words.
    resolving: bool
    # A demonym right next to the span (العاصمة المغربية الرباط، الرباط المالطية).
    adjacent_country: str | None = None
    # A definite title right before the span (الشيخ الجليل): a person, or an adjective, follows.
    after_definite_title: bool = False
    # The one-word name is an adjective agreeing with the definite noun before it (الحكم العثماني).
    adjective_after_noun: bool = False
    # The next word is a definite noun: the span is the first term of a construct (صور الحادث).
    before_definite_noun: bool = False
    # The span is part of a longer quotation («إسرائيل بيتنا»): a title or another name.
    inside_longer_quote: bool = False
    # The next word begins with و: the span may be one of a list (مالي والنيجر).
    joined_to_next: bool = False

    def cue_contradicts(self, entity: EntityRecord) -> bool:
        """A place cue that asks for a city before a country, or for a country before a city (ولاية جورجيا)."""
        cue = self.cue
        if cue is None or cue.kind is not EntityKind.PLACE or entity.kind is not EntityKind.PLACE:
            return False
        return cue.wants_country is not None and cue.wants_country != scoring.is_country(entity)

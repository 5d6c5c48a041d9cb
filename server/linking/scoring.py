"""Scoring: how much a span supports an entity, given the document around it.

A score combines how well the words match the name (`match`) with the
support the entity has (`support`): its popularity prior, the document
context (the entity or its country already linked elsewhere) and cue words
before the mention. Weak names (one ordinary word, a surname, a fuzzy
variant, a rarely-linked entity) must clear a support gate before they link.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from gazetteer.records import EntityKind, EntityRecord
from gazetteer.schema import NameKind

# How much the kind of name matched says, beside everything else: a label over an alias or a
# surname by a little only. Label against alias must not decide between entities on its own:
# a namesake whose label is only the famous one's surname (أردوغان) must lose on the prior.
NAME_KIND_WEIGHT: Final = {
    NameKind.LABEL: 1.0,
    NameKind.ALIAS: 0.98,
    NameKind.SHORT: 0.96,
    NameKind.TITLED: 0.9,  # below a name without a title that overlaps it (الملك عبد الله الثاني)
    NameKind.SURNAME: 0.93,
}
ENGLISH_NAME_WEIGHT: Final = 0.9
# A query found only in a shorter form of itself (its middle names dropped) is a little less sure.
SHORT_FORM_FACTOR: Final = NAME_KIND_WEIGHT[NameKind.SHORT]

# Support that a weak single-word name needs before it may link.
WEAK_NAME_MIN_SUPPORT: Final = 0.45
SURNAME_MIN_POPULARITY: Final = 0.45
CONTEXT_SAME_ENTITY: Final = 1.0
CONTEXT_SAME_COUNTRY: Final = 0.55
# An obscure entity (a village, a namesake: a sitelink or two) gains little from its country
# being named: a country has thousands of them. Below OBSCURE_PRIOR the support is this.
CONTEXT_SAME_COUNTRY_OBSCURE: Final = 0.3
OBSCURE_PRIOR: Final = 0.2
CONTEXT_COUNTRY_OF_OTHER: Final = 0.5
# An anchored entity of the candidate's class joined to the span by و (`coordination_class`).
COORDINATED: Final = 0.5
CUE_MATCH: Final = 0.5
ADJACENT_DEMONYM: Final = 0.8
CONFLICTING_DEMONYM_FACTOR: Final = 0.6
# A person whose description's gender is not the one the verb or title before the name agrees with.
CONFLICTING_GENDER_FACTOR: Final = 0.6
# A city that shares its name with its own country (الكويت، تونس، الجزائر) without a city cue.
CITY_OF_NAMESAKE_COUNTRY_FACTOR: Final = 0.8
# Beyond any word position: (position, _AFTER_ANY_WORD) sorts after every sentence starting there.
_AFTER_ANY_WORD: Final = 1 << 62


_COUNTRY_CLASS: Final = "country"


def own_country(entity: EntityRecord, country: bool) -> str:
    """The country an entity belongs to: itself when it is a `country`, else its country ("" if none)."""
    return entity.qid if country else entity.country_qid


def coordination_class(kind: EntityKind, country: bool) -> str:
    """What a list joins alike: people, organisations, countries, or other places (مالي والنيجر are
    countries; القاهرة وعمان cities, so عمان there is Amman, not Oman). `kind`: the entity's."""
    return _COUNTRY_CLASS if country else kind.value


@dataclass(slots=True)
class DocumentContext:
    """What the document is already known to talk about (from confident anchors)."""

    # QID → positions (first word index) of confident full-name mentions.
    anchors: dict[str, set[int]] = field(default_factory=dict)
    countries: dict[str, set[int]] = field(default_factory=dict)
    # Word position (first and last word of each anchor) → the class of entity anchored there
    # (`coordination_class`): what an entity joined to it by و most likely is too.
    classes_at: dict[int, str] = field(default_factory=dict)
    # Country QID → the word ranges [first, last] of the sentences its demonyms (المغربي) stand in.
    demonym_countries: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Word position → the country of the place named right after it as a location (في غزة، بغزة):
    # where a body with a name many countries' bodies share (وزارة الصحة) is said to be.
    location_after: dict[int, str] = field(default_factory=dict)

    def add(self, entity: EntityRecord, country: bool, position: int, last: int | None = None) -> None:
        """An anchor: `entity` (a `country` or not) named in full at words [position, last]."""
        self.anchors.setdefault(entity.qid, set()).add(position)
        anchored = coordination_class(entity.kind, country)
        self.classes_at[position] = anchored
        self.classes_at[position if last is None else last] = anchored
        country_qid = own_country(entity, country)
        if country_qid:
            self.countries.setdefault(country_qid, set()).add(position)

    def add_demonym(self, country_qid: str, sentence: tuple[int, int]) -> None:
        """A country a sentence (words [first, last]) names by its demonym (وزير الخارجية المغربي).

        Sentences come in text order, so each country's list stays sorted for `_near`.
        """
        sentences = self.demonym_countries.setdefault(country_qid, [])
        if not sentences or sentences[-1] != sentence:
            sentences.append(sentence)

    def add_location(self, place: EntityRecord, country: bool, before: int) -> None:
        """`place` (a `country` or not) named as a location right after word `before`."""
        self.location_after[before] = own_country(place, country)

    def is_empty(self) -> bool:
        """Nothing to rescore with."""
        return not (self.anchors or self.demonym_countries)

    def qids(self) -> frozenset[str]:
        """Every QID through which this context can support an entity: anchored entities and countries."""
        return frozenset(self.anchors.keys() | self.countries.keys() | self.demonym_countries.keys())

    def support(self, qid: str, country_qid: str, country: bool, position: int, prior: float) -> float:
        """Context support for the entity `qid` of country `country_qid` (a `country` or not, of
        popularity `prior`) at `position`, ignoring that very position."""
        if _elsewhere(self.anchors.get(qid), position):
            return CONTEXT_SAME_ENTITY
        best = 0.0
        own_country = country_qid if country_qid != qid else ""
        if own_country and (
            _elsewhere(self.countries.get(own_country), position)
            or _near(self.demonym_countries.get(own_country), position)
        ):
            best = CONTEXT_SAME_COUNTRY if prior >= OBSCURE_PRIOR else CONTEXT_SAME_COUNTRY_OBSCURE
        if country:
            if _near(self.demonym_countries.get(qid), position):
                best = max(best, CONTEXT_SAME_COUNTRY)  # الجزائري near الجزائر: the country before its capital
            elif _elsewhere(self.countries.get(qid), position):
                best = max(best, CONTEXT_COUNTRY_OF_OTHER)
        return best


def _near(sentences: list[tuple[int, int]] | None, position: int) -> bool:
    """True when `position` is in one of these sentences: a demonym puts its country in view there only.

    The sentences are disjoint and in text order, so only the last one starting at or before
    `position` can hold it (a long text names a country in hundreds of sentences).
    """
    if not sentences:
        return False
    at = bisect_right(sentences, (position, _AFTER_ANY_WORD)) - 1
    return at >= 0 and sentences[at][1] >= position


def _elsewhere(positions: set[int] | None, position: int) -> bool:
    """True when `positions` holds a position other than `position`."""
    if not positions:
        return False
    return len(positions) > 1 or position not in positions


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue word seen before a mention: the kind it announces, and city-versus-country if it says."""

    kind: EntityKind
    wants_country: bool | None = None
    definite: bool = False  # written with the article (المجلس): a definite word after it may agree with it
    region: bool = False  # it names a state, a province or a region (ولاية، محافظة): not a city


def cue_support(kind: EntityKind, country: bool, cue: Cue | None) -> float:
    """Support from a cue word for an entity of this `kind` (a `country` or not)."""
    if cue is None or cue.kind is not kind:
        return 0.0
    if cue.wants_country is not None and cue.wants_country != country:
        return 0.0
    return CUE_MATCH


# Support from the words around a name when its description shares two of them or more
# (وزير الخارجية العراقي). One shared word is too often the country both name.
ROLE_MIN_SHARED_WORDS: Final = 2
ROLE_MATCH: Final = 0.8


def role_support(shared_words: int) -> float:
    """Support from `shared_words` stems shared by the name's surroundings and the entity's description."""
    return ROLE_MATCH if shared_words >= ROLE_MIN_SHARED_WORDS else 0.0


def combined_support(prior: float, context: float, cue: float) -> float:
    """Noisy-or of the independent kinds of support."""
    return 1.0 - (1.0 - 0.9 * prior) * (1.0 - context) * (1.0 - cue)


def candidate_score(match: float, support: float) -> float:
    """A candidate's score before ambiguity is taken into account, in [0, 1]."""
    return match * (0.4 + 0.6 * support)


# Resolve answers a plausible name (raw score at the linker's threshold) unless it is shared so
# widely that its best candidate, lowered by the rest, falls below this: عبد اللطيف لوديي with a
# few namesakes is answered, ranked; محمد alone is not.
RESOLVE_MIN_SHARED_SCORE: Final = 0.45


def with_ambiguity(best: float, total: float) -> float:
    """Lower the best candidate's score by how much its rivals share the evidence."""
    share = best / total if total > 0 else 1.0
    return best * (0.75 + 0.25 * share)


# Resolve's raw top score → the chance that it is right: isotonic regression over the dev
# queries with the seed, labels-only and 1M gazetteers pooled (`python -m evaluation.calibrate`).
# Linear between the knots; empty means raw scores.
RESOLVE_CALIBRATION: Final[tuple[tuple[float, float], ...]] = (
    (0.5, 0.500), (0.55, 0.500), (0.6, 0.932), (0.65, 0.932), (0.7, 0.982), (0.75, 0.982),
    (0.8, 0.992), (0.85, 0.992), (0.9, 0.992), (0.95, 0.992), (1.0, 0.992),
)  # fmt: skip


def calibrated(score: float, table: tuple[tuple[float, float], ...]) -> float:
    """`score` through a calibration table of (raw, calibrated) knots, linear between them."""
    if not table:
        return score
    if score <= table[0][0]:
        return table[0][1]
    for (x0, y0), (x1, y1) in pairwise(table):
        if score <= x1:
            return y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    return table[-1][1]

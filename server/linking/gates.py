"""The precision gates: whether a candidate may link at all, before it is scored.

A candidate passes when its name is strong on its own (a multi-word name, an
exact and well-known single name that is not an ordinary word) or when the
document supports it (the entity named in full elsewhere, a cue word, a
demonym, a neighbouring entity of the same kind). Each rule names the kind of
false link it prevents.
"""

from __future__ import annotations

from typing import Final

from gazetteer.lexicon import MOSTLY_ORDINARY, OFTEN_ORDINARY
from gazetteer.records import EntityKind
from gazetteer.schema import NameKind
from server.linking import scoring
from server.linking.evidence import Evidence, NameFacts, mostly_ordinary
from server.linking.index import FOLDED, TYPO, VARIANT
from server.linking.spotter import SpanMatch

# Enum members read once as `Final` constants (see ARCHITECTURE.md).
_SURNAME: Final[str] = NameKind.SURNAME
_PERSON: Final = EntityKind.PERSON
_ORGANIZATION: Final = EntityKind.ORGANIZATION
_PLACE: Final = EntityKind.PLACE
_SHORT: Final[str] = NameKind.SHORT
_COORDINATED: Final = scoring.COORDINATED

LOW_POPULARITY: Final = 0.35
# An entity this popular (about 30 sitelinks) is the likely one behind a crowd of namesakes.
PROMINENT_PRIOR: Final = 0.6
# An entity this popular (about 70 sitelinks) is the likely one behind another spelling of its
# name, behind an ordinary word after a cue, or behind a generic name whose country is not in view.
# A large gazetteer holds villages and ministries with 50 sitelinks named قادرة or الدفاع.
WELL_KNOWN_PRIOR: Final = 0.75
# An entity this little known (two sitelinks or fewer) is one of thousands of its name's kind.
OBSCURE_PRIOR: Final = scoring.OBSCURE_PRIOR
# A well-known name spelled with a long vowel added or dropped links alone from this length (`_prominent_spelling`).
MIN_VOWEL_SPELLING_CHARS: Final = 6
# A surname alone that is sometimes an ordinary word (عون "help") needs a title before it.
SURNAME_MAX_ORDINARY: Final = 0.2


def closed_without_context(name: NameFacts, announced: bool) -> bool:
    """No candidate can pass without document context: a mostly-ordinary word in a document, with
    neither a cue nor a demonym right before (`announced`).

    Exact, not a heuristic: `Gate.passes` admits such a name only when it is named in
    full elsewhere, coordinated with an anchor, a country whose places are named, right
    after a cue, or after a title and its bearer's country's demonym, and the first three
    need context. Big gazetteers give such words dozens of candidates; this skips them
    all at once (checked against the plain path by tests/test_shortcuts.py and
    tests/test_equivalence.py).
    """
    return name.single_word and not announced and mostly_ordinary(name)


class Support:
    """What speaks for one candidate of a span besides its name: what the gates and the score read."""

    def __init__(self, prior: float, in_context: float, cue: float, national: float, coordinated: bool) -> None:
        self.prior = prior  # from its sitelinks
        self.in_context = in_context  # from the document's anchors (`scoring.DocumentContext.support`)
        self.cue = cue  # a cue word, or role words matching its description
        self.national = national  # a demonym of its country next to the span (ADJACENT) or near it (CUE_MATCH)
        self.coordinated = coordinated  # an anchored entity of its class joined to the span by و (العقبة وإربد)
        # Compared by hand, not with max(): see ARCHITECTURE.md.
        around = in_context if in_context > national else national
        if coordinated and around < _COORDINATED:
            # An anchor of its class joined by و speaks for it as its country in view would (القاهرة وعمان).
            around = _COORDINATED
        self.total = scoring.combined_support(prior, around, cue)


class Gate:
    """The precision rules for the candidates of one span: may this candidate link at all?

    Made once per span (with what the words around it say) and asked once per
    candidate, with that candidate's `Support`.
    """

    def __init__(
        self,
        span: SpanMatch,
        evidence: Evidence,
        unique_key: bool,
        located_in: str | None = None,
        institution_type: frozenset[str] = frozenset(),
    ) -> None:
        self.span = span
        self.evidence = evidence
        self.unique_key = unique_key  # the span's key names only this candidate
        # The role stems (`evidence.role_word`) of the organisation's type right before a one-word
        # name that also names a place known beyond a little (جامع for جامعة القاهرة), else none.
        self.institution_type = institution_type
        # The country of the place the text names right after the span as its location (وزارة
        # الصحة في غزة; "" for a place of no known country), None if none (`DocumentContext.location_after`).
        self.located_in = located_in

    def passes(
        self,
        name_kind: str,
        kind: EntityKind,
        qid: str,
        country_qid: str,
        country: bool,
        support: Support,
        description: frozenset[str] = frozenset(),
        settlement: bool = False,
    ) -> bool:
        """May this candidate link, with this support? It is the entity `qid` of this `kind` and
        country, named by a name of `name_kind` (`country`: the entity is a country; `settlement`:
        a city, town or village), and described with these role stems (`description`).

        The candidate comes as plain values, not as its records: they are not compiled
        classes, and every attribute read of one is a dictionary lookup (ARCHITECTURE.md).
        """
        evidence = self.evidence
        prior, in_context, cue, national = support.prior, support.in_context, support.cue, support.national
        coordinated = support.coordinated
        named_in_full = in_context >= scoring.CONTEXT_SAME_ENTITY
        any_context = in_context > 0 or national > 0 or coordinated
        if evidence.cue_contradicts(kind, country, settlement):
            return False
        if evidence.common_noun_phrase:
            return False  # بحماس كبير "with great enthusiasm", even with حماس named in the text
        if (
            self.institution_type
            and kind is _ORGANIZATION
            and prior < WELL_KNOWN_PRIOR
            and not named_in_full
            and self.institution_type.isdisjoint(description)
        ):
            # جامعة القاهرة is the city's university, not a club called القاهرة known a little. A body
            # the place's name stands for is one its description calls so (صحيفة القدس: a newspaper),
            # or a far better-known one (قناة الجزيرة).
            return False
        if evidence.inside_longer_quote and not named_in_full:
            return False  # حزب «إسرائيل بيتنا»: a name inside a quoted title is not a mention
        if name_kind == _SHORT and kind is _ORGANIZATION and evidence.after_title and not named_in_full:
            return False  # وزيرة الخارجية الأميركية: the office in a person's title, not the ministry
        if name_kind == _SHORT and kind is _ORGANIZATION and evidence.name.given_name and not named_in_full:
            return False  # شركة عباس is "Abbas's company": عباس alone is a man, not the company
        if kind is _PERSON and evidence.after_given_name and (evidence.name.single_word or name_kind == _SURNAME):
            return False  # عمر البشير is not محمد البشير, ميشال عون not a man called عون, علي بن محمد not الحسن بن محمد
        if kind is _PERSON and name_kind == _SURNAME and evidence.after_other_name and not named_in_full:
            return False  # نتنياهو الحداد ("declared mourning"): no one's family name right after another name
        # عباس alone is anyone's given name; after a title and its country's demonym (الرئيس
        # الفلسطيني عباس) it is the well-known bearer's family name.
        after_title_and_demonym = (
            name_kind == _SURNAME and cue > 0 and national >= scoring.ADJACENT_DEMONYM and prior >= PROMINENT_PRIOR
        )
        # A given name of one word or two (محمد، عبد العزيز) names no one alone, though it ends the
        # names of men called after their fathers (محمد ولد عبد العزيز، علي عبد الله).
        if kind is _PERSON and evidence.name.given_name and not named_in_full and not after_title_and_demonym:
            return False
        if not evidence.name.single_word:
            return self._multi_word_passes(kind, qid, country_qid, country, support)
        demonym = evidence.name.demonym_country
        demonym_of_other = demonym is not None and demonym != qid
        if demonym_of_other and (not named_in_full or evidence.after_definite_title):
            return False  # السوداني is an adjective before it is anyone's name
        if evidence.adjective_after_noun:
            return False  # الحكم العثماني، دعم مالي: an adjective agreeing with its noun
        if kind is _PLACE and not named_in_full:
            # مسرحية الأمير هاملت، سمير: a definite title names its bearer next, and a given name is a
            # man's, before either is a village's. After a verb the title is its subject and the place
            # may be its object (زار الوزير جنين); a well-known place links anyway (يزور الوزير بيروت).
            if evidence.after_definite_title and not evidence.title_after_verb and prior < PROMINENT_PRIOR:
                return False
            if evidence.name.given_name and prior < WELL_KNOWN_PRIOR and not (cue > 0 and evidence.cue_adjacent):
                return False
        if evidence.after_honorific and evidence.name.definite and kind is not _PERSON and not named_in_full:
            return False  # الإمام الجليل: after an honorific comes a person or an epithet, not a place
        if kind is _PERSON and evidence.name.nisba_adjective and not named_in_full:
            return False  # المصري، الفلسطيني: an adjective, not the man whose family name it is
        if name_kind == _SURNAME and evidence.definite_after_noun and not named_in_full:
            return False  # الجدل العبثي، التراث الخالد: a definite noun's adjective, not a family name
        if (
            name_kind == _SURNAME
            and not named_in_full
            and not self._surname_passes(prior, cue, after_title_and_demonym)
        ):
            return False
        obscure = prior < OBSCURE_PRIOR
        if obscure and name_kind == _SURNAME and not named_in_full:
            return False  # الشيخ الجليل: an obscure namesake's surname, a title or not, is not enough
        if evidence.resolving:
            if evidence.name.given_name and not named_in_full:
                return False  # محمد alone names no one, and no village either
            # A name asked about on its own: only its popularity and its spelling can speak.
            return (self.span.exact or prior >= 0.5) and evidence.name.ordinary < MOSTLY_ORDINARY
        # A weak name (a little-known entity, or a key of three letters or fewer) needs some
        # support. Asked before the rules below, which can only refuse too: at a million entities
        # most candidates of a one-word name are namesakes that fail here.
        weak = prior < LOW_POPULARITY or len(evidence.key) <= 3
        if weak and support.total < scoring.WEAK_NAME_MIN_SUPPORT:
            return False
        if self.span.skip and prior < LOW_POPULARITY and not (named_in_full or cue > 0 or national > 0 or coordinated):
            return False  # بلير (Blair) is no ب + لير, a village known to few whose country the text names
        # Another spelling of a one-word name needs more than its country named somewhere (للوضوء is no لوديي).
        # A cue word counts right before the name only (بلاد العرب السعيدة is no السعودية); words around
        # it that say its role (ROLE_MATCH) count where they stand.
        near_cue = cue >= scoring.ROLE_MATCH or (cue > 0 and evidence.cue_adjacent)
        # A list joins names of one class, not one spelling to another (طنجة وتطوان is no وتووين, a
        # town known a little elsewhere): listed with an anchor, another spelling is a known entity's.
        listed_known = coordinated and prior >= PROMINENT_PRIOR
        close_support = named_in_full or near_cue or national > 0 or listed_known
        if not self.span.exact and not (close_support or self._prominent_spelling(prior)):
            return False
        if not self.span.exact and prior < LOW_POPULARITY and not named_in_full:
            return False  # جثتين is no village غيستين: a variant of a little-known name is noise
        if evidence.ordinary_word_split and prior < WELL_KNOWN_PRIOR and not named_in_full:
            return False  # فتوى is a word, not ف + the family name توى of a man known a little
        if (
            not self.span.exact
            and name_kind == _SURNAME
            and prior < WELL_KNOWN_PRIOR
            and not named_in_full
            and cue < scoring.ROLE_MATCH
        ):
            # الأمير مولاي رشيد: a title before another spelling of a family name is not enough; the
            # words around it saying its bearer's role are (الرئيس الإسرائيلي هرتزوغ).
            return False
        often_ordinary = evidence.name.common or evidence.name.ordinary >= OFTEN_ORDINARY
        if often_ordinary and evidence.before_definite_noun and evidence.name.demonym_country is None:
            return False  # صور الحادث: the first term of a construct is a common noun
        own_places_named = country and in_context > 0
        strong = named_in_full or cue > 0 or coordinated or own_places_named
        # An inflected ordinary word (وولي، بينك) names only a well-known entity without strong evidence.
        if mostly_ordinary(evidence.name) or (evidence.name.ordinary_form and prior < PROMINENT_PRIOR):
            # A cue that names a type (قرية قال، وكالة، الرئيس) makes even an ordinary word a name;
            # a direction or a facility (وسط المدينة، مطار جديد) only a well-known one's.
            # A proclitic between the cue and the word begins another phrase (مؤسسة للسلام "a foundation
            # for peace"): the cue names it no more.
            adjacent_cue = cue > 0 and evidence.cue_adjacent and not self.span.skip
            type_cue = cue > 0 and not self.span.skip and evidence.cue_names_this_word()  # بلدة ومستوطنة: a list
            if prior < LOW_POPULARITY and not named_in_full:
                return False  # مطار جديد، مدينة مهمة: an ordinary word is not an obscure village's name
            # A place's type itself (المدينة "the city") is no name after a direction or a facility
            # (وسط المدينة "downtown", مطار المدينة), whatever village a large gazetteer calls so.
            close_cue = type_cue or (adjacent_cue and prior >= WELL_KNOWN_PRIOR and not evidence.name.place_type_noun)
            listed = coordinated and prior >= WELL_KNOWN_PRIOR  # مالي والنيجر, not إيران والمنطقة
            # رئيس الوزراء الهندي مودي: a title and its bearer's country's demonym make even an ordinary
            # word (مودي "leading to") a well-known man's family name.
            if not (named_in_full or close_cue or listed or own_places_named or after_title_and_demonym):
                return False
        return evidence.name.ordinary < OFTEN_ORDINARY or strong or any_context

    def _prominent_spelling(self, prior: float) -> bool:
        """Another spelling of a well-known entity's name: the same letters up to the consonants
        transliteration swaps (بوينج، جوجل), or a long vowel added or dropped in a name of six
        letters or more without the article (هولندة، كراكاس، تركمنستان).

        A definite word a vowel away from a famous name is mostly an inflected ordinary word
        the lexicon does not list (المرات of الإمارات، العون of العيون); shorter ones too
        often meet a famous name by chance.
        """
        key, loosest = self.evidence.key, self.span.loosest
        vowel_spelling = loosest == VARIANT and len(key) >= MIN_VOWEL_SPELLING_CHARS and not self.evidence.name.definite
        return (loosest == FOLDED or vowel_spelling) and prior >= WELL_KNOWN_PRIOR and len(key) >= 4

    def _surname_passes(self, prior: float, cue: float, after_title_and_demonym: bool = False) -> bool:
        """A surname alone, with no full name in the document (`after_title_and_demonym`: see `passes`)."""
        name = self.evidence.name
        if (name.given_name and not after_title_and_demonym) or name.demonym_country or name.common:
            return False
        person_cue = cue > 0
        if (name.ordinary >= SURNAME_MAX_ORDINARY or name.ordinary_by_ending or name.verb_form) and not person_cue:
            return False  # عون "help", مؤكداً "stressing", ويكفي "and it suffices": a title must say a person follows
        return person_cue or prior >= scoring.SURNAME_MIN_POPULARITY or self.unique_key

    def _multi_word_passes(self, kind: EntityKind, qid: str, country_qid: str, country: bool, support: Support) -> bool:
        prior, cue, in_context, national = support.prior, support.cue, support.in_context, support.national
        named_in_full = in_context >= scoring.CONTEXT_SAME_ENTITY
        evidence = self.evidence
        # A cue speaks for a name made of words of the language, or spelled otherwise, only right
        # before it or as words saying its role: in وبحسب الصحيفة فإن شركة طيران the cue is the newspaper's.
        near_cue = cue >= scoring.ROLE_MATCH or (cue > 0 and evidence.cue_adjacent)
        # Another spelling of a full name is a well-known one's (بيني غانتز), not a village's
        # (بير مثل for بئر مصال), and never a typo over a particle (على الرأس for علي الراسف).
        little_known = prior < PROMINENT_PRIOR or (evidence.function_word_inside and self.span.loosest == TYPO)
        if not self.span.exact and not named_in_full and not near_cue and little_known:
            return False
        if evidence.followed_by_adjective and kind is not _PERSON:
            # مجلس الأمن القومي is not مجلس الأمن: the name goes on, unless the adjective
            # only says the entity's own country (الكنيست الإسرائيلي).
            own = qid if country else country_qid
            if evidence.following_demonym is None or evidence.following_demonym != own:
                return False
        if evidence.name.all_words_common:
            if evidence.of_what_follows and kind is _ORGANIZATION:
                return False  # الجمعية العامة للشركة: the company's general assembly, not the UN's
            # A well-known place or person named by words of the language (الدار البيضاء، بان كي مون)
            # is no institution every country has: the likely one whatever namesakes a large
            # gazetteer holds.
            well_known = prior >= WELL_KNOWN_PRIOR and (self.unique_key or kind is not _ORGANIZATION)
            if country_qid and not country and not well_known:
                # وزارة الداخلية، مجلس النواب: a name many countries' institutions share; its own
                # country must be in view, and not the text place it elsewhere (وزارة الصحة في غزة
                # in a story that names Doha is not Qatar's).
                in_view = in_context > 0 and (self.located_in is None or self.located_in == country_qid)
                return named_in_full or near_cue or in_view or national > 0
            return named_in_full or near_cue or (prior >= 0.5 and support.total >= 0.6)
        return True

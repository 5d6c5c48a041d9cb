"""What the words around a span say, whatever entity it turns out to be.

Most of it depends on one word alone: the name's key (is it an ordinary
word, a given name, a demonym?), the word before it (a title, a given name,
a noun an adjective could agree with?) and the word after it (an adjective,
a definite noun?). Those facts are cached per normal form, so a span costs a
few look-ups; only the cue search and the demonyms nearby look further.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from gazetteer.keys import COMPOUND_TAILS, name_key
from gazetteer.lexicon import MOSTLY_ORDINARY, OFTEN_ORDINARY
from gazetteer.records import EntityKind
from server.linking import scoring
from server.linking.clitics import proclitic_splits
from server.linking.demonyms import DemonymTable
from server.linking.gender import FEMALE, MALE, UNKNOWN, noun_gender
from server.linking.language import Language
from server.linking.memo import Memo
from server.linking.spotter import MAX_NAME_WORD_CHARS, SpanMatch
from server.linking.text import Word

CUE_WINDOW_WORDS: Final = 3
# Prepositions written as words: one between a cue and a name begins another phrase (مدينة بافوس في
# قبرص: the city is بافوس, not قبرص). Not على, which normalises to the given name علي.
_PREPOSITIONS: Final = frozenset(
    map(name_key, ("في", "من", "إلى", "عن", "مع", "بين", "نحو", "حول", "لدى", "قرب", "عند", "ضد", "منذ", "حتى"))
)
_MIN_WORD: Final = 3
# A conjunction before a particle of this many letters or fewer (ففي، ومن، وإن) makes a word of the
# language, whatever place a large gazetteer names so.
_MAX_PARTICLE: Final = 3
# Words around a span whose stems are matched with a candidate's description (وزير الخارجية المصري).
ROLE_WINDOW_BEFORE: Final = 4
ROLE_WINDOW_AFTER: Final = 3
MIN_ROLE_WORD: Final = 3
MAX_ROLE_WORD: Final = 20
# The words of a Resolve query's context read as role words (`EvidenceReader.context_role_words`).
CONTEXT_ROLE_WORDS: Final = 2 * (ROLE_WINDOW_BEFORE + ROLE_WINDOW_AFTER)
DEMONYM_WINDOW_BEFORE: Final = 3
DEMONYM_WINDOW_AFTER: Final = 2
_CACHE_ENTRIES: Final = 50_000
_DEFINITE: Final = "ال"
_NO_COUNTRIES: frozenset[str] = frozenset()
_PLACE: Final = EntityKind.PLACE
_ORGANIZATION: Final = EntityKind.ORGANIZATION
_AND: Final = "و"
_OF_THE: Final = "لل"  # ل + the article, its alef dropped (للشركة)
# The conjunctions glued before a word (و، ف); then, for a verb's agreement with its subject, the
# past tense's feminine ending and the present tense's masculine and feminine prefixes.
_CONJUNCTIONS: Final = "وف"
# Prepositions glued to a noun that an indefinite adjective then qualifies (بحماس كبير). Not ل, whose
# لـX + an indefinite noun says what X has (لإيران خصوصية، لفرنسا حرية).
_GLUED_PREPOSITIONS: Final = "بك"
_PAST_FEMININE: Final = "ت"
_PRESENT_MASCULINE: Final = "ي"


class NameFacts(NamedTuple):
    """What a name key is as a word of the language (cached per key)."""

    single_word: bool
    # How often the (one-word) name is an ordinary word, from the frequency lexicon.
    ordinary: float
    common: bool
    # A definite adjective (القديمة، الجديدة) that is not a demonym: ordinary whatever the lexicon's share.
    definite_adjective: bool
    all_words_common: bool
    given_name: bool
    # The country the name itself is the demonym of (السوداني), if any.
    demonym_country: str | None
    # A one-word adjective, or a definite country name that is also its demonym (السعودية).
    adjectival: bool
    definite: bool
    # A definite nisba (ال...ي، ال...يه) the lexicon knows as an adjective (المصري، الفلسطيني).
    nisba_adjective: bool
    # An ordinary word bare or inflected, clitics and pronoun endings allowed (فيما، وولي، بينك).
    ordinary_form: bool
    # A function word or a cue word itself (مما، محافظة، المجلس): never opened by a cue before it.
    grammar_word: bool
    # An ordinary word with an ending, clitics not tried (مؤكداً، بينت): no one's surname alone.
    ordinary_by_ending: bool
    # A place's type with the article (المنطقة، المدينة): after a place cue, a noun, not a name.
    place_type_noun: bool = False
    # و or ف before a conjugated verb (ويكفي "and it suffices"): no one's surname alone.
    verb_form: bool = False


def mostly_ordinary(name: NameFacts) -> bool:
    """The one-word name is mostly an ordinary word (علي، السلام، القديمة): only strong evidence links it."""
    definite_adjective = name.definite_adjective and name.demonym_country is None
    return name.common or name.ordinary >= MOSTLY_ORDINARY or definite_adjective


class Evidence:
    """Facts about one span and its neighbourhood, computed once for all its candidates.

    A plain class with its own `__init__`, which the compiled core builds far
    faster than a dataclass: one is made for every span with candidates.
    """

    def __init__(
        self,
        *,
        key: str,
        name: NameFacts,
        cue: scoring.Cue | None,
        cue_adjacent: bool,
        nearby_countries: frozenset[str],
        after_given_name: bool,
        followed_by_adjective: bool,
        of_what_follows: bool,
        following_demonym: str | None,
        resolving: bool,
        adjacent_country: str | None,
        after_definite_title: bool,
        adjective_after_noun: bool,
        definite_after_noun: bool,
        before_definite_noun: bool,
        inside_longer_quote: bool,
        joined_to_next: bool,
        after_title: bool,
        after_honorific: bool,
        function_word_inside: bool,
        ordinary_word_split: bool,
        subject_gender: str,
        place_in_organisation_name: bool,
        dateline: bool = False,
        common_noun_phrase: bool = False,
        after_other_name: bool = False,
        title_after_verb: bool = False,
    ) -> None:
        self.key = key
        # What the name's key is as a word of the language, whatever its neighbours.
        self.name = name
        self.cue = cue
        # The cue is the word right before the span (مدينة صور), not a few words back.
        self.cue_adjacent = cue_adjacent
        # Countries named by demonyms just before or after the span (الإسرائيلي).
        self.nearby_countries = nearby_countries
        # The word before is a given name that the matched name does not include (ميشال عون).
        self.after_given_name = after_given_name
        # The next word is a definite nisba adjective (مجلس الأمن القومي).
        self.followed_by_adjective = followed_by_adjective
        # The span opens with an organisation's type and the next word is ل + a definite noun that
        # is no name (الجمعية العامة للشركة): the body that noun has, not an organisation of its own
        # (مفتشو الأمم المتحدة للأسلحة: a name that is no type noun says nothing of the kind).
        self.of_what_follows = of_what_follows
        self.following_demonym = following_demonym
        # Resolve: the name stands alone, there are no neighbouring words.
        self.resolving = resolving
        # A demonym right next to the span (العاصمة المغربية الرباط، الرباط المالطية).
        self.adjacent_country = adjacent_country
        # A definite title right before the span (الشيخ الجليل): a person, or an adjective, follows.
        self.after_definite_title = after_definite_title
        # The one-word name is an adjective agreeing with the definite noun before it (الحكم العثماني).
        self.adjective_after_noun = adjective_after_noun
        # The one-word name is definite and the word before a definite noun that names no person
        # (الجدل العبثي، التراث الخالد): an adjective or a second noun, whatever the lexicon knows of it.
        self.definite_after_noun = definite_after_noun
        # The next word is a definite noun: the span is the first term of a construct (صور الحادث).
        self.before_definite_noun = before_definite_noun
        # The span is part of a longer quotation («إسرائيل بيتنا»): a title or another name.
        self.inside_longer_quote = inside_longer_quote
        # The next word begins with و: the span may be one of a list (مالي والنيجر).
        self.joined_to_next = joined_to_next
        # The word before is a person's title as written (وزير، وزيرة، الرئيس): the span may be its office.
        self.after_title = after_title
        # The word before is an honorific as written (الشيخ، الإمام): a definite word after it is an epithet.
        self.after_honorific = after_honorific
        # One of the span's words as written is a function word (على الرأس).
        self.function_word_inside = function_word_inside
        # The span leaves out a proclitic of a first word that is an ordinary word as written (فتوى: ف + توى).
        self.ordinary_word_split = ordinary_word_split
        # The gender a verb or a definite title right before the name gives its bearer (وقالت، الوزيرة:
        # `gender.FEMALE`; وقال، الوزير: `gender.MALE`), or `gender.UNKNOWN`.
        self.subject_gender = subject_gender
        # A one-word name right after an organisation's type, with no proclitic between (صحيفة القدس,
        # not الشركة بالسعودية): a place there is a word of the organisation's name.
        self.place_in_organisation_name = place_in_organisation_name
        # The span opens a line and a dash or a parenthesis follows it (تونس (وات) -): a dateline,
        # which names the city a story was filed from.
        self.dateline = dateline
        # A preposition glued to the one word and an indefinite adjective right after it (بحماس كبير
        # "with great enthusiasm"): a noun phrase. A name is definite, and takes a definite adjective.
        self.common_noun_phrase = common_noun_phrase
        # The word right before is a word of a name (`Coverage.named`), with no comma between: a one-word
        # family name there ends that name, or is a word of the language (نتنياهو الحداد "mourning").
        self.after_other_name = after_other_name
        # A verb comes before the definite title before the span (زار الوزير جنين): the title is the
        # verb's subject, and the span may be its object rather than the title's bearer.
        self.title_after_verb = title_after_verb

    def cue_names_a_type(self) -> bool:
        """The cue says what kind of thing follows (قرية، مدينة، وكالة، الرئيس), not a direction or a facility."""
        cue = self.cue
        return cue is not None and (cue.kind is not _PLACE or cue.wants_country is not None)

    def cue_names_this_word(self) -> bool:
        """A type cue right before that makes even an ordinary word a name: قرية قال, not المجلس التشريعي
        (a definite word after a definite noun agrees with it) nor بلدة مما (a function word)."""
        cue = self.cue
        if cue is None or not self.cue_adjacent or not self.cue_names_a_type() or self.name.grammar_word:
            return False
        if cue.kind is _ORGANIZATION and self.name.definite:
            return False  # مجلس الإدارة، هيئة الدفاع: a noun phrase, not an organisation named الإدارة
        if cue.kind is _PLACE and self.name.place_type_noun:
            return False  # بلدية المنطقة: the region's municipality, not a village named المنطقة
        return not (cue.definite and self.name.definite)

    def cue_contradicts(self, kind: EntityKind, country: bool, settlement: bool = False) -> bool:
        """Whether the cue rules out a candidate of this `kind` (`country`: it is a country;
        `settlement`: a city, town or village).

        A place cue that asks for a city before a country, or for a country before a city
        (ولاية جورجيا); a state's or a province's type right before a city (ولاية واشنطن is not
        the capital); an organisation's type right before a one-word place (صحيفة الشرق
        الأوسط، قناة الجزيرة، بنك المغرب): the place is a word of the organisation's name.
        """
        cue = self.cue
        if cue is None or kind is not _PLACE:
            return False
        if cue.kind is _ORGANIZATION:
            return self.place_in_organisation_name
        if cue.kind is not _PLACE:
            return False
        if cue.region and settlement and self.cue_adjacent:
            return True
        return cue.wants_country is not None and cue.wants_country != country


class _FollowingFacts(NamedTuple):
    """What the word after a span is."""

    adjective: bool  # a definite adjective
    demonym_country: str | None
    definite_noun: bool  # a definite noun or adjective
    starts_with_and: bool
    of_definite_noun: bool  # ل + a definite noun (للشركة), written لل
    indefinite_adjective: bool  # an adjective without the article, not a demonym (كبير)


class _PreviousFacts(NamedTuple):
    """What the word before a span is."""

    definite: bool
    given_name: bool
    # A given name as written, even one that is an ordinary word too (علي / على), or the end of a
    # compound one (عبد الله، نور الدين; also of the title آية الله, so not for a one-word name).
    name_word: bool
    person_title: bool  # a definite person cue as written (الرئيس)
    title: bool  # a person cue as written, definite or not (وزيرة)
    honorific: bool  # an honorific title as written (الشيخ، الإمام)
    cue: bool  # a cue of any kind, proclitics allowed
    # A reading of the word (as written or after a proclitic) is a definite / an indefinite noun.
    definite_noun: bool
    indefinite_noun: bool
    person_noun: bool  # a reading of the word names a person's occupation or title (الكاتب، والصحفي)


class EvidenceReader:
    """Reads the `Evidence` of spans; holds the word tables and the per-word caches."""

    def __init__(
        self,
        language: Language,
        demonyms: DemonymTable,
        ordinary_form: Memo[str, bool],
        ordinary_by_ending: Memo[str, bool],
        memos: bool = True,
    ) -> None:
        memo_entries = _CACHE_ENTRIES if memos else 0
        self.demonyms = demonyms
        self._ordinary_form = ordinary_form  # an ordinary word, bare or inflected
        self._ordinary_by_ending = ordinary_by_ending
        self._common = language.common_words
        self._given = language.given_names
        self._cues = language.cue_kinds
        self._honorifics = language.honorifics
        self._function_words = language.function_words
        self._place_cues = language.place_cues
        self._region_cues = language.region_cues
        self._ordinary_share = language.ordinary_share
        self._word_counts = language.word_counts
        self._is_adjective = language.is_adjective
        self._is_noun = language.is_noun
        self.cue_of = Memo(self._cue_of, memo_entries)
        self._key_facts = Memo(self._read_key_facts, memo_entries)
        self._following_facts = Memo(self._read_following_facts, memo_entries)
        self._previous_facts = Memo(self._read_previous_facts, memo_entries)
        self._role_word = Memo(role_word, memo_entries)
        self._verb_forms = language.verb_forms
        self._gender_before = Memo(self._read_gender_before, memo_entries)

    def name_facts(self, key: str) -> NameFacts:
        """What a name key is as a word of the language (cached)."""
        return self._key_facts.value(key)

    def demonym_positions(self, words: list[Word]) -> dict[int, str]:
        """Word position → the country it is a demonym of."""
        countries = self.demonyms.country_of
        found = {}
        for i, word in enumerate(words):
            if len(word.norm) > MAX_NAME_WORD_CHARS:
                continue
            country = countries.value(word.norm)
            if country:
                found[i] = country
        return found

    def read(
        self,
        span: SpanMatch,
        words: list[Word],
        demonyms: dict[int, str],
        resolving_near: frozenset[str] | None,
        spanned: frozenset[int] = frozenset(),
        named: frozenset[int] = frozenset(),
    ) -> Evidence:
        """What the words around `span` say, whatever the candidate.

        `resolving_near` is None when linking a document; when resolving a lone
        name it holds the countries named by demonyms in the caller's context.
        `spanned`: the positions of words inside some span (a cue announces the first); `named`:
        those inside a name's span (`Linker._is_name_span`).
        """
        key = span.key
        first, last = span.first, span.last
        facts = self._key_facts.value(key)
        resolving = resolving_near is not None
        if resolving_near is not None:
            nearby = resolving_near
        else:
            nearby = _NO_COUNTRIES
            if demonyms:
                countries = []
                for i in range(first - DEMONYM_WINDOW_BEFORE, last + DEMONYM_WINDOW_AFTER + 1):
                    country = demonyms.get(i)
                    if country is not None and not first <= i <= last:
                        countries.append(country)
                if countries:
                    nearby = frozenset(countries)
        following_word = words[last + 1] if not resolving and last + 1 < len(words) else None
        following = following_word.norm if following_word and not following_word.starts_sentence else ""
        if len(following) > MAX_NAME_WORD_CHARS:
            following = ""
        after = self._following_facts.value(following) if following else None
        previous_word = words[first - 1] if first > 0 and not words[first].starts_sentence else None
        if previous_word is not None and len(previous_word.norm) > MAX_NAME_WORD_CHARS:
            previous_word = None
        before = self._previous_facts.value(previous_word.norm) if previous_word is not None else None
        # What the word before says, unless a proclitic of the span's own first word stands between.
        before_own = before if before is not None and not span.skip else None
        # A demonym describes the name when it follows it directly (الرباط المالطية), or precedes
        # it as a definite adjective (العاصمة المغربية الرباط); not across و (مالي والنيجر).
        adjacent = demonyms.get(last + 1) if after is not None and not after.starts_with_and else None
        if adjacent is None and before_own is not None and before_own.definite:
            adjacent = demonyms.get(first - 1)
        # Resolving, only a title the query itself opens with can be a cue (الرئيس ماكرون).
        cue, cue_distance = (None, 0) if resolving and first == 0 else self._cue_before(words, first, spanned)
        return Evidence(
            key=key,
            name=facts,
            cue=cue,
            cue_adjacent=cue_distance == 1,
            nearby_countries=nearby,
            # Before a name of several words (بن محمد), any word a given name may be: in علي بن محمد,
            # علي is the name's first word more likely than على ("on"), as written alike.
            after_given_name=before_own is not None
            and (before_own.given_name or (not facts.single_word and before_own.name_word)),
            after_other_name=(
                before_own is not None
                and first - 1 in named
                and not before_own.cue
                and first - 1 not in demonyms  # الرئيس الأميركي بوش: a demonym read as some name's variant
                and not words[first].after_comma
            ),
            followed_by_adjective=after is not None and after.adjective,
            of_what_follows=(
                after is not None
                and after.of_definite_noun
                and last + 1 not in named
                and self._organisation_type(key.split(" ", 1)[0])
            ),
            following_demonym=after.demonym_country if after is not None else None,
            resolving=resolving,
            adjacent_country=adjacent,
            after_definite_title=before is not None and before.person_title,
            title_after_verb=(
                before is not None
                and before.person_title
                and first >= 2
                and not words[first - 1].starts_sentence
                and self._is_verb(words[first - 2].norm)
            ),
            adjective_after_noun=(
                facts.single_word
                and facts.adjectival
                and before_own is not None
                and not before_own.cue
                and (before_own.definite_noun if facts.definite else before_own.indefinite_noun)
            ),
            definite_after_noun=(
                facts.single_word
                and facts.definite
                and before_own is not None
                and before_own.definite_noun
                and not (before_own.cue or before_own.person_noun or before_own.honorific)
            ),
            before_definite_noun=after is not None and after.definite_noun,
            inside_longer_quote=not resolving and _inside_longer_quote(words, first, last),
            joined_to_next=after is not None and after.starts_with_and,
            after_title=before_own is not None and before_own.title,
            after_honorific=before_own is not None and before_own.honorific,
            function_word_inside=last > first
            and any(words[i].norm in self._function_words for i in range(first, last + 1)),
            ordinary_word_split=bool(span.skip) and self._ordinary_by_ending.value(words[first].norm),
            subject_gender=self._subject_gender(words, first)
            if previous_word is not None and not span.skip
            else UNKNOWN,
            place_in_organisation_name=(
                cue is not None
                and cue.kind is _ORGANIZATION
                and cue_distance == 1
                and facts.single_word
                and not span.skip
            ),
            dateline=not resolving and words[first].opens_line and words[last].before_dateline_mark,
            common_noun_phrase=(
                first == last
                and after is not None
                and after.indefinite_adjective
                and following_word is not None
                and following_word.start == words[last].end + 1  # one space: بإيطاليا ( أوروبية is no phrase
                and any(c in _GLUED_PREPOSITIONS for c in words[first].norm[: span.skip])
            ),
        )

    def role_words(self, words: list[Word], first: int, last: int, named: frozenset[int]) -> frozenset[str]:
        """The `role_word` stems of the words just before and after words [first, last], within their sentence.

        وزير الخارجية العراقي → وزير خارج عراق: matched against candidates' descriptions. Words of
        other names (`named`: سلطنة عمان) are left out: a country named nearby and in a description
        says nothing of the role.
        """
        stems = self._role_word
        found = set()
        for i in range(first - 1, max(first - 1 - ROLE_WINDOW_BEFORE, -1), -1):
            norm = words[i].norm
            if len(norm) <= MAX_ROLE_WORD and i not in named:
                found.add(stems.value(norm))
            if words[i].starts_sentence:
                break
        for i in range(last + 1, min(last + 1 + ROLE_WINDOW_AFTER, len(words))):
            if words[i].starts_sentence:
                break
            norm = words[i].norm
            if len(norm) <= MAX_ROLE_WORD and i not in named:
                found.add(stems.value(norm))
        found.discard("")
        return frozenset(found)

    def context_role_words(self, words: list[Word]) -> frozenset[str]:
        """The `role_word` stems of a Resolve query's context, its first CONTEXT_ROLE_WORDS words.

        The caller gives the context as evidence about the name, so its names count too: مدينة في
        ولاية فرجينيا says where الإسكندرية is, as the American city's description does. Capped at
        about two role windows, so that a long context does not match every description by chance.
        """
        stems = self._role_word
        found = {stems.value(word.norm) for word in words[:CONTEXT_ROLE_WORDS] if len(word.norm) <= MAX_ROLE_WORD}
        found.discard("")
        return frozenset(found)

    def is_title_word(self, norm: str) -> bool:
        """A word that may stand before a name without being part of it: a title, a role, a demonym."""
        if self.cue_of.value(norm) is not None or self.demonyms.country_of.value(norm) is not None:
            return True
        if norm in self._given:
            return False  # عمر البشير: a given name is part of the name
        if norm in self._common or self._ordinary_share(norm) >= OFTEN_ORDINARY:
            return True
        # A definite adjective the counts miss in the feminine (القدس المحتلة "occupied Jerusalem").
        return norm.startswith(_DEFINITE) and self._is_adjective(norm)

    # -- cues ---------------------------------------------------------------------

    def _cue_of(self, norm: str) -> tuple[scoring.Cue, str] | None:
        """The cue a word is, proclitics allowed (وبمدينة), with the form that matched."""
        for form in (norm, *(split.stem for split in proclitic_splits(norm))):
            kind = self._cues.get(form)
            if kind is not None:
                cue = scoring.Cue(
                    kind, self._place_cues.get(form), form.startswith(_DEFINITE), form in self._region_cues
                )
                return cue, form
        return None

    def cue_or_demonym_right_before(self, words: list[Word], first: int) -> bool:
        """A cue (مدينة صور: `Evidence.cue_adjacent`) or a demonym (رئيس الوزراء الهندي مودي) is the
        word right before `first`, read without the rest of the evidence."""
        if first == 0 or words[first].after_comma or words[first].starts_sentence:
            return False
        norm = words[first - 1].norm
        if len(norm) > MAX_NAME_WORD_CHARS:
            return False
        return self.cue_of.value(norm) is not None or self.demonyms.country_of.value(norm) is not None

    def _cue_before(self, words: list[Word], first: int, spanned: frozenset[int]) -> tuple[scoring.Cue | None, int]:
        """The nearest cue word a few words before `first`, and how many words back it is.

        The search stops at a sentence boundary, at a preposition and at a word inside some span
        (`spanned`): a cue announces the first name after it, not every word after it.
        """
        for i in range(first - 1, max(first - 1 - CUE_WINDOW_WORDS, -1), -1):
            if words[i + 1].after_comma or words[i + 1].starts_sentence:
                break  # بزيارة المدينة، فيما: a comma ends what the cue announces, as does a sentence's end
            norm = words[i].norm
            if len(norm) > MAX_NAME_WORD_CHARS or norm in _PREPOSITIONS:
                break
            found = self.cue_of.value(norm)
            if found is not None:
                return found[0], first - i
            if i in spanned:
                break
        return None, 0

    # -- per-word facts (cached) ----------------------------------------------------

    def _read_key_facts(self, key: str) -> NameFacts:
        single_word = " " not in key
        definite = key.startswith(_DEFINITE)
        demonym_country = self.demonyms.country_of.value(key)
        return NameFacts(
            single_word=single_word,
            ordinary=self._ordinary_share(key) if single_word else 0.0,
            common=key in self._common or self._conjunction_and_particle(key),
            definite_adjective=single_word and definite and self._is_adjective(key),
            # Letters of an acronym (أ ف ب) are not words.
            all_words_common=any(len(w) >= _MIN_WORD for w in key.split(" "))
            and all(w in self._common or self._ordinary_share(w) >= MOSTLY_ORDINARY for w in key.split(" ")),
            given_name=key in self._given,
            demonym_country=demonym_country,
            adjectival=single_word and (self._is_adjective(key) or (definite and demonym_country is not None)),
            definite=definite,
            nisba_adjective=single_word and _nisba_shaped(key) and self._is_adjective(key),
            ordinary_form=single_word and self._ordinary_form.value(key),
            grammar_word=single_word and (key in self._function_words or self.cue_of.value(key) is not None),
            ordinary_by_ending=single_word and self._ordinary_by_ending.value(key),
            place_type_noun=single_word and definite and self._cues.get(key[len(_DEFINITE) :]) is _PLACE,
            verb_form=single_word and self._verb_form(key),
        )

    def _is_verb(self, norm: str) -> bool:
        """A conjugated verb, as written or after و or ف (يزور، وزار). A past verb whose feminine is a
        verb form and that is no noun counts too (زار، قال), as for `_read_gender_before`."""
        verbs = self._verb_forms
        return any(
            form in verbs or (not self._is_noun(form) and form + _PAST_FEMININE in verbs)
            for form in _with_and_without_conjunction(norm)
        )

    def _verb_form(self, key: str) -> bool:
        """و or ف before a conjugated verb (ويكفي "and it suffices"), not a given name (وليد).

        A verb alone may be a foreign family name as written (يعلون، يادين), and prepositions take
        no verbs (ليبرمن is no ل + يبرمن); a conjunction before a verb makes a clause."""
        if key in self._given:
            return False
        return key[:1] in _CONJUNCTIONS and key[1:] in self._verb_forms

    def _conjunction_and_particle(self, key: str) -> bool:
        """و or ف before a short function word (ففي "so in", وإن "and if"): a word, not a name."""
        particle = key[1:]
        return key[:1] in _CONJUNCTIONS and 0 < len(particle) <= _MAX_PARTICLE and particle in self._function_words

    def _organisation_type(self, norm: str) -> bool:
        """A noun that names a kind of organisation (المجلس، الجمعية، وكالة), as written."""
        return self._cues.get(norm) is _ORGANIZATION

    def _read_following_facts(self, norm: str) -> _FollowingFacts:
        definite = norm.startswith(_DEFINITE)
        adjective = definite and self._is_adjective(norm)
        return _FollowingFacts(
            adjective=adjective,
            demonym_country=self.demonyms.country_of.value(norm),
            definite_noun=definite and (adjective or self._is_noun(norm)),
            starts_with_and=norm.startswith(_AND),
            of_definite_noun=norm.startswith(_OF_THE) and self._is_noun("ا" + norm[1:]),
            indefinite_adjective=not definite
            and self._is_adjective(norm)
            and norm not in self._given
            and self.demonyms.country_of.value(norm) is None,
        )

    def _read_previous_facts(self, norm: str) -> _PreviousFacts:
        cue = self.cue_of.value(norm)
        forms = (norm, *(split.stem for split in proclitic_splits(norm)))
        definite = norm.startswith(_DEFINITE)
        return _PreviousFacts(
            definite=definite,
            given_name=self._is_given_name(norm),
            name_word=norm in self._given or norm in COMPOUND_TAILS,
            person_title=definite and cue is not None and cue[0].kind is EntityKind.PERSON and cue[1] == norm,
            title=cue is not None and cue[0].kind is EntityKind.PERSON and cue[1] == norm,
            honorific=any(form in self._honorifics for form in forms),  # فالصحابي الجليل too
            cue=cue is not None,
            definite_noun=any(form.startswith(_DEFINITE) and self._is_noun(form) for form in forms),
            indefinite_noun=any(not form.startswith(_DEFINITE) and self._is_noun(form) for form in forms),
            person_noun=any(noun_gender(form) != UNKNOWN for form in forms),
        )

    def _subject_gender(self, words: list[Word], first: int) -> str:
        """The gender the words before the name at `first` give it (`Evidence.subject_gender`).

        A definite title after an indefinite person noun is the second term of a construct
        whose head the name stands beside: نائبة الرئيس كامالا هاريس is the vice-president, a woman.
        """
        gender = self._gender_before.value(words[first - 1].norm)
        if (
            gender
            and first >= 2
            and words[first - 1].norm.startswith(_DEFINITE)
            and not words[first - 1].starts_sentence
        ):
            head = words[first - 2].norm
            if not head.startswith(_DEFINITE) and len(head) <= MAX_NAME_WORD_CHARS:
                head_gender = noun_gender(head)
                if head_gender:
                    return head_gender
        return gender

    def _read_gender_before(self, norm: str) -> str:
        """The gender a word right before a name gives its bearer: a definite title (الوزيرة، الرئيس),
        or a verb in the third person (وقالت → FEMALE; وقال، يقول → MALE), or UNKNOWN.

        An indefinite title is the first term of a construct (مستشار كلينتون: Clinton's adviser),
        so it says nothing of the name after it. A present verb in ت is no sign: تعهد، تلقى are
        masculine verbs in the past.
        """
        if norm.startswith(_DEFINITE):
            return noun_gender(norm)
        verbs = self._verb_forms
        for form in _with_and_without_conjunction(norm):
            if form in self._function_words:
                continue
            if form.endswith(_PAST_FEMININE) and form in verbs:
                return FEMALE  # قالت، أكدت
            if form.startswith(_PRESENT_MASCULINE) and form in verbs:
                return MALE  # يقول
            if not self._is_noun(form) and form + _PAST_FEMININE in verbs:
                return MALE  # قال، أكد: their feminine is a verb form
        return UNKNOWN

    def _is_given_name(self, word: str) -> bool:
        """A given name here, not an ordinary word that is also one (باسم is ب + اسم, "in the name of")."""
        if word not in self._given or self._ordinary_share(word) >= MOSTLY_ORDINARY:
            return False
        counts = self._word_counts.get(word)
        if counts is not None and counts[1] > counts[0]:
            # As written it is a name more often than a word (بدر، فهد، كمال، فيصل): its counts already
            # weigh its proclitic readings (ب + در), which the counts of the bare stem do not.
            return True
        return not any(
            split.stem in self._common or self._ordinary_share(split.stem) >= OFTEN_ORDINARY
            for split in proclitic_splits(word)
        )


def _with_and_without_conjunction(norm: str) -> tuple[str, ...]:
    """A word as written, and without the و or ف before it when a word of three letters or more is left."""
    if norm[:1] in _CONJUNCTIONS and len(norm) > 3:
        return (norm, norm[1:])
    return (norm,)


def role_word(norm: str) -> str:
    """A word's stem for matching roles with descriptions: no و/ب/ل, article, ة or nisba ي ("" for short words).

    الخارجية and خارجية both give خارج; وزير stays وزير; الإسرائيلي gives اسراييل, as إسرائيل
    does: the president's description رئيس إسرائيل says what الرئيس الإسرائيلي says.
    """
    for prefix in ("وال", "بال", "لل", "ال", "و"):
        if norm.startswith(prefix) and len(norm) - len(prefix) >= MIN_ROLE_WORD:
            norm = norm[len(prefix) :]
            break
    if norm.endswith("ه") and len(norm) > MIN_ROLE_WORD:
        norm = norm[:-1]
    if norm.endswith("ي") and len(norm) > MIN_ROLE_WORD:
        norm = norm[:-1]
    return norm if len(norm) >= MIN_ROLE_WORD else ""


def _nisba_shaped(key: str) -> bool:
    """A definite word with a nisba ending: ال...ي or ال...يه."""
    return key.startswith(_DEFINITE) and (key.endswith("ي") or key.endswith("يه")) and len(key) > 4


def _inside_longer_quote(words: list[Word], first: int, last: int) -> bool:
    """True when the span's words are quoted together with other words."""
    quote = words[first].quote
    if quote < 0:
        return False
    before = first > 0 and words[first - 1].quote == quote
    after = last + 1 < len(words) and words[last + 1].quote == quote
    return before or after

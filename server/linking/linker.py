"""The linking core: text in, mentions with entities out. Knows nothing of gRPC.

Linking runs in two passes over the spotted spans. The first pass links with
no document context and keeps the confident full-name mentions as anchors;
the second rescores every span with the anchors (and the demonyms of the
text) as context, then resolves overlaps in favour of the longest
well-supported name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

from gazetteer.keys import name_key, name_units, short_name_keys
from gazetteer.lexicon import blocked_surnames
from gazetteer.loader import Gazetteer, NameRef, popularity
from gazetteer.records import EntityKind, EntityRecord, is_country, is_settlement
from gazetteer.schema import NameKind
from server.linking import scoring
from server.linking.clitics import proclitic_splits, with_proclitics
from server.linking.evidence import Evidence, EvidenceReader, mostly_ordinary, role_word
from server.linking.gates import (
    LOW_POPULARITY,
    OBSCURE_PRIOR,
    PROMINENT_PRIOR,
    WELL_KNOWN_PRIOR,
    Gate,
    Support,
    closed_without_context,
)
from server.linking.gender import UNKNOWN, description_gender
from server.linking.index import EXACT, TYPO, NameIndex
from server.linking.language import Language
from server.linking.memo import Memo
from server.linking.models import ALL_SHORTCUTS, Candidate, LinkOptions, LinkResult, Mention, Shortcuts
from server.linking.spotter import SpanMatch, spot
from server.linking.text import Word, document_words, original_offset_after

DEFAULT_MIN_SCORE: Final = 0.5
_KEY_CACHE_ENTRIES: Final = 100_000
ANCHOR_MIN_SCORE: Final = 0.7
ANCHOR_MIN_SHARE: Final = 0.75
# ...or a well-known entity this much better known than any rival (priors: 230 sitelinks against 21).
ANCHOR_MIN_LEAD: Final = 0.25
# A reading of a name whose best candidate is well known beats another reading of the same words
# whose best is obscure when it has at least this share of that reading's evidence: its spelling
# costs it that much at most (two words each spelled otherwise: 0.94 × 0.94).
READING_SPELLING_TOLERANCE: Final = 0.88
_SURNAME: Final[str] = NameKind.SURNAME
_TITLED: Final[str] = NameKind.TITLED
# A given name alone, referring back to the one person named in full who bears it.
GIVEN_NAME_SCORE: Final = 0.7
MIN_GIVEN_NAME_CHARS: Final = 3
_GIVEN: Final = "given"
_PLACE: Final = EntityKind.PLACE
# A place named as a location: after the word في, or with the proclitic ب (بغزة).
_IN: Final = name_key("في")
_IN_CLITIC: Final = "ب"
_NO_WORDS: Final[frozenset[str]] = frozenset()
_NO_ANCHORS: Final[dict[str, set[int]]] = {}
# How often a long text asks `interrupt` whether to go on: cheap, and a few ms apart at most.
_CHECK_EVERY_SPANS: Final = 256

Interrupt = Callable[[], None]


def _never() -> None:
    """The interrupt of a caller that never stops the work."""


# Per-span records are plain classes, cached per-key ones tuples: see ARCHITECTURE.md.


class _Scored:
    """One candidate entity of one span."""

    def __init__(self, entity: EntityRecord, score: float, name_kind: str, country: bool, prior: float) -> None:
        self.entity = entity
        self.score = score
        self.name_kind = name_kind
        self.country = country  # the entity is a country
        self.prior = prior  # its popularity, copied from its key candidate (records are not compiled)


class _KeyCandidate(NamedTuple):
    """One candidate entity of a name key, with what the gazetteer alone says of it.

    The records' fields that scoring reads for every candidate of every span are copied out
    once (`qid`, `kind`, `country_qid`, and the name's kind): the records are not compiled
    classes, and each attribute read of one is a dictionary lookup (ARCHITECTURE.md).
    """

    entity: EntityRecord
    prior: float
    country: bool  # the entity is a country
    own_country: str  # the entity itself when it is a country, else its country
    name_weight: float
    description_words: frozenset[str]  # role stems of its Arabic description (وزير خارج مصر)
    gender: str  # a person's, as their Arabic description says it (`gender.description_gender`)
    qid: str  # entity.qid
    kind: EntityKind  # entity.kind
    country_qid: str  # entity.country_qid
    name_kind: str  # the kind of name the key is of the entity (`NameKind`)
    settlement: bool  # a city, town or village (`records.is_settlement`)


class _KeyCandidates(NamedTuple):
    """Everything about a key's candidates that holds in any document."""

    candidates: tuple[_KeyCandidate, ...]
    # The QIDs through which a document context could support any of them (themselves, their countries).
    context_qids: frozenset[str]
    qids: frozenset[str]  # the candidates themselves
    max_prior: float  # the best-known candidate's prior
    # The QIDs through which a context could support a candidate that is a country.
    country_context_qids: frozenset[str]
    countries: frozenset[str]  # the candidates that are countries (الكويت، تونس)
    names_known_place: bool  # one of them is a place known beyond a little (`Gate.institution_type`)


class _SpanFacts:
    """What does not change between the two passes: the evidence and the key's candidates."""

    def __init__(self, evidence: Evidence, key: _KeyCandidates, role_words: frozenset[str]) -> None:
        self.evidence = evidence
        self.key = key
        # The words around the span, as stems matched with descriptions; read only for namesakes.
        self.role_words = role_words


class _Coverage:
    """Which words of a text the spotted spans cover, as the evidence reader asks.

    `spanned`: words inside any span; a cue announces the first of them after it, not
    every word after it. `named`: words inside a name's span (`Linker._is_name_span`);
    they are left out of the role words around another name (a country named nearby
    and in a description says nothing of the role).
    """

    def __init__(self, spanned: frozenset[int], named: frozenset[int]) -> None:
        self.spanned = spanned
        self.named = named


_NO_COVERAGE: Final = _Coverage(frozenset(), frozenset())


class _FirstPass:
    """The first pass over a text's spans, kept for the second: per span, in order."""

    def __init__(self, coverage: _Coverage) -> None:
        self.coverage = coverage
        self.facts: list[_SpanFacts | None] = []  # None: no candidates, or not read
        self.scores: list[list[_Scored | None]] = []
        self.unread: list[_Unread | None] = []  # a span whose evidence the first pass did not need


class _Unread:
    """A span the first pass settled without reading its evidence: nothing can link without context."""

    def __init__(self, key: _KeyCandidates, dormant: bool) -> None:
        self.key = key
        # Only an anchor among its candidates can link (`Linker._dormant`); else the span is closed
        # (`Linker._closed_unread`) and any context reaching its candidates may open it.
        self.dormant = dormant


class _SpanResult:
    """A span's best candidate, its score and share of the evidence, and its rivals."""

    def __init__(
        self,
        span: SpanMatch,
        best: _Scored,
        score: float,
        share: float,
        rivals: tuple[_Scored, ...],
        rival_sitelinks: int | None = None,
        evidence: float | None = None,
    ) -> None:
        self.span = span
        self.best = best
        self.score = score
        self.share = share
        self.rivals = rivals
        # The best candidate's score before its rivals lower it (the score itself when it has none):
        # what other readings of the same words are compared by (`_one_reading_each`).
        self.evidence = score if evidence is None else evidence
        # The best-known rival's, read only for a one-word name that may anchor by its lead (`_clear_lead`).
        self.rival_sitelinks = rival_sitelinks


class Linker:
    """Links Arabic text and names against one loaded gazetteer."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        default_min_score: float = DEFAULT_MIN_SCORE,
        shortcuts: Shortcuts = ALL_SHORTCUTS,
        language: Language | None = None,
    ) -> None:
        """`language`: the word lists the text is read with (`Language.shipped()` unless given)."""
        self.gazetteer = gazetteer
        language = language or Language.shipped()
        memo_entries = _KEY_CACHE_ENTRIES if shortcuts.memos else 0
        self.index = NameIndex(gazetteer, language, shortcuts.memos)
        self.default_min_score = default_min_score
        self.reader = EvidenceReader(
            language, self.index.demonyms, self.index.is_ordinary, self.index.is_ordinary_by_ending, shortcuts.memos
        )
        self._memo_entries = memo_entries
        self._candidates_by_kinds: dict[frozenset[EntityKind], Memo[str, _KeyCandidates]] = {}
        self._description_words = Memo(self._description_words_of, memo_entries)
        # Descriptions repeat (سياسي أمريكي، لاعب كرة قدم): their gender is read once per text.
        self._description_gender = Memo(description_gender, memo_entries)
        # By text: descriptions repeat (قرية في إيران, a thousand villages), and so share one set.
        self._role_words_of_description = Memo(_role_words_of, memo_entries)
        self._given_names = Memo(self._given_name_of, memo_entries)
        self._surnames = Memo(gazetteer.surnames, memo_entries)
        # Read in the hot loops as plain attributes (see `Shortcuts`; `_dormant`, `_closed_unread`,
        # `_score_candidates`, `_rescore` say where each one acts).
        self.skip_obscure_ordinary = shortcuts.skip_obscure_ordinary
        self.skip_obscure_surnames = shortcuts.skip_obscure_surnames
        self.skip_closed_spans = shortcuts.skip_closed_spans
        self.reuse_first_pass = shortcuts.reuse_first_pass
        # Resolve's scores as chances of being right (empty: raw scores, for fitting the table).
        self.resolve_calibration = scoring.RESOLVE_CALIBRATION

    def _description_words_of(self, qid: str) -> frozenset[str]:
        """The role stems of an entity's Arabic description (وزير خارجية مصر → وزير خارج مصر)."""
        entity = self.gazetteer.entity(qid)
        if entity is None:
            return _NO_WORDS
        return self._role_words_of_description.value(entity.description_ar)

    # -- public API -----------------------------------------------------

    def entity(self, qid: str) -> EntityRecord | None:
        """The entity with this QID, or None."""
        return self.gazetteer.entity(qid)

    def link(self, text: str, options: LinkOptions | None = None, interrupt: Interrupt | None = None) -> LinkResult:
        """Every mention of a gazetteer entity in `text`, in text order.

        `interrupt`, when given, is called between spans; it raises (the caller's
        exception) to stop the work, e.g. when the call's deadline has passed.
        """
        options = options or LinkOptions()
        check = interrupt or _never
        min_score = self.default_min_score if options.min_score is None else options.min_score
        words = document_words(text)
        spans = spot(text, words, self.index)
        demonyms = self.reader.demonym_positions(words)
        check()
        first_pass = self._without_context(spans, words, options.kinds, demonyms, check)
        kept = options.max_candidates
        first_results = _one_reading_each(
            [_rank(span, scores, kept) for span, scores in zip(spans, first_pass.scores, strict=True)]
        )
        first_selected = self._select(first_results, min_score)
        context = self._context(first_selected, demonyms, words)
        if not context.is_empty():
            widened = self._widened_keys(context, options.kinds)
            rescored = self._rescore(spans, first_pass, context, words, demonyms, check, widened)
            results = self._select(
                _one_reading_each(
                    [
                        first if scores is None else _rank(span, scores, kept)  # None: as in the first pass
                        for span, first, scores in zip(spans, first_results, rescored, strict=True)
                    ]
                ),
                min_score,
            )
            results = self._with_given_names(words, results, context, options.kinds, min_score)
        else:
            results = first_selected  # no context: the second pass would score every span the same
        mentions = [self._mention(text, words, r, options.max_candidates) for r in results]
        return LinkResult(mentions=mentions)

    def resolve(
        self,
        name: str,
        context: str = "",
        kinds: frozenset[EntityKind] = frozenset(),
        limit: int = 10,
        interrupt: Interrupt | None = None,
    ) -> list[Candidate]:
        """Gazetteer entities that `name` may denote, best first; empty when none is plausible.

        `interrupt` as for `link`.
        """
        check = interrupt or _never
        document, document_countries, context_words = self._query_context(context, kinds, check)
        context_roles = self.reader.context_role_words(context_words)
        return self._resolve_in(name, kinds, limit, document, document_countries, context_roles)

    def link_spans(
        self,
        text: str,
        spans: list[tuple[int, int]],
        options: LinkOptions | None = None,
        interrupt: Interrupt | None = None,
    ) -> LinkResult:
        """Link exactly the caller's spans of `text` (code point offsets), in their order.

        Each span is resolved as a name with the whole text as its context (read once); a span
        no entity plausibly fits is left out. Disambiguation only, for a caller's own recogniser.
        """
        options = options or LinkOptions()
        check = interrupt or _never
        document, document_countries, _ = self._query_context(text, options.kinds, check)
        min_score = self.default_min_score if options.min_score is None else options.min_score
        mentions = []
        for i, (start, end) in enumerate(spans):
            if i % _CHECK_EVERY_SPANS == 0:
                check()
            found = self._resolve_in(
                text[start:end], options.kinds, 1 + options.max_candidates, document, document_countries
            )
            if found and found[0].score >= min_score:
                best, rivals = found[0], tuple(found[1:])
                mentions.append(Mention(start, end, text[start:end], best.entity, best.score, rivals))
        return LinkResult(mentions=mentions)

    def _sitelinks(self, qid: str) -> int:
        entity = self.gazetteer.entity(qid)
        return entity.sitelinks if entity is not None else 0

    def _query_context(
        self, context: str, kinds: frozenset[EntityKind], check: Interrupt
    ) -> tuple[scoring.DocumentContext | None, frozenset[str], list[Word]]:
        """The anchors of a query's context, the countries its demonyms name (the query's neighbourhood),
        and its words."""
        if not context.strip():
            return None, frozenset(), []
        context_words = document_words(context)
        context_demonyms = self.reader.demonym_positions(context_words)
        context_spans = spot(context, context_words, self.index)
        context_scores = self._without_context(context_spans, context_words, kinds, context_demonyms, check).scores
        context_results = _one_reading_each(
            [_rank(span, scores, 0) for span, scores in zip(context_spans, context_scores, strict=True)]
        )
        selected = self._select(context_results, self.default_min_score)
        return self._context(selected), frozenset(context_demonyms.values()), context_words

    def _resolve_in(
        self,
        name: str,
        kinds: frozenset[EntityKind],
        limit: int,
        document: scoring.DocumentContext | None,
        document_countries: frozenset[str],
        context_roles: frozenset[str] = _NO_WORDS,
    ) -> list[Candidate]:
        """`resolve` for one name, its context already read (`context_roles`: its role words)."""
        words = document_words(name)
        if not words:
            return []
        best: dict[str, float] = {}
        widened = self._widened_keys(document, kinds) if document is not None else {}
        if not self._add_query_scores(
            name, words, kinds, document, document_countries, best, widened=widened, context_roles=context_roles
        ):
            # A long formal name (الشيخ تميم بن حمد بن خليفة آل ثاني) is looked for in its shorter forms,
            # after the same titles. The titles are no part of the name: وكالة فرانس بريس is no person
            # "وكالة بريس".
            titles = self._leading_titles(words)
            leading = "".join(f"{word.norm} " for word in words[:titles])
            query = " ".join(word.norm for word in words[titles:])
            for form in short_name_keys([query], blocked_surnames()):  # جورج بوش الابن → جورج بوش
                self._add_query_scores(
                    leading + form,
                    document_words(leading + form),
                    kinds,
                    document,
                    document_countries,
                    best,
                    scoring.SHORT_FORM_FACTOR,
                    widened,
                    context_roles,
                )
        if not best:
            self._add_role_query_scores(name, words, kinds, document, document_countries, best, widened, context_roles)
        ranked = sorted(best.items(), key=lambda item: (-item[1], -self._sitelinks(item[0]), item[0]))
        if not ranked:
            return []
        total = sum(score for _, score in ranked)
        if ranked[0][1] < self.default_min_score:
            return []  # nothing plausible
        if scoring.with_ambiguity(ranked[0][1], total) < scoring.RESOLVE_MIN_SHARED_SCORE:
            return []  # محمد: a name shared by so many that none stands out
        # The best answer's score is the chance it is right (calibrated); a runner-up's is that
        # chance scaled by how much less evidence it has, so the order and the gaps stay.
        top = scoring.with_ambiguity(ranked[0][1], total)
        top_calibrated = scoring.calibrated(top, self.resolve_calibration)
        candidates = [
            Candidate(entity, round(top_calibrated * scoring.with_ambiguity(score, total) / top, 4))
            for qid, score in ranked
            if (entity := self.gazetteer.entity(qid)) is not None
        ]
        return candidates[: max(limit, 1)]

    def _add_query_scores(
        self,
        query: str,
        words: list[Word],
        kinds: frozenset[EntityKind],
        document: scoring.DocumentContext | None,
        document_countries: frozenset[str],
        best: dict[str, float],
        factor: float = 1.0,
        widened: dict[str, _KeyCandidates] | None = None,
        context_roles: frozenset[str] = _NO_WORDS,
    ) -> bool:
        """Score the names that end the query, after nothing but titles (الرئيس التركي أردوغان) into `best`.

        True when some name covers the query that way. `widened` as for `_rescore`; `context_roles`:
        the role words of the query's context, matched with descriptions as the words around a name are.
        """
        last = len(words) - 1
        titles = self._leading_titles(words)
        spans = [s for s in spot(query, words, self.index) if s.last == last and s.first <= titles]
        demonyms = self.reader.demonym_positions(words) if titles else {}
        for span in spans:
            # A demonym among the titles speaks for the name (الرئيس التركي أردوغان).
            near = document_countries | frozenset(c for i, c in demonyms.items() if i < span.first)
            key = widened.get(span.key) if widened else None
            if key is None:
                key = self._key_candidates(span.key, kinds)
            facts = self._read_span_facts(key, span, words, {}, near, _NO_COVERAGE)
            if facts is not None and context_roles and len(facts.key.candidates) > 1:
                facts.role_words = facts.role_words | context_roles
            for scored in self._candidates(span, facts, words, document):
                if scored is not None:
                    best[scored.entity.qid] = max(best.get(scored.entity.qid, 0.0), scored.score * factor)
        return bool(spans)

    def _add_role_query_scores(
        self,
        name: str,
        words: list[Word],
        kinds: frozenset[EntityKind],
        document: scoring.DocumentContext | None,
        document_countries: frozenset[str],
        best: dict[str, float],
        widened: dict[str, _KeyCandidates],
        context_roles: frozenset[str],
    ) -> None:
        """Score a name followed by its role (ناصر بوريطة، وزير الخارجية المغربي) into `best`.

        The role is read as the words around a name in a text are: its words matched with the
        candidates' descriptions, its demonyms as countries in view.
        """
        trailing = self._title_words(reversed(words[1:]))
        if not trailing:
            return
        role = words[len(words) - trailing :]
        query = name[: words[len(words) - trailing - 1].end]
        countries = document_countries | frozenset(self.reader.demonym_positions(role).values())
        roles = context_roles | self.reader.context_role_words(role)
        self._add_query_scores(
            query, document_words(query), kinds, document, countries, best, widened=widened, context_roles=roles
        )

    def _leading_titles(self, words: list[Word]) -> int:
        """How many words open the query as titles, roles or demonyms (العاهل الاردني الملك), not as a name."""
        return self._title_words(words[:-1])

    def _title_words(self, words: Iterable[Word]) -> int:
        """How many of `words`, from the first, are titles, roles or demonyms, one after another."""
        count = 0
        for word in words:
            if not self.reader.is_title_word(word.norm):
                break
            count += 1
        return count

    # -- scoring ----------------------------------------------------------

    def _key_candidates(self, key: str, kinds: frozenset[EntityKind]) -> _KeyCandidates:
        """The entities a key names (of the wanted kinds), memoised per set of kinds."""
        memo = self._candidates_by_kinds.get(kinds)
        if memo is None:
            memo = self._candidates_by_kinds[kinds] = Memo(
                lambda k: self._key_candidates_uncached(k, kinds), self._memo_entries
            )
        return memo.value(key)

    def _key_candidates_uncached(self, key: str, kinds: frozenset[EntityKind]) -> _KeyCandidates:
        """The entities a key names (of the wanted kinds), each by its strongest name."""
        best: dict[str, NameRef] = {}
        for ref in self.index.names_with_key(key):
            entity = self.gazetteer.entity(ref.qid)
            if entity is None or (kinds and entity.kind not in kinds):
                continue
            current = best.get(ref.qid)
            if current is None or _name_weight(ref) > _name_weight(current):
                best[ref.qid] = ref
        candidates = []
        one_word = " " not in key
        for qid, ref in best.items():
            entity = self.gazetteer.entity(qid)
            if entity is not None:
                candidates.append(self._key_candidate(ref, entity, one_word))
        return _key_candidates_of(tuple(candidates))

    def _key_candidate(self, ref: NameRef, entity: EntityRecord, one_word: bool = False) -> _KeyCandidate:
        """One candidate of a key, named by `ref`, with what the gazetteer alone says of it.

        `one_word`: the key is one word. A person's one-word label or alias (هرتسوغ, a namesake
        known a little) is read as a family name: it names them no better than it names a person
        named in full whose family name it is, and the same gates hold it back. The prior and the
        context decide between them, not the kind of name.
        """
        person = entity.kind is EntityKind.PERSON
        if one_word and person and ref.kind != _SURNAME:
            ref = NameRef(ref.qid, _SURNAME, ref.lang)
        country = is_country(entity)
        prior = popularity(entity.sitelinks)
        description = self._description_words.value(entity.qid)
        gender = self._description_gender.value(entity.description_ar) if person else UNKNOWN
        return _KeyCandidate(
            entity,
            prior,
            country,
            scoring.own_country(entity, country),
            _name_weight(ref),
            description,
            gender,
            entity.qid,
            entity.kind,
            entity.country_qid,
            ref.kind,
            is_settlement(entity),
        )

    def _widened_keys(
        self, context: scoring.DocumentContext, kinds: frozenset[EntityKind]
    ) -> dict[str, _KeyCandidates]:
        """The family-name keys of the people the context anchors (named in full) whose candidates leave
        them out, each with them added (`_with_bearers`); computed once per document."""
        if kinds and EntityKind.PERSON not in kinds:
            return {}
        bearers: dict[str, list[NameRef]] = {}
        for qid in context.anchors:
            for key, lang in self._surnames.value(qid):
                bearers.setdefault(key, []).append(NameRef(qid, _SURNAME, lang))
        widened = {}
        for key, refs in bearers.items():
            wider = self._with_bearers(self._key_candidates(key, kinds), refs)
            if wider is not None:
                widened[key] = wider
        return widened

    def _with_bearers(self, key: _KeyCandidates, bearers: list[NameRef]) -> _KeyCandidates | None:
        """`key`'s candidates and the anchored `bearers` of its name that they leave out; None if none are left out.

        A key keeps its best-known entities only (MAX_CANDIDATES_PER_KEY): at a million entities
        a family name has dozens of bearers, and the one a text names in full may be less known
        than eight of them (عبد اللطيف لوديي … لوديي). Named in full, that person is a candidate
        of the family name alone all the same.
        """
        added = []
        for ref in bearers:
            entity = self.gazetteer.entity(ref.qid) if ref.qid not in key.qids else None
            if entity is not None:
                added.append(self._key_candidate(ref, entity))
        return _key_candidates_of(key.candidates + tuple(added)) if added else None

    def _read_span_facts(
        self,
        key: _KeyCandidates,
        span: SpanMatch,
        words: list[Word],
        demonyms: dict[int, str],
        resolving_near: frozenset[str] | None,
        coverage: _Coverage,
    ) -> _SpanFacts | None:
        """What does not depend on the document context: the evidence, and the key's candidates."""
        key_candidates = key.candidates
        if not key_candidates:
            return None
        evidence = self.reader.read(span, words, demonyms, resolving_near, coverage.spanned, coverage.named)
        # The words around the name choose between namesakes by their descriptions.
        role_words = (
            self.reader.role_words(words, span.first, span.last, coverage.named)
            if len(key_candidates) > 1
            else _NO_WORDS
        )
        return _SpanFacts(evidence, key, role_words)

    def _candidates(
        self,
        span: SpanMatch,
        facts: _SpanFacts | None,
        words: list[Word],
        context: scoring.DocumentContext | None = None,
    ) -> list[_Scored | None]:
        """Each candidate of one span scored with `context` if any; None where the gates stop it."""
        return self._score_candidates(span, facts, words, context, None)[0]

    def _score_candidates(
        self,
        span: SpanMatch,
        facts: _SpanFacts | None,
        words: list[Word],
        context: scoring.DocumentContext | None,
        first_pass: list[_Scored | None] | None,
    ) -> tuple[list[_Scored | None], bool]:
        """`_candidates`, and whether any candidate was scored anew.

        `first_pass` holds the same span's answers without context: a candidate the context
        does not reach keeps its answer instead of being scored again (shortcut
        `reuse_first_pass`; without it every candidate is scored anew).
        """
        if facts is None:
            return [], False
        evidence, candidates = facts.evidence, facts.key.candidates
        coordinated = _coordinated_class(span, words, context, evidence) if context else ""
        located_in = context.location_after.get(span.last) if context is not None else None
        # جامعة القاهرة: the type of an institution of a known place (`Gate.institution_type`).
        institution_type = (
            _role_stems(words[span.first - 1].norm)
            if evidence.place_in_organisation_name and facts.key.names_known_place
            else _NO_WORDS
        )
        gate = Gate(span, evidence, len(candidates) == 1, located_in, institution_type)
        cue_word, adjacent_country, nearby = evidence.cue, evidence.adjacent_country, evidence.nearby_countries
        role_words = facts.role_words
        first, similarity = span.first, span.similarity
        # Countries this very name also names (الكويت، تونس، جيبوتي): their own cities with the name
        # yield to them unless a cue asks for a city.
        named_countries = facts.key.countries
        city_asked = (cue_word is not None and cue_word.wants_country is False) or evidence.dateline
        # A dateline names the city a story was filed from (تونس (وات) -، الكويت - كونا): a country
        # yields to its own city of the same name there.
        countries_with_city_here = (
            frozenset(c.own_country for c in candidates if c.kind is _PLACE and not c.country)
            if evidence.dateline
            else _NO_WORDS
        )
        # Shortcut: the gates admit a little-known entity named by an ordinary word (a village النور,
        # a hamlet مهمة) only when it is named in full elsewhere; a large gazetteer gives such words
        # dozens of them. Exact: `Gate.passes` rejects them all otherwise (tests/test_shortcuts.py).
        ordinary_name = (
            self.skip_obscure_ordinary
            and not evidence.resolving
            and (mostly_ordinary(evidence.name) or evidence.name.ordinary_form)
        )
        # Shortcut: one word that is only an obscure namesake's surname (a "John X" for a bare X,
        # by the thousand in a large gazetteer) links only when that person is named in full.
        # Exact: `Gate.passes` rejects it otherwise (tests/test_shortcuts.py, tests/test_equivalence.py).
        surname_needs_anchor = self.skip_obscure_surnames and evidence.name.single_word
        anchors = context.anchors if context is not None else _NO_ANCHORS
        scored: list[_Scored | None] = []
        changed = False
        # Gender chooses between namesakes; it does not refuse a lone one (a description may be
        # written in the masculine for a woman).
        subject_gender = evidence.subject_gender
        if subject_gender and not any(c.gender == subject_gender for c in candidates):
            subject_gender = UNKNOWN
        for i, candidate in enumerate(candidates):
            prior, country, own_country = candidate.prior, candidate.country, candidate.own_country
            qid, kind, name_kind = candidate.qid, candidate.kind, candidate.name_kind
            if ordinary_name and prior < LOW_POPULARITY and qid not in anchors:
                scored.append(None)
                continue
            if surname_needs_anchor and prior < OBSCURE_PRIOR and name_kind == _SURNAME and qid not in anchors:
                scored.append(None)
                continue
            in_context = context.support(qid, candidate.country_qid, country, first, prior) if context else 0.0
            is_coordinated = bool(coordinated) and scoring.coordination_class(kind, country) == coordinated
            if first_pass is not None and not in_context and not is_coordinated:
                scored.append(first_pass[i])  # the context does not reach it: as in the first pass
                continue
            changed = True
            cue = scoring.cue_support(kind, country, cue_word) if cue_word is not None else 0.0
            description = candidate.description_words
            if role_words and description and not role_words.isdisjoint(description):
                # The words around the name say what the entity's description says (وزير الخارجية
                # العراقي): as good as a cue word. (Most namesakes' share nothing: `isdisjoint`
                # says so without building the intersection.)
                cue = max(cue, scoring.role_support(len(role_words & description)))
            national = 0.0  # a demonym right next to the span (ADJACENT) or nearby (CUE_MATCH)
            if adjacent_country and adjacent_country == own_country:
                national = scoring.ADJACENT_DEMONYM
            elif nearby and own_country in nearby:
                national = scoring.CUE_MATCH
            support = Support(prior, in_context, cue, national, is_coordinated)
            if not gate.passes(
                name_kind, kind, qid, candidate.country_qid, country, support, description, candidate.settlement
            ):
                scored.append(None)
                continue
            value = scoring.candidate_score(similarity * candidate.name_weight, support.total)
            city_yields = bool(named_countries) and not country and own_country in named_countries and not city_asked
            if city_yields or (country and qid in countries_with_city_here):
                value *= scoring.CITY_OF_NAMESAKE_COUNTRY_FACTOR
            if adjacent_country and adjacent_country != own_country:
                # "الرباط المالطية" speaks against the Moroccan Rabat.
                value *= scoring.CONFLICTING_DEMONYM_FACTOR
            gender = candidate.gender
            if subject_gender and gender and gender != subject_gender:
                # وقالت كلينتون: the verb agrees with a woman, so not with بيل كلينتون.
                value *= scoring.CONFLICTING_GENDER_FACTOR
            scored.append(_Scored(candidate.entity, value, name_kind, country, prior))
        return scored, changed

    def _without_context(
        self,
        spans: list[SpanMatch],
        words: list[Word],
        kinds: frozenset[EntityKind],
        demonyms: dict[int, str],
        check: Interrupt,
    ) -> _FirstPass:
        """The first pass: each span's facts (kept for the second) and its candidates scored without context."""
        first_pass = _FirstPass(
            _Coverage(
                frozenset(i for span in spans for i in range(span.first, span.last + 1)),
                frozenset(i for span in spans if self._is_name_span(span) for i in range(span.first, span.last + 1)),
            )
        )
        for i, span in enumerate(spans):
            if i % _CHECK_EVERY_SPANS == 0:
                check()
            key = self._key_candidates(span.key, kinds)
            dormant = self._dormant(span, key)
            if dormant or self._closed_unread(span, key, words):
                first_pass.facts.append(None)
                first_pass.scores.append([None] * len(key.candidates))
                first_pass.unread.append(_Unread(key, dormant))
                continue
            span_facts = self._read_span_facts(key, span, words, demonyms, None, first_pass.coverage)
            first_pass.facts.append(span_facts)
            first_pass.scores.append(self._candidates(span, span_facts, words))
            first_pass.unread.append(None)
        return first_pass

    def _is_name_span(self, span: SpanMatch) -> bool:
        """Whether the span's words count as a name's (`_Coverage.named`): not one ordinary word or demonym.

        The words around a name say its role, except words of other names. At a million
        entities nearly every word is some obscure village's or namesake's name (الوزير،
        المنتدب، الأمريكي); those stay words here, or no role would be read at all.
        """
        if span.first != span.last:
            return True
        name = self.reader.name_facts(span.key)
        return not (mostly_ordinary(name) or name.ordinary_form or name.demonym_country is not None)

    def _closed_unread(self, span: SpanMatch, key: _KeyCandidates, words: list[Word]) -> bool:
        """Shortcut: the span is `closed_without_context`, read from its name and the word before it alone.

        Such a span (an ordinary word, neither a cue nor a demonym before it) links nothing in the
        first pass, so its evidence is read only if the second pass can reach one of its candidates.
        """
        if not self.skip_closed_spans or not key.candidates:
            return False
        name = self.reader.name_facts(span.key)
        return closed_without_context(name, self.reader.cue_or_demonym_right_before(words, span.first))

    def _dormant(self, span: SpanMatch, key: _KeyCandidates) -> bool:
        """Shortcut: every candidate of the span waits for its entity to be named in full elsewhere.

        An ordinary word (النور، مهمة) whose key names only little-known entities: the
        `ordinary_name` rule of `_candidates` rejects each one the document has not anchored,
        so the first pass need not read the span's evidence at all, and the second reads it
        only when one of its candidates is an anchor. At a million entities a third of a
        news text's spans are such words. Exact (tests/test_shortcuts.py).
        """
        if not self.skip_obscure_ordinary or not key.candidates or key.max_prior >= LOW_POPULARITY:
            return False
        name = self.reader.name_facts(span.key)
        return mostly_ordinary(name) or name.ordinary_form

    def _rescore(
        self,
        spans: list[SpanMatch],
        first_pass: _FirstPass,
        context: scoring.DocumentContext,
        words: list[Word],
        demonyms: dict[int, str],
        check: Interrupt,
        widened: dict[str, _KeyCandidates] | None = None,
    ) -> list[list[_Scored | None] | None]:
        """The second pass: each span's candidates again, with the anchors as context.

        None for a span whose answers are those of the first pass: none of its candidates
        is reached by the context (shortcut `reuse_first_pass`). `widened`: keys whose
        candidates left out an anchored person bearing the name, with them (`_widened_keys`).
        """
        context_qids = context.qids()
        reuse = self.reuse_first_pass
        rescored: list[list[_Scored | None] | None] = []
        for i, (span, span_facts, scores) in enumerate(zip(spans, first_pass.facts, first_pass.scores, strict=True)):
            if i % _CHECK_EVERY_SPANS == 0:
                check()
            wider = widened.get(span.key) if widened else None
            if wider is not None:
                # The span's facts with the bearers added; their answers are new, the others' as before.
                if span_facts is not None and len(span_facts.key.candidates) > 1:  # evidence and role words read
                    span_facts = _SpanFacts(span_facts.evidence, wider, span_facts.role_words)
                else:
                    span_facts = self._read_span_facts(wider, span, words, demonyms, None, first_pass.coverage)
                padded = [*scores, *([None] * (len(wider.candidates) - len(scores)))]
                # A bearer added here may be the namesake the verb's gender agrees with, which lowers
                # the others (`_score_candidates`): then their first-pass answers do not hold.
                keep = reuse and span_facts is not None and not span_facts.evidence.subject_gender
                rescored.append(self._score_candidates(span, span_facts, words, context, padded if keep else None)[0])
                continue
            unread = first_pass.unread[i]
            if unread is not None:
                if not _may_open(unread, span, words, context, context_qids):
                    rescored.append(None)
                    continue
                span_facts = self._read_span_facts(unread.key, span, words, demonyms, None, first_pass.coverage)
            if span_facts is None or (
                reuse
                and span_facts.key.context_qids.isdisjoint(context_qids)
                and not _coordinated_class(span, words, context, span_facts.evidence)
            ):
                rescored.append(None)
                continue
            new_scores, changed = self._score_candidates(span, span_facts, words, context, scores if reuse else None)
            rescored.append(new_scores if changed or not reuse else None)
        return rescored

    @staticmethod
    def _select(results: list[_SpanResult | None], min_score: float) -> list[_SpanResult]:
        """Non-overlapping spans, longest well-supported name first, in text order.

        Only overlapping spans compete, so the results (in text order, as spotted)
        are cut into runs of overlapping spans and each run is settled on its own;
        most runs are a single span.
        """
        eligible = [r for r in results if r is not None and r.score >= min_score]
        chosen: list[_SpanResult] = []
        run: list[_SpanResult] = []
        run_last = -1
        for result in eligible:
            if run and result.span.first > run_last:
                chosen.extend(run if len(run) == 1 else _settle(run))
                run = []
            if not run or result.span.last > run_last:
                run_last = result.span.last
            run.append(result)
        if run:
            chosen.extend(run if len(run) == 1 else _settle(run))
        return chosen

    def _with_given_names(
        self,
        words: list[Word],
        results: list[_SpanResult],
        context: scoring.DocumentContext,
        kinds: frozenset[EntityKind],
        min_score: float,
    ) -> list[_SpanResult]:
        """`results` and the given names alone that refer back to a person named in full (أولاف شولتس ... أولاف).

        A given name refers back only when exactly one anchored person bears it, it comes
        after that person's full name, and it is no name or ordinary word of its own.
        """
        if (kinds and EntityKind.PERSON not in kinds) or min_score > GIVEN_NAME_SCORE:
            return results
        # Each written form of a bearer's given name (أولاف، وأولاف، لأولاف) → (proclitic length, given name).
        bearers: dict[str, list[tuple[EntityRecord, int]]] = {}
        forms: dict[str, tuple[int, str]] = {}
        for qid, positions in context.anchors.items():
            given = self._given_names.value(qid)
            entity = self.gazetteer.entity(qid) if given else None
            if entity is not None:
                bearers.setdefault(given, []).append((entity, min(positions)))
                forms.update((form.stem, (form.skip, given)) for form in with_proclitics(given))
        if not bearers:
            return results
        taken = {i for r in results for i in range(r.span.first, r.span.last + 1)}
        found = []
        for i, word in enumerate(words):
            form = forms.get(word.norm)
            if form is None or i in taken:
                continue
            skip, given = form
            people = bearers[given]
            if len(people) == 1 and i > people[0][1]:
                span = SpanMatch(i, i, skip, given, 1.0, EXACT)
                best = _Scored(people[0][0], GIVEN_NAME_SCORE, _GIVEN, False, popularity(people[0][0].sitelinks))
                found.append(_SpanResult(span, best, GIVEN_NAME_SCORE, 1.0, ()))
        if not found:
            return results
        return sorted([*results, *found], key=lambda r: r.span.first)

    def _given_name_of(self, qid: str) -> str:
        """A person's one-word given name, when it may stand for them alone later in a text ("" if not)."""
        entity = self.gazetteer.entity(qid)
        if entity is None or entity.kind is not EntityKind.PERSON:
            return ""
        units = name_units(name_key(entity.label_ar))
        given = units[0] if len(units) >= 2 else ""
        if " " in given or len(given) < MIN_GIVEN_NAME_CHARS or self.index.is_name(given):
            return ""
        if self.index.is_ordinary.value(given):
            return ""
        return given

    @staticmethod
    def _context(
        results: list[_SpanResult], demonyms: dict[int, str] | None = None, words: list[Word] | None = None
    ) -> scoring.DocumentContext:
        """The context for the second pass: confident full-name mentions, and the countries the demonyms name.

        A full name spelled another way (ناصر بوريطه) anchors too; a one-word name only as written.
        """
        context = scoring.DocumentContext()
        for result in results:
            span = result.span
            multi_word = span.word_count > 1
            as_written = span.exact or (multi_word and span.loosest != TYPO)
            if (
                result.best.name_kind != _SURNAME
                and as_written
                and (multi_word or (result.score >= ANCHOR_MIN_SCORE and _clear_lead(result)))
            ):
                context.add(result.best.entity, result.best.country, span.first, span.last)
            if words is not None and result.best.entity.kind is _PLACE:
                _add_location(context, result, words)
        if demonyms and words:
            starts = [i for i, word in enumerate(words) if word.starts_sentence]
            for position, country in demonyms.items():
                # وزير الخارجية المغربي: Morocco is in view in that sentence.
                at = bisect_right(starts, position) - 1
                first = starts[at] if at >= 0 else 0
                last = starts[at + 1] - 1 if at + 1 < len(starts) else len(words) - 1
                context.add_demonym(country, (first, last))
        return context

    def _mention(self, text: str, words: list[Word], result: _SpanResult, max_candidates: int) -> Mention:
        span = result.span
        if result.best.name_kind == _TITLED:
            # الملك سلمان: the title found the name, but the mention is the name after it.
            start = words[span.first + 1].start
        else:
            start = original_offset_after(text, words[span.first], span.skip)
        end = words[span.last].end
        alternatives: tuple[Candidate, ...] = ()
        if max_candidates and result.rivals:
            alternatives = tuple(Candidate(r.entity, round(r.score, 4)) for r in result.rivals[:max_candidates])
        return Mention(start, end, text[start:end], result.best.entity, round(result.score, 4), alternatives)


def _key_candidates_of(candidates: tuple[_KeyCandidate, ...]) -> _KeyCandidates:
    """The `_KeyCandidates` of these candidates."""
    context_qids = set()
    for c in candidates:
        context_qids.add(c.qid)
        if c.country_qid:
            context_qids.add(c.country_qid)
    return _KeyCandidates(
        candidates,
        frozenset(context_qids),
        frozenset(c.qid for c in candidates),
        max((c.prior for c in candidates), default=0.0),
        frozenset(q for c in candidates if c.country for q in (c.qid, c.country_qid) if q),
        frozenset(c.own_country for c in candidates if c.country),
        any(c.kind is _PLACE and c.prior >= PROMINENT_PRIOR for c in candidates),
    )


def _settle(run: list[_SpanResult]) -> list[_SpanResult]:
    """The spans of a run of overlapping spans that win: longest name first, then best score, in text order.

    A titled name's title is not part of its name (الملك محمد names محمد): محمد الخامس is longer.
    """
    run = sorted(run, key=lambda r: (_name_words(r), -r.score, r.span.first, r.span.skip))
    taken: set[int] = set()
    chosen = []
    for result in run:
        positions = range(result.span.first, result.span.last + 1)
        if taken.isdisjoint(positions):
            taken.update(positions)
            chosen.append(result)
    chosen.sort(key=lambda r: r.span.first)
    return chosen


def _name_words(result: _SpanResult) -> int:
    """Minus the number of words of the result's name (the mention's, a title left out), for sorting."""
    words = result.span.last - result.span.first + 1
    return -(words - 1 if result.best.name_kind == _TITLED else words)


def _clear_lead(result: _SpanResult) -> bool:
    """The one-word name is clearly its best candidate's: most of the evidence, or a far better-known entity.

    A crowd of little-known namesakes (a village طهران, a hamlet مالطا) shares the evidence
    of a capital's or a country's name without being a likely reading of it.
    """
    if result.share >= ANCHOR_MIN_SHARE:
        return True
    if result.rival_sitelinks is None:
        return False  # not read by `_rank`: more than one word, or below the anchor score
    prior = popularity(result.best.entity.sitelinks)
    return prior >= WELL_KNOWN_PRIOR and prior - popularity(result.rival_sitelinks) >= ANCHOR_MIN_LEAD


def _rank(span: SpanMatch, candidates: list[_Scored | None], rivals_kept: int) -> _SpanResult | None:
    """The span's best candidate and its best `rivals_kept` rivals, scores lowered by how much they share the
    evidence (the caller shows at most that many alternatives; the score counts every rival)."""
    scored = [s for s in candidates if s is not None]
    if not scored:
        return None
    if len(scored) == 1:  # nothing shares the evidence: with_ambiguity(score, score) is the score
        return _SpanResult(span, scored[0], scored[0].score, 1.0, ())
    # Equal evidence goes to the better-known entity (two people of one family named in full, their
    # family name alone after): the QID only makes the order total.
    scored.sort(key=lambda s: (-s.score, -s.prior, s.entity.qid))
    total = sum(s.score for s in scored)
    ranked = [
        _Scored(s.entity, scoring.with_ambiguity(s.score, total), s.name_kind, s.country, s.prior)
        for s in scored[: 1 + rivals_kept]
    ]
    share = scored[0].score / total
    rival_sitelinks = None
    if share < ANCHOR_MIN_SHARE and span.first == span.last and ranked[0].score >= ANCHOR_MIN_SCORE:
        rival_sitelinks = max(s.entity.sitelinks for s in scored[1:])
    return _SpanResult(span, ranked[0], ranked[0].score, share, tuple(ranked[1:]), rival_sitelinks, scored[0].score)


def _one_reading_each(results: list[_SpanResult | None]) -> list[_SpanResult | None]:
    """`results` with one reading kept of the same words after the same proclitic: the one whose
    best candidate has the most evidence before its rivals share it; the others None.

    محمد بن سلمان as written names the crown prince and a crowd of obscure namesakes, who
    lower his score; folded as محمد بن زلمان it names one obscure man, alone and so not
    lowered. The readings are spellings of one mention: the evidence for their best
    candidates decides between them, where `_select` would compare the lowered scores.
    """
    kept = list(results)
    run_first = run_last = -1
    held: list[int] = []  # where the best reading so far after each proclitic of this run of words is
    for i, result in enumerate(results):
        if result is None:
            continue
        span = result.span
        if span.first != run_first or span.last != run_last:  # spans come by first word, then last
            run_first, run_last = span.first, span.last
            held = [i]
            continue
        for n, h in enumerate(held):
            rival = results[h]
            assert rival is not None
            if rival.span.skip == span.skip:
                if _stronger_reading(result, rival):
                    kept[h] = None
                    held[n] = i
                else:
                    kept[i] = None
                break
        else:
            held.append(i)
    return kept


def _stronger_reading(result: _SpanResult, rival: _SpanResult) -> bool:
    """Whether `result` is the better reading of the same words than `rival`: more evidence, unless
    one names a well-known entity and the other an obscure one by nearly as much evidence.

    يئير لبيد as written is the label of an obscure namesake (no sitelinks, the same country); as
    يائير لابيد it is the former prime minister. Both share the words around them, so the exact
    spelling alone decided; the entity hundreds of pages cover is far the likelier one.
    """
    if _known_over_obscure(result, rival):
        return True
    if _known_over_obscure(rival, result):
        return False
    return result.evidence > rival.evidence


def _known_over_obscure(known: _SpanResult, obscure: _SpanResult) -> bool:
    return (
        known.best.prior >= WELL_KNOWN_PRIOR
        and obscure.best.prior < OBSCURE_PRIOR
        and known.evidence >= obscure.evidence * READING_SPELLING_TOLERANCE
    )


def _add_location(context: scoring.DocumentContext, place: _SpanResult, words: list[Word]) -> None:
    """Record the place in `context` if the text names it as a location: after في, or with ب before it (بغزة)."""
    span, best = place.span, place.best
    if span.skip:
        if words[span.first].norm[: span.skip].endswith(_IN_CLITIC):
            context.add_location(best.entity, best.country, span.first - 1)
    elif span.first > 0 and words[span.first - 1].norm == _IN:
        context.add_location(best.entity, best.country, span.first - 2)


def _may_open(
    unread: _Unread, span: SpanMatch, words: list[Word], context: scoring.DocumentContext, context_qids: frozenset[str]
) -> bool:
    """Whether the context may let a candidate of a span the first pass left unread link.

    `Gate.passes` admits a candidate of an ordinary word only when it is named in full
    elsewhere (an anchor); a closed span's also when it is coordinated with an anchor, or
    is a country the context names its places or people of. Anything else is rejected
    whatever the evidence says, so the evidence is read only when one of these may hold.
    """
    key = unread.key
    anchors = context.anchors
    for qid in key.qids:  # a few QIDs against a dict: membership tests, not a set operation
        if qid in anchors:
            return True
    if unread.dormant:
        return False
    for qid in key.country_context_qids:
        if qid in context_qids:
            return True
    return _maybe_coordinated(span, words, context)


def _maybe_coordinated(span: SpanMatch, words: list[Word], context: scoring.DocumentContext) -> bool:
    """Whether `_coordinated_class` may find a class, before the span's evidence is read."""
    if span.last + 1 in context.classes_at:
        return True
    return bool(span.skip) and words[span.first].norm.startswith("و") and span.first - 1 in context.classes_at


def _coordinated_class(span: SpanMatch, words: list[Word], context: scoring.DocumentContext, evidence: Evidence) -> str:
    """The class (`scoring.coordination_class`) of the anchor joined to the span by و, or "": the one
    before it when the span has its own و (الكويت وقطر وعمان), else the next word (عمان والقاهرة). A
    list takes its class from what comes first: in قطر وعمان والقاهرة, عمان is a country."""
    if span.skip and words[span.first].norm.startswith("و") and span.first - 1 in context.classes_at:
        return context.classes_at[span.first - 1]
    if evidence.joined_to_next and span.last + 1 in context.classes_at:
        return context.classes_at[span.last + 1]
    return ""


def _role_stems(word: str) -> frozenset[str]:
    """The role stems a word may stand for, with its proclitics or without (لصحيفة: صحيفة)."""
    forms = (word, *(split.stem for split in proclitic_splits(word)))
    return frozenset(stem for form in forms if (stem := role_word(form)))


def _role_words_of(description: str) -> frozenset[str]:
    """The role stems of a description (وزير خارجية مصر → وزير خارج مصر)."""
    return frozenset(stem for word in name_key(description).split(" ") if (stem := role_word(word)))


def _name_weight(ref: NameRef) -> float:
    weight = scoring.NAME_KIND_WEIGHT.get(ref.kind, 0.9)
    return weight * (scoring.ENGLISH_NAME_WEIGHT if ref.lang == "en" else 1.0)

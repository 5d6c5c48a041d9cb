"""The linking core: text in, mentions with entities out. Knows nothing of gRPC.

Linking runs in two passes over the spotted spans. The first pass links with
no document context and keeps the confident full-name mentions as anchors;
the second rescores every span with the anchors (and the demonyms of the
text) as context, then resolves overlaps in favour of the longest
well-supported name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.lexicon import common_words, given_names, is_adjective, is_noun, ordinary_share, word_frequencies
from gazetteer.loader import Gazetteer, NameRef, popularity
from gazetteer.records import EntityKind, EntityRecord
from gazetteer.schema import NameKind
from server.linking import scoring
from server.linking.clitics import proclitic_splits
from server.linking.cues import cue_kinds, place_cue_wants_country
from server.linking.evidence import Evidence
from server.linking.gates import MOSTLY_ORDINARY, OFTEN_ORDINARY, Gate
from server.linking.index import NameIndex
from server.linking.models import Candidate, LinkOptions, LinkResult, Mention
from server.linking.spotter import SpanMatch, spot
from server.linking.text import Word, document_words, original_offset_after

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_SCORE = 0.5
ANCHOR_MIN_SCORE = 0.7
ANCHOR_MIN_SHARE = 0.75
CUE_WINDOW_WORDS = 3
DEMONYM_WINDOW_BEFORE = 3
DEMONYM_WINDOW_AFTER = 2


@dataclass(frozen=True, slots=True)
class _Scored:
    """One candidate entity of one span."""

    entity: EntityRecord
    score: float
    name_kind: str


# One candidate's context-free facts: its name, entity, prior, cue support, demonym support, country.
_CandidateFacts = tuple[NameRef, EntityRecord, float, float, float, str]
_SpanFacts = tuple[Evidence | None, tuple[_CandidateFacts, ...]]
_NO_FACTS: _SpanFacts = (None, ())


@dataclass(frozen=True, slots=True)
class _SpanResult:
    span: SpanMatch
    best: _Scored
    score: float
    share: float
    rivals: tuple[_Scored, ...]


class Linker:
    """Links Arabic text and names against one loaded gazetteer."""

    def __init__(self, gazetteer: Gazetteer, default_min_score: float = DEFAULT_MIN_SCORE) -> None:
        self.gazetteer = gazetteer
        self.index = NameIndex(gazetteer)
        self.default_min_score = default_min_score
        self._common = common_words()
        self._given = given_names()
        self._cues = cue_kinds()
        self._place_cues = place_cue_wants_country()
        self._cue_of_norm = lru_cache(maxsize=100_000)(self._cue_of_norm_uncached)
        word_frequencies()  # load the lexicon now, not on the first request (and before any fork)

    # -- public API -----------------------------------------------------

    def entity(self, qid: str) -> EntityRecord | None:
        """The entity with this QID, or None."""
        return self.gazetteer.entity(qid)

    def link(self, text: str, options: LinkOptions | None = None) -> LinkResult:
        """Every mention of a gazetteer entity in `text`, in text order."""
        options = options or LinkOptions()
        min_score = self.default_min_score if options.min_score is None else options.min_score
        words = document_words(text)
        spans = spot(text, words, self.index)
        demonyms = self._demonyms(words)
        facts: dict[SpanMatch, _SpanFacts] = {}  # what the words say does not change between passes
        first_pass = self._select(self._score_spans(spans, words, options.kinds, None, demonyms, facts), min_score)
        context = self._context(first_pass)
        if context.anchors:
            results = self._select(self._score_spans(spans, words, options.kinds, context, demonyms, facts), min_score)
        else:
            results = first_pass  # no context: the second pass would score every span the same
        mentions = [self._mention(text, words, r, options.max_candidates) for r in results]
        return LinkResult(mentions=mentions)

    def resolve(
        self, name: str, context: str = "", kinds: frozenset[EntityKind] = frozenset(), limit: int = 10
    ) -> list[Candidate]:
        """Gazetteer entities that `name` may denote, best first; empty when none is plausible."""
        words = document_words(name)
        if not words:
            return []
        document = None
        if context.strip():
            context_words = document_words(context)
            context_demonyms = self._demonyms(context_words)
            context_spans = spot(context, context_words, self.index)
            selected = self._select(
                self._score_spans(context_spans, context_words, kinds, None, context_demonyms, {}),
                self.default_min_score,
            )
            document = self._context(selected)
            # The whole context is the name's neighbourhood: its demonyms speak for the name.
            document_countries = frozenset(context_demonyms.values())
        else:
            document_countries = frozenset()
        spans = [s for s in spot(name, words, self.index) if s.first == 0 and s.last == len(words) - 1]
        best: dict[str, float] = {}
        for span in spans:
            for scored in self._candidates(span, words, kinds, document, {}, {}, resolving_near=document_countries):
                best[scored.entity.qid] = max(best.get(scored.entity.qid, 0.0), scored.score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return []
        total = sum(score for _, score in ranked)
        if scoring.with_ambiguity(ranked[0][1], total) < self.default_min_score:
            return []
        candidates = [
            Candidate(entity, round(scoring.with_ambiguity(score, total), 4))
            for qid, score in ranked
            if (entity := self.gazetteer.entity(qid)) is not None
        ]
        return candidates[: max(limit, 1)]

    # -- evidence ------------------------------------------------------------

    def _demonyms(self, words: list[Word]) -> dict[int, str]:
        """Word position → the country it is a demonym of."""
        found = {}
        for i, word in enumerate(words):
            country = self.index.demonyms.country_of(word.norm)
            if country:
                found[i] = country
        return found

    def _cue_at(self, word: Word) -> tuple[scoring.Cue, str] | None:
        """The cue a word is, proclitics allowed (وبمدينة), with the form that matched."""
        return self._cue_of_norm(word.norm)

    def _cue_of_norm_uncached(self, norm: str) -> tuple[scoring.Cue, str] | None:
        for form in (norm, *(split.stem for split in proclitic_splits(norm))):
            kind = self._cues.get(form)
            if kind is not None:
                return scoring.Cue(kind, self._place_cues.get(form)), form
        return None

    def _cue_before(self, words: list[Word], first: int, named: frozenset[int]) -> tuple[scoring.Cue | None, int]:
        """The nearest cue word a few words before `first`, and how many words back it is.

        The search stops at a sentence boundary and at a word that is itself part of a
        name (`named`): a cue announces the first name after it, not every word after it.
        """
        for i in range(first - 1, max(first - 1 - CUE_WINDOW_WORDS, -1), -1):
            found = self._cue_at(words[i])
            if found is not None:
                return found[0], first - i
            if words[i].starts_sentence or i in named:
                break
        return None, 0

    def _evidence(
        self,
        span: SpanMatch,
        words: list[Word],
        demonyms: dict[int, str],
        resolving_near: frozenset[str] | None,
        named: frozenset[int] = frozenset(),
    ) -> Evidence:
        """What the words around `span` say, whatever the candidate.

        `resolving_near` is None when linking a document; when resolving a lone
        name it holds the countries named by demonyms in the caller's context.
        """
        key = span.key
        first, last = span.first, span.last
        resolving = resolving_near is not None
        if resolving_near is not None:
            nearby = set(resolving_near)
        else:
            nearby = {
                demonyms[i]
                for i in range(first - DEMONYM_WINDOW_BEFORE, last + DEMONYM_WINDOW_AFTER + 1)
                if i in demonyms and not first <= i <= last
            }
        following_word = words[last + 1] if not resolving and last + 1 < len(words) else None
        following = following_word.norm if following_word and not following_word.starts_sentence else ""
        previous = words[first - 1] if not resolving and first > 0 and not words[first].starts_sentence else None
        # A demonym describes the name when it follows it directly (الرباط المالطية), or precedes
        # it as a definite adjective (العاصمة المغربية الرباط); not across و (مالي والنيجر).
        adjacent = demonyms.get(last + 1) if following and not following.startswith("و") else None
        if adjacent is None and previous is not None and previous.norm.startswith("ال") and not span.skip:
            adjacent = demonyms.get(first - 1)
        title_before = previous is not None and previous.norm.startswith("ال") and self._is_person_cue(previous)
        cue, cue_distance = (None, 0) if resolving else self._cue_before(words, first, named)
        return Evidence(
            key=key,
            single_word=" " not in key,
            cue=cue,
            cue_adjacent=cue_distance == 1,
            nearby_countries=frozenset(nearby),
            ordinary=ordinary_share(key) if " " not in key else 0.0,
            common=key in self._common,
            definite_adjective=" " not in key and key.startswith("ال") and is_adjective(key),
            all_words_common=all(w in self._common or ordinary_share(w) >= MOSTLY_ORDINARY for w in key.split(" ")),
            given_name=key in self._given,
            demonym_country=self.index.demonyms.country_of(key),
            after_given_name=previous is not None and not span.skip and self._is_given_name(previous.norm),
            followed_by_adjective=following.startswith("ال") and is_adjective(following),
            following_demonym=self.index.demonyms.country_of(following) if following else None,
            resolving=resolving,
            adjacent_country=adjacent,
            after_definite_title=title_before,
            before_definite_noun=following.startswith("ال") and (is_noun(following) or is_adjective(following)),
            adjective_after_noun=(
                " " not in key
                and previous is not None
                and not span.skip
                and self._cue_at(previous) is None
                and (
                    is_adjective(key)
                    # A definite country name that is also its demonym (السعودية) is an adjective here.
                    or (key.startswith("ال") and self.index.demonyms.country_of(key) is not None)
                )
                and any(
                    form.startswith("ال") == key.startswith("ال") and is_noun(form)
                    for form in (previous.norm, *(split.stem for split in proclitic_splits(previous.norm)))
                )
            ),
            joined_to_next=following.startswith("و"),
            inside_longer_quote=not resolving and _inside_longer_quote(words, first, last),
        )

    def _is_given_name(self, word: str) -> bool:
        """A given name here, not an ordinary word that is also one (باسم is ب + اسم, "in the name of")."""
        if word not in self._given or ordinary_share(word) >= MOSTLY_ORDINARY:
            return False
        return not any(
            split.stem in self._common or ordinary_share(split.stem) >= OFTEN_ORDINARY
            for split in proclitic_splits(word)
        )

    def _is_person_cue(self, word: Word) -> bool:
        found = self._cue_at(word)
        return found is not None and found[0].kind is EntityKind.PERSON and found[1] == word.norm

    # -- scoring ----------------------------------------------------------

    def _refs_by_entity(self, refs: Iterable[NameRef], kinds: frozenset[EntityKind]) -> dict[str, NameRef]:
        """The strongest name of each entity among `refs`, keeping only the wanted kinds."""
        best: dict[str, NameRef] = {}
        for ref in refs:
            entity = self.gazetteer.entity(ref.qid)
            if entity is None or (kinds and entity.kind not in kinds):
                continue
            current = best.get(ref.qid)
            if current is None or _name_weight(ref) > _name_weight(current):
                best[ref.qid] = ref
        return best

    def _span_facts(
        self,
        span: SpanMatch,
        words: list[Word],
        kinds: frozenset[EntityKind],
        demonyms: dict[int, str],
        resolving_near: frozenset[str] | None,
        named: frozenset[int],
    ) -> _SpanFacts:
        """What does not depend on the document context: the evidence, and each candidate's prior, cue, demonym."""
        refs = self._refs_by_entity(self.index.refs(span.key), kinds)
        if not refs:
            return _NO_FACTS
        evidence = self._evidence(span, words, demonyms, resolving_near, named)
        candidates = []
        for qid, ref in refs.items():
            entity = self.gazetteer.entity(qid)
            if entity is None:
                continue
            own_country = entity.qid if scoring.is_country(entity) else entity.country_qid
            national = 0.0
            if evidence.adjacent_country and evidence.adjacent_country == own_country:
                national = scoring.ADJACENT_DEMONYM
            elif own_country in evidence.nearby_countries:
                national = scoring.CUE_MATCH
            prior = popularity(entity.sitelinks)
            candidates.append((ref, entity, prior, scoring.cue_support(entity, evidence.cue), national, own_country))
        return evidence, tuple(candidates)

    def _candidates(
        self,
        span: SpanMatch,
        words: list[Word],
        kinds: frozenset[EntityKind],
        context: scoring.DocumentContext | None,
        demonyms: dict[int, str],
        facts_by_span: dict[SpanMatch, _SpanFacts],
        resolving_near: frozenset[str] | None = None,
        named: frozenset[int] = frozenset(),
    ) -> list[_Scored]:
        facts = facts_by_span.get(span)
        if facts is None:
            facts = facts_by_span[span] = self._span_facts(span, words, kinds, demonyms, resolving_near, named)
        evidence, candidates = facts
        if evidence is None or not candidates:
            return []
        coordinated = _coordinated_kinds(span, words, context, evidence) if context else frozenset()
        unique_key = len(candidates) == 1
        scored = []
        for ref, entity, prior, cue, national, own_country in candidates:
            in_context = context.support(entity, span.first) if context else 0.0
            support = scoring.combined_support(prior, max(in_context, national), cue)
            gate = Gate(
                span, ref, entity, prior, in_context, cue, national, support, unique_key, entity.kind in coordinated
            )
            if not gate.passes(evidence):
                continue
            match = span.similarity * _name_weight(ref)
            value = scoring.evidence(match, support)
            if evidence.adjacent_country and evidence.adjacent_country != own_country:
                # "الرباط المالطية" speaks against the Moroccan Rabat.
                value *= scoring.CONFLICTING_DEMONYM_FACTOR
            scored.append(_Scored(entity, value, ref.kind))
        scored.sort(key=lambda s: (-s.score, s.entity.qid))
        return scored

    def _score_spans(
        self,
        spans: list[SpanMatch],
        words: list[Word],
        kinds: frozenset[EntityKind],
        context: scoring.DocumentContext | None,
        demonyms: dict[int, str],
        facts_by_span: dict[SpanMatch, _SpanFacts],
    ) -> list[_SpanResult]:
        named = frozenset(i for span in spans for i in range(span.first, span.last + 1))
        results = []
        for span in spans:
            scored = self._candidates(span, words, kinds, context, demonyms, facts_by_span, named=named)
            if not scored:
                continue
            total = sum(s.score for s in scored)
            ranked = [_Scored(s.entity, scoring.with_ambiguity(s.score, total), s.name_kind) for s in scored]
            share = scored[0].score / total
            results.append(_SpanResult(span, ranked[0], ranked[0].score, share, tuple(ranked[1:])))
        return results

    @staticmethod
    def _select(results: list[_SpanResult], min_score: float) -> list[_SpanResult]:
        """Non-overlapping spans, longest well-supported name first, in text order."""
        eligible = [r for r in results if r.score >= min_score]
        eligible.sort(key=lambda r: (-r.span.word_count, -r.score, r.span.first, r.span.skip))
        taken: set[int] = set()
        chosen = []
        for result in eligible:
            positions = set(range(result.span.first, result.span.last + 1))
            if positions & taken:
                continue
            taken |= positions
            chosen.append(result)
        chosen.sort(key=lambda r: r.span.first)
        return chosen

    @staticmethod
    def _context(results: list[_SpanResult]) -> scoring.DocumentContext:
        """Confident full-name mentions: the context for the second pass."""
        context = scoring.DocumentContext()
        for result in results:
            full_name = result.best.name_kind != NameKind.SURNAME and result.span.exact
            if full_name and (
                result.span.word_count > 1 or (result.score >= ANCHOR_MIN_SCORE and result.share >= ANCHOR_MIN_SHARE)
            ):
                context.add(result.best.entity, result.span.first, result.span.last)
        return context

    def _mention(self, text: str, words: list[Word], result: _SpanResult, max_candidates: int) -> Mention:
        span = result.span
        start = original_offset_after(text, words[span.first], span.skip)
        end = words[span.last].end
        alternatives = tuple(Candidate(r.entity, round(r.score, 4)) for r in result.rivals[:max_candidates])
        return Mention(start, end, text[start:end], result.best.entity, round(result.score, 4), alternatives)


def _coordinated_kinds(
    span: SpanMatch, words: list[Word], context: scoring.DocumentContext, evidence: Evidence
) -> frozenset[EntityKind]:
    """Kinds of the anchors joined to the span by و: the next word (والنيجر) or the span's own و."""
    kinds = set()
    if evidence.joined_to_next and span.last + 1 in context.kinds_at:
        kinds.add(context.kinds_at[span.last + 1])
    if span.skip and words[span.first].norm.startswith("و") and span.first - 1 in context.kinds_at:
        kinds.add(context.kinds_at[span.first - 1])
    return frozenset(kinds)


def _inside_longer_quote(words: list[Word], first: int, last: int) -> bool:
    """True when the span's words are quoted together with other words."""
    quote = words[first].quote
    if quote < 0:
        return False
    before = first > 0 and words[first - 1].quote == quote
    after = last + 1 < len(words) and words[last + 1].quote == quote
    return before or after


def _name_weight(ref: NameRef) -> float:
    weight = scoring.NAME_KIND_WEIGHT.get(ref.kind, 0.9)
    return weight * (scoring.ENGLISH_NAME_WEIGHT if ref.lang == "en" else 1.0)

"""The linking core: text in, mentions with entities out. Knows nothing of gRPC.

Linking runs in two passes over the spotted spans. The first pass links with
no document context and keeps the confident full-name mentions as anchors;
the second rescores every span with the anchors as context (the same entity
named in full elsewhere, a shared country), then resolves overlaps in favour
of the longest well-supported name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from gazetteer.lexicon import common_words, given_names
from gazetteer.loader import Gazetteer, NameRef
from gazetteer.records import EntityKind, EntityRecord
from gazetteer.schema import NameKind
from server.linking import scoring
from server.linking.cues import cue_kinds, place_cue_wants_country
from server.linking.index import NameIndex
from server.linking.models import Candidate, LinkOptions, LinkResult, Mention
from server.linking.spotter import SpanMatch, spot
from server.linking.text import Word, document_words, original_offset_after

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_SCORE = 0.5
ANCHOR_MIN_SCORE = 0.7
ANCHOR_MIN_SHARE = 0.75
CUE_WINDOW_WORDS = 3
LOW_POPULARITY = 0.35
TYPO_MIN_POPULARITY = 0.6


@dataclass(frozen=True, slots=True)
class _Scored:
    """One candidate entity of one span."""

    entity: EntityRecord
    score: float
    name_kind: str


@dataclass(frozen=True, slots=True)
class _SpanResult:
    span: SpanMatch
    best: _Scored
    score: float  # best.score lowered for ambiguity
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

    # -- public API -----------------------------------------------------

    def entity(self, qid: str) -> EntityRecord | None:
        """The entity with this QID, or None."""
        return self.gazetteer.entities.get(qid)

    def link(self, text: str, options: LinkOptions | None = None) -> LinkResult:
        """Every mention of a gazetteer entity in `text`, in text order."""
        options = options or LinkOptions()
        min_score = self.default_min_score if options.min_score is None else options.min_score
        words = document_words(text)
        spans = spot(text, words, self.index)
        first_pass = self._select(self._score_spans(spans, words, options.kinds, None), min_score)
        context = self._anchors(first_pass)
        results = self._select(self._score_spans(spans, words, options.kinds, context), min_score)
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
            context_spans = spot(context, context_words, self.index)
            document = self._anchors(
                self._select(self._score_spans(context_spans, context_words, kinds, None), self.default_min_score)
            )
        spans = [s for s in spot(name, words, self.index) if s.first == 0 and s.last == len(words) - 1]
        best: dict[str, float] = {}
        for span in spans:
            for scored in self._candidates(span, words, kinds, document, position=-1):
                best[scored.entity.qid] = max(best.get(scored.entity.qid, 0.0), scored.score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return []
        if scoring.with_ambiguity(ranked[0][1], sum(score for _, score in ranked)) < self.default_min_score:
            return []
        total = sum(score for _, score in ranked)
        candidates = [
            Candidate(self.gazetteer.entities[qid], round(scoring.with_ambiguity(score, total), 4))
            for qid, score in ranked
        ]
        return candidates[: max(limit, 1)]

    # -- scoring ----------------------------------------------------------

    def _cue_before(self, words: list[Word], first: int) -> scoring.Cue | None:
        """The nearest cue word within a few words before `first`."""
        for i in range(first - 1, max(first - 1 - CUE_WINDOW_WORDS, -1), -1):
            norm = words[i].norm
            for form in (norm, norm[1:] if norm[:1] in "وف" else ""):
                kind = self._cues.get(form)
                if kind is not None:
                    return scoring.Cue(kind, self._place_cues.get(form))
        return None

    def _refs_by_entity(self, refs: Iterable[NameRef], kinds: frozenset[EntityKind]) -> dict[str, NameRef]:
        """The strongest name of each entity among `refs`, keeping only the wanted kinds."""
        best: dict[str, NameRef] = {}
        for ref in refs:
            entity = self.gazetteer.entities.get(ref.qid)
            if entity is None or (kinds and entity.kind not in kinds):
                continue
            current = best.get(ref.qid)
            if current is None or _name_weight(ref) > _name_weight(current):
                best[ref.qid] = ref
        return best

    def _candidates(
        self,
        span: SpanMatch,
        words: list[Word],
        kinds: frozenset[EntityKind],
        context: scoring.DocumentContext | None,
        position: int,
    ) -> list[_Scored]:
        refs = self._refs_by_entity(self.index.refs(span.key), kinds)
        cue = self._cue_before(words, span.first) if position >= 0 else None
        single_word = " " not in span.key
        unique_key = len(refs) == 1
        scored = []
        for qid, ref in refs.items():
            entity = self.gazetteer.entities[qid]
            prior = self.gazetteer.popularity(qid)
            in_context = context.support(entity, position) if context else 0.0
            cue_support = scoring.cue_support(entity, cue)
            support = scoring.combined_support(prior, in_context, cue_support)
            if not self._may_link(span, ref, entity, prior, in_context, cue_support, support, single_word, unique_key):
                continue
            match = span.similarity * _name_weight(ref)
            scored.append(_Scored(entity, scoring.evidence(match, support), ref.kind))
        scored.sort(key=lambda s: (-s.score, s.entity.qid))
        return scored

    def _may_link(
        self,
        span: SpanMatch,
        ref: NameRef,
        entity: EntityRecord,
        prior: float,
        in_context: float,
        cue_support: float,
        support: float,
        single_word: bool,
        unique_key: bool,
    ) -> bool:
        """The gates that weak names must pass (see module docstring of `scoring`)."""
        key = span.key
        named_in_full = in_context >= scoring.CONTEXT_SAME_ENTITY
        if entity.kind is EntityKind.PERSON and key in self._given:
            return False
        surname_alone = ref.kind == NameKind.SURNAME and not named_in_full
        if surname_alone and (key in self._common or not (prior >= scoring.SURNAME_MIN_POPULARITY or unique_key)):
            return False
        if not single_word:
            # A name made only of ordinary words (الأمن العام) needs support like a weak one.
            if all(word in self._common for word in key.split(" ")):
                return support >= scoring.WEAK_NAME_MIN_SUPPORT and (named_in_full or cue_support > 0 or prior >= 0.5)
            return True
        if key in self._common and not named_in_full and cue_support == 0.0 and prior < 0.8:
            return False
        if span.loosest == "typo" and not (named_in_full or cue_support > 0.0 or prior >= TYPO_MIN_POPULARITY):
            return False
        weak = not span.exact or prior < LOW_POPULARITY or len(key) <= 3 or key in self._common
        return not weak or support >= scoring.WEAK_NAME_MIN_SUPPORT

    def _score_spans(
        self,
        spans: list[SpanMatch],
        words: list[Word],
        kinds: frozenset[EntityKind],
        context: scoring.DocumentContext | None,
    ) -> list[_SpanResult]:
        results = []
        for span in spans:
            scored = self._candidates(span, words, kinds, context, position=span.first)
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
    def _anchors(results: list[_SpanResult]) -> scoring.DocumentContext:
        """Confident full-name mentions: the context for the second pass."""
        context = scoring.DocumentContext()
        for result in results:
            full_name = result.best.name_kind != NameKind.SURNAME and result.span.exact
            if full_name and (
                result.span.word_count > 1 or (result.score >= ANCHOR_MIN_SCORE and result.share >= ANCHOR_MIN_SHARE)
            ):
                context.add(result.best.entity, result.span.first)
        return context

    def _mention(self, text: str, words: list[Word], result: _SpanResult, max_candidates: int) -> Mention:
        span = result.span
        start = original_offset_after(text, words[span.first], span.skip)
        end = words[span.last].end
        alternatives = tuple(Candidate(r.entity, round(r.score, 4)) for r in result.rivals[:max_candidates])
        return Mention(start, end, text[start:end], result.best.entity, round(result.score, 4), alternatives)


def _name_weight(ref: NameRef) -> float:
    weight = scoring.NAME_KIND_WEIGHT.get(ref.kind, 0.9)
    return weight * (scoring.ENGLISH_NAME_WEIGHT if ref.lang == "en" else 1.0)

"""A document as words: original offsets plus the normalised form of each word."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.normalize import normalize, normalize_with_offsets
from gazetteer.tokenize import word_spans

_LOGGER = logging.getLogger(__name__)

# Characters that may join the words of one name besides white space (تل-أبيب).
_NAME_JOINERS = frozenset("-\u2010\u2011\u2012\u2013")
_HEH = "\u0647"
_SENTENCE_ENDS = frozenset(".!?؟;؛:\n\u06d4")
_QUOTE_PAIRS = {"«": "»", "“": "”", '"': '"', "„": "“"}
# A quotation longer than this is quoted speech, or an unmatched mark: not a title or a name.
_MAX_QUOTED_CHARS = 40


@dataclass(frozen=True, slots=True)
class Word:
    """One word of the document: [start, end) in the original text and its normal form.

    `ends_with_heh` records that the word was written with a final ه (not ة):
    the normaliser folds the two, but جده is not جدة.
    """

    start: int
    end: int
    norm: str
    ends_with_heh: bool = False
    # A sentence ends between the previous word and this one: cues do not reach across.
    starts_sentence: bool = False
    # Which quotation («…», “…”, "…") the word is inside, or -1.
    quote: int = -1


_normalize_word = lru_cache(maxsize=100_000)(normalize)


def _trim_invisible(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop format characters (RLM, ZWNJ, BOM…) from both edges of a word span."""
    while start < end and unicodedata.category(text[start]) == "Cf":
        start += 1
    while end > start and unicodedata.category(text[end - 1]) == "Cf":
        end -= 1
    return start, end


def _final_letter(word: str) -> str:
    for c in reversed(word):
        if not unicodedata.combining(c) and unicodedata.category(c) != "Cf" and c != "\u0640":
            return c
    return ""


def _quotations(text: str) -> list[tuple[int, int]]:
    """[start, end) of each short quotation: a title, a name, a slogan in quotation marks."""
    spans = []
    i = 0
    while i < len(text):
        closing = _QUOTE_PAIRS.get(text[i])
        if closing is not None:
            end = text.find(closing, i + 1, i + 1 + _MAX_QUOTED_CHARS)
            if end > i + 1 and "\n" not in text[i:end]:
                spans.append((i + 1, end))
                i = end + 1
                continue
        i += 1
    return spans


def _quote_of(quotations: list[tuple[int, int]], start: int) -> int:
    for number, (q_start, q_end) in enumerate(quotations):
        if q_start <= start < q_end:
            return number
    return -1


def document_words(text: str) -> list[Word]:
    """The words of `text` with a non-empty normal form, in order."""
    quotations = _quotations(text) if any(c in text for c in _QUOTE_PAIRS) else []
    found: list[Word] = []
    for raw_start, raw_end in word_spans(text):
        start, end = _trim_invisible(text, raw_start, raw_end)
        if start == end:
            continue
        original = text[start:end]
        norm = _normalize_word(original).replace(" ", "")
        if norm:
            gap = text[found[-1].end : start] if found else ""
            new_sentence = not found or any(c in _SENTENCE_ENDS for c in gap)
            quote = _quote_of(quotations, start) if quotations else -1
            found.append(Word(start, end, norm, _final_letter(original) == _HEH, new_sentence, quote))
    return found


def joined(text: str, left: Word, right: Word) -> bool:
    """True when only white space, a hyphen or invisible marks separate two words of one name."""
    gap = text[left.end : right.start]
    return all(c.isspace() or c in _NAME_JOINERS or unicodedata.category(c) == "Cf" for c in gap)


def original_offset_after(text: str, word: Word, skip: int) -> int:
    """The original offset where `word` continues after its first `skip` normalised characters."""
    if skip == 0:
        return word.start
    mapped = normalize_with_offsets(text[word.start : word.end])
    return word.start + mapped.starts[skip]

"""Word tokenisation with exact offsets, on camel-tools' definition of a word.

camel-tools' `simple_word_tokenize` splits on white space and on every Unicode
punctuation or symbol character, but returns strings without positions. We keep
its definition (the same punctuation and symbol set) and return spans, so a
mention can always be sliced out of the caller's original text.
"""

from __future__ import annotations

import logging

import regex
from camel_tools.utils.charsets import UNICODE_PUNCT_SYMBOL_CHARSET

_LOGGER = logging.getLogger(__name__)

# White space as str.split() (camel-tools' first step) sees it, which includes
# the ASCII separators \x1c-\x1f that the regex \s class does not.
_SPACE_CHARS = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())
_BREAK_CHARS = _SPACE_CHARS + "".join(sorted(c for c in UNICODE_PUNCT_SYMBOL_CHARSET if len(c) == 1))
# A word is a maximal run of characters that are neither white space nor one of
# camel-tools' punctuation/symbol characters.
_WORD_RE = regex.compile("[^" + regex.escape(_BREAK_CHARS) + "]+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every word in `text`, in order."""
    return [m.span() for m in _WORD_RE.finditer(text)]


def words(text: str) -> list[str]:
    """The words of `text` (camel-tools' word tokens without the punctuation tokens)."""
    return [text[s:e] for s, e in word_spans(text)]

"""Word tokenisation with exact offsets, on camel-tools' definition of a word.

camel-tools' `simple_word_tokenize` splits on white space and on every Unicode
punctuation or symbol character, but returns strings without positions. We keep
its definition (the same punctuation and symbol set, plus control characters)
and return spans, so a mention can always be sliced out of the caller's
original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from camel_tools.utils.charsets import UNICODE_PUNCT_SYMBOL_CHARSET

# White space as str.split() (camel-tools' first step) sees it, which includes
# the ASCII separators \x1c-\x1f, and camel-tools' punctuation/symbol set: every
# one becomes a space (a one-to-one map, so offsets are unchanged), and a word
# is then a maximal run of non-spaces. A translate table is far faster than a
# regex character class of 8,000 code points.
#
# Control characters (Unicode category Cc: NUL, the C0 and C1 controls, DEL) break words too,
# unlike in camel-tools: they are never part of a word, and `زار\0بوريطة` must be two words,
# or a NUL would hide the name next to it.
BREAK_CHARS = (
    {c for c in map(chr, range(0x3001)) if c.isspace()}
    | {c for c in UNICODE_PUNCT_SYMBOL_CHARSET if len(c) == 1}
    | {c for c in map(chr, range(0x100)) if unicodedata.category(c) == "Cc"}
)
_BREAKS_TO_SPACE = str.maketrans(dict.fromkeys(BREAK_CHARS, " "))
_WORD_RE = re.compile("[^ ]+")


class _BreakTable(dict[int, int | str]):
    """The break-to-space translate table, remembering every other code point as itself.

    `str.translate` raises and swallows a LookupError for each character a plain
    dict lacks; remembering the identity makes most characters a single hit.
    """

    def __missing__(self, codepoint: int) -> int:
        self[codepoint] = codepoint
        return codepoint


_BREAK_TABLE = _BreakTable(_BREAKS_TO_SPACE)


def word_matches(text: str) -> Iterator[re.Match[str]]:
    """A match per word of `text`, in order; its span is the word's [start, end) in `text`."""
    return _WORD_RE.finditer(text.translate(_BREAK_TABLE))


def word_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every word in `text`, in order."""
    return [m.span() for m in word_matches(text)]


def words(text: str) -> list[str]:
    """The words of `text` (camel-tools' word tokens without the punctuation tokens)."""
    return [text[s:e] for s, e in word_spans(text)]

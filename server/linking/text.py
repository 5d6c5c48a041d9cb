"""A document as words: original offsets plus the normalised form of each word."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from gazetteer.keys import word_key
from gazetteer.normalize import normalize_char, normalize_with_offsets
from gazetteer.tokenize import BREAK_CHARS, word_matches

# Characters that may join the words of one name besides white space (تل-أبيب).
_NAME_JOINERS = frozenset("-\u2010\u2011\u2012\u2013")
_HEH: Final = "\u0647"
_TEH_MARBUTA: Final = "\u0629"
_SENTENCE_END_RE = re.compile("[.!?؟;؛:\n\u06d4]")
# A short quotation («…», “…», "…", „…“) of at most this many characters is a title or a name;
# longer ones are quoted speech (« اسرائيل تحركت اثر وقوع انتهاك للقرار »), whose names are mentions.
MAX_SHORT_QUOTATION: Final = 25
_DIRECTED_QUOTATION_RE = re.compile(
    "|".join(f"{opening}[^{closing}\n]{{1,{MAX_SHORT_QUOTATION}}}{closing}" for opening, closing in ("«»", "“”", "„“"))
)
_STRAIGHT_QUOTE_OR_LINE_END_RE = re.compile('["\n]')
_FORMAT_CHARS = frozenset(c for c in map(chr, range(0x10000)) if unicodedata.category(c) == "Cf")
# What may follow a word's last letter: marks, format characters, tatweel.
_MARKS: Final = "".join(c for c in map(chr, range(0x10000)) if unicodedata.category(c) in ("Mn", "Cf") or c == "\u0640")


class Word:
    """One word of the document: [start, end) in the original text and its normal form.

    `ends_with_heh` records that the word was written with a final ه (not ة):
    the normaliser folds the two, but جده is not جدة. `starts_sentence`: a
    sentence ends between the previous word and this one (cues do not reach
    across). `quote`: which short quotation («…», “…”, "…") the word is inside,
    or -1. `opens_line`: the word is the first of the text or of a line;
    `before_dateline_mark`: a dash or an opening parenthesis follows it
    (تونس (وات) -، الكويت - كونا: a dateline). A plain class (see ARCHITECTURE.md).
    """

    def __init__(
        self,
        start: int,
        end: int,
        norm: str,
        ends_with_heh: bool = False,
        starts_sentence: bool = False,
        quote: int = -1,
        after_comma: bool = False,
        opens_line: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.norm = norm
        self.ends_with_heh = ends_with_heh
        self.starts_sentence = starts_sentence
        self.quote = quote
        self.after_comma = after_comma
        self.opens_line = opens_line
        self.before_dateline_mark = False  # set when the next word is read

    def __repr__(self) -> str:
        return f"Word({self.start}, {self.end}, {self.norm!r})"


# Only words with an invisible mark or a ligature come here: few in news, so a small cache is
# enough, and a text of unusual characters cannot fill memory through it.
_normalize_word = lru_cache(maxsize=10_000)(word_key)


def _trim_invisible(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop format characters (RLM, ZWNJ, BOM…) from both edges of a word span."""
    while start < end and text[start] in _FORMAT_CHARS:
        start += 1
    while end > start and text[end - 1] in _FORMAT_CHARS:
        end -= 1
    return start, end


def _quotations(text: str) -> list[tuple[int, int]]:
    """[start, end) of each short quotation, in text order: a title, a name, a slogan in quotation marks."""
    found = sorted(
        [(m.start() + 1, m.end() - 1) for m in _DIRECTED_QUOTATION_RE.finditer(text)] + _straight_quotations(text)
    )
    disjoint: list[tuple[int, int]] = []
    for start, end in found:
        if not disjoint or start > disjoint[-1][1]:
            disjoint.append((start, end))
    return disjoint


def _straight_quotations(text: str) -> list[tuple[int, int]]:
    """Short quotations between straight quotes, paired in order along each line.

    A straight quote neither opens nor closes by its shape: a regular expression would
    pair the closing quote of a long quotation with the opening one of the next, and
    take the words between them (مشددا على ان فرنسا ستواصل) for a short title.
    """
    found: list[tuple[int, int]] = []
    if '"' not in text:
        return found
    opening = -1
    for mark in _STRAIGHT_QUOTE_OR_LINE_END_RE.finditer(text):
        at = mark.start()
        if text[at] == "\n":
            opening = -1  # a quotation does not run across lines
        elif opening < 0:
            opening = at
        else:
            if 1 <= at - opening - 1 <= MAX_SHORT_QUOTATION:
                found.append((opening + 1, at))
            opening = -1
    return found


# Stand-ins that keep every length in `_WordTable`'s output: a code point that
# normalises to nothing; one that normalises to several; an invisible format
# character (RLM, ZWNJ…), which a word's span must not start or end with. A word
# holding either of the last two is normalised on its own; a text holding any of
# the three stand-in characters itself goes word by word.
_DROPPED: Final = "\x00"
_EXPANDED: Final = "\x01"
_FORMAT: Final = "\x02"


class _WordTable(dict[int, str]):
    """One `str.translate` table that tokenises and normalises at once, length for length.

    A break (white space, punctuation, symbol) becomes a space; any other code
    point becomes its normal form when that is one code point, else a stand-in.
    Filled on first sight of each code point, like the normaliser's own table.
    """

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if char in BREAK_CHARS:
            value = " "
        elif char in _FORMAT_CHARS:
            value = _FORMAT
        else:
            normal = normalize_char(char)
            if not normal:
                value = _DROPPED
            elif len(normal) == 1 and normal not in BREAK_CHARS:
                value = normal
            else:
                value = _EXPANDED
        self[codepoint] = value
        return value


_WORD_TABLE = _WordTable()


class _WordList:
    """A document's words as they are found, with the facts that need the whole text.

    Sentence ends and quotations are found once, in C; each word then only moves
    two cursors forward, each holding the position it waits for.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[Word] = []
        past_end = len(text) + 1
        # Positions of sentence-ending characters, then a sentinel past the end.
        self._sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(text)]
        self._sentence_ends.append(past_end)
        self._next_end = 0
        self._sentence_end = self._sentence_ends[0]
        # Short quotations, then a sentinel: the next one's [start, end).
        self._quotations = [*_quotations(text), (past_end, past_end)]
        self._next_quote = 0
        self._quote_start, self._quote_end = self._quotations[0]

    def add(self, start: int, end: int, norm: str) -> None:
        """The word text[start:end] with normal form `norm` (a word with an empty one is no word)."""
        if not norm:
            return
        text = self.text
        # A sentence starts here when a sentence end lies between the previous word and this one.
        new_sentence = self._sentence_end < start or not self.words
        while self._sentence_end < start:
            self._next_end += 1
            self._sentence_end = self._sentence_ends[self._next_end]
        while self._quote_end <= start:
            self._next_quote += 1
            self._quote_start, self._quote_end = self._quotations[self._next_quote]
        quote = self._next_quote if self._quote_start <= start else -1
        # Only a word whose normal form ends in ه was written with a final ه, ة or a mark after either.
        ends_with_heh = norm.endswith(_HEH) and (
            text.endswith(_HEH, start, end)
            or (not text.endswith(_TEH_MARBUTA, start, end) and text[start:end].rstrip(_MARKS).endswith(_HEH))
        )
        after_comma = False
        opens_line = not self.words
        if self.words:
            previous_end = self.words[-1].end
            if start - previous_end > 1:
                gap = text[previous_end:start]
                after_comma = "،" in gap or "," in gap
                opens_line = "\n" in gap
                if "(" in gap or "-" in gap or "–" in gap:
                    self.words[-1].before_dateline_mark = True
            else:
                opens_line = text[previous_end] == "\n"
        self.words.append(Word(start, end, norm, ends_with_heh, new_sentence, quote, after_comma, opens_line))

    def add_by_itself(self, start: int, end: int) -> None:
        """The word text[start:end], invisible edges trimmed, normalised on its own."""
        text = self.text
        if text[start] in _FORMAT_CHARS or text[end - 1] in _FORMAT_CHARS:
            start, end = _trim_invisible(text, start, end)
            if start == end:
                return
        self.add(start, end, _normalize_word(text[start:end]))


def document_words(text: str) -> list[Word]:
    """The words of `text` with a non-empty normal form, in order.

    The text is translated and split once, in C, and most words' normal forms are
    read off the result; only a word with an invisible mark or an expanding
    character (a ligature) is normalised on its own.
    """
    found = _WordList(text)
    if _DROPPED in text or _EXPANDED in text or _FORMAT in text:
        for match in word_matches(text):
            found.add_by_itself(*match.span())
        return found.words
    mapped = text.translate(_WORD_TABLE)
    # Most texts have no stand-in at all: then no word needs looking into.
    plain = _DROPPED not in mapped and _EXPANDED not in mapped and _FORMAT not in mapped
    position = 0
    for piece in mapped.split(" "):
        length = len(piece)
        if length == 0:
            position += 1
            continue
        start, end = position, position + length
        position = end + 1
        if plain or piece.isalpha():  # letters only: no stand-in in it
            found.add(start, end, piece)
        elif _EXPANDED in piece or _FORMAT in piece:
            found.add_by_itself(start, end)
        elif _DROPPED in piece:
            found.add(start, end, piece.replace(_DROPPED, ""))
        else:
            found.add(start, end, piece)
    return found.words


def joined(text: str, left: Word, right: Word) -> bool:
    """True when only white space, a hyphen or invisible marks separate two words of one name, or a
    full stop two letters of an acronym (أ.ف.ب، د.ب.أ)."""
    if right.start - left.end == 1 and text[left.end] == " ":
        return True  # the usual case, without building the gap
    gap = text[left.end : right.start]
    if gap == "." and len(left.norm) == 1 and len(right.norm) == 1:
        return True
    return all(c.isspace() or c in _NAME_JOINERS or unicodedata.category(c) == "Cf" for c in gap)


def original_offset_after(text: str, word: Word, skip: int) -> int:
    """The original offset where `word` continues after its first `skip` normalised characters."""
    if skip == 0:
        return word.start
    return word.start + _offset_after(text[word.start : word.end], skip)


@lru_cache(maxsize=100_000)
def _offset_after(word: str, skip: int) -> int:
    """Where `word` continues after its first `skip` normalised characters (وللمغرب, 2 → 2)."""
    return normalize_with_offsets(word).starts[skip]

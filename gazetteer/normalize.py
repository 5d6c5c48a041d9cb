"""The one Arabic normaliser: gazetteer keys and document text both go through it.

Normalisation is defined character by character (each input code point maps to
zero or more output code points), which keeps a position map back to the
caller's text trivially exact. Each rule is a small function with explicit code
points; camel-tools supplies the ones it has (Unicode compatibility, alef,
alef maksura, teh marbuta, diacritics) and the rest are written here.

Bump `NORMALIZER_VERSION` whenever a rule changes: gazetteers record the
version they were keyed with and the server refuses a mismatch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

NORMALIZER_VERSION = 2

_TATWEEL = "\u0640"
# Zero-width, joiner and bidi controls, the Arabic letter mark and the BOM:
# invisible, and inserted freely by editors and web pages.
_INVISIBLE_RE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_HAMZA_CARRIER_MAP = str.maketrans({"\u0624": "\u0648", "\u0626": "\u064a", "\u0621": ""})
# Persian, Urdu, Kurdish and Maghrebi letters used for foreign sounds, folded
# to the Arabic letter they are most often replaced by in Arabic news:
# گ ڭ ک → ك (g/k on a kaf), ڨ → ق (Maghrebi g), چ → ج, ژ → ز, ڤ ڥ → ف, پ → ب,
# ی ې → ي, ھ ہ ۀ ە → ه.
_FOREIGN_LETTER_MAP = str.maketrans(
    {
        "\u06af": "\u0643",
        "\u06ad": "\u0643",
        "\u06a9": "\u0643",
        "\u06a8": "\u0642",
        "\u0686": "\u062c",
        "\u0698": "\u0632",
        "\u06a4": "\u0641",
        "\u06a5": "\u0641",
        "\u067e": "\u0628",
        "\u06cc": "\u064a",
        "\u06d0": "\u064a",
        "\u06be": "\u0647",
        "\u06c1": "\u0647",
        "\u06c0": "\u0647",
        "\u06d5": "\u0647",
    }
)
_ARABIC_INDIC_DIGITS_MAP = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)


def remove_invisible_marks(s: str) -> str:
    """Drop zero-width characters, bidi controls and the BOM."""
    return _INVISIBLE_RE.sub("", s)


def remove_tatweel(s: str) -> str:
    """Drop the tatweel (kashida) used to stretch words: غـانتس → غانتس."""
    return s.replace(_TATWEEL, "")


def remove_combining_marks(s: str) -> str:
    """Decompose and drop every combining mark (Unicode category Mn).

    Covers Arabic harakat and shadda, the hamza above/below marks that
    decomposition splits off أ إ ؤ ئ, and Latin accents (é → e).
    """
    decomposed = unicodedata.normalize("NFD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Mn")


def normalize_hamza_carriers(s: str) -> str:
    """Fold hamza on its carriers to the carrier and drop the bare hamza: ؤ → و, ئ → ي, ء → ''."""
    return s.translate(_HAMZA_CARRIER_MAP)


def normalize_foreign_letters(s: str) -> str:
    """Fold the extra letters used for g, v, p, ch, zh to their usual Arabic letter."""
    return s.translate(_FOREIGN_LETTER_MAP)


def normalize_digits(s: str) -> str:
    """Arabic-Indic and extended Arabic-Indic digits to ASCII digits."""
    return s.translate(_ARABIC_INDIC_DIGITS_MAP)


def fold_case_and_space(s: str) -> str:
    """Lower-case Latin text and turn every kind of white space into one ASCII space."""
    return " " if s.isspace() else s.casefold()


def _apply_rules(c: str) -> str:
    if unicodedata.category(c) == "Cs":
        return ""  # a lone surrogate is no text at all (and cannot be encoded)
    s = normalize_unicode(c)  # NFKC: presentation forms, ligatures (ﻻ → لا)
    s = remove_invisible_marks(s)
    s = remove_tatweel(s)
    s = dediac_ar(s)
    s = remove_combining_marks(s)
    s = normalize_alef_ar(s)  # أ إ آ ٱ → ا (remaining precomposed forms)
    s = normalize_hamza_carriers(s)
    s = normalize_alef_maksura_ar(s)  # ى → ي
    s = normalize_teh_marbuta_ar(s)  # ة → ه
    s = normalize_foreign_letters(s)
    s = normalize_digits(s)
    return fold_case_and_space(s) if s else s


# Blocks where the Arabic rules act (letters, marks, digits, presentation forms).
_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def _left_alone(c: str) -> bool:
    """A code point every rule leaves as it is: outside the Arabic blocks, visible, no space,
    its own NFKC and NFD form, no mark, no case to fold.

    Shortcut: the rules cost tens of microseconds a code point, and a text of every script
    would pay that for each of its hundreds of thousands of distinct code points on first
    sight. Exact: tests/test_normalize.py compares it with the rules over a sample of all
    of Unicode and the whole of every block where a rule acts.
    """
    point = ord(c)
    if any(low <= point <= high for low, high in _ARABIC_BLOCKS) or c.isspace() or _INVISIBLE_RE.match(c):
        return False
    if unicodedata.category(c) in ("Mn", "Me", "Cs") or unicodedata.combining(c):
        return False
    return unicodedata.normalize("NFKC", c) == c == unicodedata.normalize("NFD", c) and c.casefold() == c


@lru_cache(maxsize=65536)
def normalize_char(c: str) -> str:
    """The normal form of one code point: zero, one or several code points.

    The rules are reapplied to their own output until it is stable, so that
    every output code point is its own normal form (idempotence).
    """
    if _left_alone(c):
        return c
    return _normal_form_by_the_rules(c)


def _normal_form_by_the_rules(c: str) -> str:
    """`normalize_char` without its shortcut."""
    s = _apply_rules(c)
    for _ in range(4):
        again = "".join(_apply_rules(ch) for ch in s)
        if again == s:
            break
        s = again
    return s


def _is_attached_mark(c: str) -> bool:
    """Dropped characters that belong to the letter before them (marks, hamza, tatweel)."""
    return unicodedata.category(c) == "Mn" or c in "\u0621\u0640"


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text with a map back to the original.

    `starts[j]` is the index in the original of the code point that produced
    normalised code point j; `ends[j]` is where that code point's original
    extent ends (it includes diacritics and hamza dropped after it).
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty normalised span [start, end) to the original text."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of length {len(self.text)}")
        return self.starts[start], self.ends[end - 1]


def normalize_with_offsets(text: str) -> NormalizedText:
    """Normalise `text` and keep, for every output code point, its original extent."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, c in enumerate(text):
        mapped = normalize_char(c)
        if mapped:
            out.append(mapped)
            starts.extend([i] * len(mapped))
            ends.extend([i + 1] * len(mapped))
        elif ends and ends[-1] == i and _is_attached_mark(c):
            # A dropped mark right after a kept character extends that character.
            last = ends[-1]
            j = len(ends) - 1
            while j >= 0 and ends[j] == last:
                ends[j] = i + 1
                j -= 1
    return NormalizedText("".join(out), tuple(starts), tuple(ends))


class _NormalFormTable(dict[int, str]):
    """A `str.translate` table filled on first sight of each code point."""

    def __missing__(self, codepoint: int) -> str:
        mapped = normalize_char(chr(codepoint))
        self[codepoint] = mapped
        return mapped


_TRANSLATE_TABLE = _NormalFormTable()


def normalize(text: str) -> str:
    """The normal form of `text`: the key space of the gazetteer.

    Equal to joining `normalize_char` over the text, done by `str.translate`.
    """
    return text.translate(_TRANSLATE_TABLE)

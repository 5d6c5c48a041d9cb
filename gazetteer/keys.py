"""Lookup keys: how a name becomes the strings the index is searched by.

- `name_key`: the normalised words of a name joined by single spaces. Text is
  matched word by word against these keys.
- `skeleton`: a coarse phonetic key of one word, for the spelling variants of
  transliterated names (غانتس / جانتس / قانتس / غانتز, نتنياهو / نتانياهو).
- `surname_keys`: the distinctive tail of a person's name (غانتس for بني غانتس),
  derived at build time so a later bare mention can be found.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from gazetteer.normalize import normalize
from gazetteer.tokenize import words

_LOGGER = logging.getLogger(__name__)

# Consonant classes that transliterations of one foreign name swap freely:
# g (غ ج ق ك), s/z (س ز ص ث), t (ت ط), d (د ض ذ ظ).
_SKELETON_CLASSES = str.maketrans(
    {
        "غ": "ك",
        "ج": "ك",
        "ق": "ك",
        "ز": "س",
        "ص": "س",
        "ث": "س",
        "ط": "ت",
        "ض": "د",
        "ذ": "د",
        "ظ": "د",
    }
)
_LONG_VOWELS = frozenset("اوي")
# Particles that belong to the word after them in a family name: بن سلمان, آل ثاني, أبو مازن.
NAME_PARTICLES = frozenset(["بن", "ابن", "بنت", "ابو", "ام", "ال", "عبد", "دي", "دا", "فان", "فون", "دو", "لا"])
_MIN_SURNAME_CHARS = 3


def name_key(name: str) -> str:
    """The lookup key of a name: its normalised words joined by one space."""
    return " ".join(words(normalize(name)))


def skeleton(word: str) -> str:
    """A phonetic key of one normalised word.

    Folds the consonant classes above, drops long vowels after the first letter
    and a final ه, and collapses doubled letters: ماكرون and ماكرن both give مكرن.
    """
    if not word:
        return ""
    folded = word.translate(_SKELETON_CLASSES)
    if len(folded) > 2 and folded.endswith("ه"):
        folded = folded[:-1]
    kept = [folded[0]] + [c for c in folded[1:] if c not in _LONG_VOWELS]
    out: list[str] = []
    for c in kept:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def surname_keys(full_name_keys: Iterable[str], blocked: frozenset[str]) -> list[str]:
    """Distinctive tails of a person's names, as keys.

    The tail is the last word, with the particles before it (بن سلمان، بن عبد
    العزيز: a patronymic keeps its بن, for عبد العزيز alone is someone else).
    Tails that are `blocked` (regnal ordinals such as الخامس) or shorter than
    three letters are left out.
    """
    tails: dict[str, None] = {}
    for key in full_name_keys:
        tokens = key.split()
        if len(tokens) < 2:
            continue
        start = len(tokens) - 1
        while start > 1 and tokens[start - 1] in NAME_PARTICLES:
            start -= 1
        tail = tokens[start:]
        if tail[0] == "ال":
            continue  # آل سعود names a family, not one of its members
        if tail[0] in NAME_PARTICLES and len(tail) == 1:
            continue
        tail_key = " ".join(tail)
        if tail_key == key or len(tail_key.replace(" ", "")) < _MIN_SURNAME_CHARS:
            continue
        if tail_key in blocked or (len(tail) == 1 and tail[0] in blocked):
            continue
        tails.setdefault(tail_key, None)
    return list(tails)

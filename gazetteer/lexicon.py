"""Word lists that guard precision: given names and ordinary words.

Both lists were composed for this project (`gazetteer/data/`). They are read
through the one normaliser so they live in the same key space as names.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from gazetteer.keys import name_key

_LOGGER = logging.getLogger(__name__)

_DATA_DIR = Path(__file__).parent / "data"

# Regnal and other ordinals: the tail of محمد الخامس is not a name of its own.
REGNAL_ORDINALS = frozenset(
    name_key(w)
    for w in [
        "الأول",
        "الثاني",
        "الثالث",
        "الرابع",
        "الخامس",
        "السادس",
        "السابع",
        "الثامن",
        "التاسع",
        "العاشر",
        "الحادي",
        "عشر",
        "الثاني",
        "عشر",
        "الأكبر",
        "الأصغر",
        "الابن",
        "الأب",
    ]
)


def _read_word_list(filename: str) -> frozenset[str]:
    path = _DATA_DIR / filename
    if not path.exists():
        _LOGGER.warning("word list %s is missing", path)
        return frozenset()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key = name_key(line)
            if key:
                keys.add(key)
    return frozenset(keys)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Keys of given names that never identify a person on their own (محمد، عبد الله)."""
    return _read_word_list("given_names_ar.txt")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Keys of ordinary news words; a name equal to one needs support to link."""
    return _read_word_list("common_words_ar.txt") | REGNAL_ORDINALS


def blocked_surnames() -> frozenset[str]:
    """Words that may not serve as a person's short name."""
    return given_names() | common_words()

"""Demonyms: the adjectives of countries (المغربي، الإسرائيلية، الأمريكيين).

They are derived from the gazetteer's own country names, not listed by hand:
the nisba of a country name is its stem plus ي (مغرب → مغربي، فرنسا → فرنسي،
السعودية → سعودي). In text they are evidence about the country of the entities
around them ("وزير الخارجية الإسرائيلي يئير لبيد") and they are never names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from gazetteer.keys import NISBA_ENDINGS, PROCLITICS
from server.linking.memo import Memo

# The proclitics but ك ("like"), which demonyms have never taken: with it, كلبنانيين ("as Lebanese")
# would speak for لبنان too, and move scores (a change of quality, for `make eval` to judge).
_PROCLITICS: Final = tuple(p for p in PROCLITICS if not p.endswith("ك"))


def nisba(country_word: str) -> str:
    """The masculine nisba of one normalised country-name word, without the article."""
    stem = country_word[2:] if country_word.startswith("ال") else country_word
    if stem.endswith("ه"):  # السعودية → سعودي
        stem = stem[:-1]
    if stem.endswith("ي"):
        return stem
    if stem.endswith("ا"):  # فرنسا → فرنسي، سوريا → سوري
        stem = stem[:-1]
        return stem if stem.endswith("ي") else stem + "ي"
    return stem + "ي"


class DemonymTable:
    """Normalised demonym → country QID, from single-word country names."""

    def __init__(self, country_names: Iterable[tuple[str, str]]) -> None:
        table: dict[str, set[str]] = {}
        for qid, key in country_names:
            if " " in key or len(key) < 3:
                continue
            table.setdefault(nisba(key), set()).add(qid)
        # A nisba shared by two countries says nothing about either.
        self._country_by_nisba = {word: next(iter(qids)) for word, qids in table.items() if len(qids) == 1}
        self.country_of = Memo(self._country_of, 100_000)

    def __len__(self) -> int:
        return len(self._country_by_nisba)

    def _country_of(self, word: str) -> str | None:
        """The country a normalised text word is the demonym of, or None."""
        for prefix in _PROCLITICS:
            if not word.startswith(prefix):
                continue
            rest = word[len(prefix) :]
            for form in (rest[2:], rest) if rest.startswith("ال") else (rest,):
                for ending, cut in NISBA_ENDINGS:
                    if form.endswith(ending) and len(form) > len(ending) + 1:
                        base = form[:-cut] if cut else form
                        country = self._country_by_nisba.get(base)
                        if country:
                            return country
        return None

"""The core reads text with the `Language` it is given, not with module-global word lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer.keys import name_key
from gazetteer.loader import load_gazetteer
from server.linking import Linker
from server.linking.language import Language
from tests.conftest import links

RABAT = "Q3551"
TEXT = "وصل الوفد إلى الرباط صباح اليوم"


@pytest.fixture(scope="module")
def shipped() -> Language:
    return Language.shipped()


def test_the_shipped_language_reads_the_capital_as_a_name(seed_gazetteer_path: Path, shipped: Language) -> None:
    assert links(Linker(load_gazetteer(seed_gazetteer_path), language=shipped), TEXT) == [("الرباط", RABAT)]


def test_a_language_where_the_word_is_ordinary_stops_the_link(seed_gazetteer_path: Path, shipped: Language) -> None:
    """The same text, with a small word list that says الرباط ("the bond") is an ordinary word."""
    ordinary = Language(
        common_words=frozenset({name_key("الرباط")}),
        given_names=frozenset(),
        function_words=frozenset(),
        word_counts={},
        ordinary_share=lambda word: 1.0 if word == name_key("الرباط") else 0.0,
        is_adjective=lambda word: False,
        is_noun=lambda word: False,
        cue_kinds=shipped.cue_kinds,
        place_cues=shipped.place_cues,
        honorifics=frozenset(),
    )
    linker = Linker(load_gazetteer(seed_gazetteer_path), language=ordinary)
    assert links(linker, TEXT) == []
    # A cue right before it still makes the ordinary word a name.
    assert links(linker, "وصل الوفد إلى مدينة الرباط صباح اليوم") == [("الرباط", RABAT)]

"""Documents as words: the one-pass tokeniser-normaliser agrees with the word-by-word definition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gazetteer.normalize import normalize
from gazetteer.tokenize import word_spans
from server.linking.text import document_words

# Arabic letters, diacritics, tatweel, a ligature (ﻻ → لا), presentation forms, Latin, digits,
# white space, punctuation, invisible marks (ZWNJ, RLM), the translate stand-ins, an emoji.
_ALPHABET = list('غانتسالرباطةهىأإآؤئء ،.:؟«»"-\n\t\u064e\u0651\u0640\ufefb\ufe8d\u200c\u200fAbc19١٩\x00\x01\x02😀')


def _reference(text: str) -> list[tuple[int, int, str]]:
    """Each word as the tokeniser splits it, invisible edges trimmed, normalised on its own."""
    words = []
    for start, end in word_spans(text):
        while start < end and text[start] in "\u200c\u200f":
            start += 1
        while end > start and text[end - 1] in "\u200c\u200f":
            end -= 1
        norm = normalize(text[start:end]).replace(" ", "")
        if start < end and norm:
            words.append((start, end, norm))
    return words


@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=80))
def test_words_match_the_word_by_word_definition(text: str) -> None:
    assert [(w.start, w.end, w.norm) for w in document_words(text)] == _reference(text)


@given(st.text(max_size=80))
def test_any_text_gives_spans_that_slice_it(text: str) -> None:
    for word in document_words(text):
        assert 0 <= word.start < word.end <= len(text)
        assert normalize(text[word.start : word.end]).replace(" ", "") == word.norm


def test_a_ligature_and_diacritics_keep_exact_offsets() -> None:
    text = "قال ﻻعب الرِّباط"
    words = document_words(text)
    assert [w.norm for w in words] == ["قال", "لاعب", "الرباط"]
    assert [text[w.start : w.end] for w in words] == ["قال", "ﻻعب", "الرِّباط"]


def test_a_word_knows_whether_it_opens_a_line_and_whether_a_dateline_mark_follows() -> None:
    text = "تونس (وات) - قال الوزير - أمس\nالكويت-كونا"
    words = {w.norm: w for w in document_words(text)}
    assert [w for w in words if words[w].opens_line] == ["تونس", "الكويت"]
    # A dash between words, spaced or not, or a parenthesis: "-" glued to both words is a hyphen.
    assert [w for w in words if words[w].before_dateline_mark] == ["تونس", "وات", "الوزير"]

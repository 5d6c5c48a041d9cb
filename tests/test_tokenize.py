"""Word spans agree with camel-tools' tokenizer and slice the original text."""

from __future__ import annotations

from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given
from hypothesis import strategies as st

from gazetteer.tokenize import word_spans, words


def test_punctuation_and_quotes_split_words() -> None:
    assert words("وقال غانتس، في الرباط: “رويترز” لـ”اتفاقيات") == [
        "وقال",
        "غانتس",
        "في",
        "الرباط",
        "رويترز",
        "لـ",
        "اتفاقيات",
    ]


@given(st.text(alphabet=st.sampled_from(list("غانتس الرباطو،.:“”-_ 123😀\u200c\u0640\u064e")), max_size=60))
def test_words_are_camel_tools_tokens_without_punctuation(text: str) -> None:
    camel_words = [t for t in simple_word_tokenize(text) if any(c.isalnum() or c in "\u200c\u0640\u064e" for c in t)]
    assert words(text) == camel_words


@given(st.text(max_size=60))
def test_spans_slice_the_text_in_order(text: str) -> None:
    previous_end = 0
    for start, end in word_spans(text):
        assert previous_end <= start < end <= len(text)
        assert not any(c.isspace() for c in text[start:end])
        previous_end = end

"""The one normaliser: each rule, idempotence, and exact maps back to the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gazetteer import keys
from gazetteer.keys import folded, name_key, skeleton
from gazetteer.normalize import normalize, normalize_with_offsets

ARABIC_HEAVY = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(list(" \u200c\u200d\u200f\u202b\u0640\ufeff\u00a0-.,،😀e\u0301")),
        st.characters(),
    ),
    max_size=40,
)


def test_alef_forms_fold_to_bare_alef() -> None:
    assert normalize("أإآٱا") == "ااااا"


def test_hamza_carriers_fold_and_bare_hamza_drops() -> None:
    assert normalize("مؤتمر") == "موتمر"
    assert normalize("إسرائيل") == "اسراييل"
    assert normalize("سماء") == "سما"


def test_alef_maksura_and_teh_marbuta() -> None:
    assert normalize("مصطفى") == "مصطفي"
    assert normalize("بوريطة") == normalize("بوريطه")


def test_diacritics_and_tatweel_are_removed() -> None:
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("غـــانتس") == "غانتس"


def test_foreign_letters_fold_to_arabic_letters() -> None:
    assert normalize("ڤيينا") == normalize("فيينا")
    assert normalize("پوتين") == normalize("بوتين")
    assert normalize("گانتس") == normalize("كانتس")
    assert normalize("چ") == "ج"
    assert normalize("ی") == "ي"


def test_presentation_forms_and_invisible_marks() -> None:
    assert normalize("\ufefb") == "لا"  # lam-alef ligature
    assert normalize("غان\u200cتس\u200f") == "غانتس"


def test_arabic_indic_digits() -> None:
    assert normalize("٢٠٢١") == "2021"


def test_name_key_joins_words_with_one_space() -> None:
    assert name_key("  إن   إس\u00a0أو ") == "ان اس او"


def test_skeleton_merges_transliteration_variants() -> None:
    for a, b in [("غانتس", "جانتس"), ("غانتس", "غانتز"), ("نتنياهو", "نتانياهو"), ("ماكرون", "ماكرن")]:
        assert skeleton(name_key(a)) == skeleton(name_key(b)), (a, b)
    assert skeleton(name_key("عمان")) != skeleton(name_key("عمال"))


def _collapsed(letters: str) -> str:
    """Each run of one letter kept once: the plain definition the keys' regular expression stands for."""
    out: list[str] = []
    for c in letters:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


# Words of the letters the keys treat specially: long vowels first and inside, doubled letters, تس, a final ه.
KEY_LETTERS = st.text(alphabet=st.sampled_from(list("اويغجقزصثطضذظتسهكمنبل")), max_size=12)


@given(st.one_of(ARABIC_HEAVY, KEY_LETTERS))
def test_folded_and_skeleton_match_their_letter_by_letter_definitions(text: str) -> None:
    for word in [text, *name_key(text).split()]:
        consonants = word.translate(keys._SKELETON_CLASSES).replace("تس", "س")
        assert folded(word) == _collapsed(consonants)
        if len(consonants) > 2 and consonants.endswith("ه"):
            consonants = consonants[:-1]
        kept = consonants[:1] + "".join(c for c in consonants[1:] if c not in "اوي")
        assert skeleton(word) == _collapsed(kept)


@given(ARABIC_HEAVY)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(ARABIC_HEAVY)
def test_offset_map_slices_the_original(text: str) -> None:
    mapped = normalize_with_offsets(text)
    assert mapped.text == normalize(text)
    assert len(mapped.starts) == len(mapped.text) == len(mapped.ends)
    for j in range(len(mapped.text)):
        start, end = mapped.original_span(j, j + 1)
        assert 0 <= start < end <= len(text)
        # The original extent normalises to text that contains the output character.
        assert mapped.text[j] in normalize(text[start:end])
    assert list(mapped.starts) == sorted(mapped.starts)


@given(ARABIC_HEAVY, st.data())
def test_any_normalised_span_maps_to_a_valid_original_span(text: str, data: st.DataObject) -> None:
    mapped = normalize_with_offsets(text)
    if not mapped.text:
        return
    start = data.draw(st.integers(0, len(mapped.text) - 1))
    end = data.draw(st.integers(start + 1, len(mapped.text)))
    o_start, o_end = mapped.original_span(start, end)
    assert mapped.text[start:end] in normalize(text[o_start:o_end])


def test_left_alone_shortcut_agrees_with_the_rules_across_unicode() -> None:
    """Every code point of the blocks where rules act, every 7th of the rest, the ranges that are
    easy to get wrong (Latin with accents, combining marks, spaces, invisible marks)."""
    from gazetteer.normalize import _ARABIC_BLOCKS, _left_alone, _normal_form_by_the_rules

    points = set(range(0, 0x2100)) | set(range(0xFE00, 0x10000)) | set(range(0, 0x110000, 7))
    points |= {p for low, high in _ARABIC_BLOCKS for p in range(low - 16, high + 17)}
    shortcut_taken = 0
    for point in sorted(points):
        c = chr(point)
        if _left_alone(c):
            shortcut_taken += 1
            assert _normal_form_by_the_rules(c) == c, f"U+{point:04X}"
    assert shortcut_taken > 100_000  # most of Unicode: the shortcut is taken, and checked

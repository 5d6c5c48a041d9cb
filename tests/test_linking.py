"""The linking core on the seed gazetteer: clitics, normalisation, partial names, context, precision.

Spelling variants are tested on a gazetteer without their aliases, in test_spelling_variants.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazetteer.lexicon import MOSTLY_ORDINARY, is_adjective, ordinary_share
from gazetteer.loader import load_gazetteer
from gazetteer.records import EntityKind
from server.linking import NO_SHORTCUTS, Linker, LinkOptions
from tests.conftest import build_gazetteer, expected_spans, links, seed_entities, spans, synthetic_entity


def _links(linker: Linker, text: str) -> list[tuple[str, str]]:
    """(surface, English label) of every mention; every span slices the text to its surface."""
    return links(linker, text, "label_en")


def test_proclitics_are_left_out_of_the_span(linker: Linker) -> None:
    text = "وقع الاتفاق والمغرب بالرباط ثم عاد وماكرون إلى فرنسا"
    expected = [("المغرب", "Q1028"), ("الرباط", "Q3551"), ("ماكرون", "Q3052772"), ("فرنسا", "Q142")]
    assert spans(linker, text) == expected_spans(text, expected)


def test_lam_lam_starts_the_span_after_the_first_lam(linker: Linker) -> None:
    [(surface, label)] = _links(linker, "زيارة للمغرب")
    assert (surface, label) == ("لمغرب", "Morocco")


def test_lam_lam_is_read_both_ways_when_the_bare_stem_is_a_name_too(tmp_path: Path) -> None:
    """للامم is ل + لامم and ل + الامم: a large gazetteer's village لامم must not hide الأمم المتحدة."""
    villages = [
        synthetic_entity(900 + n, "place", label, 1, country="Q79") for n, label in enumerate(("لامم", "لمغرب"))
    ]
    crowded = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), *villages])))
    assert _links(crowded, "دعا الأمين العام للأمم المتحدة إلى وقف القتال") == [("لأمم المتحدة", "United Nations")]
    assert _links(crowded, "زيارة للمغرب") == [("لمغرب", "Morocco")]


def test_names_that_begin_with_clitic_letters_are_not_cut(linker: Linker) -> None:
    links = _links(linker, "من لبنان إلى بغداد ثم وهران وفاس وبيروت")
    assert links == [
        ("لبنان", "Lebanon"),
        ("بغداد", "Baghdad"),
        ("وهران", "Oran"),
        ("فاس", "Fez"),
        ("بيروت", "Beirut"),
    ]


@pytest.mark.parametrize("written", ["إسرائيـــل", "إِسْرَائِيل", "إسرا\u200cئيل"])
def test_tatweel_diacritics_and_invisible_marks_inside_a_name_stay_in_its_span(linker: Linker, written: str) -> None:
    text = f"وصل الوفد إلى {written} أمس"
    assert spans(linker, text) == expected_spans(text, [(written, "Q801")])


def test_adjectives_and_demonyms_do_not_link(linker: Linker) -> None:
    text = "قال المسؤول الإسرائيلي إن الحكومة المغربية والجانب الإيراني والوفد الأمريكي والشركات اللبنانية"
    assert _links(linker, text) == []


def test_given_names_alone_never_link(linker: Linker) -> None:
    assert _links(linker, "قال محمد إن عبد الله وأحمد وصلوا") == []


def test_a_given_name_in_a_titled_name_is_not_another_given_name_a_vowel_away(linker: Linker) -> None:
    """الملك الحسين is King Hussein, not الملك الحسن (Hassan II): an Arabic given name is read as
    itself after a title as at the start of a name, never as the name with a vowel more or less."""
    assert _links(linker, "وكان الملك الحسين قد أمر بإعادة صنع المنبر") == []
    assert _links(linker, "وكان الملك الحسن الثاني قد أمر بإعادة صنع المنبر") == [
        ("الحسن الثاني", "Hassan II of Morocco")
    ]


def test_a_family_name_that_is_a_given_name_links_after_a_title_and_its_countrys_demonym(linker: Linker) -> None:
    """عباس is anyone's given name; الرئيس الفلسطيني عباس is the well-known Abbas."""
    assert _links(linker, "وقال الرئيس الفلسطيني عباس إن المفاوضات متوقفة") == [("عباس", "Mahmoud Abbas")]
    assert _links(linker, "وقال الرئيس عباس إن المفاوضات متوقفة") == []  # a title alone: any Abbas
    assert _links(linker, "وقال الرئيس المصري عباس إن المفاوضات متوقفة") == []  # another country's
    assert _links(linker, "وقال عباس إن المفاوضات متوقفة") == []


def test_heh_for_teh_marbuta_is_the_name_unless_it_can_be_his(linker: Linker) -> None:
    """بوريطه is بوريطة typed with ه, as much news is; جده is جد + ه "his grandfather" before it is جدة."""
    assert _links(linker, "وصرح بوريطه للصحافة أن الوفد وصل") == [("بوريطه", "Nasser Bourita")]
    assert _links(linker, "وصرح بوريطة للصحافة أن الوفد وصل") == [("بوريطة", "Nasser Bourita")]
    assert _links(linker, "أحيا الذكرى السنوية لوفاة جده أمس") == []


def test_longest_name_wins_over_its_parts(linker: Linker) -> None:
    links = _links(linker, "ضريح الملك محمد الخامس في الرباط")
    assert links[0] == ("محمد الخامس", "Mohammed V of Morocco")


def test_regnal_names_are_told_apart(linker: Linker) -> None:
    links = _links(linker, "استقبل الملك محمد السادس الوفد")
    assert links == [("محمد السادس", "Mohammed VI of Morocco")]


def test_surname_after_full_name_links_to_the_same_person(linker: Linker) -> None:
    text = "التقى بنيامين نتنياهو الوفد. وقال نتنياهو إن المحادثات مثمرة"
    assert spans(linker, text) == expected_spans(text, [("بنيامين نتنياهو", "Q43723"), ("نتنياهو", "Q43723")])


def test_context_chooses_between_cities_sharing_a_name(linker: Linker) -> None:
    libya = linker.link("اندلعت اشتباكات في طرابلس عاصمة ليبيا").mentions
    lebanon = linker.link("زار رئيس الحكومة مدينة طرابلس في شمال لبنان").mentions
    assert next(m for m in libya if m.surface == "طرابلس").entity.country_qid == "Q1016"
    assert next(m for m in lebanon if m.surface == "طرابلس").entity.country_qid == "Q822"


def test_oman_and_amman(linker: Linker) -> None:
    oman = linker.link("وصل الوزير إلى سلطنة عمان").mentions
    amman = linker.link("عقد الاجتماع في العاصمة الأردنية عمان بحضور وزير خارجية الأردن").mentions
    assert [m.entity.label_en for m in oman] == ["Oman"]
    assert [m.entity.label_en for m in amman] == ["Amman", "Jordan"]


def test_runners_up_are_returned_when_asked(linker: Linker) -> None:
    [mention] = linker.link("الرباط", LinkOptions(max_candidates=3)).mentions
    assert mention.entity.qid == "Q3551"
    [runner_up] = mention.alternatives
    assert runner_up.entity.qid == "Q44381"  # Rabat in Malta
    assert runner_up.score < mention.score


def test_kind_filter(linker: Linker) -> None:
    options = LinkOptions(kinds=frozenset({EntityKind.PLACE}))
    text = "قال بنيامين نتنياهو في القدس"
    assert [m.entity.qid for m in linker.link(text).mentions] == ["Q43723", "Q1218"]
    assert [(m.surface, m.entity.kind) for m in linker.link(text, options).mentions] == [("القدس", EntityKind.PLACE)]


def test_resolve_returns_nothing_for_ordinary_words(linker: Linker) -> None:
    for word in ("الحكومة", "اليوم", "قال", "محمد", "الإسرائيلي"):
        assert linker.resolve(word) == [], word


def test_a_city_cue_does_not_reach_past_a_preposition(linker: Linker) -> None:
    """مدينة announces بافوس (no gazetteer name), not قبرص after في: the country is not refused as a city."""
    assert links(linker, "أسست مدينة بافوس في قبرص.") == [("قبرص", "Q229")]
    assert links(linker, "وصل الوفد إلى مدينة بافوس في قبرص أمس") == [("قبرص", "Q229")]


def test_a_name_inside_a_quoted_title_is_not_a_mention_but_one_in_quoted_speech_is(linker: Linker) -> None:
    assert links(linker, "هاجم زعيم حزب «إسرائيل بيتنا» الحكومة") == []
    assert links(linker, "واعلن المتحدث ان « اسرائيل تحركت اثر وقوع انتهاك للقرار » امس") == [("اسرائيل", "Q801")]


def test_straight_quotes_pair_in_order(linker: Linker) -> None:
    """The closing quote of a long quotation and the opening one of the next enclose no title."""
    text = 'واضاف " يجب على الحكومة ان تلتزم بالقرارات الدولية كاملة " ، مشددا على ان فرنسا ستواصل " التحرك بحزم " .'
    assert links(linker, text) == [("فرنسا", "Q142")]


def test_a_place_right_after_an_organisations_type_is_a_word_of_its_name(linker: Linker) -> None:
    """صحيفة القدس is a newspaper, جامعة القاهرة a university: not Jerusalem, not Cairo. After a
    proclitic (الشركة بالسعودية: the company in Saudi Arabia) the place is the place."""
    assert links(linker, "نشرت صحيفة القدس تقريرا عن الاستيطان.") == []
    assert links(linker, "درس في جامعة القاهرة ثم سافر إلى باريس.") == [("باريس", "Q90")]
    assert links(linker, "وقال مدير الشركة بالسعودية إن الأرباح ارتفعت.") == [("السعودية", "Q851")]
    assert links(linker, "زار الوفد مدينة القدس أمس.") == [("القدس", "Q1218")]


def test_resolve_reads_past_a_clerics_two_word_title(linker: Linker) -> None:
    """آية الله: the first word is the title (a cue), the second no name of his."""
    for query in ("آية الله علي خامنئي", "آية الله خامنئي"):
        assert [c.entity.qid for c in linker.resolve(query)][:1] == ["Q57336"], query


ANY_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list("والمغرب الرباط نتنياهو، 😀\u200c\u0640\u064e")), st.characters()),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_spans_always_slice_the_callers_text(linker: Linker, before: str, after: str) -> None:
    text = before + " زار بوريطة والمغرب والرباط " + after
    for mention in linker.link(text).mentions:
        assert text[mention.start : mention.end] == mention.surface
        assert 0.0 <= mention.score <= 1.0
        assert mention.surface.strip() == mention.surface and mention.surface


def test_people_sharing_a_surname_follow_the_full_name(linker: Linker) -> None:
    text = "استذكر الصحفي تومي لبيد تلك الأيام، وقال لبيد إن الحكومة أخطأت"
    assert [label for _, label in _links(linker, text)] == ["Tommy Lapid", "Tommy Lapid"]
    text = "قال يائير لابيد إن الائتلاف سينهار، وأضاف لابيد أن الانتخابات قريبة"
    assert [label for _, label in _links(linker, text)] == ["Yair Lapid", "Yair Lapid"]


def test_a_patronymic_after_another_given_name_is_that_persons(linker: Linker) -> None:
    """بن محمد is الحسن الثاني's patronymic, بن سلمان the crown prince's: after علي or خالد they are
    part of another man's name (even though على "on" is spelled as علي), and a kunya gives no family
    name (أبو مازن: مازن alone is nobody)."""
    assert _links(linker, "وقال علي بن محمد إن الاجتماع انتهى") == []
    assert _links(linker, "قال الشيخ عبد الله بن محمد الحسن إن الاجتماع انتهى") == []
    assert _links(linker, "وقال الأمير خالد بن سلمان إن الاجتماع انتهى") == []
    assert _links(linker, "وقال مازن إن الاجتماع انتهى") == []
    assert _links(linker, "التقى بن سلمان بالرئيس الفرنسي") == [("بن سلمان", "Mohammed bin Salman")]


def test_another_spelling_needs_its_cue_right_before_it(linker: Linker) -> None:
    """السعيدة ("happy") is a vowel away from السعودية; بلاد two words back announces العرب, not it."""
    assert _links(linker, "وكانت بلاد العرب السعيدة .") == []


def test_a_colours_feminine_is_an_ordinary_word_and_a_city_with_a_cue(linker: Linker) -> None:
    """الزرقاء is "the blue" (فعلاء of أزرق, which the lexicon lists only in the masculine) before it
    is the Jordanian city: alone it links nothing; after مدينة, or listed with Amman, it is the city."""
    assert ordinary_share("الزرقا") >= MOSTLY_ORDINARY and is_adjective("البيضا")
    assert _links(linker, "وتشمل البطاقات الزرقاء والذهبية والبلاتينية") == []
    assert _links(linker, "وقع الانفجار في مدينة الزرقاء") == [("الزرقاء", "Zarqa")]
    assert ("الزرقاء", "Zarqa") in _links(linker, "زار الملك عمان والزرقاء وإربد")


def test_resolve_matches_its_context_with_descriptions(linker: Linker) -> None:
    """A Resolve context is read like the words around a name: الإسكندرية in a context about a city
    in the state of Virginia is the American city (its description: مدينة في ولاية فرجينيا), alone the
    Egyptian one; the context's names count, since they say where the entity is."""

    def resolved(name: str, context: str) -> list[str]:
        return [candidate.entity.qid for candidate in linker.resolve(name, context)][:2]

    assert resolved("الإسكندرية", "عقدت المحكمة جلستها في مدينة بولاية فرجينيا الأمريكية") == ["Q88", "Q87"]
    assert resolved("الإسكندرية", "") == ["Q87", "Q88"]
    assert resolved("الإسكندرية", "افتتح مهرجان البحر المتوسط السينمائي في مصر") == ["Q87", "Q88"]


def test_rare_place_named_like_an_ordinary_word_needs_support(tmp_path: Path) -> None:
    village = {
        "qid": "Q90000000002",
        "type": "place",
        "label_ar": "قال",
        "label_en": "Qal (test village)",
        "sitelinks": 12,
        "instance_of": ["Q532"],
    }
    hamlet = {**village, "qid": "Q90000000003", "label_ar": "مهمة", "label_en": "Muhimma (test hamlet)", "sitelinks": 1}
    city = {"qid": "Q3551", "type": "place", "label_ar": "الرباط", "label_en": "Rabat", "sitelinks": 150}
    small = Linker(load_gazetteer(build_gazetteer(tmp_path, [village, hamlet, city])))
    assert [m.entity.qid for m in small.link("قال الوزير إن الرباط جاهزة").mentions] == ["Q3551"]
    assert [m.entity.qid for m in small.link("وصل الوفد إلى قرية قال شمال البلاد").mentions] == ["Q90000000002"]
    # A hamlet with a sitelink or none: an ordinary word after a cue is the phrase's adjective (مدينة مهمة).
    assert [m.entity.qid for m in small.link("زار الوفد قرية مهمة في الشمال").mentions] == []


def test_a_definite_word_after_an_honorific_is_an_epithet_with_a_proclitic_too(linker: Linker) -> None:
    """الجليل is Galilee, but after الصحابي or الإمام, even glued to و or ف, it is "the venerable"."""
    assert _links(linker, "سقطت صواريخ في الجليل أمس") == [("الجليل", "Galilee")]
    for honorific in ("الإمام", "والإمام", "فالصحابي"):
        assert _links(linker, f"سافر {honorific} الجليل إلى المدينة") == [], honorific


def test_a_name_joined_by_wa_to_an_anchor_is_read_as_the_same_class_of_entity(linker: Linker) -> None:
    """عمان is Amman and Oman: after a city and و it is the city, after a country the country."""
    assert _links(linker, "ويرى خبراء أن مدناً كالقاهرة وعمّان قد تستفيد من انتقال الشركات") == [
        ("القاهرة", "Cairo"),
        ("عمّان", "Amman"),
    ]
    assert _links(linker, "وقعت مصر وعمان اتفاقا تجاريا جديدا") == [("مصر", "Egypt"), ("عمان", "Oman")]
    # A list takes its class from what comes before: عمان between قطر and القاهرة is a country.
    listed = _links(linker, "سيعرض الفيلم في الكويت والبحرين وقطر وعمان والقاهرة.")
    assert ("عمان", "Oman") in listed


def test_a_generic_organisation_name_before_l_and_a_noun_is_that_noun_s(linker: Linker) -> None:
    """الجمعية العامة للشركة is the company's general assembly; للأمم المتحدة, a name, leaves the UN's
    council its name, and so does nothing after it. A name that opens with no organisation's type is
    not a body that something has (مفتشي الأمم المتحدة للأسلحة)."""
    assert _links(linker, "وأضاف أن الجمعية العامة للشركة ستنعقد الشهر المقبل") == []
    assert _links(linker, "وقالت الجمعية العامة للحزب إنها ستنعقد") == []
    assert _links(linker, "وأضاف أن الجمعية العامة ستنعقد في نيويورك")[0] == (
        "الجمعية العامة",
        "United Nations General Assembly",
    )
    assert _links(linker, "ودعا مجلس الأمن للأمم المتحدة إلى وقف القتال")[0] == (
        "مجلس الأمن",
        "United Nations Security Council",
    )
    assert ("الأمم المتحدة", "United Nations") in _links(linker, "وقال مفتشي الأمم المتحدة للأسلحة إنهم سيعودون")


def test_a_dateline_names_the_city_a_story_was_filed_from(linker: Linker) -> None:
    """تونس (وات) - opens a story from Tunis; تونس elsewhere, a dash after it or not, is the country."""
    assert _links(linker, "تونس (وات) - أشرف رئيس الجمهورية على اجتماع بقصر قرطاج.") == [("تونس", "Tunis")]
    assert _links(linker, "الكويت - كونا - استقبل ولي العهد وفدا رسميا.")[0] == ("الكويت", "Kuwait City")
    assert _links(linker, "أعلنت تونس - في بيان - أنها تدعم المبادرة.") == [("تونس", "Tunisia")]
    text = "أعلنت الحكومة خطة جديدة.\nالجزائر (واج) - أعلنت وزارة الداخلية عن إجراءات."
    assert ("الجزائر", "Algiers") in _links(linker, text)
    assert _links(linker, "لبنان - قال مسؤولون إن الوضع هادئ.") == [("لبنان", "Lebanon")]


def test_a_cue_does_not_reach_into_the_next_sentence(linker: Linker) -> None:
    """العاصمة ends one sentence; the country that opens the next is not asked to be a city."""
    assert _links(linker, "توجه الوفد إلى العاصمة. لبنان يستعد للانتخابات.") == [("لبنان", "Lebanon")]


def test_a_municipality_announces_its_town(linker: Linker) -> None:
    """بلدية حماة is the town of Hama; حماة البيئة ("the environment's protectors") is no town, and
    بلدية المنطقة is the region's municipality, not a place named المنطقة."""
    text = "قال رئيس بلدية حماة إن المدينة تعرضت لأضرار كبيرة، داعيا حماة البيئة إلى التحرك."
    assert _links(linker, text) == [("حماة", "Hama")]


def test_a_shared_institution_name_said_to_be_elsewhere_is_not_its_countrys(tmp_path: Path) -> None:
    """وزارة الصحة names a ministry of every country. A story that names Doha puts Qatar's in view, but
    not where the text says the ministry is somewhere else (في غزة، بغزة)."""
    ministry = synthetic_entity(881, "organization", "وزارة الصحة", 20, country="Q846")
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), ministry])))
    doha = "فيما تستضيف الدوحة المفاوضات."
    for elsewhere in ("في غزة", "بغزة", "في قطاع غزة"):
        found = links(linker, f"قالت وزارة الصحة {elsewhere} إن عدد الضحايا ارتفع، {doha}", "qid")
        assert "Q9000000881" not in {qid for _, qid in found}, elsewhere
    here = (f"قالت وزارة الصحة في الدوحة إن عدد المصابين ارتفع، {doha}", f"{doha} وقالت وزارة الصحة إن العدد ارتفع.")
    for text in here:
        assert ("وزارة الصحة", "Q9000000881") in links(linker, text, "qid")


def test_a_conjunction_and_a_particle_make_a_word_whatever_a_gazetteer_names_so(tmp_path: Path) -> None:
    """ففي ("so in"), ومن ("and from") are words of the language, even where a large gazetteer has a
    fairly well-known place of that name."""
    places = [synthetic_entity(882 + n, "place", name, 41, country="Q1025") for n, name in enumerate(("ففي", "ومن"))]
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), *places])))
    assert _links(linker, "ففي عام 1877 أعلنت روسيا الحرب، ومن ثم تغير كل شيء") == [("روسيا", "Russia")]


def test_a_cue_before_a_proclitic_does_not_name_an_ordinary_word(tmp_path: Path) -> None:
    """مؤسسة للسلام is "a foundation for peace": the ل begins another phrase, so a well-known
    organisation named السلام is not named there; مؤسسة السلام names it."""
    organisation = synthetic_entity(884, "organization", "السلام", 109, country="Q928")
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), organisation])))
    assert _links(linker, "وقال إن الاتفاق يكون جزءا من مؤسسة للسلام في المنطقة") == []
    assert links(linker, "وقالت مؤسسة السلام في بيان إن", "qid") == [("السلام", "Q9000000884")]


def test_a_cue_some_words_back_does_not_speak_for_a_name_of_ordinary_words(tmp_path: Path) -> None:
    """In وبحسب الصحيفة فإن شركة طيران ريان إير the cue is the newspaper's: a little-known airline
    named شركة طيران ("an airline company") is not named, though its country in view would name it,
    nor one a letter away (شركة طرران)."""
    airline = synthetic_entity(885, "organization", "شركة طيران", 5, country="Q79")
    typo = synthetic_entity(886, "organization", "شركة طرران", 2, country="Q970")
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), airline, typo])))
    assert _links(linker, "وبحسب الصحيفة فإن شركة طيران ريان إير تقف خلف هذا التحرك") == []
    assert ("شركة طيران", "Q9000000885") in links(linker, "زار الوفد مصر. وقالت شركة طيران إنها ستزيد رحلاتها", "qid")


def test_a_well_known_place_or_person_named_by_ordinary_words_needs_no_country_in_view(tmp_path: Path) -> None:
    """الدار البيضاء ("the white house") is Casablanca and بان كي مون is Ban Ki-moon whatever namesake
    a large gazetteer holds; a name every country's institution bears (وزارة الصحة) still needs its
    country in view."""
    namesake = synthetic_entity(887, "place", "الدار البيضاء", 20, country="Q298")
    person = synthetic_entity(890, "person", "بان كي مون", 3, country="Q884")
    ministries = [
        synthetic_entity(888 + n, "organization", "وزارة الصحة", 90, country=country)
        for n, country in enumerate(("Q1028", "Q948"))
    ]
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), namesake, person, *ministries])))
    assert links(linker, "وصل الوفد إلى الدار البيضاء أمس", "qid") == [("الدار البيضاء", "Q7903")]
    assert links(linker, "وذكرت مصادر أن بان كي مون يزور المنطقة", "qid") == [("بان كي مون", "Q1253")]
    assert links(linker, "وقالت وزارة الصحة إن العدد ارتفع", "qid") == []


def test_a_place_type_with_the_article_after_a_place_cue_is_no_name(tmp_path: Path) -> None:
    """بلدية المنطقة, مدينة المدينة: a place's type after a place cue is a noun, even where a large
    gazetteer has a village named so; a name after the cue still is one (بلدية حماة)."""
    village = synthetic_entity(870, "place", "المنطقة", 20, country="Q41")
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), village])))
    assert _links(linker, "وذلك بدعوة من بلدية المنطقة كتعبير عن تضامنها") == []
    assert _links(linker, "قال رئيس بلدية حماة إن الأضرار كبيرة") == [("حماة", "Hama")]


def test_darija_words_are_ordinary_words(tmp_path: Path) -> None:
    """Quoted speech and Maghreb outlets write Moroccan Darija: ولاو ("became"), فهاد ("in this"),
    الدراري ("the kids"), جداد ("new") are words, not the village, the man or the family a large
    gazetteer names so; the names in the same text still link."""
    crowd = [
        synthetic_entity(880, "place", "ولاو", 40, country="Q1028"),
        synthetic_entity(881, "person", "عبد المؤمن الدراري", 40),
        synthetic_entity(882, "person", "كير جداد", 40),
        synthetic_entity(883, "place", "فهاد", 40, country="Q1028"),
    ]
    linker = Linker(load_gazetteer(build_gazetteer(tmp_path, [*seed_entities(), *crowd])))
    text = (
        "الناس فالرباط ولاو كيشكيو من الغلا، وقال واحد المواطن بلي الكرا طلع بزاف فهاد العامين "
        "والدراري كيمشيو لبرا، والحكومة غادي تبني سبيطارات جداد فطنجة."
    )
    assert _links(linker, text) == [("الرباط", "Rabat"), ("طنجة", "Tangier")]


def test_resolve_reads_past_a_definite_adjective_after_the_name(linker: Linker) -> None:
    """القدس المحتلة is "occupied Jerusalem": the adjective, which the word counts miss in the
    feminine, is read as a role after the name is."""
    assert [c.entity.qid for c in linker.resolve("القدس المحتلة")][:1] == ["Q1218"]
    assert [c.entity.qid for c in linker.resolve("الرباط العاصمة")][:1] == ["Q3551"]


def test_a_states_or_provinces_type_is_not_its_namesake_city(linker: Linker) -> None:
    """ولاية واشنطن is the state, not the capital; محافظة القاهرة the governorate, not the city. Neither
    is in the seeds, so nothing links; a region of the name still does (إقليم دارفور), and a city
    after a city's type (مدينة القاهرة، العاصمة واشنطن)."""
    assert _links(linker, "دمرت الحرائق آلاف الهكتارات في ولاية واشنطن") == []
    assert _links(linker, "التقى محافظ محافظة القاهرة بالسكان") == []
    assert _links(linker, "وصل الوفد إلى إقليم دارفور") == [("إقليم دارفور", "Darfur")]
    assert _links(linker, "وصل الوفد إلى مدينة القاهرة") == [("القاهرة", "Cairo")]
    assert _links(linker, "وصل الوفد إلى العاصمة واشنطن") == [("واشنطن", "Washington, D.C.")]


def test_a_preposition_a_word_and_an_indefinite_adjective_are_a_noun_phrase(linker: Linker) -> None:
    """بحماس كبير is "with great enthusiasm": a name is definite and would take a definite adjective,
    so the word is حماس "enthusiasm" even in a text that names Hamas. لـX + an indefinite word says
    what X has (لإيران خصوصية "Iran has a character of its own"): Iran still links."""
    text = "استقبل الجمهور اللاعبين بحماس كبير، فيما أعلنت حماس موافقتها على المقترح"
    assert _links(linker, text) == [("حماس", "Hamas")]
    assert _links(linker, "لإيران خصوصية لا تخطئها عين زائرها") == [("إيران", "Iran")]


def test_an_acronym_written_with_full_stops_is_one_name(linker: Linker) -> None:
    """(أ.ف.ب) is أ ف ب written with full stops between its letters, as outlets write agencies'
    acronyms; the spans slice the caller's text exactly."""
    text = "قالت وكالة الأنباء الفرنسية (أ.ف.ب) إن المحادثات تعثرت في الدوحة."
    assert spans(linker, text) == expected_spans(
        text, [("وكالة الأنباء الفرنسية", "Q40464"), ("أ.ف.ب", "Q40464"), ("الدوحة", "Q3861")]
    )
    # A full stop ends a sentence between words: الدوحة. ثم is no name with it.
    assert _links(linker, "وصل الوفد إلى الدوحة. ثم غادر") == [("الدوحة", "Doha")]


def test_a_title_and_a_demonym_make_an_ordinary_word_a_family_name(linker: Linker) -> None:
    """مودي is also a word ("leading to"); after رئيس الوزراء الهندي it is the Indian prime minister,
    with the first-pass shortcuts as without them (a demonym right before keeps the span open)."""
    text = "التقى رئيس الوزراء الهندي مودي نظيره الباكستاني في القمة"
    assert _links(linker, text) == [("مودي", "Narendra Modi")]
    assert _links(Linker(linker.gazetteer, shortcuts=NO_SHORTCUTS), text) == [("مودي", "Narendra Modi")]
    assert _links(linker, "وهذا مودي إلى نتائج خطيرة") == []
    assert _links(linker, "قال رئيس الوزراء الباكستاني مودي إن الحوار مستمر") == []  # another country's

"""Matching and disambiguation on a gazetteer that lists no variant spelling.

Real seed entities are loaded with their aliases removed, as a thin Wikidata
item would have them, so every spelling below that is not a label has to be
reached by the matcher itself. Entities with QIDs from Q9000000001 up are
synthetic namesakes and places, the range the synthetic dumps use: they stand
for the crowd a large Wikidata gazetteer brings, and claim nothing real.
"""

from __future__ import annotations

import pytest

from gazetteer.loader import load_gazetteer
from server.linking import Linker
from tests.conftest import arabic_names, build_gazetteer, links, seed_entities, without_aliases

# Real seed entities, used with labels only.
_REAL = (
    "Q2821166",  # عبد المجيد تبون
    "Q57655",  # محمد بن راشد آل مكتوم
    "Q39259",  # رجب طيب أردوغان
    "Q95",  # غوغل
    "Q148",  # الصين
    "Q18808",  # بيونغ يانغ
    "Q61053",  # أولاف شولتس
    "Q79",  # مصر
    "Q43",  # تركيا
    "Q1396120",  # يائير لابيد
    "Q842",  # سلطنة عمان
    "Q55",  # هولندا
    "Q878",  # الإمارات
    "Q57410",  # شمعون بيريز
    "Q40464",  # وكالة الصحافة الفرنسية
    "Q846656",  # الأونروا
    "Q207",  # جورج دبليو بوش
    "Q23530",  # ديمتري ميدفيديف
)


def _synthetic(qid: int, kind: str, label: str, description: str, country: str, sitelinks: int) -> dict[str, object]:
    return {
        "qid": f"Q{9_000_000_000 + qid}",
        "type": kind,
        "label_ar": label,
        "label_en": "",
        "description_ar": description,
        "description_en": "",
        "aliases_ar": [],
        "aliases_en": [],
        "country": country,
        "sitelinks": sitelinks,
        "instance_of": ["Q5"] if kind == "person" else ["Q532"],
    }


SYNTHETIC = [
    # A person whose family name is a demonym, and a village named with an ordinary word.
    _synthetic(101, "person", "أحمد المصري", "لاعب كرة قدم", "Q79", 20),
    _synthetic(102, "place", "النور", "قرية في مصر", "Q79", 1),
    # Two namesakes: the better-known one is a footballer, the other a foreign minister.
    _synthetic(103, "person", "سامي الجبوري", "لاعب كرة قدم عراقي", "Q79", 30),
    _synthetic(104, "person", "خالد الجبوري", "وزير الخارجية العراقي", "Q79", 3),
    # A long formal name, as Wikidata labels some rulers.
    _synthetic(105, "person", "سالم بن حمد بن خليفة آل سالم", "أمير", "Q79", 40),
    # A family name that a string of other letters folds to: ضصثق → دسك.
    _synthetic(106, "person", "سامر دسك", "رجل أعمال", "Q79", 19),
    # An obscure man whose given name, as written, is another spelling of a well-known one's.
    _synthetic(107, "person", "أولف هانسن", "مهندس", "Q79", 0),
    # A word that is a name word as written and also a proclitic and another name word: بيونج، ب + يونج.
    _synthetic(108, "person", "بيونج سو", "لاعب كرة قدم", "Q148", 0),
    _synthetic(109, "person", "لي يونج", "ممثل", "Q148", 1),
    # A well-known man whose given name his label spells with غ, and an obscure one with ج: both are
    # the given name سيرجي / سيرغي, as outlets transliterate it.
    _synthetic(110, "person", "سيرغي فالنكوف", "سياسي روسي", "Q159", 120),
    _synthetic(111, "person", "سيرجي بتروف", "مهندس", "Q159", 0),
    # A family name that is a compound ending in الله.
    _synthetic(112, "person", "كريم نصر الله", "سياسي لبناني", "Q822", 60),
    # Family names in بن, labelled joined and apart.
    _synthetic(113, "person", "عبد الإله بنكيران", "سياسي مغربي", "Q1028", 40),
    _synthetic(114, "person", "شكيب بن موسى", "سياسي مغربي", "Q1028", 30),
    # Men named after their fathers, whose names are compound given names: Mauritanian style with
    # ولد, and without.
    _synthetic(115, "person", "سيدي ولد عبد الرحمن", "سياسي موريتاني", "Q1025", 40),
    _synthetic(116, "person", "علي عبد الكريم", "وزير", "Q79", 40),
    # A family name that is an adjective the frequency lexicon lists in another spelling (أوربي).
    _synthetic(117, "person", "إريك الأوروبي", "سياسي", "Q79", 30),
    # An obscure namesake of a well-known man, his given name spelled with its long vowel moved.
    _synthetic(118, "person", "دميتري ميدفيديف", "سياسي", "Q159", 2),
]


def _fixture_entities() -> list[dict[str, object]]:
    """The real seed entities above with their aliases removed, and the synthetic ones."""
    entities = [without_aliases(entity) for entity in seed_entities() if entity["qid"] in _REAL]
    assert len(entities) == len(_REAL)
    return entities + SYNTHETIC


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    return Linker(load_gazetteer(build_gazetteer(tmp_path_factory.mktemp("labels-only"), _fixture_entities())))


def _resolved(linker: Linker, name: str, context: str = "") -> list[str]:
    return [candidate.entity.qid for candidate in linker.resolve(name, context)]


def test_transliterated_consonants_of_a_well_known_name_link_alone(linker: Linker) -> None:
    for spelling in ("جوجل", "قوقل"):
        assert links(linker, f"أعلنت {spelling} استثمارات جديدة") == [(spelling, "Q95")], spelling


def test_a_fold_that_swaps_every_letter_is_no_spelling(linker: Linker) -> None:
    """ضصثق folds to دسك (ض/د، ص/س، ث/س، ق/ك): each swap occurs in transliteration, all four at once are noise."""
    assert _resolved(linker, "دسك") == ["Q9000000106"]
    assert _resolved(linker, "ضصثق") == []
    assert links(linker, "وقال ضصثق إن الطريق مقطوع") == []


def test_a_first_word_that_is_a_name_word_as_written_is_read_in_other_spellings_too(linker: Linker) -> None:
    """أولف is a word of an obscure name as written; in أولف شولتس it is another spelling of أولاف."""
    assert links(linker, "وقال المستشار الألماني أولف شولتس إن الحكومة باقية") == [("أولف شولتس", "Q61053")]
    # A given name is read only as written: أحمد is no spelling of another name's first word.
    assert links(linker, "وقال أحمد شولتس إن الحكومة باقية") == []


def test_a_first_word_that_is_also_a_proclitic_and_a_name_word_is_read_in_other_spellings_too(
    linker: Linker,
) -> None:
    """بيونج is a name word as written and ب + يونج: in بيونج يانج it is still another spelling of بيونغ."""
    assert links(linker, "وصل الوفد إلى بيونج يانج أمس") == [("بيونج يانج", "Q18808")]
    assert _resolved(linker, "بيونج يانج")[:1] == ["Q18808"]


def test_a_country_is_named_without_the_kind_of_state_its_label_opens_with(linker: Linker) -> None:
    """Labelled سلطنة عمان, with no alias: news calls it عمان."""
    assert links(linker, "وأعلنت عمان استعدادها للوساطة بين الطرفين") == [("عمان", "Q842")]


def test_a_dropped_vowel_that_merges_two_consonants_makes_no_spelling(linker: Linker) -> None:
    """السنين ("the years") and الصين share a skeleton only once the ي between its two ن goes."""
    text = "برع فيها الصينيون منذ مئات السنين، ومازالوا يمارسونها."
    assert ("السنين", "Q148") not in links(linker, text)
    assert _resolved(linker, "السنين") == []


def test_a_well_known_name_with_a_long_vowel_added_or_dropped_links_alone(linker: Linker) -> None:
    """هولندة is هولندا with no cue; المرات, a definite word a vowel away from الإمارات, is a word ("times")."""
    assert links(linker, "تقع المحكمة في لاهاي في هولندة منذ عقود") == [("هولندة", "Q55")]
    assert links(linker, "شاهدها الملايين آلاف المرات هذا العام") == []


def test_a_long_name_is_shortened_after_its_titles_not_through_them(linker: Linker) -> None:
    """وكالة is a title of the query, not a given name: no short form "وكالة بريس" reaches شمعون بيريز."""
    assert "Q57410" not in _resolved(linker, "وكالة فرانس بريس")
    assert _resolved(linker, "الشيخ محمد بن راشد بن سعيد آل مكتوم")[:1] == ["Q57655"]


def test_junior_after_a_name_is_no_part_of_it(linker: Linker) -> None:
    """Labelled جورج دبليو بوش only: جورج بوش الابن is his given and family name, and "Jr."."""
    assert _resolved(linker, "جورج بوش الابن")[:1] == ["Q207"]


def test_a_family_name_ending_in_allah_is_found_whole_apart_or_joined(linker: Linker) -> None:
    """كريم نصر الله is نصر الله and نصرالله alone; الله alone names nobody."""
    for spelling in ("نصر الله", "نصرالله"):
        assert links(linker, f"وقال {spelling} في خطاب متلفز إن الحكومة باقية") == [(spelling, "Q9000000112")]
    assert links(linker, "والحمد لله وقال عبد الله إن الله كريم") == []
    assert _resolved(linker, "الله") == []


def test_a_family_name_in_bin_is_found_joined_or_apart(linker: Linker) -> None:
    """Moroccan news writes بنكيران and بن كيران, بن موسى and بنموسى, whichever the label has."""
    for spelling in ("عبد الإله بن كيران", "عبدالإله بن كيران", "بنكيران", "بن كيران"):
        assert links(linker, f"وقال {spelling} إن الحزب سيشارك في الانتخابات") == [(spelling, "Q9000000113")]
        assert _resolved(linker, spelling)[:1] == ["Q9000000113"]
    for spelling in ("شكيب بنموسى", "بنموسى", "بن موسى"):
        assert links(linker, f"وقال {spelling} إن الوزارة ستواصل الإصلاح") == [(spelling, "Q9000000114")]


def test_a_compound_given_name_alone_is_nobodys_family_name(linker: Linker) -> None:
    """عبد الرحمن ends سيدي ولد عبد الرحمن's name and عبد الكريم ends علي عبد الكريم's, but alone each
    is anyone's given name; the family name with ولد (ولد عبد الرحمن) is his."""
    assert links(linker, "وقال عبد الرحمن إن الوضع مستقر") == []
    assert links(linker, "وقال الوزير عبد الكريم إن الوضع مستقر") == []
    assert links(linker, "وقال ولد عبد الرحمن إن الوضع مستقر") == [("ولد عبد الرحمن", "Q9000000115")]
    text = "وقال سيدي ولد عبد الرحمن إن الوضع مستقر. وأضاف ولد عبد الرحمن أن"
    assert links(linker, text) == [("سيدي ولد عبد الرحمن", "Q9000000115"), ("ولد عبد الرحمن", "Q9000000115")]


def test_an_acronym_labelled_with_the_article_is_found_without_it(linker: Linker) -> None:
    assert _resolved(linker, "اونروا")[:1] == ["Q846656"]
    assert links(linker, "قالت أونروا إن المساعدات لم تصل") == [("أونروا", "Q846656")]


def test_a_given_name_is_read_with_its_consonants_transliterated_otherwise(linker: Linker) -> None:
    """سيرجي is a given name as written (an obscure man's); it is سيرغي too, but محمد is never محمود."""
    assert links(linker, "وقال سيرجي فالنكوف إن المحادثات مستمرة") == [("سيرجي فالنكوف", "Q9000000110")]


def test_a_hamza_on_another_seat_is_another_spelling(linker: Linker) -> None:
    """يئير / يائير: the hamza on ي or after ا. Folded, يئير collapses to ير and looks nothing like ياير;
    as written it is one letter away."""
    assert links(linker, "وقال وزير الخارجية الإسرائيلي يئير لابيد إن المحادثات مستمرة") == [("يئير لابيد", "Q1396120")]


def test_a_dropped_vowel_alone_is_not_enough_without_context(linker: Linker) -> None:
    # السنين ("the years") has the skeleton of الصين: an inflected word, not China.
    assert links(linker, "خلال السنين الماضية ارتفعت الأسعار") == []


def test_a_vowel_variant_inside_a_full_name_links(linker: Linker) -> None:
    assert links(linker, "قال رجب طيب اردغان اليوم") == [("رجب طيب اردغان", "Q39259")]


def test_compounds_and_words_joined_or_apart(linker: Linker) -> None:
    assert links(linker, "استقبل الرئيس عبدالمجيد تبون الوفد") == [("عبدالمجيد تبون", "Q2821166")]
    assert links(linker, "وصل الوفد إلى بيونغيانغ أمس") == [("بيونغيانغ", "Q18808")]


def test_a_long_name_without_its_family_or_middle_names(linker: Linker) -> None:
    assert links(linker, "أعلن محمد بن راشد خطة جديدة") == [("محمد بن راشد", "Q57655")]
    # بن joined to a name word that does not join the next letter: the writer saw محمد بن.
    assert links(linker, "أعلن محمدبن راشد خطة جديدة") == [("محمدبن راشد", "Q57655")]
    assert _resolved(linker, "سالم بن حمد آل سالم")[:1] == ["Q9000000105"]


def test_resolve_reads_past_titles_and_long_lineages(linker: Linker) -> None:
    assert _resolved(linker, "الرئيس التركي أردوغان")[:1] == ["Q39259"]
    assert _resolved(linker, "المستشار شولتز")[:1] == ["Q61053"]
    assert _resolved(linker, "محمد بن راشد بن سعيد آل مكتوم")[:1] == ["Q57655"]
    assert _resolved(linker, "عمر الجبوري") == []  # another given name: someone else


def test_resolve_reads_a_role_after_the_name(linker: Linker) -> None:
    """A name followed by its role, as a record or a caption gives it: the role is read as the words
    around a name are, and chooses between namesakes as they do."""
    assert _resolved(linker, "رجب طيب أردوغان، الرئيس التركي")[:1] == ["Q39259"]
    assert _resolved(linker, "أولاف شولتس المستشار الألماني")[:1] == ["Q61053"]
    assert _resolved(linker, "الجبوري وزير الخارجية العراقي")[:1] == ["Q9000000104"]
    assert _resolved(linker, "وزير الخارجية العراقي") == []


def test_a_nisba_alone_is_an_adjective_not_a_person(linker: Linker) -> None:
    assert links(linker, "قال الوزير المصري إن المفاوضات مستمرة") == []
    assert links(linker, "سجل أحمد المصري هدفين") == [("أحمد المصري", "Q9000000101")]
    # الأوروبي as news spells it, where the lexicon lists الأوربي.
    assert links(linker, "وقال الممثل الأعلى للسياسة الخارجية الأوروبي إن المفاوضات مستمرة") == []
    assert links(linker, "وقال إريك الأوروبي إن المفاوضات مستمرة") == [("إريك الأوروبي", "Q9000000117")]


def test_an_obscure_village_gains_nothing_from_its_country_being_named(linker: Linker) -> None:
    assert links(linker, "قالت مصر إن النور عاد إلى الشوارع") == [("مصر", "Q79")]


def test_a_given_name_refers_back_to_the_person_named_in_full(linker: Linker) -> None:
    text = "زار أولاف شولتس باريس. وقال أولاف إن المحادثات مثمرة."
    assert links(linker, text)[-1] == ("أولاف", "Q61053")
    assert ("أولاف", "Q61053") not in links(linker, "وقال أولاف إن المحادثات مثمرة.")


def test_the_words_around_a_surname_choose_between_namesakes(linker: Linker) -> None:
    assert links(linker, "قال وزير الخارجية العراقي الجبوري إن") == [("الجبوري", "Q9000000104")]
    assert links(linker, "سجل لاعب كرة القدم الجبوري هدفا") == [("الجبوري", "Q9000000103")]


def test_the_fixture_has_no_variant_spelling() -> None:
    """The spellings the tests above link are in no name of the entities this module builds from."""
    names = arabic_names(_fixture_entities())
    assert "غوغل" in names  # the label is there
    for spelling in ("جوجل", "قوقل", "اردغان", "عبدالمجيد", "بيونغيانغ", "شولتز"):
        assert not any(spelling in name for name in names), spelling


def test_past_its_budget_a_call_reads_new_words_only_as_written(linker: Linker) -> None:
    from server.linking.spotter import FuzzyBudget, spot
    from server.linking.text import document_words

    text = "أعلنت قوقل وغوغل"
    words = document_words(text)
    spent = [s.key for s in spot(text, words, Linker(linker.gazetteer).index, FuzzyBudget(0))]
    assert spent == ["غوغل"]  # the label as written, not the variant: nothing was remembered
    budgeted = [s.key for s in spot(text, words, Linker(linker.gazetteer).index, FuzzyBudget())]
    assert budgeted == ["غوغل", "غوغل"]


def test_a_long_vowel_moved_past_a_consonant_is_another_spelling(linker: Linker) -> None:
    """دميتري is ديمتري with its ي moved past the م: one edit, and the consonants in the same order.
    Written so, with his family name spelled otherwise too, the well-known Medvedev is found, not
    an obscure namesake whose label is spelled that way."""
    readings = [m.word for _, m in linker.index.first_word_readings.value("دميتري")]
    assert "ديمتري" in readings
    text = "وقال نائب رئيس مجلس الأمن الروسي دميتري مدفيديف إن الحرب ستطول"
    assert ("دميتري مدفيديف", "Q23530") in links(linker, text)

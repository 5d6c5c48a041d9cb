"""A person named in full stays findable in a crowd of namesakes, as at a million entities.

A key keeps its best-known entities only (`MAX_CANDIDATES_PER_KEY`); a family name
shared by more, better-known people must still refer back to the one the text named
in full. And where the full name itself is shared, the words around it (its role)
choose, even when those words are the names of obscure villages.
Entities with QIDs from Q9000000001 up are synthetic: they claim nothing real.
"""

from __future__ import annotations

import pytest

from gazetteer.loader import load_gazetteer
from gazetteer.lookup_tables import MAX_CANDIDATES_PER_KEY
from server.linking import NO_SHORTCUTS, Linker
from tests.conftest import build_gazetteer, links, seed_entities, synthetic_entity, without_aliases

LOUDIYI = "Q2823172"  # عبد اللطيف لوديي (10 sitelinks in the seeds)
GUTERRES = "Q311440"  # أنطونيو غوتيريش (150 sitelinks), only his label here, as a thin item has it
AOUN = "Q29033962"  # جوزاف عون (40 sitelinks), only his label here too
LAPID = "Q1396120"  # يائير لابيد (75 sitelinks), only his label here too
COMPANY = "Q9000000950"


def _person(n: int, label: str, sitelinks: int, description: str = "") -> dict[str, object]:
    return synthetic_entity(951 + n, "person", label, sitelinks, description=description)


def _man(n: int, label: str, sitelinks: int, description: str, country: str = "") -> dict[str, object]:
    return synthetic_entity(1000 + n, "person", label, sitelinks, country=country, description=description)


def _village(n: int, label: str, sitelinks: int = 3, country: str = "Q79") -> dict[str, object]:
    return synthetic_entity(980 + n, "place", label, sitelinks, country=country)


_GIVEN = ("سامي", "خالد", "ماجد", "نبيل", "هشام", "وليد", "عادل", "عماد", "كمال", "جمال")
CROWD = [
    # More bearers of the family name than a key keeps, each better known than the minister.
    *(_person(n, f"{given} لوديي", 20 + n, "سياسي") for n, given in enumerate(_GIVEN)),
    synthetic_entity(950, "organization", "شركة لوديي", 110),
    # The minister's full name, borne by a better-known footballer too.
    _person(20, "عبد اللطيف لوديي", 12, "لاعب كرة قدم"),
    # The words after his name are villages' names somewhere.
    _village(0, "الوزير"),
    _village(1, "المنتدب"),
    # Towns named after a capital, each known a little (15 to 25 sitelinks).
    *(_village(2 + n, "طهران", 15 + 5 * n, country) for n, country in enumerate(("Q79", "Q796", "Q889"))),
    # An obscure man whose family name is the secretary-general's written with س for ش.
    _person(21, "ماريو غوتيريس", 0),
    # A man known a little (53 sitelinks) whose family name is another spelling of the title مولاي.
    _person(22, "دروركاي مووولي", 53),
    # A man known a little (66 sitelinks) whose family name is فتوى ("a fatwa") without its ف.
    _person(23, "فروبور توى", 66),
    # A hamlet whose name is وزارته ("his ministry") after و, with one letter folded.
    _village(5, "سارطة"),
    # A woman of the family name, less known than the crowd: the key leaves her out.
    _person(24, "سميرة لوديي", 3, "سياسية"),
    # The crown prince's full name borne by a crowd known a little, and by an obscure man with the
    # letter ز for س: alone under his spelling, no namesake lowers his score.
    *(_man(n, "محمد بن سلمان", 3 + n, "رجل أعمال") for n in range(7)),
    _man(7, "محمد بن زلمان", 2, "رجل أعمال", "Q1049"),
    # Kings named محمد, none of them the fifth: they share الملك محمد (a titled given name).
    *(_man(8 + n, f"محمد {ordinal}", 30 + n, "ملك المغرب") for n, ordinal in enumerate(("الأول", "الثاني"))),
    *(_man(10 + n, "محمد الخامس", 20 + n, "لاعب كرة قدم") for n in range(4)),
    # An Israeli known a little, labelled with the president's family name alone.
    _man(14, "هرتسوغ", 20, "سياسي", "Q801"),
    # A writer whose family name is an adjective ("absurd").
    _man(15, "عبد الجبار العبثي", 40, "كاتب"),
    # An obscure man whose family name is بوتن without its ب ("بوتن": ب + وتن).
    _man(16, "فاروق وتن", 2, "مزارع"),
    # A daughter and her father, better known, share a family name; her QID sorts first.
    _man(17, "سلمى زيدلان", 15, "كاتبة"),
    _man(18, "نادر زيدلان", 120, "رئيس وزراء"),
    # A man known a little, labelled with the Lebanese president's name as other outlets spell it.
    _man(19, "جوزيف عون", 4, "أكاديمي"),
    # A politician with no sitelinks labelled with the former prime minister's name as outlets spell it.
    _man(20, "يئير لبيد", 0, "سياسي من إسرائيل", "Q801"),
    # A minister known a little whose family name another minister of his country bears.
    _man(21, "سالم الكوهجي", 40, "وزير خارجية سلطنة عمان", "Q842"),
    # An Algerian town known a little whose name is one spelling away from a Moroccan city's.
    _village(6, "تووين", 13, "Q262"),
    # Bodies known a little named after well-known cities: a club, and a newspaper.
    synthetic_entity(1100, "organization", "القاهرة", 15, country="Q79", description="نادي رياضي"),
    synthetic_entity(1101, "organization", "القدس", 12, description="صحيفة فلسطينية يومية"),
    # A village as well known as a capital, named "the city".
    _village(7, "المدينة", 132, "Q796"),
    # A man known a little whose family name reads as و + a verb ("and it suffices").
    _man(22, "درافي ويكفي", 40, "رجل أعمال"),
    # A company known beyond a little named after a man: "Abbas's company".
    synthetic_entity(1102, "organization", "شركة عباس", 33, country="Q717", description="منظمة في فنزويلا"),
    # Villages known a little named like a man (سمير), like a prince of a play (هاملت), and like the
    # end of a foreign family name after ب (لير, in بلير).
    _village(8, "سمير", 15, "Q796"),
    _village(9, "هاملت", 15, "Q796"),
    _village(10, "لير", 4, "Q796"),
    # A politician known a little whose family name is also a word ("mourning", "blacksmith"), and one
    # whose family name is a demonym's spelling one letter away (المرقي / الأميركي).
    _man(23, "حنان الحداد", 30, "سياسية"),
    _man(24, "صابر المرقي", 30, "سياسي"),
    # A town known a little whose name is a foreign given name without its first letter (كلاوس: ك + لاوس).
    _village(11, "لاوس", 15, "Q796"),
]  # fmt: skip


def _thin(entity: dict[str, object]) -> dict[str, object]:
    return without_aliases(entity) if entity["qid"] in (GUTERRES, AOUN, LAPID) else entity


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    path = build_gazetteer(tmp_path_factory.mktemp("namesakes"), [*map(_thin, seed_entities()), *CROWD])
    return Linker(load_gazetteer(path))


def test_the_crowd_pushes_the_minister_out_of_his_family_names_candidates(linker: Linker) -> None:
    candidates = {c.entity.qid for c in linker._key_candidates("لوديي", frozenset()).candidates}
    assert len(candidates) == MAX_CANDIDATES_PER_KEY
    assert LOUDIYI not in candidates


def test_the_family_name_alone_refers_back_to_the_person_named_in_full(linker: Linker) -> None:
    text = "أجرى الوفد محادثات مع عبد اللطيف لوديي، الوزير المنتدب المكلف بإدارة الدفاع. ثم اجتمع لوديي بالوفد."
    assert links(linker, text) == [("عبد اللطيف لوديي", LOUDIYI), ("لوديي", LOUDIYI)]


def test_resolve_finds_the_person_its_context_names_in_full(linker: Linker) -> None:
    context = "التقى الوفد عبد اللطيف لوديي الوزير المنتدب المكلف بإدارة الدفاع"
    assert linker.resolve("لوديي", context)[0].entity.qid == LOUDIYI
    # Without the context, the best-known bearer of the name comes first.
    assert linker.resolve("لوديي")[0].entity.qid != LOUDIYI


def test_role_words_that_are_villages_names_still_choose_between_namesakes(linker: Linker) -> None:
    text = "أجرى الوفد محادثات مع عبد اللطيف لوديي، الوزير المنتدب المكلف بإدارة الدفاع."
    assert links(linker, text) == [("عبد اللطيف لوديي", LOUDIYI)]


def test_a_capital_among_little_known_namesakes_still_anchors_its_document(linker: Linker) -> None:
    """طهران shares its evidence with three towns, but it is far better known than any: it anchors the
    text, and the ordinary word مشهد ("scene") joined to it by و is read as the city."""
    assert len(linker._key_candidates("طهران", frozenset()).candidates) == 4
    text = "وتصدر الصحيفة في العاصمة طهران ومشهد منذ سنوات."
    assert links(linker, text) == [("طهران", "Q3616"), ("مشهد", "Q121157")]


def test_a_long_name_word_that_an_obscure_namesake_bears_is_still_read_with_one_typo(linker: Linker) -> None:
    """غوتيريس is a name as written (an obscure man's), and one letter from غوتيريش: the well-known
    bearer of the other spelling is found, and ranks first."""
    found = [c.entity.qid for c in linker.resolve("غوتيريس")]
    assert found[0] == GUTERRES
    text = "دعا الأمين العام للأمم المتحدة أنطونيو غوتيريس إلى وقف إطلاق النار."
    assert ("أنطونيو غوتيريس", GUTERRES) in links(linker, text)


def test_a_misspelled_name_is_read_whole_before_a_proclitic_and_an_obscure_name(linker: Linker) -> None:
    """بوتن is not a name word as written, and ب + وتن names only an obscure man: it is still read as
    another spelling of بوتين. A well-known name after the proclitic keeps it (وواشنطن, not واشنطون)."""
    assert linker.resolve("بوتن")[0].entity.qid == "Q7747"
    assert links(linker, "جهود الوساطة بين طهران وواشنطن") == [("طهران", "Q3616"), ("واشنطن", "Q61")]


def test_a_family_name_alone_after_two_bearers_named_in_full_is_the_better_known(linker: Linker) -> None:
    """Both named in full, the family name alone refers to either with the same evidence: the
    better-known one is taken, whichever was named first, not the one whose QID sorts first."""
    father, daughter = "Q9000001018", "Q9000001017"
    for text in (
        "حضرت سلمى زيدلان، ابنة نادر زيدلان، الحفل. وقالت إن زيدلان كان يحب البلاد.",
        "حضرت ابنة نادر زيدلان، سلمى زيدلان، الحفل. وقالت إن زيدلان كان يحب البلاد.",
    ):
        found = links(linker, text)
        assert ("سلمى زيدلان", daughter) in found and ("نادر زيدلان", father) in found
        assert found[-1] == ("زيدلان", father)
    assert linker.resolve("زيدلان")[0].entity.qid == father


def test_a_foreign_given_name_is_read_in_its_other_transliterations(linker: Linker) -> None:
    """جوزيف is a name word as written (an academic's) and a foreign given name: it is still read as
    جوزاف, and the president, far better known and named by his role, is linked. An Arabic given
    name is not read a vowel away (محمد عباس is no محمود عباس)."""
    text = "التقى رئيس الجمهورية اللبنانية جوزيف عون رئيس الحكومة في قصر بعبدا."
    assert ("جوزيف عون", AOUN) in links(linker, text)
    assert all(qid != "Q127998" for _, qid in links(linker, "وقال اللاعب محمد عباس إن الفريق جاهز للمباراة"))


def test_a_well_known_reading_beats_an_obscure_namesake_spelled_as_written(linker: Linker) -> None:
    """يئير لبيد as written is an obscure Israeli politician's label; as يائير لابيد it is the former
    prime minister. The words around fit both; the far better-known one is taken."""
    text = "وكان وزير الخارجية الإسرائيلي، يئير لبيد، قد زار المغرب."
    assert ("يئير لبيد", LAPID) in links(linker, text)


def test_a_short_name_word_is_not_read_with_a_typo(linker: Linker) -> None:
    """الخليج (the Gulf) is one letter from الخليل (Hebron): on a six-letter word that is a typo
    reading too many, and it is not made."""
    readings = [m.word for _, m in linker.index.first_word_readings.value("الخليج")]
    assert "الخليل" not in readings


def test_a_title_before_another_spelling_of_a_family_name_is_not_enough(linker: Linker) -> None:
    """مولاي is one letter from مووولي; after الأمير it is a title, not a man known a little by that name.
    The well-known bearer of another spelling still links after a title (المستشار شولتز)."""
    assert links(linker, "وكان في الاستقبال الأمير مولاي رشيد") == []
    assert links(linker, "وقال المستشار شولتز إن الحكومة باقية") == [("شولتز", "Q61053")]


def test_an_ordinary_word_is_not_a_proclitic_and_a_little_known_name(linker: Linker) -> None:
    """فتوى is a word of the language; ف + توى is a reading only for a well-known name."""
    assert links(linker, "وتحفظت على قيد اللاعب استنادا الى فتوى لجنة شؤون اللاعبين") == []
    assert links(linker, "التقى وفد فروبور توى اليوم") == [("فروبور توى", "Q9000000974")]


def test_a_word_in_teh_marbuta_with_a_possessive_is_an_ordinary_word(linker: Linker) -> None:
    """وزارته is وزارة + ه ("his ministry"), written with ت: a word of the language, not و + a spelling
    of the hamlet سارطة, and no spelling variants are looked up for it. A stem of three letters counts
    too (أمته "his nation", لغته "his language")."""
    for word in ("وزارته", "حكومتها", "دولتهم", "امته", "لغته"):
        assert linker.index.is_ordinary.value(word), word
    assert linker.index.first_word_readings.value("وزارته") == ()


def test_gender_over_a_widened_family_name_is_the_same_with_and_without_shortcuts(linker: Linker) -> None:
    """سميرة لوديي joins the family name's candidates only once named in full (`_with_bearers`); the
    verb then chooses her over the men, and reusing first-pass answers must not change a score."""
    text = "التقت سميرة لوديي الوفد أمس. وقالت لوديي إن المحادثات مثمرة."
    plain = Linker(linker.gazetteer, shortcuts=NO_SHORTCUTS)
    fast_mentions, plain_mentions = linker.link(text).mentions, plain.link(text).mentions
    assert [(m.surface, m.entity.qid) for m in fast_mentions][-1] == ("لوديي", "Q9000000975")
    assert [(m.start, m.entity.qid, m.score) for m in fast_mentions] == [
        (m.start, m.entity.qid, m.score) for m in plain_mentions
    ]


def test_a_name_as_written_shared_by_namesakes_beats_an_unshared_other_spelling_of_it(linker: Linker) -> None:
    """Seven namesakes lower the crown prince's score; محمد بن زلمان, one obscure Sudanese man (and Sudan
    is named), is not lowered.
    The readings of the same words are compared by the evidence for their best candidates."""
    text = "استقبل ولي العهد السعودي الأمير محمد بن سلمان في الرياض وفدا من السودان."
    assert links(linker, text)[0] == ("محمد بن سلمان", "Q6892571")


def test_a_titled_given_name_is_one_word_against_a_longer_name_over_the_same_words(linker: Linker) -> None:
    """الملك محمد names the given name محمد only: محمد الخامس, two words, wins the overlap."""
    text = "زار الملك ضريح جده الملك محمد الخامس في الرباط."
    assert links(linker, text)[0] == ("محمد الخامس", "Q193874")


def test_a_person_labelled_with_one_word_is_named_by_it_no_better_than_its_famous_bearer(linker: Linker) -> None:
    """هرتسوغ is an obscure man's whole label and the president's family name: his label does not
    outweigh the president's 70 sitelinks and the role words around the name."""
    context = "استقبل الرئيس الإسرائيلي هرتزوغ وفدا أمريكيا في القدس"
    assert linker.resolve("هرتزوغ", context)[0].entity.qid == "Q983258"
    assert links(linker, context)[0] == ("هرتزوغ", "Q983258")


def test_a_definite_word_after_a_definite_noun_is_its_adjective_not_a_family_name(linker: Linker) -> None:
    """الجدل العبثي is "the absurd debate"; after a noun that names a person (الكاتب) it is the writer."""
    assert links(linker, "وتقرأ العملية في ضوء الجدل العبثي الدائر بين القوى السياسية") == []
    assert links(linker, "وقال الكاتب العبثي إن الرواية ستصدر قريبا") == [("العبثي", "Q9000001015")]


def test_a_family_name_after_another_given_name_is_not_its_known_bearers(linker: Linker) -> None:
    """بدر الكوهجي is not سالم الكوهجي, though the words around fit him. بدر is a given name by its own
    counts, which weigh its proclitic reading (ب + در) as written; so are فهد، كمال، فيصل. A foreign
    given name (إيلون) is no family name alone either: إيلون ماسك is not the Israeli minister بنيامين
    إيلون. باسم stays ب + اسم ("in the name of")."""
    for given in ("بدر", "فهد", "كمال", "فيصل"):
        assert links(linker, f"وصل وزير الخارجية العماني {given} الكوهجي إلى الرياض") == [("الرياض", "Q3692")]
    assert links(linker, "وصل وزير الخارجية العماني الكوهجي إلى الرياض")[0] == ("الكوهجي", "Q9000001021")
    assert links(linker, "وتراجعت أسهم الشركة بعد تصريحات إيلون ماسك") == []
    assert not linker.reader._is_given_name("باسم")


def test_another_spelling_listed_with_an_anchor_is_a_known_entitys_only(linker: Linker) -> None:
    """طنجة وتطوان lists two Moroccan cities; the second, not in the gazetteer, is one spelling from
    تووين, an Algerian town known a little: being listed is no reason to read it so. A well-known
    city's other spelling in a list is still read (الدار البيضا)."""
    assert links(linker, "فككت السلطات خلية في طنجة وتطوان") == [("طنجة", "Q126148")]
    assert links(linker, "فككت السلطات خلية في طنجة والدار البيضا") == [
        ("طنجة", "Q126148"),
        ("الدار البيضا", "Q7903"),
    ]


def test_an_institutions_type_before_a_known_place_names_the_places_institution(linker: Linker) -> None:
    """جامعة القاهرة is Cairo's university, not a club called القاهرة known a little; صحيفة القدس is the
    newspaper its description calls one, whose name is the city's."""
    assert links(linker, "شارك باحثون من جامعة القاهرة في الندوة") == []
    assert links(linker, "قال المدير المسؤول عن صحيفة القدس إن العدد صدر") == [("القدس", "Q9000001101")]


def test_a_places_type_is_no_name_after_a_direction_or_a_facility(linker: Linker) -> None:
    """وسط المدينة is "downtown" and مطار المدينة "the city's airport", whatever well-known village a
    large gazetteer calls المدينة."""
    assert links(linker, "قتل خمسة أشخاص في انفجار سيارة مفخخة وسط المدينة") == []
    assert links(linker, "حطت طائرة ثانية بمطار المدينة أمس") == []


def test_a_conjunction_and_a_verb_is_no_family_name_alone(linker: Linker) -> None:
    """ويكفي is "and it suffices": a clause, not the family name of a man known a little."""
    assert links(linker, "ويكفي أن تطالع الصحف المحلية لتعرف حجم الأزمة") == []
    assert links(linker, "التقى الوفد درافي ويكفي أمس") == [("درافي ويكفي", "Q9000001022")]


def test_a_given_name_in_a_companys_name_is_a_man_alone_not_the_company(linker: Linker) -> None:
    """شركة عباس is "Abbas's company": عباس alone is a man's name, not the company's short name."""
    assert links(linker, "وقال عباس إن المفاوضات متوقفة") == []
    assert links(linker, "أعلنت شركة عباس عن أرباح قياسية") == [("شركة عباس", "Q9000001102")]


def test_a_village_known_a_little_is_not_read_where_a_man_is_named(linker: Linker) -> None:
    """A given name alone is a man's (وقال سمير), and the name after a definite title its bearer's
    (الأمير هاملت), unless a verb makes the title its subject, before either is a village's known a
    little. A foreign family name (بلير) is no ب + a village known to few, though its country is named."""
    assert links(linker, "وقال سمير إن الاتفاق قريب") == []
    assert links(linker, "شاهدنا مسرحية الأمير هاملت أمس") == []
    # After a verb the title is its subject, and a place after it may be the verb's object.
    assert links(linker, "زار الوزير هاملت أمس") == [("هاملت", "Q9000000989")]
    assert links(linker, "وقال بلير إن الوضع في العراق خطير") == [("العراق", "Q796")]


def test_a_family_name_right_after_another_name_is_not_someone_elses(linker: Linker) -> None:
    """نتنياهو الحداد is "Netanyahu [declared] mourning": a one-word family name right after another
    name is no one's alone. A demonym before a name is no name, even when its spelling is one
    letter from a namesake's family name (الأميركي / المرقي)."""
    found = links(linker, "أعلن رئيس الوزراء الإسرائيلي نتنياهو الحداد على الضحايا")
    assert found == [("نتنياهو", "Q43723")]
    assert ("بوش", "Q207") in links(linker, "الغريب أن لا الرئيس الاميركي بوش ولا غيره تحدث")


def test_a_given_name_as_written_is_not_a_proclitic_and_a_place(linker: Linker) -> None:
    """كلاوس is the given name Klaus, not ك ("like") + لاوس, a town known a little."""
    assert links(linker, "وقال كلاوس إن الحدث فرصة تاريخية") == []

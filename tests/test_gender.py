"""Grammatical gender tells namesakes apart: وقالت كلينتون is a woman, وقال كلينتون a man.

A person's gender is read from the first word of their Arabic description, as Wikidata
writes it; the text's from the verb or the definite title right before the name.
Entities with QIDs from Q9000000001 up are synthetic: they claim nothing real.
"""

from __future__ import annotations

import pytest

from gazetteer.keys import name_key
from gazetteer.loader import load_gazetteer
from server.linking import Linker
from server.linking.gender import FEMALE, MALE, UNKNOWN, description_gender, noun_gender
from tests.conftest import build_gazetteer, links, seed_entities, synthetic_entity

HILLARY, BILL, HARRIS = "Q6294", "Q1124", "Q10853588"
NAMESAKE = "Q9000000701"  # a man named كامالا هاريس, better known than the vice-president here


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    namesake = synthetic_entity(701, "person", "كامالا هاريس", 200, description="محامي أمريكي")
    # A woman whose description is written in the masculine, as some are.
    lone = synthetic_entity(702, "person", "سامية ناصيفي", 100, description="سياسي لبناني")
    path = build_gazetteer(tmp_path_factory.mktemp("gender"), [*seed_entities(), namesake, lone])
    return Linker(load_gazetteer(path))


@pytest.mark.parametrize(
    ("description", "gender"),
    [
        ("وزيرة خارجية أمريكية سابقة", FEMALE),
        ("ممثلة مصرية", FEMALE),
        ("الرئيس الثاني والأربعون للولايات المتحدة", MALE),
        ("لاعب كرة قدم", MALE),
        ("شخصية سياسية", UNKNOWN),  # شخصية ("a personality") is feminine for anyone
        ("عاصمة المغرب", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_a_descriptions_first_word_says_a_persons_gender(description: str, gender: str) -> None:
    assert description_gender(description) == gender


def test_titles_in_both_genders() -> None:
    assert [noun_gender(name_key(w)) for w in ("الوزيرة", "الوزير", "المستشارة", "الخليفة")] == [
        FEMALE,
        MALE,
        FEMALE,
        UNKNOWN,
    ]


TWO_CLINTONS = (
    "شاركت هيلاري كلينتون في تجمع انتخابي، بعد أيام من ظهور زوجها بيل كلينتون في نيويورك. {} كلينتون إن الفوز ممكن."
)


@pytest.mark.parametrize(("verb", "qid"), [("وقالت", HILLARY), ("وقال", BILL), ("وأكدت", HILLARY), ("وأكد", BILL)])
def test_the_verb_before_a_shared_family_name_agrees_with_its_bearer(linker: Linker, verb: str, qid: str) -> None:
    found = links(linker, TWO_CLINTONS.format(verb))
    assert found[-1] == ("كلينتون", qid)


def test_a_title_in_a_construct_gives_the_heads_gender(linker: Linker) -> None:
    """نائبة الرئيس كامالا هاريس: the vice-president is the woman; الرئيس is the construct's second term."""
    assert links(linker, "وأعلنت نائبة الرئيس كامالا هاريس دعمها للقرار") == [("كامالا هاريس", HARRIS)]
    assert links(linker, "وأعلن المحامي كامالا هاريس دعمه للقرار") == [("كامالا هاريس", NAMESAKE)]


def test_a_past_verb_in_ta_is_no_feminine_present(linker: Linker) -> None:
    """تعهد، تلقى are masculine past verbs: they must not count against a man."""
    text = "شاركت هيلاري كلينتون في تجمع، بعد أيام من ظهور زوجها بيل كلينتون. وتعهد كلينتون بالدعم."
    assert links(linker, text)[-1] == ("كلينتون", BILL)


def test_gender_chooses_between_namesakes_and_never_lowers_a_lone_one(linker: Linker) -> None:
    """سياسي for a woman: with no namesake of the gender the verb asks for, her score is not lowered."""
    [she] = linker.link("وقالت ناصيفي إن الحكومة باقية").mentions
    [he] = linker.link("وقال ناصيفي إن الحكومة باقية").mentions
    assert she.entity.qid == he.entity.qid == "Q9000000702"
    assert she.score == he.score

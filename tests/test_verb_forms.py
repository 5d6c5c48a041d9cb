"""Conjugated verbs are ordinary words: يدرك and عانت are no obscure person's or village's name.

A lemma list (Arramooz) shows each verb once, in the past tense, so a large
gazetteer's namesakes and villages caught a text's verbs. The lexicon now lists
the regular conjugations of frequent verbs (`gazetteer.lexicon.verb_forms`).
"""

from __future__ import annotations

import pytest

from gazetteer.keys import name_key
from gazetteer.lexicon import conjugations, verb_forms
from gazetteer.loader import load_gazetteer
from server.linking import Linker
from tests.conftest import build_gazetteer, links, seed_entities, synthetic_entity

# Synthetic QIDs (the range the synthetic dumps use): they claim nothing real.
PERSON = "Q9000000801"  # someone whose family name is a verb form, known a little (7 sitelinks)
VILLAGE = "Q9000000802"  # a village named with one


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    crowd = [synthetic_entity(801, "person", "جون يدرك", 7), synthetic_entity(802, "place", "عانت", 7, country="Q79")]
    path = build_gazetteer(tmp_path_factory.mktemp("verbs"), [*seed_entities(), *crowd])
    return Linker(load_gazetteer(path))


def test_conjugations_of_sound_defective_and_hollow_verbs() -> None:
    assert {"يدرك", "تدرك", "يدركون", "ادركت"} <= conjugations(name_key("أدرك"))
    assert {"يستثمر", "تستثمر", "سيستثمر", "استثمروا"} <= conjugations(name_key("استثمر"))
    assert {"عانت", "يعاني", "يعانون"} <= conjugations(name_key("عانى"))
    # A hollow verb's present shows the root's و or ي, which its lemma writes as ا: both are made.
    assert {"قالت", "يقول", "تقول", "سيقول"} <= conjugations(name_key("قال"))
    assert {"يسير", "تسير"} <= conjugations(name_key("سار"))
    assert {"يشير", "تشير", "يشار"} <= conjugations(name_key("أشار"))


def test_verb_forms_leave_out_the_lexicons_own_words_and_given_names() -> None:
    forms = verb_forms()
    assert {"يدرك", "تستثمر", "اشكر", "عانت"} <= forms
    # أحمد "I praise" and أكرم "I honour" are names and adjectives with counts of their own.
    assert name_key("أحمد") not in forms
    assert name_key("أكرم") not in forms
    assert name_key("ناصر") not in forms


def test_a_verb_is_no_obscure_persons_surname_nor_a_villages_name(linker: Linker) -> None:
    assert links(linker, "وكان يدرك أن المدينة لن تسقط بسهولة.") == []
    assert links(linker, "فهو يدرك عواقب انعزال بلاده ويدرك أن شرعيته مستمدة من الخارج.") == []
    assert links(linker, "وهل عانت الممثلة من العنصرية خلال مشوارها؟") == []


def test_the_name_still_links_where_the_text_says_it_is_one(linker: Linker) -> None:
    # The person named in full, then by the family name alone.
    assert links(linker, "التقى الوفد جون يدرك أمس. وقال يدرك إن الطريق مقطوع.") == [
        ("جون يدرك", PERSON),
        ("يدرك", PERSON),
    ]
    # A type cue right before the village's name.
    assert links(linker, "وصل الوفد إلى قرية عانت صباح اليوم.") == [("عانت", VILLAGE)]

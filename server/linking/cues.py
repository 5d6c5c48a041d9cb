"""Cue words: the titles and nouns that announce what kind of entity follows.

الرئيس، الوزير، الملك announce a person; مدينة، العاصمة، ولاية a place;
وكالة، شركة، حركة an organisation. Written in natural spelling and keyed with
the gazetteer's normaliser.
"""

from __future__ import annotations

from functools import lru_cache

from gazetteer.keys import name_key
from gazetteer.records import EntityKind

_CUES: dict[EntityKind, str] = {
    EntityKind.PERSON: (
        "الرئيس رئيس الرئيسة رئيسة الوزير وزير وزيرة الوزيرة الملك ملك الملكة الأمير أمير الأميرة الشيخ "
        "السيد السيدة المستشار المستشارة الجنرال اللواء العميد الفريق المشير العقيد النائب النائبة "
        "السفير السفيرة المتحدث الناطق الزعيم زعيم القائد قائد المرشد الأمين الرئيسي البابا الإمام "
        "نظيره نظيرته نظيره عاهل العاهل السلطان سلطان ولي الصحابي الخليفة الداعية الحاخام القس المطران "
        "البطريرك الكاردينال آية"  # آية الله: the title of a senior Shia cleric
    ),
    EntityKind.PLACE: (
        "مدينة المدينة العاصمة عاصمة ولاية الولاية محافظة المحافظة منطقة إقليم الإقليم بلدة البلدة قرية "
        "القرية جزيرة الجزيرة دولة بلاد مقاطعة المقاطعة مطار ميناء حي ضواحي شوارع شمال جنوب شرق غرب بلدية "
        "وسط شمالي جنوبي شرقي غربي سلطنة مملكة المملكة جمهورية الجمهورية إمارة"
    ),
    EntityKind.ORGANIZATION: (
        "منظمة المنظمة وكالة الوكالة شركة الشركة حركة الحركة حزب الحزب جماعة الجماعة مجموعة المجموعة "
        "هيئة الهيئة صحيفة الصحيفة قناة القناة مجلس المجلس جهاز الجهاز بنك البنك مؤسسة المؤسسة "
        "جامعة الجامعة اتحاد الاتحاد تنظيم التنظيم جمعية الجمعية لجنة اللجنة"
    ),
}


# Place cues that say whether a city (False) or a country (True) follows.
_CITY_CUES = "مدينة المدينة العاصمة عاصمة بلدة البلدة قرية القرية ولاية الولاية محافظة المحافظة بلدية"
_COUNTRY_CUES = "دولة بلاد سلطنة مملكة المملكة جمهورية الجمهورية إمارة"


@lru_cache(maxsize=1)
def place_cue_wants_country() -> dict[str, bool]:
    """Normalised place cue → True when it announces a country, False for a city."""
    table = {name_key(w): False for w in _CITY_CUES.split()}
    table.update({name_key(w): True for w in _COUNTRY_CUES.split()})
    return table


# Place cues that name a state, a province or a region (ولاية واشنطن، محافظة القاهرة): a city of
# the same name is another entity.
_REGION_CUES = "ولاية الولاية محافظة المحافظة إقليم الإقليم مقاطعة المقاطعة"


@lru_cache(maxsize=1)
def region_cues() -> frozenset[str]:
    """Normalised place cues that announce a state, a province or a region."""
    return frozenset(name_key(w) for w in _REGION_CUES.split())


@lru_cache(maxsize=1)
def cue_kinds() -> dict[str, EntityKind]:
    """Normalised cue word → the kind it announces."""
    table: dict[str, EntityKind] = {}
    for kind, words in _CUES.items():
        for word in words.split():
            table.setdefault(name_key(word), kind)
    return table


# Honorifics after which a definite word is an epithet (الشيخ الجليل، الإمام الأكبر), not a place.
_HONORIFICS = "الشيخ الإمام الصحابي البابا الخليفة الداعية السيد السيدة الحاخام المطران البطريرك"


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """Normalised honorific titles."""
    return frozenset(name_key(word) for word in _HONORIFICS.split())

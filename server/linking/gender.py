"""Grammatical gender: what a person's Arabic description says of them, and what the words before a name say.

Arabic verbs and titles agree with their subject: وقالت كلينتون is a woman speaking,
وقال كلينتون a man. Where two people share a family name (هيلاري / بيل كلينتون), that
agreement tells them apart. A person's gender is read from the first word of their
Arabic description, as Wikidata writes it: an occupation or a title, in the feminine
(سياسية، وزيرة خارجية) or the masculine (سياسي، الرئيس الثاني والأربعون).
"""

from __future__ import annotations

from typing import Final

from gazetteer.keys import name_key

FEMALE: Final = "female"
MALE: Final = "male"
UNKNOWN: Final = ""

# Occupations and titles that open Wikidata's Arabic descriptions of people, in the masculine;
# the feminine adds ة (ه once normalised): سياسي / سياسية، وزير / وزيرة.
_PERSON_NOUNS_TEXT: Final = (
    "سياسي دبلوماسي وزير رئيس ملك أمير سفير نائب مستشار قاض قاضي محام محامي ممثل مغني كاتب صحفي شاعر "
    "روائي مخرج منتج مؤلف ملحن رسام مصور لاعب مدرب رياضي عداء سباح ناشط مناضل عالم باحث أستاذ مدرس "
    "طبيب مهندس مؤرخ فيلسوف اقتصادي رجل قائد زعيم ضابط جنرال عضو مذيع إعلامي مفكر فنان موسيقي مصمم "
    "مترجم ناشر معلق محلل خبير مسؤول موظف مغامر رائد سيد معارض مرجع ملياردير حاج دكتور مطرب نجم "
    "شهيد فقيد مفتي بطل أسير معتقل مرشح قيادي مدير محافظ حاكم"
)
_PERSON_NOUNS: Final = frozenset(map(name_key, _PERSON_NOUNS_TEXT.split()))
_DEFINITE: Final = "ال"
_FEMININE_ENDING: Final = "ه"  # ة, normalised


def noun_gender(word: str) -> str:
    """The gender of one normalised word if it is a person noun of `_PERSON_NOUNS` (with or without
    the article), masculine or feminine; UNKNOWN otherwise."""
    bare = word[len(_DEFINITE) :] if word.startswith(_DEFINITE) else word
    if bare in _PERSON_NOUNS:
        return MALE
    if bare.endswith(_FEMININE_ENDING) and bare[:-1] in _PERSON_NOUNS:
        return FEMALE
    return UNKNOWN


def description_gender(description_ar: str) -> str:
    """A person's gender as their Arabic description's first word says it (وزيرة خارجية → FEMALE)."""
    first = description_ar.strip().split(maxsplit=1)[:1]
    return noun_gender(name_key(first[0])) if first else UNKNOWN

"""Lookup keys: how a name becomes the strings the index is searched by.

- `name_key`: the normalised words of a name joined by single spaces. Text is
  matched word by word against these keys.
- `skeleton`: a coarse phonetic key of one word, for the spelling variants of
  transliterated names (غانتس / جانتس / قانتس / غانتز, نتنياهو / نتانياهو).
- `surname_keys`: the distinctive tail of a person's name (غانتس for بني غانتس),
  derived at build time so a later bare mention can be found.
- `short_name_keys`: the shorter forms news gives a long name (the given name
  and family name without the middle names, a بن chain cut after the father,
  a name without its آل family), also derived at build time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from gazetteer.normalize import normalize
from gazetteer.tokenize import words

# Consonant classes that transliterations of one foreign name swap freely:
# g (غ ج ق ك), s/z (س ز ص ث), t (ت ط), d (د ض ذ ظ).
_SKELETON_CLASSES: Final = str.maketrans(
    {
        "غ": "ك",
        "ج": "ك",
        "ق": "ك",
        "ز": "س",
        "ص": "س",
        "ث": "س",
        "ط": "ت",
        "ض": "د",
        "ذ": "د",
        "ظ": "د",
    }
)
_LONG_VOWELS: Final = "اوي"
# A run of one letter is kept once, and long vowels after the first letter are dropped, by regular
# expressions so the scan runs in C: `folded` is asked for every word a skeleton look-up brings back.
_REPEATED_LETTER: Final = re.compile(r"(.)\1+", re.DOTALL)
_LONG_VOWEL_AFTER_FIRST: Final = re.compile(f"(?<=.)[{_LONG_VOWELS}]", re.DOTALL)
# Particles that belong to the word after them in a family name: بن سلمان, آل ثاني, أبو مازن, and
# Mauritania's ولد ("son of": ولد عبد العزيز).
NAME_PARTICLES = frozenset(["بن", "ابن", "بنت", "ولد", "ابو", "ام", "ال", "عبد", "دي", "دا", "فان", "فون", "دو", "لا"])
# Words that end a compound name begun by the word before them: روح الله، نصر الله، نور الدين.
# They are no name alone: حسن نصر الله's family name is نصر الله, روح الله الخميني's given name روح الله.
COMPOUND_TAILS = frozenset(["الله", "الدين"])
# Junior and senior after a family name (جورج بوش الابن): no family name, and dropped before one.
GENERATIONS = frozenset(["الابن", "الاب"])
# Particles that say "son/daughter of": a chain of them is a lineage (محمد بن راشد بن سعيد).
_LINEAGE = frozenset(["بن", "ابن", "بنت"])
_FAMILY = "ال"  # آل, normalised: آل مكتوم names the family
_MIN_SHORT_NAME_UNITS = 3
_MIN_SURNAME_CHARS = 3


def name_key(name: str) -> str:
    """The lookup key of a name: its normalised words joined by one space."""
    return " ".join(words(normalize(name)))


def word_key(word: str) -> str:
    """The key of one written word: normalised, without the spaces a ligature may expand to."""
    return normalize(word).replace(" ", "")


# Proclitics glued to a word: a conjunction (و ف), then a preposition (ب ل, and ك "like"), each
# optional. Shortest first after each conjunction; the empty one first of all.
PROCLITICS: Final = tuple(c + p for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك"))


def _fold_consonants(word: str) -> str:
    """The consonant classes above folded; تس, one sound in German and Hebrew names, as س (ميرتس / ميرز)."""
    return word.translate(_SKELETON_CLASSES).replace("تس", "س")


def folded(word: str) -> str:
    """One normalised word with the consonants transliterations swap folded, and doubled letters collapsed.

    Finer than `skeleton`: the vowels stay, so two words with the same folded
    form differ only in letters that spell one sound (غوغل / جوجل / قوقل,
    بوينغ / بوينج, غانتس / جانتس) or in a doubled letter.
    """
    return _REPEATED_LETTER.sub(r"\1", _fold_consonants(word))


def skeleton(word: str) -> str:
    """A phonetic key of one normalised word.

    Folds the consonant classes above, drops long vowels after the first letter
    and a final ه, and collapses doubled letters: ماكرون and ماكرن both give مكرن.
    """
    return _REPEATED_LETTER.sub(r"\1", _without_vowels(word))


def consonants_in_order(word: str) -> str:
    """`skeleton` without merging the consonants a dropped vowel leaves side by side.

    السنين and الصين share the skeleton السن, but dropping ي from السنين leaves two ن
    (السنن): two words whose consonants differ are no spellings of one name. Doubled
    letters as written still count once (`folded`).
    """
    return _without_vowels(folded(word))


def _without_vowels(word: str) -> str:
    """The consonant classes folded, a final ه and the long vowels after the first letter dropped."""
    if not word:
        return ""
    consonants = _fold_consonants(word)
    if len(consonants) > 2 and consonants.endswith("ه"):
        consonants = consonants[:-1]
    return _LONG_VOWEL_AFTER_FIRST.sub("", consonants)


# Offices that end a person's name when they follow it in an alias (إليزابيث الثانية ملكة المملكة
# المتحدة): what comes after is the office and its country, no more of the name. Only words that
# are no given or family names too (not سلطان، امير، شيخ).
_OFFICES_AFTER_NAME: Final = frozenset(name_key(w) for w in ["ملك", "ملكة", "رئيس", "رئيسة", "إمبراطور", "إمبراطورة"])


def name_before_office(key: str) -> str:
    """A person's name key without an office and what follows it: اليزابيث الثانيه ملكه المملكه المتحده
    → اليزابيث الثانيه. The key itself when no office stands after its first word and before its last."""
    tokens = key.split(" ")
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _OFFICES_AFTER_NAME:
            return " ".join(tokens[:i])
    return key


def surname_keys(full_name_keys: Iterable[str], blocked: frozenset[str]) -> list[str]:
    """Distinctive tails of a person's names, as keys.

    The tail is the last word, with the particles before it (بن سلمان، بن عبد
    العزيز: a patronymic keeps its بن, for عبد العزيز alone is someone else) and
    the word before a compound tail (نصر الله), after a junior or senior (الابن).
    Tails that are `blocked` (regnal ordinals such as الخامس) or shorter than
    three letters are left out, and so is an office after the name (`name_before_office`).
    """
    tails: dict[str, None] = {}
    for full_key in full_name_keys:
        key = name_before_office(full_key)
        tokens = key.split()
        if len(tokens) > 2 and tokens[-1] in GENERATIONS:
            tokens.pop()  # جورج بوش الابن: بوش
        if len(tokens) < 2:
            continue
        start = len(tokens) - 1
        if tokens[start] in COMPOUND_TAILS:
            start -= 1  # نصر الله, not الله
        while start > 1 and tokens[start - 1] in NAME_PARTICLES:
            start -= 1
        if start < 1 or (start == 1 and tokens[0] in NAME_PARTICLES):
            continue  # the whole name is one unit (عبد الله، هبة الله، أبو مازن): no family name in it
        tail = tokens[start:]
        if tail[0] == "ال":
            continue  # آل سعود names a family, not one of its members
        if tail[0] in NAME_PARTICLES and len(tail) == 1:
            continue
        tail_key = " ".join(tail)
        if tail_key == key or len(tail_key.replace(" ", "")) < _MIN_SURNAME_CHARS:
            continue
        if tail_key in blocked or (len(tail) == 1 and tail[0] in blocked):
            continue
        tails.setdefault(tail_key, None)
    return list(tails)


def name_units(key: str) -> list[str]:
    """The words of a name key grouped with the particles before them (عبد الفتاح, بن راشد, آل مكتوم)
    and the compound tails after them (روح الله, نور الدين)."""
    units: list[str] = []
    pending: list[str] = []
    for token in key.split(" "):
        if token in COMPOUND_TAILS and units and not pending:
            units[-1] = f"{units[-1]} {token}"
            continue
        pending.append(token)
        if token not in NAME_PARTICLES:
            units.append(" ".join(pending))
            pending = []
    if pending:
        units.append(" ".join(pending))
    return units


def short_name_keys(full_name_keys: Iterable[str], blocked: frozenset[str] = frozenset()) -> list[str]:
    """The shorter forms of a person's long names, as keys.

    From names of three units or more (a unit is a word with its particles):
    - without the family: محمد بن راشد آل مكتوم → محمد بن راشد;
    - the given name and the lineage's first step: محمد بن راشد بن سعيد → محمد بن راشد;
    - the given name and the family name without the middle names:
      عبد الفتاح سعيد حسين خليل السيسي → عبد الفتاح السيسي.
    - the name without an office after it (`name_before_office`);
    - the name without a `blocked` last word (جورج بوش الابن → جورج بوش), which is no family name:
      not جورج الابن.
    A short form of two units is still a full name in news, not a surname.
    """
    shorts: dict[str, None] = {}
    full = set(full_name_keys)
    for full_key in full:
        key = name_before_office(full_key)
        units = name_units(key)
        if key != full_key and key not in full and len(units) >= 2:
            shorts.setdefault(key, None)
        if len(units) < _MIN_SHORT_NAME_UNITS:
            continue
        if units[-1] in blocked:
            units = units[:-1]
            if " ".join(units) not in full:
                shorts.setdefault(" ".join(units), None)
            if len(units) < _MIN_SHORT_NAME_UNITS:
                continue
        forms = []
        if units[-1].startswith(_FAMILY + " "):
            forms.append(units[:-1])  # without the family (آل ...)
        if units[1].split(" ")[0] in _LINEAGE:
            forms.append(units[:2])  # the given name and the father
            if units[-1].startswith(_FAMILY + " ") and len(units) > 3:
                forms.append([units[0], units[1], units[-1]])  # تميم بن حمد بن خليفة آل ثاني → تميم بن حمد آل ثاني
        if units[-1].split(" ")[0] not in _LINEAGE:  # محمد بن سعيد is not محمد بن راشد بن سعيد
            forms.append([units[0], units[-1]])  # the given name and the family name
        for form in forms:
            short = " ".join(form)
            if short not in full:
                shorts.setdefault(short, None)
    return list(shorts)


# Compound names that news writes joined or apart: عبد الرحمن / عبدالرحمن, أبو ظبي / أبوظبي, and
# by their tails نصر الله / نصرالله, نور الدين / نورالدين.
_COMPOUND_HEADS = ("عبد", "ابو")
_MIN_COMPOUND_TAIL = 3
_MIN_COMPOUND_HEAD = 3


def compound_spellings(key: str) -> list[str]:
    """The key with each compound written the other way: joined if apart, apart if joined."""
    tokens = key.split(" ")
    variants = []
    for i, token in enumerate(tokens):
        for head in _COMPOUND_HEADS:
            if token == head and i + 1 < len(tokens) and len(tokens[i + 1]) >= _MIN_COMPOUND_TAIL:
                variants.append(" ".join([*tokens[:i], head + tokens[i + 1], *tokens[i + 2 :]]))
            elif token.startswith(head) and len(token) - len(head) >= _MIN_COMPOUND_TAIL:
                variants.append(" ".join([*tokens[:i], head, token[len(head) :], *tokens[i + 1 :]]))
        for tail in COMPOUND_TAILS:
            before = tokens[i - 1] if i > 0 else ""
            if token == tail and len(before) >= _MIN_COMPOUND_HEAD and before not in NAME_PARTICLES:
                variants.append(" ".join([*tokens[: i - 1], before + tail, *tokens[i + 1 :]]))
            elif token.endswith(tail) and _compound_head(token[: -len(tail)]):
                variants.append(" ".join([*tokens[:i], token[: -len(tail)], tail, *tokens[i + 1 :]]))
    return list(dict.fromkeys(variants))


# A family name opening with بن is written joined or apart (بنكيران / بن كيران، بن موسى / بنموسى),
# above all in the Maghreb. People's names only: بنغازي is no بن غازي.
_FAMILY_PARTICLE: Final = "بن"
_MIN_FAMILY_TAIL: Final = 3


def family_particle_spellings(key: str) -> list[str]:
    """A person's key with each family name in بن written the other way: joined if apart, apart if joined.

    The first word of a longer name is a given name (بنيامين نتنياهو), never split; a word of its
    own (a surname key: بنكيران) is.
    """
    tokens = key.split(" ")
    variants = []
    for i, token in enumerate(tokens):
        if token == _FAMILY_PARTICLE:
            tail = tokens[i + 1] if i + 1 < len(tokens) else ""
            if len(tail) >= _MIN_FAMILY_TAIL and not tail.startswith(_ARTICLE):  # بن الحسين: never joined
                variants.append(" ".join([*tokens[:i], token + tokens[i + 1], *tokens[i + 2 :]]))
        elif (
            token.startswith(_FAMILY_PARTICLE)
            and len(token) - len(_FAMILY_PARTICLE) >= _MIN_FAMILY_TAIL
            and (i > 0 or len(tokens) == 1)
        ):
            variants.append(" ".join([*tokens[:i], _FAMILY_PARTICLE, token[len(_FAMILY_PARTICLE) :], *tokens[i + 1 :]]))
    return variants


def _compound_head(head: str) -> bool:
    """Whether a word's start before الله or الدين is a name's first half (نصر of نصرالله), not a
    word that only ends in those letters (الوالدين، خالدين)."""
    return len(head) >= _MIN_COMPOUND_HEAD and not head.startswith(_ARTICLE) and head not in NAME_PARTICLES


_ARTICLE: Final = "ال"
_MIN_ARTICLE_STEM = 3


def without_article(key: str) -> str:
    """A one-word name without its article (الاونروا → اونروا), or "" when it has none or too little is left.

    Not the other way: the article may make another name of a foreign one (أمازون the company,
    الأمازون the river and the forest)."""
    if " " in key or not key.startswith(_ARTICLE) or len(key) - len(_ARTICLE) < _MIN_ARTICLE_STEM:
        return ""
    return key[len(_ARTICLE) :]


# A bracketed qualifier at the end of a name: Wikidata's Arabic labels copy many Wikipedia titles,
# which tell namesakes apart so (جهللال (الهندوسية), عمان (مدينة), مجلس النواب (مصر)).
_QUALIFIER: Final = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def without_qualifier(name: str) -> str:
    """The name as news writes it, without a bracketed qualifier at its end (بنها (مدينة) → بنها), or ""
    when it has none or nothing is left."""
    bare = _QUALIFIER.sub("", name)
    return bare.strip() if bare != name else ""


# The nominative and the oblique plural of a nisba name are one name: الحوثيون / الحوثيين.
_PLURAL_CASES: Final = (("يون", "يين"), ("يين", "يون"))


def case_spellings(key: str) -> list[str]:
    """The key with a last word in the other case of a nisba plural."""
    head, _, last = key.rpartition(" ")
    variants = []
    for ending, other in _PLURAL_CASES:
        if last.endswith(ending) and len(last) > len(ending) + 2:
            variants.append(f"{head} {last[: -len(ending)]}{other}".strip())
    return variants


# Head nouns an organisation's name drops in news (منظمة العفو الدولية → العفو الدولية).
ORGANISATION_HEADS: Final = frozenset(
    ["منظمه", "وكاله", "وزاره", "حركه", "حزب", "تنظيم", "جماعه", "شركه", "مؤسسه", "هييه", "هيئه", "مجموعه"]
)
_MIN_DISTINCT_CHARS = 3


# The endings of a nisba in the feminine, the plural and the dual, longest first, each with how
# many letters to cut to get back to the masculine ي (مغربية → مغربي، مغربيين → مغربي).
NISBA_ENDINGS: Final = (("يتين", 3), ("يتان", 3), ("يين", 2), ("يون", 2), ("يات", 2), ("يه", 1), ("يا", 1), ("ي", 0))


def nisba_adjective(word: str) -> bool:
    """A definite nisba adjective by its shape: الامريكي، الدوليه، الاسرائيليه."""
    return word.startswith("ال") and (word.endswith("ي") or word.endswith("يه")) and len(word) >= 6


# Adjectives that say an organisation is the international one: without them its name still is.
INTERNATIONAL_ADJECTIVES: Final = frozenset(["الدولي", "الدوليه", "العالمي", "العالميه", "الاممي", "الامميه"])


def organisation_short_keys(full_name_keys: Iterable[str]) -> list[str]:
    """The shorter forms news gives an organisation's name, as keys.

    Without its head noun (وزارة الخارجية الامريكية → الخارجية الامريكية, وكالة تاس → تاس,
    but not وزارة الدفاع → الدفاع), and without a closing nisba adjective
    (الكونغرس الامريكي → الكونغرس، مجلس الامن الدولي → مجلس الامن).
    """
    shorts: dict[str, None] = {}
    full = set(full_name_keys)
    for key in full:
        tokens = key.split(" ")
        forms = []
        # One definite word left is a portfolio or a common noun (وزارة الدفاع، وزارة الاتصالات);
        # one indefinite word left is a name (وكالة تاس).
        if tokens[0] in ORGANISATION_HEADS and (
            len(tokens) >= 3 or (len(tokens) == 2 and not tokens[1].startswith("ال"))
        ):
            forms.append(tokens[1:])
        if len(tokens) >= 2 and nisba_adjective(tokens[-1]) and not nisba_adjective(tokens[-2]):
            forms.append(tokens[:-1])
        for form in forms:
            short = " ".join(form)
            if len(short.replace(" ", "")) >= _MIN_DISTINCT_CHARS and short not in full:
                shorts.setdefault(short, None)
    return list(shorts)


# The words of a state's formal name that say what kind of state it is (سلطنة عمان، جمهورية التشيك),
# which news drops. Not إمارة: an emirate is usually a region named like its city (إمارة دبي).
POLITY_HEADS: Final = frozenset(["سلطنه", "مملكه", "المملكه", "جمهوريه", "الجمهوريه", "دوله"])


def country_short_keys(full_name_keys: Iterable[str]) -> list[str]:
    """A country's names without the kind of state that opens them, as keys: سلطنه عمان → عمان.

    Not when an adjective follows the head (المملكه المتحده، الجمهوريه العربيه السوريه): the
    adjective describes the state, and alone it names nothing.
    """
    shorts: dict[str, None] = {}
    full = set(full_name_keys)
    for key in full:
        tokens = key.split(" ")
        if len(tokens) < 2 or tokens[0] not in POLITY_HEADS or nisba_adjective(tokens[1]):
            continue
        short = " ".join(tokens[1:])
        if len(short.replace(" ", "")) >= _MIN_DISTINCT_CHARS and short not in full:
            shorts.setdefault(short, None)
    return list(shorts)


# Titles an Arabic label or alias may open a person's name with (الشيخ محمد بن زايد آل نهيان، الرئيس
# عبد المجيد تبون), as keys: news names the person without them too.
_LEADING_TITLES: Final = frozenset(
    name_key(title)
    for title in [
        "الملك",
        "الملكة",
        "الأمير",
        "الأميرة",
        "الشيخ",
        "الشيخة",
        "السلطان",
        "الرئيس",
        "الرئيسة",
        "السيد",
        "السيدة",
        "الإمام",
        "الدكتور",
        "الدكتورة",
        "المشير",
        "الفريق",
        "اللواء",
        "العقيد",
        "الجنرال",
    ]
)
_TWO_WORD_TITLES: Final = (name_key("آية الله"), name_key("حجة الإسلام"))


def without_leading_title(key: str) -> str:
    """A person's name key without the title it opens with (الرييس عبد المجيد تبون → عبد المجيد تبون),
    or "" when it opens with none or fewer than two words would be left (الملك سلمان: the titled
    given name is derived from the description instead)."""
    for title in _TWO_WORD_TITLES:
        if key.startswith(title + " "):
            rest = key[len(title) + 1 :]
            return rest if rest.count(" ") >= 1 else ""
    first, _, rest = key.partition(" ")
    return rest if first in _LEADING_TITLES and rest.count(" ") >= 1 else ""


# Titles news puts before a ruler's or a cleric's given name alone (الملك سلمان، السلطان هيثم), by
# the word of the title as a Wikidata description writes it (ملك السعودية، سلطان عمان).
_TITLES_BY_DESCRIPTION_WORD: Final = {
    "ملك": "الملك",
    "الملك": "الملك",
    "ملكه": "الملكه",
    "امير": "الامير",
    "الامير": "الامير",
    "سلطان": "السلطان",
    "السلطان": "السلطان",
    "شيخ": "الشيخ",
    "الشيخ": "الشيخ",
    "بابا": "البابا",
    "البابا": "البابا",
}


def titled_given_name_keys(full_name_keys: Iterable[str], description_key: str) -> list[str]:
    """Title + given name, for a person whose description gives the title: ملك السعودية → الملك سلمان."""
    titles = dict.fromkeys(
        title for word in description_key.split(" ") if (title := _TITLES_BY_DESCRIPTION_WORD.get(word))
    )
    if not titles:
        return []
    givens = dict.fromkeys(units[0] for key in full_name_keys if len(units := name_units(key)) >= 2)
    return [f"{title} {given}" for title in titles for given in givens]

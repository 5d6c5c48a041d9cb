"""What the linker knows of ordinary Arabic: given names, common words, word frequencies.

Two lists were composed for this project (`gazetteer/data/`). The frequency
lexicon is Arramooz's (the `arramooz-pysqlite` package: a corpus frequency per
lemma and part of speech, and broken plurals): it tells, for a word that is
also a name, how often it is an ordinary word (مالي "financial", صور
"pictures", مشهد "scene") rather than the name (Mali, Tyre, Mashhad). All of it
is read through the one normaliser so it lives in the key space of names.
"""

from __future__ import annotations

import importlib.util
import logging
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from gazetteer.keys import GENERATIONS, name_key, word_key

_LOGGER = logging.getLogger(__name__)

_DATA_DIR = Path(__file__).parent / "data"

# Regnal and other ordinals, and junior and senior: the tail of محمد الخامس is not a name of its own.
REGNAL_ORDINALS = GENERATIONS | frozenset(
    name_key(w)
    for w in [
        "الأول",
        "الثاني",
        "الثالث",
        "الرابع",
        "الخامس",
        "السادس",
        "السابع",
        "الثامن",
        "التاسع",
        "العاشر",
        "الحادي",
        "عشر",
        # A queen's: إليزابيث الثانية، ماري الأولى.
        "الأولى",
        "الثانية",
        "الثالثة",
        "الرابعة",
        "الخامسة",
        "السادسة",
        "السابعة",
        "الثامنة",
        "التاسعة",
        "العاشرة",
        "الأكبر",
        "الأصغر",
    ]
)


def _read_word_list(filename: str) -> frozenset[str]:
    path = _DATA_DIR / filename
    if not path.exists():
        _LOGGER.warning("word list %s is missing", path)
        return frozenset()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key = name_key(line)
            if key:
                keys.add(key)
    return frozenset(keys)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Keys of given names that never identify a person on their own (محمد، عبد الله، جوزيف)."""
    return _read_word_list("given_names_ar.txt") | foreign_given_names()


@lru_cache(maxsize=1)
def foreign_given_names() -> frozenset[str]:
    """Keys of the foreign given names among them, spelled several ways by transliteration (جوزيف / جوزاف)."""
    return _read_word_list("foreign_given_names_ar.txt")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Keys of ordinary news words, Standard Arabic and Moroccan Darija (which Maghreb outlets and
    quoted speech write); a name equal to one needs support to link."""
    return _read_word_list("common_words_ar.txt") | _read_word_list("darija_common_ar.txt") | REGNAL_ORDINALS


def blocked_surnames() -> frozenset[str]:
    """Tails that are never a person's short name (محمد الخامس → الخامس).

    Given names and ordinary words are kept as short names: whether one may
    link alone is the linker's decision, made with the document in view.
    """
    return REGNAL_ORDINALS


# Arramooz part-of-speech tags: proper nouns; every other tag is an ordinary reading.
_PROPER_NOUN_TAG = "noun_prop"
_ADJECTIVE_TAGS = frozenset({"adj", "adj_comp", "adj_num"})
_NOUN_TAG = "noun"
_FUNCTION_WORD_TAG_PREFIXES = ("prep", "conj", "part", "pron", "adv")
# Broken plurals have no frequency of their own: credit them a share of their singular's.
_PLURAL_SHARE_OF_SINGULAR = 0.5
# Adjectives of colour and defect (a closed class) whose feminine is فعلاء: أبيض → بيضاء. Arramooz
# lists the masculine only, so البيضاء، الزرقاء، الحمراء looked like no word at all. Their feminine
# is credited a share of the masculine's frequency, as a broken plural is.
_COLOUR_AND_DEFECT_ADJECTIVES = (
    "أبيض", "أسود", "أحمر", "أخضر", "أزرق", "أصفر", "أسمر", "أشقر",
    "أبكم", "أصم", "أعرج", "أعور", "أحمق", "أخرس", "أحدب", "أصلع", "أشهب", "أغبر",
)  # fmt: skip
_FEMININE_SHARE_OF_MASCULINE = 0.5
# Frequent adjectives news spells otherwise than the frequency lexicon lists them: the spelling in
# news → the listed one, whose counts it takes (الأوروبي is as much an adjective as الأوربي).
_ADJECTIVE_SPELLINGS = {"أوروبي": "أوربي"}


def _feminine_of_colour(masculine_key: str) -> str:
    """The normalised feminine of a colour or defect adjective: ابيض → بيضا (بيضاء, its hamza dropped)."""
    return word_key(masculine_key[1:] + "اء")


def _arramooz_data_dir() -> Path | None:
    spec = importlib.util.find_spec("arramooz")  # locate the data without importing the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


_LOAD_LOCK = threading.Lock()


def word_frequencies() -> dict[str, tuple[int, int, int, int]]:
    """Normalised word → corpus frequencies of its readings; loaded once, by one thread."""
    with _LOAD_LOCK:
        return _load_word_frequencies()


@lru_cache(maxsize=1)
def _load_word_frequencies() -> dict[str, tuple[int, int, int, int]]:
    """Normalised word → corpus frequencies of its (ordinary, proper-noun, adjective, common-noun) readings."""
    data_dir = _arramooz_data_dir()
    if data_dir is None:
        _LOGGER.warning("arramooz-pysqlite is not installed: no word-frequency lexicon")
        return {}
    counts: dict[str, list[int]] = {}
    adjectives: dict[str, int] = {}
    nouns: dict[str, int] = {}
    function_words: set[str] = set()
    singular_freq: dict[str, int] = {}
    with sqlite3.connect(f"file:{data_dir / 'wordfreq.sqlite'}?mode=ro", uri=True) as conn:
        for word, tag, freq in conn.execute("SELECT unvocalized, word_type, freq FROM wordfreq"):
            key = word_key(word)
            pair = counts.setdefault(key, [0, 0])
            pair[1 if tag == _PROPER_NOUN_TAG else 0] += int(freq or 0)
            if tag in _ADJECTIVE_TAGS:
                adjectives[key] = adjectives.get(key, 0) + int(freq or 0)
            elif tag == _NOUN_TAG:
                nouns[key] = nouns.get(key, 0) + int(freq or 0)
            if tag.startswith(_FUNCTION_WORD_TAG_PREFIXES):
                function_words.add(key)
            if tag != _PROPER_NOUN_TAG:
                singular_freq[key] = singular_freq.get(key, 0) + int(freq or 0)
    with sqlite3.connect(f"file:{data_dir / 'arabicdictionary.sqlite'}?mode=ro", uri=True) as conn:
        for singular, plurals in conn.execute("SELECT unvocalized, broken_plural FROM nouns WHERE broken_plural != ''"):
            credit = int(singular_freq.get(word_key(singular), 0) * _PLURAL_SHARE_OF_SINGULAR) or 1
            for plural in plurals.replace("+ات", "").split(";"):
                key = word_key(plural.strip())
                if key:
                    counts.setdefault(key, [0, 0])[0] += credit
                    nouns[key] = nouns.get(key, 0) + credit
    for masculine in _COLOUR_AND_DEFECT_ADJECTIVES:
        key = word_key(masculine)
        credit = int(adjectives.get(key, 0) * _FEMININE_SHARE_OF_MASCULINE) or 1
        feminine = _feminine_of_colour(key)
        counts.setdefault(feminine, [0, 0])[0] += credit
        adjectives[feminine] = adjectives.get(feminine, 0) + credit
    for spelling, listed in _ADJECTIVE_SPELLINGS.items():
        key, listed_key = word_key(spelling), word_key(listed)
        counts.setdefault(key, [0, 0])[0] += counts.get(listed_key, [0, 0])[0]
        adjectives[key] = adjectives.get(key, 0) + adjectives.get(listed_key, 0)
    # Arramooz's stop words (prepositions, particles, pronouns with their clitics: في، لدى، بين).
    with sqlite3.connect(f"file:{data_dir / 'stopwords.sqlite'}?mode=ro", uri=True) as conn:
        function_words.update(word_key(word) for (word,) in conn.execute("SELECT UNVOCALIZED FROM STOPWORDS"))
    # A word that can be a preposition, particle or pronoun (في، مع) counts as no noun at all.
    return {
        key: (ordinary, proper, adjectives.get(key, 0), 0 if key in function_words else nouns.get(key, 0))
        for key, (ordinary, proper) in counts.items()
    }


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Arramooz's stop words with their clitics (فيما، لدى، عليه): never a name's only word."""
    data_dir = _arramooz_data_dir()
    if data_dir is None:
        return frozenset()
    with sqlite3.connect(f"file:{data_dir / 'stopwords.sqlite'}?mode=ro", uri=True) as conn:
        return frozenset(word_key(word) for (word,) in conn.execute("SELECT UNVOCALIZED FROM STOPWORDS"))


# -- verb forms --------------------------------------------------------------------------------

# A verb this frequent in Arramooz's corpus (the same bar as the linker's frequent ordinary word)
# has its conjugations listed by `verb_forms`.
FREQUENT_VERB_COUNT = 5000
_PAST_ENDINGS = ("ت", "تا", "وا", "نا", "تم")  # درست، درستا، درسوا، درسنا، درستم
_PRESENT_PREFIXES = ("ي", "ت", "ن", "ا", "سي", "ست", "سن")  # he/she/we/I, and the future's س
_PRESENT_ENDINGS = ("", "ون", "ان", "ين", "وا")
_DEFECTIVE_PAST_ENDINGS = ("ت", "تا", "وا")  # عانى → عانت
_DEFECTIVE_PRESENT_ENDINGS = ("ي", "و", "ون", "ين", "ان")  # عانى → يعاني، يعانون
_DEFECTIVE_PREFIXES = ("ي", "ت", "ن", "سي", "ست")
_MIN_VERB_FORM = 4
_HOLLOW_MIDDLES = "وي"  # the middle root letter a hollow verb's lemma writes as ا


def conjugations(lemma: str) -> set[str]:
    """Regular conjugations of a normalised past-tense lemma (أدرك، استثمر، شكر، عانى), unvocalised.

    Written for the sound verbs most news verbs are: the present drops the lemma's initial
    alif (أدرك → يدرك، استثمر → يستثمر) and a final ى/ا is the defective verb's vowel
    (عانى → عانت، يعاني). A hollow verb's present shows the root's و or ي, which its lemma
    hides, so both are made (قال → يقول، سار → يسير، أشار → يشير). Some forms made for other
    patterns are not words at all; that costs nothing, as no text holds them.
    """
    if lemma.endswith(("ي", "ا")):  # ى is normalised to ي
        base = lemma[:-1]
        stem = base[1:] if lemma.startswith("ا") and len(lemma) >= 4 else base
        forms = {base + ending for ending in _DEFECTIVE_PAST_ENDINGS}
        forms.update(p + stem + e for p in _DEFECTIVE_PREFIXES for e in _DEFECTIVE_PRESENT_ENDINGS)
        return forms
    forms = {lemma + ending for ending in _PAST_ENDINGS}
    if len(lemma) == 3 and lemma[1] == "ا":  # hollow: قال، سار
        stems = {lemma[0] + middle + lemma[2] for middle in _HOLLOW_MIDDLES}
    elif len(lemma) == 4 and lemma[0] == "ا" and lemma[2] == "ا":  # hollow أفعل: أشار → يشير (and the passive يشار)
        stems = {lemma[1] + "ي" + lemma[3], lemma[1:]}
    elif len(lemma) == 3 and lemma[1] in _HOLLOW_MIDDLES:
        return forms  # a و or ي written in the middle (عين، سوى): the present is not guessed
    else:
        stems = {lemma[1:] if lemma.startswith("ا") and len(lemma) >= 4 else lemma}
    forms.update(p + stem + e for stem in stems for p in _PRESENT_PREFIXES for e in _PRESENT_ENDINGS)
    return forms


@lru_cache(maxsize=1)
def verb_forms() -> frozenset[str]:
    """Conjugated forms of frequent verbs (يدرك، تستثمر، عانت): ordinary words a lemma list does not show.

    Arramooz lists each verb once, as its past-tense lemma, so a text's يدرك or عانت looked
    like no word at all, and free to be the name of an obscure person or village. Forms
    that are words of the lexicon in their own right (أحمد، أكرم: names and adjectives
    with their own counts) or given names are left out: their readings are counted there.
    """
    with _LOAD_LOCK:
        return _load_verb_forms()


def _load_verb_forms() -> frozenset[str]:
    data_dir = _arramooz_data_dir()
    if data_dir is None:
        return frozenset()
    frequency: dict[str, int] = {}
    with sqlite3.connect(f"file:{data_dir / 'wordfreq.sqlite'}?mode=ro", uri=True) as conn:
        for word, freq in conn.execute("SELECT unvocalized, freq FROM wordfreq WHERE word_type = 'verb'"):
            key = word_key(word)
            frequency[key] = frequency.get(key, 0) + int(freq or 0)
    forms: set[str] = set()
    for lemma, count in frequency.items():
        if count >= FREQUENT_VERB_COUNT and len(lemma) >= 3:
            forms.update(conjugations(lemma))
    known = _load_word_frequencies()
    names = given_names()
    return frozenset(f for f in forms if len(f) >= _MIN_VERB_FORM and f not in known and f not in names)


# Shares of `ordinary_share` above which a word is mostly (علي، السلام) or often an ordinary word:
# the gates ask for strong evidence before linking the first, any context before the second.
MOSTLY_ORDINARY = 0.8
OFTEN_ORDINARY = 0.5


@lru_cache(maxsize=200_000)
def ordinary_share(word: str) -> float:
    """How often a normalised word is an ordinary word rather than a name, in [0, 1].

    The definite article is tried off too (العقبة → عقبة). Unknown words give 0.
    """
    table = word_frequencies()
    candidates = [word]
    if word.startswith("ال") and len(word) > 3:
        candidates.append(word[2:])
    best = 0.0
    for form in candidates:
        ordinary, proper, _, _ = table.get(form, (0, 0, 0, 0))
        if ordinary:
            best = max(best, ordinary / (ordinary + proper))
    return best


@lru_cache(maxsize=200_000)
def _reading_share(word: str, reading: int) -> float:
    """The share of all readings of a word (article and feminine ending allowed) that are of one kind."""
    table = word_frequencies()
    stem = word[2:] if word.startswith("ال") and len(word) > 3 else word
    best = 0.0
    for form in (stem, stem[:-1] if stem.endswith("ه") else ""):
        counts = table.get(form) if form else None
        if counts and counts[0] + counts[1]:
            best = max(best, counts[reading] / (counts[0] + counts[1]))
    return best


def is_adjective(word: str) -> bool:
    """True when most readings of a normalised word are adjectives (مالي، السوداني، القديمة).

    A word the lexicon knows, as written, mostly as a proper noun is not one, though its
    masculine form be an adjective (القاهرة is Cairo before it is "the victorious").
    """
    stem = word[2:] if word.startswith("ال") and len(word) > 3 else word
    ordinary, proper, _, _ = word_frequencies().get(stem, (0, 0, 0, 0))
    if proper > ordinary:
        return False
    return _reading_share(word, 2) >= 0.5


def is_noun(word: str) -> bool:
    """True when most readings of a normalised word are common nouns (الحادث، الديار)."""
    return _reading_share(word, 3) >= 0.5

"""Name words for synthetic people and places, with Zipf-like frequencies.

A real gazetteer of a million entities holds tens of thousands of distinct
given and family names: a few very common (محمد، المصري), a long tail seen
once. A small fixed list hides the hard cases (rare surnames that collide with
a famous one, nisbas that are also demonyms), so the vocabulary is composed:
Arabic roots (Arramooz's dictionary when installed) poured into name patterns
(فاعل، فعيل، مفعول، أفعل، فعلان، ال…ي، ال…اني), عبد + the divine names, أبو/بن +
a given name, nisbas of place names, and foreign names built from syllables as
Arabic news transliterates them. Each entry carries a rough Latin form for the
English label.
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
import random
import sqlite3
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "gazetteer" / "data"

_ROMAN = {
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "'",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "w",
    "ي": "y",
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ء": "'",
    "ؤ": "'",
    "ئ": "'",
    "ة": "a",
    "ى": "a",
}
_VOWEL_LETTERS = frozenset("اوىية")
_STRONG = frozenset("بتثجحخدذرزسشصضطظعغفقكلمنه")


def romanize(arabic: str) -> str:
    """A rough Latin spelling of an Arabic name (short vowels guessed as a), for English labels."""
    parts = []
    for word in arabic.split():
        prefix = ""
        if word.startswith("ال") and len(word) > 3:
            prefix, word = "al-", word[2:]
        out = []
        for i, letter in enumerate(word):
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if letter in "وي" and i > 0 and word[i - 1] not in _VOWEL_LETTERS and nxt not in _VOWEL_LETTERS:
                out.append("u" if letter == "و" else "i")
                continue
            out.append(_ROMAN.get(letter, ""))
            if letter in _STRONG and nxt and nxt not in _VOWEL_LETTERS:
                out.append("a")
        roman = "".join(out).lstrip("'") or "x"
        parts.append(prefix + roman[0].upper() + roman[1:])
    return " ".join(parts)


class Zipf:
    """Draws from a ranked list with weight 1/(rank + offset)^exponent: common names common, a long tail."""

    def __init__(self, items: list[tuple[str, str]], exponent: float, offset: float = 2.0) -> None:
        self.items = items
        self._cumulative = list(itertools.accumulate(1.0 / (r + offset) ** exponent for r in range(len(items))))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> tuple[str, str]:
        """One (Arabic, Latin) entry."""
        return self.items[bisect.bisect(self._cumulative, rng.random() * self._total)]

    def __len__(self) -> int:
        return len(self.items)


def merge_ranked(
    rng: random.Random, base: list[tuple[str, str]], inserts: list[tuple[str, str]], lo: int, hi: int
) -> list[tuple[str, str]]:
    """`base` with each of `inserts` at a log-uniform rank in [lo, hi): nisbas and famous surnames are spread
    over common and rare ranks alike. A duplicate (same Arabic form) keeps its first place."""
    hi = max(hi, lo + 2)
    keyed = [(float(rank), 1, entry) for rank, entry in enumerate(base)]
    keyed += [(lo * (hi / lo) ** rng.random(), 0, entry) for entry in inserts]
    keyed.sort(key=lambda k: (k[0], k[1]))
    seen: set[str] = set()
    out = []
    for _, _, entry in keyed:
        if entry[0] not in seen:
            seen.add(entry[0])
            out.append(entry)
    return out


# Name patterns: digits are the root's letters; the Latin template says how it is read.
GIVEN_PATTERNS = [
    ("1ا23", "1a2i3"),  # فاعل: كامل
    ("12ي3", "1a2i3"),  # فعيل: سعيد
    ("12ا3", "1a2a3"),  # فعال: جمال
    ("م12و3", "ma12u3"),  # مفعول: محمود
    ("123ان", "1a23an"),  # فعلان: سلمان
    ("أ123", "a12a3"),  # أفعل: أحمد
    ("م123", "mu12i3"),  # مفعل: منعم
    ("1ا23ة", "1a2i3a"),  # فاعلة: فاطمة
    ("12ي3ة", "1a2i3a"),  # فعيلة: جميلة
    ("123ى", "1a23a"),  # فعلى: سلمى
    ("12و3", "1a2u3"),  # فعول: صبور
    ("123ي", "1a23i"),  # فعلي: حمدي
]
FAMILY_PATTERNS = [
    ("ال123ي", "al-1a23i"),  # الشمري
    ("ال12ا3", "al-1a22a3"),  # النجار
    ("ال1ا23", "al-1a2i3"),  # الصالح
    ("ال12ي3", "al-1a2i3"),  # الشريف
    ("ال123اني", "al-1a23ani"),  # القحطاني
    ("ال12ا3ي", "al-1a2a3i"),  # الجمالي
    ("12ا3", "1a22a3"),  # a trade without the article: حداد، نجار
]
DIVINE_NAMES = [
    "الله",
    "الرحمن",
    "الرحيم",
    "الملك",
    "القدوس",
    "السلام",
    "المؤمن",
    "المهيمن",
    "العزيز",
    "الجبار",
    "الخالق",
    "الباري",
    "المصور",
    "الغفار",
    "القهار",
    "الوهاب",
    "الرزاق",
    "الفتاح",
    "العليم",
    "الباسط",
    "الحليم",
    "العظيم",
    "الغفور",
    "الشكور",
    "العلي",
    "الكبير",
    "الحفيظ",
    "الجليل",
    "الكريم",
    "الحكيم",
    "الودود",
    "المجيد",
    "الحق",
    "الوكيل",
    "القوي",
    "المتين",
    "الولي",
    "الحميد",
    "الحي",
    "القيوم",
    "الواحد",
    "الأحد",
    "الصمد",
    "القادر",
    "الرؤوف",
    "الستار",
    "المعطي",
    "النور",
    "الهادي",
    "الباقي",
    "الرشيد",
    "الصبور",
    "المنعم",
    "الغني",
    "الناصر",
    "السميع",
    "البصير",
    "اللطيف",
    "الخبير",
    "الرافع",
    "المعز",
    "الحافظ",
    "المنان",
    "الجواد",
    "الإله",
    "الماجد",
    "الواسع",
    "الشافي",
    "الفتاح",
    "العال",
]
TRIBAL_AND_TRADE_NISBAS = [
    "الشمري",
    "القحطاني",
    "العتيبي",
    "الدوسري",
    "الحربي",
    "الزهراني",
    "الغامدي",
    "المطيري",
    "العنزي",
    "السبيعي",
    "الشهري",
    "العمري",
    "التميمي",
    "الهاشمي",
    "القرشي",
    "الأنصاري",
    "الجبوري",
    "الدليمي",
    "العبيدي",
    "الكعبي",
    "الحسيني",
    "الحسني",
    "العلوي",
    "الإدريسي",
    "الخزرجي",
    "الأزدي",
    "الكندي",
    "التكريتي",
    "الزبيدي",
    "الشهراني",
    "المالكي",
    "البلوشي",
    "الكبيسي",
    "الجنابي",
    "العزاوي",
    "الساعدي",
    "الطائي",
    "الشيباني",
    "الخالدي",
    "المهيري",
    "الفلاسي",
    "النعيمي",
    "الكتبي",
    "الظاهري",
    "الرميثي",
    "البوسعيدي",
    "الحارثي",
    "النجار",
    "الحداد",
    "الخياط",
    "الصباغ",
    "الدباغ",
    "العطار",
    "الحلاق",
    "الخباز",
    "الجزار",
    "القصاب",
    "الصائغ",
    "الطحان",
    "الفخار",
    "الزيات",
    "السمان",
    "البيطار",
    "الكاتب",
    "الخطيب",
    "القاضي",
    "الإمام",
    "المفتي",
    "الشيخ",
    "الحكيم",
    "النحاس",
    "الدهان",
    "البناء",
    "الفران",
    "الساعاتي",
    "القباني",
    "الحمامي",
    "الجمال",
    "الشماع",
    "الصيرفي",
    "الوراق",
    "الحلواني",
    "الصيدلاني",
    "الجراح",
]
NAME_PARTICLES = frozenset({"أبو", "أم", "بن", "ابن", "بنت", "آل", "عبد", "ولد", "بو"})

# Foreign names as Arabic news writes them: onsets, vowels (written or not), codas.
_ONSETS = [
    ("b", "ب"),
    ("d", "د"),
    ("f", "ف"),
    ("g", "غ"),
    ("h", "ه"),
    ("j", "ج"),
    ("k", "ك"),
    ("l", "ل"),
    ("m", "م"),
    ("n", "ن"),
    ("p", "ب"),
    ("r", "ر"),
    ("s", "س"),
    ("t", "ت"),
    ("v", "ف"),
    ("z", "ز"),
    ("sh", "ش"),
    ("ch", "تش"),
    ("kr", "كر"),
    ("st", "ست"),
    ("br", "بر"),
    ("tr", "تر"),
    ("gr", "غر"),
    ("fr", "فر"),
    ("pl", "بل"),
    ("kl", "كل"),
    ("dr", "در"),
    ("w", "و"),
    ("y", "ي"),
    ("ts", "تس"),
]
_VOWELS = [("a", "ا", ""), ("e", "ي", ""), ("i", "ي", "ي"), ("o", "و", "و"), ("u", "و", "و")]
_CODAS = [("", "")] * 8 + [("n", "ن"), ("r", "ر"), ("l", "ل"), ("s", "س"), ("m", "م"), ("t", "ت"), ("k", "ك")]
_FOREIGN_SUFFIXES = [
    ("berg", "بيرغ"),
    ("son", "سون"),
    ("stein", "شتاين"),
    ("ov", "وف"),
    ("ski", "سكي"),
    ("ovic", "وفيتش"),
    ("ez", "يز"),
    ("ini", "يني"),
    ("elli", "يلي"),
    ("man", "مان"),
    ("er", "ر"),
    ("ek", "يك"),
    ("escu", "يسكو"),
    ("yan", "يان"),
    ("oglu", "أوغلو"),
    ("zadeh", "زاده"),
    ("ton", "تون"),
    ("ford", "فورد"),
    ("ley", "لي"),
    ("enko", "ينكو"),
    ("ashvili", "اشفيلي"),
    ("i", "ي"),
]
_INITIAL_VOWELS = [("a", "أ"), ("e", "إي"), ("i", "إي"), ("o", "أو"), ("u", "أو")]


_SYLLABLES = [
    (onset_l + vowel_l + coda_l, onset_a + written + coda_a)
    for onset_l, onset_a in _ONSETS
    for vowel_l, long_a, short_a in _VOWELS
    for written in (long_a, long_a, short_a)  # foreign vowels are mostly written out
    for coda_l, coda_a in _CODAS
]


_GIVEN_ENDINGS = [("a", "ا"), ("o", "و"), ("ie", "ي")]


def foreign_names(rng: random.Random, count: int, *, family: bool) -> list[tuple[str, str]]:
    """`count` distinct foreign names (Arabic, Latin) of 2–3 syllables; family names often take a suffix.

    Few random calls per name: a million-entity vocabulary is built in seconds."""
    out: dict[str, str] = {}
    while len(out) < count:
        roll = rng.random()
        suffixed = family and roll < 0.45
        length = (1 if roll < 0.2 else 2) if suffixed else (3 if roll > 0.8 else 2)
        parts = rng.choices(_SYLLABLES, k=length)
        if roll * 97 % 1 < 0.1:  # a vowel-initial name: أو-، إي-
            parts.insert(0, _INITIAL_VOWELS[int(roll * 1000) % len(_INITIAL_VOWELS)])
        if suffixed:
            parts.append(_FOREIGN_SUFFIXES[int(roll * 10_000) % len(_FOREIGN_SUFFIXES)])
        elif not family and roll < 0.25:
            parts.append(_GIVEN_ENDINGS[int(roll * 10_000) % len(_GIVEN_ENDINGS)])
        arabic = "".join(a for _, a in parts)
        if len(arabic) >= 3 and arabic not in out:
            out[arabic] = "".join(latin for latin, _ in parts).capitalize()
    return list(out.items())


def arabic_roots(rng: random.Random) -> list[str]:
    """Three-letter roots of strong consonants: Arramooz's dictionary when installed, else random ones."""
    spec = importlib.util.find_spec("arramooz")
    roots: list[str] = []
    if spec is not None and spec.submodule_search_locations:
        db = Path(next(iter(spec.submodule_search_locations))) / "data" / "arabicdictionary.sqlite"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT DISTINCT root FROM nouns ORDER BY root").fetchall()
        conn.close()
        roots = [r for (r,) in rows if r and len(r) == 3 and set(r) <= _STRONG and len(set(r)) > 1]
    if len(roots) < 500:  # no lexicon: random roots are uglier but as varied
        letters = sorted(_STRONG)
        roots = sorted({"".join(rng.choice(letters) for _ in range(3)) for _ in range(3000)})
    rng.shuffle(roots)
    return roots


def apply_pattern(root: str, pattern: tuple[str, str]) -> tuple[str, str]:
    """A root in a pattern: (Arabic, Latin)."""
    arabic, latin = pattern
    for i, letter in enumerate(root, start=1):
        arabic = arabic.replace(str(i), letter)
        latin = latin.replace(str(i), _ROMAN[letter].replace("'", "'"))
    latin = latin.lstrip("'")
    if latin.startswith("al-"):
        return arabic, "al-" + latin[3:].lstrip("'").capitalize()
    return arabic, latin.capitalize()


def read_word_list(filename: str) -> list[str]:
    """Entries of a gazetteer/data word list, in file order (comments dropped)."""
    path = DATA_DIR / filename
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def nisba(place: str) -> str:
    """The nisba of a one-word place name (المغرب → المغربي، سوريا → السوري، القاهرة → القاهري), or ''."""
    if " " in place:
        return ""
    stem = place[2:] if place.startswith("ال") else place
    for ending in ("ية", "يا", "ة", "ا", "ى"):
        if stem.endswith(ending) and len(stem) - len(ending) >= 2:
            stem = stem[: -len(ending)]
            break
    if len(stem) < 2:
        return ""
    return "ال" + stem + ("" if stem.endswith("ي") else "ي")

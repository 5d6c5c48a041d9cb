"""Write a synthetic Wikidata JSON dump in the real framing, for build benchmarks.

    python -m bench.make_dump --entities 1000000 --out bench/data/dump-1000000.json.gz

Entities are synthetic (QIDs from Q9000000001 up) but shaped like real ones:
labels, aliases and descriptions in several languages, statements with ranks,
hashes, qualifiers and references, sitelinks. Arabic names share a small pool
of given names and surnames (homonyms are common), come in variant spellings
(hamza, teh marbuta, alef maksura, عبد الله / عبدالله, g-letters in foreign
names) and many entities are near-duplicates of each other. Out-of-scope
entities follow a real dump's mix: scholarly articles, taxa, Wikimedia
categories, people outside politics, places without Arabic names. Classes,
countries and occupations are real QIDs; positions held are synthetic.
The file is written plain, .gz or .bz2 according to its name.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import logging
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_LOGGER = logging.getLogger(__name__)

FIRST_QID = 9_000_000_001
_POSITION_QIDS = [f"Q{9_200_000_000 + i}" for i in range(1, 400)]  # synthetic offices
_COUNTRIES = [  # (QID, Arabic adjective, English adjective)
    ("Q1028", "المغربية", "Moroccan"),
    ("Q262", "الجزائرية", "Algerian"),
    ("Q948", "التونسية", "Tunisian"),
    ("Q79", "المصرية", "Egyptian"),
    ("Q851", "السعودية", "Saudi"),
    ("Q810", "الأردنية", "Jordanian"),
    ("Q822", "اللبنانية", "Lebanese"),
    ("Q858", "السورية", "Syrian"),
    ("Q796", "العراقية", "Iraqi"),
    ("Q1016", "الليبية", "Libyan"),
    ("Q1049", "السودانية", "Sudanese"),
    ("Q805", "اليمنية", "Yemeni"),
    ("Q842", "العمانية", "Omani"),
    ("Q846", "القطرية", "Qatari"),
    ("Q878", "الإماراتية", "Emirati"),
    ("Q817", "الكويتية", "Kuwaiti"),
    ("Q801", "الإسرائيلية", "Israeli"),
    ("Q142", "الفرنسية", "French"),
    ("Q183", "الألمانية", "German"),
    ("Q30", "الأمريكية", "American"),
]
_GIVEN = [
    ("محمد", "Mohammed"),
    ("أحمد", "Ahmed"),
    ("علي", "Ali"),
    ("عبد الله", "Abdullah"),
    ("يوسف", "Youssef"),
    ("حسن", "Hassan"),
    ("حسين", "Hussein"),
    ("خالد", "Khaled"),
    ("عمر", "Omar"),
    ("إبراهيم", "Ibrahim"),
    ("سعيد", "Said"),
    ("مصطفى", "Mustafa"),
    ("عبد الرحمن", "Abdelrahman"),
    ("عبد اللطيف", "Abdellatif"),
    ("كريم", "Karim"),
    ("رشيد", "Rachid"),
    ("نبيل", "Nabil"),
    ("طارق", "Tarek"),
    ("هشام", "Hicham"),
    ("جمال", "Jamal"),
    ("سليمان", "Suleiman"),
    ("ناصر", "Nasser"),
    ("منصور", "Mansour"),
    ("فيصل", "Faisal"),
    ("زياد", "Ziad"),
    ("وليد", "Walid"),
    ("عادل", "Adel"),
    ("ياسين", "Yassine"),
    ("إدريس", "Driss"),
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("عائشة", "Aisha"),
    ("خديجة", "Khadija"),
    ("نادية", "Nadia"),
    ("ليلى", "Leila"),
    ("أمينة", "Amina"),
    ("زينب", "Zainab"),
    ("هدى", "Houda"),
    ("سلمى", "Salma"),
    ("ديفيد", "David"),
    ("جون", "John"),
    ("ميشيل", "Michel"),
    ("غابرييل", "Gabriel"),
    ("أوليفييه", "Olivier"),
]
_SURNAMES = [
    ("العلوي", "Alaoui"),
    ("الإدريسي", "Idrissi"),
    ("الفاسي", "El Fassi"),
    ("التازي", "Tazi"),
    ("الحسيني", "Husseini"),
    ("العمري", "Omari"),
    ("الزهراني", "Zahrani"),
    ("القحطاني", "Qahtani"),
    ("المالكي", "Maliki"),
    ("الشمري", "Shammari"),
    ("الدوسري", "Dosari"),
    ("الحربي", "Harbi"),
    ("المنصوري", "Mansouri"),
    ("الهاشمي", "Hashimi"),
    ("البغدادي", "Baghdadi"),
    ("الخطيب", "Khatib"),
    ("النجار", "Najjar"),
    ("الحداد", "Haddad"),
    ("السيد", "Sayed"),
    ("الشريف", "Sharif"),
    ("المصري", "Masri"),
    ("بن يوسف", "Ben Youssef"),
    ("بن علي", "Ben Ali"),
    ("أبو زيد", "Abu Zaid"),
    ("عبد الرحيم", "Abderrahim"),
    ("الصالح", "Saleh"),
    ("الكبير", "Kabir"),
    ("الأنصاري", "Ansari"),
    ("الجبوري", "Jubouri"),
    ("الطائي", "Taie"),
    ("غولدبرغ", "Goldberg"),
    ("غرينبرغ", "Greenberg"),
    ("شميدت", "Schmidt"),
    ("مارتان", "Martin"),
    ("غارسيا", "Garcia"),
    ("كوهين", "Cohen"),
    ("فيشر", "Fischer"),
    ("برنار", "Bernard"),
]
_PLACE_PREFIXES = [
    ("دوار", "Douar"),
    ("قرية", "Qaryat"),
    ("عين", "Ain"),
    ("سيدي", "Sidi"),
    ("بئر", "Bir"),
    ("تل", "Tal"),
    ("كفر", "Kafr"),
    ("أولاد", "Ouled"),
    ("بني", "Beni"),
    ("جبل", "Jabal"),
    ("وادي", "Wadi"),
    ("رأس", "Ras"),
    ("دير", "Deir"),
    ("حي", "Hay"),
    ("", ""),
]
_PLACE_WORDS = [
    ("الزيتون", "Zeitoun"),
    ("النخيل", "Nakhil"),
    ("الحمراء", "Hamra"),
    ("البيضاء", "Beida"),
    ("الكبيرة", "Kbira"),
    ("الصغيرة", "Sghira"),
    ("الجديدة", "Jdida"),
    ("القديمة", "Qadima"),
    ("السلام", "Salam"),
    ("الرمان", "Rumman"),
    ("الخضراء", "Khadra"),
    ("الشرقية", "Charqia"),
    ("الغربية", "Gharbia"),
    ("النصر", "Nasr"),
    ("الأمل", "Amal"),
    ("المرجان", "Morjane"),
    ("الورد", "Ward"),
    ("الريحان", "Rihane"),
    ("الطيبة", "Tayba"),
    ("الحمام", "Hammam"),
    ("علي", "Ali"),
    ("يوسف", "Youssef"),
    ("موسى", "Moussa"),
    ("عيسى", "Issa"),
    ("الحسن", "Hassan"),
]
_MINISTRIES = [
    ("الداخلية", "Interior"),
    ("الخارجية", "Foreign Affairs"),
    ("المالية", "Finance"),
    ("الصحة", "Health"),
    ("التربية", "Education"),
    ("الدفاع", "Defence"),
    ("العدل", "Justice"),
    ("الزراعة", "Agriculture"),
    ("النقل", "Transport"),
    ("الطاقة", "Energy"),
    ("الثقافة", "Culture"),
    ("الشباب", "Youth"),
]
_PARTY_WORDS = [
    ("الاستقلال", "Independence"),
    ("العدالة", "Justice"),
    ("التنمية", "Development"),
    ("الوطني", "National"),
    ("الديمقراطي", "Democratic"),
    ("الشعبي", "Popular"),
    ("التقدم", "Progress"),
    ("الأحرار", "Liberals"),
    ("الاشتراكي", "Socialist"),
    ("الوحدة", "Unity"),
    ("الإصلاح", "Reform"),
    ("الحرية", "Freedom"),
]
_OTHER_LANGUAGES = ["fr", "es", "de", "it", "nl", "pt", "ru", "tr", "fa", "ur", "he", "sv", "pl", "id", "ms", "ca"]
_WIKIS = [
    "arwiki",
    "enwiki",
    "frwiki",
    "eswiki",
    "dewiki",
    "itwiki",
    "ruwiki",
    "fawiki",
    "trwiki",
    "arzwiki",
    "urwiki",
    "nlwiki",
    "ptwiki",
    "commonswiki",
    "enwikiquote",
    "svwiki",
    "plwiki",
    "idwiki",
    "hewiki",
]
_OCCUPATIONS_IN = ["Q82955", "Q193391", "Q189290"]  # politician, diplomat, military officer
_OCCUPATIONS_OUT = [
    "Q937857",
    "Q33999",
    "Q177220",
    "Q36180",
    "Q1930187",
]  # footballer, actor, singer, writer, journalist
_PLACE_CLASSES = [
    ("Q532", "village", 50),
    ("Q3957", "town", 20),
    ("Q486972", "settlement", 15),
    ("Q515", "city", 10),
    ("Q82794", "region", 5),
]
_GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
_EARTH = "http://www.wikidata.org/entity/Q2"

# Mix of a dump; the in-scope kinds are scaled by --in-scope, the rest fill the remainder.
_IN_SCOPE_MIX = {"official": 0.40, "place": 0.40, "organization": 0.20}
_OUT_OF_SCOPE_MIX = {
    "article": 0.34,  # scholarly articles: English titles, author strings, no Arabic
    "taxon": 0.14,  # some with Arabic names
    "category": 0.12,  # Wikimedia categories, often with an Arabic label
    "other_person": 0.20,  # P31 Q5 with an Arabic label but out of politics: must be parsed to reject
    "foreign_place": 0.12,  # places without an Arabic name
    "place_no_coordinates": 0.03,  # Arabic name but no P625
    "building": 0.05,
}


_VARIANT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile("[أإ]"), "ا"),  # hamza on alef dropped
    (re.compile(r"ة\b"), "ه"),  # teh marbuta written as heh
    (re.compile("ى"), "ي"),  # alef maksura written as yeh
    (re.compile(r"ي\b"), "ى"),  # and the reverse, common in Egyptian spelling
    (re.compile("عبد ال"), "عبدال"),  # عبد الله / عبدالله
    (re.compile("غ"), "ج"),  # foreign g: غولدبرغ / جولدبرج
    (re.compile("غ"), "ق"),
    (re.compile("يي"), "ي"),
]


def _variant(rng: random.Random, name: str) -> str:
    """A spelling variant of an Arabic name, as editors and transliterators write them (may equal `name`)."""
    out = name
    for pattern, replacement in rng.sample(_VARIANT_RULES, 3):
        out = pattern.sub(replacement, out)
    return out


class DumpGenerator:
    """Makes synthetic entities; `entity(i)` is the i-th entity of the dump."""

    def __init__(self, seed: int = 1, in_scope: float = 0.10) -> None:
        self.rng = random.Random(seed)
        kinds = [(k, in_scope * w) for k, w in _IN_SCOPE_MIX.items()]
        kinds += [(k, (1 - in_scope) * w) for k, w in _OUT_OF_SCOPE_MIX.items()]
        self._kinds = [k for k, _ in kinds]
        self._weights = [w for _, w in kinds]
        # Zipf-like popularity of names: a few very common, a long tail.
        self._name_weights = [1 / (i + 1) ** 0.8 for i in range(len(_SURNAMES))]
        self.counts: Counter[str] = Counter()

    # Pieces of the wire format.
    def _hash(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def _guid(self, qid: str) -> str:
        value = f"{self.rng.getrandbits(128):032X}"
        return f"{qid}${value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"

    def _statement(self, qid: str, prop: str, datavalue: dict[str, Any], datatype: str, **extra: Any) -> dict[str, Any]:
        snak = {
            "snaktype": "value",
            "property": prop,
            "hash": self._hash(),
            "datavalue": datavalue,
            "datatype": datatype,
        }
        statement: dict[str, Any] = {"mainsnak": snak, "type": "statement", **extra}
        statement["id"] = self._guid(qid)
        statement["rank"] = "normal"
        if self.rng.random() < 0.4:
            ref = self._item_snak("P143", "Q328")  # imported from: English Wikipedia
            statement["references"] = [{"hash": self._hash(), "snaks": {"P143": [ref]}, "snaks-order": ["P143"]}]
        return statement

    def _item_snak(self, prop: str, value: str) -> dict[str, Any]:
        return {
            "snaktype": "value",
            "property": prop,
            "hash": self._hash(),
            "datavalue": {
                "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
                "type": "wikibase-entityid",
            },
            "datatype": "wikibase-item",
        }

    def _item(self, qid: str, prop: str, value: str, **extra: Any) -> dict[str, Any]:
        datavalue = {
            "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
            "type": "wikibase-entityid",
        }
        return self._statement(qid, prop, datavalue, "wikibase-item", **extra)

    def _time(self, qid: str, prop: str, year: int) -> dict[str, Any]:
        value = {
            "time": f"+{year:04d}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T00:00:00Z",
            "timezone": 0,
            "before": 0,
            "after": 0,
            "precision": 11,
            "calendarmodel": _GREGORIAN,
        }
        return self._statement(qid, prop, {"value": value, "type": "time"}, "time")

    def _string(self, qid: str, prop: str, value: str, datatype: str = "external-id") -> dict[str, Any]:
        return self._statement(qid, prop, {"value": value, "type": "string"}, datatype)

    def _coordinates(self, qid: str) -> dict[str, Any]:
        value = {
            "latitude": round(self.rng.uniform(12, 38), 6),
            "longitude": round(self.rng.uniform(-17, 58), 6),
            "altitude": None,
            "precision": 0.0001,
            "globe": _EARTH,
        }
        return self._statement(qid, "P625", {"value": value, "type": "globecoordinate"}, "globe-coordinate")

    def _terms(self, names: dict[str, str]) -> dict[str, dict[str, str]]:
        return {lang: {"language": lang, "value": value} for lang, value in names.items() if value}

    def _latin_everywhere(self, name_en: str, ar: str = "", share: float = 1.0) -> dict[str, str]:
        """Labels: English, then copies in a random number of other languages, Arabic where given."""
        labels = {"en": name_en} if self.rng.random() < share else {}
        for lang in self.rng.sample(_OTHER_LANGUAGES, self.rng.randint(0, 10)):
            labels[lang] = name_en
        if ar:
            labels["ar"] = ar
        return labels

    def _sitelinks(self, title: str, arabic: str = "") -> dict[str, Any]:
        count = min(int(self.rng.paretovariate(1.2)) - 1, len(_WIKIS))
        links = {}
        for site in _WIKIS[:count]:
            links[site] = {"site": site, "title": arabic if site == "arwiki" and arabic else title, "badges": []}
        return links

    def _envelope(
        self,
        qid: str,
        labels: dict[str, str],
        descriptions: dict[str, str],
        aliases: dict[str, list[str]],
        claims: dict[str, list[Any]],
        sitelinks: dict[str, Any],
    ) -> dict[str, Any]:
        return {
            "type": "item",
            "id": qid,
            "labels": self._terms(labels),
            "descriptions": self._terms(descriptions),
            "aliases": {lang: [{"language": lang, "value": v} for v in values] for lang, values in aliases.items()},
            "claims": claims,
            "sitelinks": sitelinks,
            "pageid": int(qid[1:]) - FIRST_QID + 100_000_000,
            "ns": 0,
            "title": qid,
            "lastrevid": 2_000_000_000 + self.rng.randint(0, 400_000_000),
            "modified": f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T12:00:00Z",
        }

    # Names.
    def _person_name(self) -> tuple[str, str, list[str]]:
        given_ar, given_en = self.rng.choice(_GIVEN)
        surname_ar, surname_en = self.rng.choices(_SURNAMES, self._name_weights)[0]
        label_ar = f"{given_ar} {surname_ar}"
        label_en = f"{given_en} {surname_en}"
        aliases = []
        if self.rng.random() < 0.6:
            aliases.append(_variant(self.rng, label_ar))
        if self.rng.random() < 0.3:
            middle_ar, _ = self.rng.choice(_GIVEN)
            aliases.append(f"{given_ar} بن {middle_ar} {surname_ar}")
        return label_ar, label_en, [a for a in dict.fromkeys(aliases) if a != label_ar]

    def _place_name(self) -> tuple[str, str]:
        prefix_ar, prefix_en = self.rng.choice(_PLACE_PREFIXES)
        word_ar, word_en = self.rng.choice(_PLACE_WORDS)
        if not prefix_ar:
            return word_ar, word_en
        return f"{prefix_ar} {word_ar}", f"{prefix_en} {word_en}"

    # Entity kinds.
    def official(self, qid: str) -> dict[str, Any]:
        label_ar, label_en, aliases_ar = self._person_name()
        country, adjective_ar, adjective_en = self.rng.choice(_COUNTRIES)
        claims: dict[str, list[Any]] = {
            "P31": [self._item(qid, "P31", "Q5")],
            "P21": [self._item(qid, "P21", self.rng.choice(["Q6581097", "Q6581072"]))],
            "P27": [self._item(qid, "P27", country)],
            "P569": [self._time(qid, "P569", self.rng.randint(1930, 1990))],
        }
        occupations = self.rng.sample(_OCCUPATIONS_IN, self.rng.randint(0, 2)) or [self.rng.choice(_OCCUPATIONS_OUT)]
        claims["P106"] = [self._item(qid, "P106", o) for o in occupations]
        if self.rng.random() < 0.8 or not set(occupations) & set(_OCCUPATIONS_IN):
            claims["P39"] = [
                self._item(qid, "P39", p, qualifiers={"P580": [self._time(qid, "P580", 2000)["mainsnak"]]})
                for p in self.rng.sample(_POSITION_QIDS, self.rng.randint(1, 3))
            ]
        if self.rng.random() < 0.5:
            claims["P214"] = [self._string(qid, "P214", str(self.rng.randint(10**8, 10**9)))]
        aliases = {"ar": aliases_ar} if aliases_ar else {}
        if self.rng.random() < 0.2:
            aliases["en"] = [label_en.replace(" ", " al-", 1)]
        descriptions = {
            "ar": f"سياسي من الدولة {adjective_ar}" if self.rng.random() < 0.7 else "",
            "en": f"{adjective_en} politician",
            "fr": f"homme politique ({adjective_en})",
        }
        labels = self._latin_everywhere(label_en, label_ar if self.rng.random() < 0.95 else "")
        if "ar" not in labels and not aliases_ar:
            labels["ar"] = label_ar
        return self._envelope(qid, labels, descriptions, aliases, claims, self._sitelinks(label_en, label_ar))

    def place(self, qid: str, *, arabic: bool = True, coordinates: bool = True) -> dict[str, Any]:
        name_ar, name_en = self._place_name()
        country, adjective_ar, adjective_en = self.rng.choice(_COUNTRIES)
        cls, cls_en, _ = self.rng.choices(_PLACE_CLASSES, [w for *_, w in _PLACE_CLASSES])[0]
        claims: dict[str, list[Any]] = {"P31": [self._item(qid, "P31", cls)], "P17": [self._item(qid, "P17", country)]}
        if coordinates:
            claims["P625"] = [self._coordinates(qid)]
        if self.rng.random() < 0.3:
            claims["P1566"] = [self._string(qid, "P1566", str(self.rng.randint(10**6, 10**7)))]  # GeoNames id
        aliases = {"ar": [_variant(self.rng, name_ar)]} if arabic and self.rng.random() < 0.5 else {}
        descriptions = {"en": f"{cls_en} in a {adjective_en} province"}
        if arabic:
            descriptions["ar"] = f"منطقة في الدولة {adjective_ar}"
        labels = self._latin_everywhere(name_en, name_ar if arabic else "")
        return self._envelope(qid, labels, descriptions, aliases, claims, self._sitelinks(name_en, name_ar))

    def organization(self, qid: str) -> dict[str, Any]:
        country, adjective_ar, adjective_en = self.rng.choice(_COUNTRIES)
        roll = self.rng.random()
        if roll < 0.4:
            word_ar, word_en = self.rng.choice(_MINISTRIES)
            name_ar, name_en, cls = (
                f"وزارة {word_ar} {adjective_ar}",
                f"{adjective_en} Ministry of {word_en}",
                "Q327333",
            )
        elif roll < 0.7:
            word_ar, word_en = self.rng.choice(_PARTY_WORDS)
            name_ar, name_en, cls = f"حزب {word_ar}", f"{word_en} Party ({adjective_en})", "Q7278"
        else:
            word_ar, word_en = self.rng.choice(_PLACE_WORDS)
            name_ar, name_en, cls = f"شركة {word_ar}", f"{word_en} Company", "Q4830453"
        claims = {
            "P31": [self._item(qid, "P31", cls)],
            "P17": [self._item(qid, "P17", country)],
            "P571": [self._time(qid, "P571", self.rng.randint(1920, 2020))],
        }
        aliases = {"ar": [_variant(self.rng, name_ar)]} if self.rng.random() < 0.5 else {}
        labels = self._latin_everywhere(name_en, name_ar)
        return self._envelope(
            qid, labels, {"en": f"organisation ({adjective_en})"}, aliases, claims, self._sitelinks(name_en, name_ar)
        )

    def article(self, qid: str) -> dict[str, Any]:
        words = self.rng.sample(
            [
                "effects",
                "of",
                "protein",
                "on",
                "cell",
                "growth",
                "in",
                "mice",
                "analysis",
                "clinical",
                "study",
                "novel",
                "method",
                "for",
                "gene",
                "expression",
                "a",
                "review",
            ],
            8,
        )
        title = " ".join(words).capitalize()
        claims: dict[str, list[Any]] = {
            "P31": [self._item(qid, "P31", "Q13442814")],
            "P1476": [
                self._statement(
                    qid,
                    "P1476",
                    {"value": {"text": title, "language": "en"}, "type": "monolingualtext"},
                    "monolingualtext",
                )
            ],
            "P577": [self._time(qid, "P577", self.rng.randint(1990, 2023))],
            "P356": [self._string(qid, "P356", f"10.{self.rng.randint(1000, 9999)}/{self.rng.getrandbits(40):x}")],
            "P2093": [
                self._string(qid, "P2093", f"{self.rng.choice(_GIVEN)[1]} {self.rng.choice(_SURNAMES)[1]}", "string")
                for _ in range(self.rng.randint(1, 12))
            ],
        }
        return self._envelope(qid, {"en": title}, {"en": "scholarly article"}, {}, claims, {})

    def taxon(self, qid: str) -> dict[str, Any]:
        name = f"{self.rng.choice(['Acacia', 'Ficus', 'Rosa', 'Aedes', 'Papilio'])} {self._hash()[:8]}"
        claims = {"P31": [self._item(qid, "P31", "Q16521")], "P225": [self._string(qid, "P225", name, "string")]}
        labels = self._latin_everywhere(name, "نوع من الكائنات" if self.rng.random() < 0.2 else "")
        return self._envelope(qid, labels, {"en": "species"}, {}, claims, self._sitelinks(name))

    def category(self, qid: str) -> dict[str, Any]:
        place_ar, place_en = self._place_name()
        labels = {"en": f"Category:People from {place_en}"}
        if self.rng.random() < 0.7:
            labels["ar"] = f"تصنيف:أشخاص من {place_ar}"
        claims = {"P31": [self._item(qid, "P31", "Q4167836")]}
        return self._envelope(
            qid,
            labels,
            {"en": "Wikimedia category"},
            {},
            claims,
            {"enwiki": {"site": "enwiki", "title": labels["en"], "badges": []}},
        )

    def other_person(self, qid: str) -> dict[str, Any]:
        label_ar, label_en, aliases_ar = self._person_name()
        country = self.rng.choice(_COUNTRIES)[0]
        claims = {
            "P31": [self._item(qid, "P31", "Q5")],
            "P27": [self._item(qid, "P27", country)],
            "P106": [self._item(qid, "P106", self.rng.choice(_OCCUPATIONS_OUT))],
            "P569": [self._time(qid, "P569", self.rng.randint(1930, 2000))],
        }
        labels = self._latin_everywhere(label_en, label_ar)
        return self._envelope(
            qid,
            labels,
            {"en": "footballer"},
            {"ar": aliases_ar} if aliases_ar else {},
            claims,
            self._sitelinks(label_en, label_ar),
        )

    def building(self, qid: str) -> dict[str, Any]:
        name_ar, name_en = self._place_name()
        claims = {
            "P31": [self._item(qid, "P31", self.rng.choice(["Q41176", "Q11424"]))],
            "P625": [self._coordinates(qid)],
        }
        labels = self._latin_everywhere(f"{name_en} tower", f"برج {name_ar}" if self.rng.random() < 0.4 else "")
        return self._envelope(qid, labels, {"en": "building"}, {}, claims, self._sitelinks(name_en))

    def entity(self, index: int) -> dict[str, Any]:
        """The entity at position `index` (0-based) of the dump."""
        qid = f"Q{FIRST_QID + index}"
        kind = self.rng.choices(self._kinds, self._weights)[0]
        self.counts[kind] += 1
        if kind == "foreign_place":
            return self.place(qid, arabic=False)
        if kind == "place_no_coordinates":
            return self.place(qid, coordinates=False)
        maker: Callable[[str], dict[str, Any]] = getattr(self, kind)
        return maker(qid)


def _open_for_writing(path: Path, compression: str) -> IO[bytes]:
    if compression == ".gz":
        return gzip.open(path, "wb", compresslevel=6)  # type: ignore[return-value]  # gzip(1)'s default level
    if compression == ".bz2":
        return bz2.open(path, "wb", compresslevel=9)
    return path.open("wb")


def write_dump(
    path: Path, count: int, *, seed: int = 1, in_scope: float = 0.10, bad_share: float = 0.0
) -> Counter[str]:
    """Write `count` entities to `path` in the official framing; returns how many of each kind."""
    generator = DumpGenerator(seed, in_scope)
    bad_rng = random.Random(seed + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with _open_for_writing(tmp, path.suffix) as out:
        out.write(b"[\n")
        for index in range(count):
            line = json.dumps(generator.entity(index), ensure_ascii=False, separators=(",", ":"))
            if bad_share and bad_rng.random() < bad_share:
                line = line[: len(line) // 2]  # a truncated line
                generator.counts["malformed"] += 1
            out.write(line.encode())
            out.write(b",\n" if index < count - 1 else b"\n")
        out.write(b"]\n")
    tmp.replace(path)
    return generator.counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.make_dump", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, required=True, help="number of entities to write")
    parser.add_argument("--out", type=Path, required=True, help="output file: .json, .json.gz or .json.bz2")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--in-scope", type=float, default=0.10, help="share of in-scope entities (default 0.10)")
    parser.add_argument("--bad-share", type=float, default=0.0, help="share of truncated (malformed) lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    counts = write_dump(args.out, args.entities, seed=args.seed, in_scope=args.in_scope, bad_share=args.bad_share)
    _LOGGER.info(
        "wrote %s (%d bytes) in %.1fs: %s",
        args.out,
        args.out.stat().st_size,
        time.monotonic() - started,
        dict(sorted(counts.items())),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

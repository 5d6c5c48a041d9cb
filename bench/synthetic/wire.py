"""Wikidata's JSON entity shape: statements with ranks, hashes, qualifiers and references; terms; sitelinks.

Kept apart from the choice of names so that the reader is exercised on the
real framing whatever the entities say.
"""

from __future__ import annotations

import random
from typing import Any

FIRST_QID = 9_000_000_001
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
EARTH = "http://www.wikidata.org/entity/Q2"
OTHER_LANGUAGES = ["fr", "es", "de", "it", "nl", "pt", "ru", "tr", "fa", "ur", "he", "sv", "pl", "id", "ms", "ca"]
# Real wiki codes, Arabic and English first; an entity's sitelinks are the first N (enough for N ≤ 140).
WIKIS = ["arwiki", "enwiki", "frwiki", "arzwiki", "eswiki", "dewiki", "commonswiki", "itwiki", "ruwiki", "fawiki"] + [
    f"{code}wiki"
    for code in [
        "tr",
        "ur",
        "nl",
        "pt",
        "sv",
        "pl",
        "id",
        "he",
        "ja",
        "zh",
        "uk",
        "ca",
        "fi",
        "no",
        "ko",
        "cs",
        "hu",
        "ro",
        "vi",
        "sr",
        "ms",
        "eu",
        "bg",
        "hy",
        "da",
        "sh",
        "ce",
        "uz",
        "az",
        "el",
        "sk",
        "lt",
        "be",
        "et",
        "sl",
        "kk",
        "hr",
        "gl",
        "ka",
        "ta",
        "tt",
        "ml",
        "lv",
        "bs",
        "th",
        "hi",
        "mk",
        "azb",
        "sq",
        "bn",
        "te",
        "ckb",
        "ky",
        "ast",
        "zh_min_nan",
        "new",
        "war",
        "ceb",
        "lb",
        "tg",
        "mr",
        "af",
        "oc",
        "is",
        "cy",
        "ga",
        "la",
        "eo",
        "nn",
        "an",
        "br",
        "sw",
        "jv",
        "su",
        "pnb",
        "ps",
        "sd",
        "ku",
        "ha",
        "so",
        "yo",
        "ig",
        "am",
        "ti",
        "ber",
        "kab",
        "mzn",
        "lmo",
        "pa",
        "gu",
        "kn",
        "ne",
        "si",
        "my",
        "km",
        "lo",
        "mn",
        "bo",
        "dv",
        "ug",
        "fy",
        "gd",
        "vec",
        "scn",
        "nap",
        "pms",
        "lij",
        "co",
        "wa",
        "li",
        "bar",
        "nds",
        "als",
        "hsb",
        "dsb",
        "fo",
        "se",
        "vo",
        "ia",
        "ie",
        "io",
        "nov",
    ]
]


class Wire:
    """Builds the parts of one entity's JSON with a shared random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def hash(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def guid(self, qid: str) -> str:
        value = f"{self.rng.getrandbits(128):032X}"
        return f"{qid}${value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"

    def statement(self, qid: str, prop: str, datavalue: dict[str, Any], datatype: str, **extra: Any) -> dict[str, Any]:
        snak = {
            "snaktype": "value",
            "property": prop,
            "hash": self.hash(),
            "datavalue": datavalue,
            "datatype": datatype,
        }
        statement: dict[str, Any] = {"mainsnak": snak, "type": "statement", **extra}
        statement["id"] = self.guid(qid)
        statement["rank"] = "normal"
        if self.rng.random() < 0.4:
            ref = self.item_snak("P143", "Q328")  # imported from: English Wikipedia
            statement["references"] = [{"hash": self.hash(), "snaks": {"P143": [ref]}, "snaks-order": ["P143"]}]
        return statement

    def item_snak(self, prop: str, value: str) -> dict[str, Any]:
        return {
            "snaktype": "value",
            "property": prop,
            "hash": self.hash(),
            "datavalue": {
                "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
                "type": "wikibase-entityid",
            },
            "datatype": "wikibase-item",
        }

    def item(self, qid: str, prop: str, value: str, **extra: Any) -> dict[str, Any]:
        datavalue = {
            "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
            "type": "wikibase-entityid",
        }
        return self.statement(qid, prop, datavalue, "wikibase-item", **extra)

    def time(self, qid: str, prop: str, year: int) -> dict[str, Any]:
        value = {
            "time": f"+{year:04d}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T00:00:00Z",
            "timezone": 0,
            "before": 0,
            "after": 0,
            "precision": 11,
            "calendarmodel": GREGORIAN,
        }
        return self.statement(qid, prop, {"value": value, "type": "time"}, "time")

    def string(self, qid: str, prop: str, value: str, datatype: str = "external-id") -> dict[str, Any]:
        return self.statement(qid, prop, {"value": value, "type": "string"}, datatype)

    def coordinates(self, qid: str) -> dict[str, Any]:
        value = {
            "latitude": round(self.rng.uniform(12, 38), 6),
            "longitude": round(self.rng.uniform(-17, 58), 6),
            "altitude": None,
            "precision": 0.0001,
            "globe": EARTH,
        }
        return self.statement(qid, "P625", {"value": value, "type": "globecoordinate"}, "globe-coordinate")

    def positions(self, qid: str, offices: list[str]) -> list[dict[str, Any]]:
        """P39 statements, each with a start-time qualifier; the latest office is ranked preferred."""
        out = []
        for office in offices:
            start = self.time(qid, "P580", self.rng.randint(1960, 2023))["mainsnak"]
            out.append(self.item(qid, "P39", office, qualifiers={"P580": [start]}, **{"qualifiers-order": ["P580"]}))
        if len(out) > 1:
            out[-1]["rank"] = "preferred"
        return out

    @staticmethod
    def terms(names: dict[str, str]) -> dict[str, dict[str, str]]:
        return {lang: {"language": lang, "value": value} for lang, value in names.items() if value}

    def latin_everywhere(self, name_en: str, ar: str = "", share: float = 1.0) -> dict[str, str]:
        """Labels: English, then copies in a random number of other languages, Arabic where given."""
        labels = {"en": name_en} if self.rng.random() < share else {}
        for lang in self.rng.sample(OTHER_LANGUAGES, self.rng.randint(0, 10)):
            labels[lang] = name_en
        if ar:
            labels["ar"] = ar
        return labels

    @staticmethod
    def sitelinks(count: int, title: str, arabic: str = "") -> dict[str, Any]:
        """`count` sitelinks (Arabic Wikipedia first when there are any), titled in the site's script."""
        return {
            site: {"site": site, "title": arabic if site in ("arwiki", "arzwiki") and arabic else title, "badges": []}
            for site in WIKIS[: min(count, len(WIKIS))]
        }

    def envelope(
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
            "labels": self.terms(labels),
            "descriptions": self.terms(descriptions),
            "aliases": {lang: [{"language": lang, "value": v} for v in values] for lang, values in aliases.items()},
            "claims": claims,
            "sitelinks": sitelinks,
            "pageid": int(qid[1:]) - FIRST_QID + 100_000_000,
            "ns": 0,
            "title": qid,
            "lastrevid": 2_000_000_000 + self.rng.randint(0, 400_000_000),
            "modified": f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T12:00:00Z",
        }

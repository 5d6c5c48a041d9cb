"""The one record type every gazetteer source yields.

Seeds, Wikidata JSON dumps and SPARQL results are read by separate adapters
(`gazetteer.readers`), but each of them produces `EntityRecord`s, so the build,
the merge and the loader only ever deal with this shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

QID_PATTERN = re.compile(r"^Q[1-9][0-9]{0,11}$")


class EntityKind(StrEnum):
    """The coarse type of an entity; the values are what the seeds and the DB store."""

    PERSON = "person"
    PLACE = "place"
    ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One entity as every source describes it.

    `sitelinks` is Wikidata's sitelink count (how many wikis have an article),
    the popularity prior. `instance_of` holds P31 class QIDs, `positions` the
    P39 positions held (people only). Coordinates are WGS84 degrees.
    """

    qid: str
    kind: EntityKind
    label_ar: str = ""
    label_en: str = ""
    description_ar: str = ""
    description_en: str = ""
    aliases_ar: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    country_qid: str = ""
    lat: float | None = None
    lon: float | None = None
    sitelinks: int = 0
    instance_of: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())
    # False for a curated seed whose QID could not be checked against Wikidata.
    qid_verified: bool = True

    def __hash__(self) -> int:
        # Equality still compares every field; the QID alone spreads records well enough. The
        # generated hash hashed all sixteen fields, and the adapter's message caches hash a record
        # for each mention and candidate of every response.
        return hash(self.qid)

    def names_ar(self) -> tuple[str, ...]:
        """The Arabic label first, then the aliases, without duplicates or blanks."""
        seen: dict[str, None] = {}
        for name in (self.label_ar, *self.aliases_ar):
            name = name.strip()
            if name:
                seen.setdefault(name, None)
        return tuple(seen)

    def merged_with(self, other: EntityRecord) -> EntityRecord:
        """Fields set in `self` win; `other` fills the gaps; name lists are united.

        Used to let the curated seeds override Wikidata for the fields they set.
        """
        if other.qid != self.qid:
            raise ValueError(f"cannot merge {self.qid} with {other.qid}")

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(x for x in (*a, *b) if x))

        return replace(
            self,
            label_ar=self.label_ar or other.label_ar,
            label_en=self.label_en or other.label_en,
            description_ar=self.description_ar or other.description_ar,
            description_en=self.description_en or other.description_en,
            aliases_ar=union(self.aliases_ar, other.aliases_ar),
            aliases_en=union(self.aliases_en, other.aliases_en),
            country_qid=self.country_qid or other.country_qid,
            lat=self.lat if self.lat is not None else other.lat,
            lon=self.lon if self.lon is not None else other.lon,
            sitelinks=self.sitelinks or other.sitelinks,
            instance_of=union(self.instance_of, other.instance_of),
            positions=union(self.positions, other.positions),
            sources=union(self.sources, other.sources),
            # Another source knowing the same QID confirms it.
            qid_verified=self.qid_verified or other.qid_verified,
        )


# P31 classes of countries and states: sovereign state, country, island nation...
COUNTRY_CLASSES = frozenset({"Q6256", "Q3624078", "Q7275", "Q3024240", "Q1520223"})
# Wikidata's classes of settlements: city, capital, big city, city with millions, metropolis, city
# of the United States, town, village, human settlement.
SETTLEMENT_CLASSES = frozenset(
    {"Q515", "Q5119", "Q1549591", "Q1637706", "Q200250", "Q1093829", "Q3957", "Q532", "Q486972"}
)


def is_country(entity: EntityRecord) -> bool:
    """A sovereign state or country, rather than a city or region."""
    return entity.kind is EntityKind.PLACE and (
        entity.country_qid == entity.qid or not COUNTRY_CLASSES.isdisjoint(entity.instance_of)
    )


def is_settlement(entity: EntityRecord) -> bool:
    """A city, town or village by its classes (not a country, a state or a region)."""
    return entity.kind is EntityKind.PLACE and not SETTLEMENT_CLASSES.isdisjoint(entity.instance_of)


def is_valid_qid(value: str) -> bool:
    """True for a well-formed Wikidata item id such as ``Q1028`` (the whole string: ``Q1028\\n`` is not)."""
    return QID_PATTERN.fullmatch(value) is not None

"""Reader for SPARQL 1.1 JSON results from the Wikidata Query Service.

The queries in `gazetteer/queries/*.rq` return one row per fact (a label, an
alias, a class...) rather than one row per entity, so that many-valued facts
do not multiply each other; this reader gathers the rows of each ``?item``
back into one `EntityRecord`. A query file names the kind of its entities in
a ``# kind:`` comment and takes its class lists from the scope profile.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.profile import Profile
from gazetteer.progress import Progress
from gazetteer.records import EntityKind, EntityRecord, is_valid_qid
from gazetteer.wdqs import WdqsClient

_LOGGER = logging.getLogger(__name__)

SOURCE_NAME = "wdqs"
DEFAULT_QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

_ENTITY_PREFIX = "http://www.wikidata.org/entity/"
_EARTH = _ENTITY_PREFIX + "Q2"
_POINT = re.compile(r"^\s*(?:<([^>]*)>\s*)?Point\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)
_KIND_LINE = re.compile(r"^#\s*kind:\s*(\w+)\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# Variables that carry a text, and the record field each language of it fills.
_TEXT_VARIABLES = {"label": "label", "alias": "aliases", "description": "description"}
# Fragments the templates take from the profile (SPARQL, not Python: kept here because they switch on profile flags).
_ARABIC_NAME = (
    '{ ?item rdfs:label ?arabicName . } UNION { ?item skos:altLabel ?arabicName . } FILTER(LANG(?arabicName) = "ar")'
)
_HAS_POSITION = "?item wdt:P39 [] ."
_HAS_COORDINATES = "?item wdt:P625 [] ."
_NOTHING = "FILTER(false)"


class SparqlFormatError(ValueError):
    """A results document or a query file does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class QueryFile:
    """One `.rq` template and the kind of entity it selects."""

    name: str
    kind: EntityKind
    template: str

    def render(self, profile: Profile, limit: int, offset: int) -> str:
        """The query text for one page, with the profile's classes filled in."""
        values = {
            "person_classes": profile.sparql_values("person_classes"),
            "occupations": profile.sparql_values("occupations"),
            "place_classes": profile.sparql_values("place_classes"),
            "organization_classes": profile.sparql_values("organization_classes"),
            "arabic_name": _ARABIC_NAME if profile.require_arabic_name else "",
            "has_position": _HAS_POSITION if profile.any_position_held else _NOTHING,
            "has_coordinates": _HAS_COORDINATES if profile.place_requires_coordinates else "",
            "limit": str(limit),
            "offset": str(offset),
        }

        def fill(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise SparqlFormatError(f"{self.name}: unknown placeholder {match.group(0)}")
            return values[match.group(1)]

        return _PLACEHOLDER.sub(fill, self.template)


def load_query(path: Path) -> QueryFile:
    """Read a query template; its ``# kind: person|place|organization`` line is required."""
    text = path.read_text(encoding="utf-8")
    match = _KIND_LINE.search(text)
    if not match:
        raise SparqlFormatError(f"{path}: no '# kind: person|place|organization' line")
    try:
        kind = EntityKind(match.group(1))
    except ValueError:
        raise SparqlFormatError(f"{path}: kind must be person, place or organization") from None
    for placeholder in ("{{limit}}", "{{offset}}"):
        if placeholder not in text:
            raise SparqlFormatError(f"{path}: the template must page with {placeholder}")
    return QueryFile(path.stem, kind, text)


def load_queries(folder: Path = DEFAULT_QUERIES_DIR) -> list[QueryFile]:
    """Every `.rq` template of a folder, in name order."""
    queries = [load_query(p) for p in sorted(folder.glob("*.rq"))]
    if not queries:
        raise SparqlFormatError(f"no .rq query files in {folder}")
    return queries


def _qid(term: dict[str, Any]) -> str:
    value = term.get("value", "")
    if term.get("type") != "uri" or not value.startswith(_ENTITY_PREFIX):
        raise SparqlFormatError(f"expected a Wikidata entity URI, got {term!r}")
    qid = value[len(_ENTITY_PREFIX) :]
    if not is_valid_qid(qid):
        raise SparqlFormatError(f"{value} is not an item")
    return qid


def _point(value: str) -> tuple[float, float] | None:
    """(lat, lon) of a WKT ``Point(lon lat)``, or None for another globe or bad text."""
    match = _POINT.match(value)
    if not match or (match.group(1) and match.group(1) != _EARTH):
        return None
    try:
        lon, lat = float(match.group(2)), float(match.group(3))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 360 else None


@dataclass(slots=True)
class _Entity:
    """The facts of one item, gathered from its rows."""

    qid: str
    texts: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (field, lang) → values
    classes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    coordinates: tuple[float, float] | None = None
    sitelinks: int = 0

    def add(self, variable: str, term: dict[str, Any]) -> None:
        value = term.get("value")
        if not isinstance(value, str):
            raise SparqlFormatError(f"{self.qid}: ?{variable} has no string value")
        base, _, suffix = variable.partition("_")
        if base in _TEXT_VARIABLES and term.get("type") == "literal":
            lang = suffix or term.get("xml:lang", "")
            if lang in ("ar", "en") and value.strip():
                self.texts.setdefault((_TEXT_VARIABLES[base], lang), []).append(value.strip())
        elif variable == "class":
            self.classes.append(_qid(term))
        elif variable == "country":
            self.countries.append(_qid(term))
        elif variable == "position":
            self.positions.append(_qid(term))
        elif variable == "coord" and self.coordinates is None:
            self.coordinates = _point(value)
        elif variable == "sitelinks":
            try:
                self.sitelinks = max(self.sitelinks, int(value))
            except ValueError:
                raise SparqlFormatError(f"{self.qid}: sitelinks {value!r} is not a number") from None

    def record(self, kind: EntityKind, source: str) -> EntityRecord:
        def first(name: str, lang: str) -> str:
            values = self.texts.get((name, lang))
            return values[0] if values else ""

        def unique(values: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(values))

        lat, lon = self.coordinates if self.coordinates else (None, None)
        return EntityRecord(
            qid=self.qid,
            kind=kind,
            label_ar=first("label", "ar"),
            label_en=first("label", "en"),
            description_ar=first("description", "ar"),
            description_en=first("description", "en"),
            aliases_ar=unique(self.texts.get(("aliases", "ar"), [])),
            aliases_en=unique(self.texts.get(("aliases", "en"), [])),
            country_qid=self.countries[0] if self.countries else "",
            lat=lat,
            lon=lon,
            sitelinks=self.sitelinks,
            instance_of=unique(self.classes),
            positions=unique(self.positions) if kind is EntityKind.PERSON else (),
            sources=(source,),
        )


def records_from_results(
    results: Any, kind: EntityKind, *, require_arabic_name: bool = True, source: str = SOURCE_NAME
) -> list[EntityRecord]:
    """The entities of one SPARQL JSON results document, one record per ``?item``, in first-seen order."""
    if not isinstance(results, dict) or not isinstance(results.get("head"), dict):
        raise SparqlFormatError("not a SPARQL JSON results document (no head)")
    variables = results["head"].get("vars")
    bindings = results.get("results", {}).get("bindings") if isinstance(results.get("results"), dict) else None
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise SparqlFormatError("not a SPARQL JSON results document (no head.vars or results.bindings)")
    if "item" not in variables:
        raise SparqlFormatError("the query must select ?item")
    entities: dict[str, _Entity] = {}
    for number, binding in enumerate(bindings):
        if not isinstance(binding, dict) or "item" not in binding:
            raise SparqlFormatError(f"binding {number} has no ?item")
        qid = _qid(binding["item"])
        entity = entities.get(qid)
        if entity is None:
            entity = entities[qid] = _Entity(qid)
        for variable, term in binding.items():
            if variable != "item" and isinstance(term, dict):
                entity.add(variable, term)
    records = []
    for entity in entities.values():
        record = entity.record(kind, source)
        if require_arabic_name and not record.names_ar():
            continue
        if record.names_ar() or record.label_en or record.aliases_en:
            records.append(record)
    return records


@dataclass(slots=True)
class SparqlStats:
    """What a refresh fetched, per query; kept in the build's metadata."""

    endpoint: str
    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0

    def as_details(self) -> dict[str, object]:
        """The stats as a JSON-ready dict."""
        return asdict(self)


class SparqlReader:
    """Iterate the entities of every query, page by page, as `EntityRecord`s."""

    def __init__(
        self, client: WdqsClient, queries: list[QueryFile], profile: Profile, *, progress: bool | None = None
    ) -> None:
        self.client = client
        self.queries = queries
        self.profile = profile
        self.progress = progress
        self.stats = SparqlStats(endpoint=client.settings.endpoint)

    def __iter__(self) -> Iterator[EntityRecord]:
        started = time.monotonic()
        try:
            for query in self.queries:
                yield from self._run(query)
        finally:
            self.stats.requests = self.client.requests
            self.stats.retries = self.client.retries
            self.stats.seconds = round(time.monotonic() - started, 3)

    def _run(self, query: QueryFile) -> Iterator[EntityRecord]:
        counts = self.stats.queries.setdefault(query.name, {"pages": 0, "rows": 0, "records": 0})
        progress = Progress(f"wdqs {query.name}", interactive=self.progress) if self.progress is not False else None
        for results, _limit in self.client.pages(lambda limit, offset: query.render(self.profile, limit, offset)):
            records = records_from_results(results, query.kind, require_arabic_name=self.profile.require_arabic_name)
            counts["pages"] += 1
            counts["rows"] += len(results["results"]["bindings"])
            counts["records"] += len(records)
            yield from records
            if progress:
                progress.update(counts["records"], counts["records"])
        if progress:
            progress.finish(counts["records"], counts["records"])
        _LOGGER.info("query %s: %d entities in %d pages", query.name, counts["records"], counts["pages"])

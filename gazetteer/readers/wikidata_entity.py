"""One Wikidata entity, as a JSON dump writes it on a line, → `EntityRecord`.

Decoding uses msgspec structs that name only what the gazetteer reads: the
Arabic, English and "mul" terms and the statements of six properties (P31,
P39, P106, P17, P27, P625). Everything else on the line is skipped (still
checked to be valid JSON) without building Python objects for it, several
times faster than `json.loads` followed by dict walking.

`LinePrefilter` holds the byte searches tried before any decoding.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from gazetteer.profile import Profile
from gazetteer.records import EntityKind, EntityRecord, is_valid_qid

_EARTH = "http://www.wikidata.org/entity/Q2"


class EntityFormatError(ValueError):
    """A line is not JSON, or not shaped like a Wikidata entity."""


class _Term(msgspec.Struct, frozen=True, gc=False):
    value: str


class _ItemId(msgspec.Struct, frozen=True, gc=False):
    id: str = ""
    numeric_id: int = msgspec.field(default=0, name="numeric-id")  # old dumps have only this


class _Coordinate(msgspec.Struct, frozen=True, gc=False):
    latitude: float
    longitude: float
    globe: str = _EARTH


class _ItemValue(msgspec.Struct, frozen=True, gc=False):
    value: _ItemId


class _CoordinateValue(msgspec.Struct, frozen=True, gc=False):
    value: _Coordinate


class _ItemSnak(msgspec.Struct, frozen=True, gc=False):
    snaktype: str = "value"  # or "somevalue" / "novalue", which carry no datavalue
    datavalue: _ItemValue | None = None


class _CoordinateSnak(msgspec.Struct, frozen=True, gc=False):
    snaktype: str = "value"
    datavalue: _CoordinateValue | None = None


class _ItemStatement(msgspec.Struct, frozen=True, gc=False):
    mainsnak: _ItemSnak
    rank: str = "normal"


class _CoordinateStatement(msgspec.Struct, frozen=True, gc=False):
    mainsnak: _CoordinateSnak
    rank: str = "normal"


class _Labels(msgspec.Struct, frozen=True, gc=False):
    """Labels or descriptions in the languages read; "mul" is the name shared by many Latin-script languages."""

    ar: _Term | None = None
    en: _Term | None = None
    mul: _Term | None = None


class _Aliases(msgspec.Struct, frozen=True, gc=False):
    ar: list[_Term] = []
    en: list[_Term] = []
    mul: list[_Term] = []


class _Claims(msgspec.Struct, frozen=True, gc=False):
    """The statements of the properties read; all others are skipped."""

    P31: list[_ItemStatement] = []  # instance of
    P39: list[_ItemStatement] = []  # position held
    P106: list[_ItemStatement] = []  # occupation
    P17: list[_ItemStatement] = []  # country
    P27: list[_ItemStatement] = []  # country of citizenship
    P625: list[_CoordinateStatement] = []  # coordinate location


class _Entity(msgspec.Struct, frozen=True, gc=False):
    """The top level of an entity. The dumps write an empty map as [], hence the list alternatives."""

    type: str = ""
    id: str = ""
    labels: _Labels | list[Any] = _Labels()
    descriptions: _Labels | list[Any] = _Labels()
    aliases: _Aliases | list[Any] = _Aliases()
    claims: _Claims | list[Any] = _Claims()
    sitelinks: dict[str, msgspec.Raw] | list[Any] = {}
    modified: str = ""
    entities: dict[str, msgspec.Raw] | None = None  # only in an API answer wrapping entities (Special:EntityData)


_decode_entity = msgspec.json.Decoder(_Entity).decode
_NO_LABELS = _Labels()
_NO_ALIASES = _Aliases()
_NO_CLAIMS = _Claims()


def _present(value: Any, empty: Any, name: str) -> Any:
    if isinstance(value, list):
        if value:
            raise EntityFormatError(f"{name} is a non-empty list, not an object")
        return empty
    return value


def _text(term: _Term | None) -> str:
    return term.value.strip() if term is not None else ""


def _texts(terms: list[_Term]) -> list[str]:
    return [v for v in (t.value.strip() for t in terms) if v]


def _ranked(statements: list[Any]) -> list[Any]:
    """Statements with a value, preferred rank first, deprecated ones dropped."""
    if len(statements) == 1:  # the common case
        s = statements[0]
        return statements if s.rank != "deprecated" and s.mainsnak.datavalue is not None else []
    preferred, normal = [], []
    for s in statements:
        if s.mainsnak.datavalue is not None and s.mainsnak.snaktype == "value":
            if s.rank == "preferred":
                preferred.append(s)
            elif s.rank == "normal":
                normal.append(s)
    return preferred + normal


def _item_ids(statements: list[_ItemStatement], prop: str) -> list[str]:
    if not statements:
        return []
    ids: dict[str, None] = {}
    for statement in _ranked(statements):
        value = statement.mainsnak.datavalue.value  # type: ignore[union-attr]
        qid = value.id or f"Q{value.numeric_id}"
        if not is_valid_qid(qid):
            raise EntityFormatError(f"{prop} value {qid!r} is not an item id")
        ids[qid] = None
    return list(ids)


def _coordinates(statements: list[_CoordinateStatement]) -> tuple[float, float] | None:
    for statement in _ranked(statements) if statements else ():
        point = statement.mainsnak.datavalue.value  # type: ignore[union-attr]
        if point.globe == _EARTH and -90.0 <= point.latitude <= 90.0 and -180.0 <= point.longitude <= 360.0:
            return point.latitude, point.longitude
    return None  # no statement, or only places on the Moon or Mars


def decode_entity(line: bytes) -> _Entity:
    """Decode one entity line (without its trailing comma); raises `EntityFormatError`."""
    try:
        return _decode_entity(line)
    except msgspec.DecodeError as exc:
        raise EntityFormatError(str(exc)) from None


def decode_entities(line: bytes) -> list[_Entity]:
    """The entities of one line: itself, or those of an ``{"entities": {...}}`` envelope; raises `EntityFormatError`."""
    entity = decode_entity(line)
    if entity.entities is None:
        return [entity]
    return [decode_entity(raw) for raw in entity.entities.values()]


def entity_to_record(entity: _Entity, profile: Profile, source: str) -> EntityRecord | None:
    """A decoded entity → `EntityRecord`, or None when it is out of scope; raises `EntityFormatError`."""
    if entity.type != "item":
        return None  # properties, lexemes, media info
    if not is_valid_qid(entity.id):
        raise EntityFormatError(f"id {entity.id!r} is not an item id")
    labels: _Labels = _present(entity.labels, _NO_LABELS, "labels")
    aliases: _Aliases = _present(entity.aliases, _NO_ALIASES, "aliases")
    label_ar = _text(labels.ar)
    aliases_ar = _texts(aliases.ar) if aliases.ar else []
    if profile.require_arabic_name and not (label_ar or aliases_ar):
        return None
    claims: _Claims = _present(entity.claims, _NO_CLAIMS, "claims")
    coordinates = _coordinates(claims.P625)
    positions = _item_ids(claims.P39, "P39")
    instance_of = _item_ids(claims.P31, "P31")
    descriptions: _Labels = _present(entity.descriptions, _NO_LABELS, "descriptions")
    description_ar, description_en = _text(descriptions.ar), _text(descriptions.en)
    kind = profile.kind_of(
        instance_of,
        has_position=bool(positions),
        occupations=_item_ids(claims.P106, "P106"),
        has_coordinates=coordinates is not None,
        description_ar=description_ar,
        description_en=description_en,
    )
    if kind is None:
        return None
    # Newer items may carry their Latin-script name as "mul" instead of "en".
    label_en = _text(labels.en) or _text(labels.mul)
    aliases_en = _texts(aliases.en) + _texts(aliases.mul) if aliases.en or aliases.mul else []
    if not (label_ar or aliases_ar or label_en or aliases_en):
        return None  # nothing to look it up by
    countries = _item_ids(claims.P27 if kind is EntityKind.PERSON else claims.P17, "country")
    return EntityRecord(
        qid=entity.id,
        kind=kind,
        label_ar=label_ar,
        label_en=label_en,
        description_ar=description_ar,
        description_en=description_en,
        aliases_ar=tuple(dict.fromkeys(a for a in aliases_ar if a != label_ar)),
        aliases_en=tuple(dict.fromkeys(a for a in aliases_en if a != label_en)),
        country_qid=countries[0] if countries else "",
        lat=coordinates[0] if coordinates else None,
        lon=coordinates[1] if coordinates else None,
        sitelinks=len(entity.sitelinks),
        instance_of=tuple(instance_of),
        positions=tuple(positions) if kind is EntityKind.PERSON else (),
        sources=(source,),
    )


_WS = rb"[ \t\r\n]*"  # JSON's white space, which may stand between any two tokens
# A \u escape of a printable ASCII character: no dump writes one, but a key written so would hide from the searches.
_ESCAPED_ASCII = re.compile(rb"\\u00[2-7][0-9a-fA-F]")


def _numeric_ids(qids: frozenset[str]) -> re.Pattern[bytes]:
    """Item values with one of these ids, by their numeric id: old dumps write only that, new ones both."""
    alternatives = "|".join(sorted(q[1:] for q in qids)) or "(?!)"  # (?!) never matches
    return re.compile(b'"numeric-id"' + _WS + b":" + _WS + b"(" + alternatives.encode() + b")" + _WS + b"[,}]")


class LinePrefilter:
    """Byte searches every in-scope line passes, tried before decoding it.

    Each test is a necessary condition of `Profile.kind_of` on the decoded
    entity (an "ar" key, a scope class as an item value, a "P39" or "P625"
    key, an occupation as an item value, a "descriptions" key for a human
    when the profile reads offices from descriptions), so the prefilter may let through
    lines that decoding rejects but never drops one it would keep. The
    searches hold whatever the white space between tokens: keys are searched
    without their colon, and the item-value pattern allows white space, so
    lines written with spaces after ``:`` and ``,`` (as re-serialised dumps
    and the API are) are tested as cheaply as compact ones. Two writings the
    searches cannot vouch for are never rejected but left to the decoder: a
    line with a ``\\u`` escape of an ASCII character (a key may be written
    so), and a line whose item values lack "numeric-id".
    """

    def __init__(self, profile: Profile) -> None:
        self.need_arabic = profile.require_arabic_name
        self.scope_class = _numeric_ids(profile.scope_classes)
        self.person_classes = {q[1:].encode() for q in profile.person_classes}
        self.place_classes = {q[1:].encode() for q in profile.place_classes}
        self.organization_classes = {q[1:].encode() for q in profile.organization_classes}
        self.occupation = _numeric_ids(profile.occupations) if profile.occupations else None
        self.any_position = profile.any_position_held
        # A description may make a person an official (`Profile.describes_an_official`); it is read
        # after decoding, so a human with a description is never rejected here.
        self.official_descriptions = bool(profile.official_words_ar or profile.official_words_en)
        self.need_coordinates = profile.place_requires_coordinates

    def __call__(self, line: bytes) -> bool:
        if self.need_arabic and b'"ar"' not in line:
            return _undecidable(line)
        found = set(self.scope_class.findall(line))  # one scan; usually empty
        if not found:
            return _undecidable(line)
        if not found.isdisjoint(self.organization_classes):
            return True
        if not found.isdisjoint(self.place_classes) and (not self.need_coordinates or b'"P625"' in line):
            return True
        return (
            not found.isdisjoint(self.person_classes)
            and (
                (self.any_position and b'"P39"' in line)
                or bool(self.occupation and self.occupation.search(line))
                or (self.official_descriptions and b'"descriptions"' in line)
            )
        ) or _undecidable(line)


def _undecidable(line: bytes) -> bool:
    """True when the searches may have missed something: an item value without "numeric-id", an escaped key.

    Only lines about to be rejected pay for these scans.
    """
    if line.count(b'"wikibase-entityid"') > line.count(b'"numeric-id"'):
        return True
    return b"\\u00" in line and _ESCAPED_ASCII.search(line) is not None

"""Between the linking core's dataclasses and the API's protobuf messages."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from entitylinker.v1 import entity_linker_service_pb2 as pb
from gazetteer.loader import GazetteerInfo, popularity
from gazetteer.records import EntityKind, EntityRecord
from server.linking import Candidate, Mention
from server.offsets import OffsetUnit, convert_offsets

KIND_TO_TYPE = {
    EntityKind.PERSON: pb.ENTITY_TYPE_PERSON,
    EntityKind.PLACE: pb.ENTITY_TYPE_PLACE,
    EntityKind.ORGANIZATION: pb.ENTITY_TYPE_ORGANIZATION,
}
TYPE_TO_KIND = {v: k for k, v in KIND_TO_TYPE.items()}
ENCODING_TO_UNIT = {
    pb.OFFSET_ENCODING_UNSPECIFIED: OffsetUnit.CODE_POINTS,
    pb.OFFSET_ENCODING_CODE_POINTS: OffsetUnit.CODE_POINTS,
    pb.OFFSET_ENCODING_UTF8_BYTES: OffsetUnit.UTF8_BYTES,
    pb.OFFSET_ENCODING_UTF16_CODE_UNITS: OffsetUnit.UTF16_CODE_UNITS,
}


# A Link response carries each mention's entity, and the same entities come back request after
# request: building their messages once halves the cost of a response. The cached messages are
# shared, so callers only ever copy them into a response (as message constructors do).
_ENTITY_MESSAGES = 50_000


@lru_cache(maxsize=_ENTITY_MESSAGES)
def entity_message(entity: EntityRecord) -> pb.Entity:
    """An `EntityRecord` as an `Entity` message (shared: copy it, never change it)."""
    message = pb.Entity(
        qid=entity.qid,
        type=KIND_TO_TYPE[entity.kind],
        label_ar=entity.label_ar,
        label_en=entity.label_en,
        description_ar=entity.description_ar,
        description_en=entity.description_en,
        aliases_ar=list(entity.aliases_ar),
        country_qid=entity.country_qid,
        popularity=round(popularity(entity.sitelinks), 4),
        qid_unverified=not entity.qid_verified,
    )
    if entity.lat is not None and entity.lon is not None:
        message.coordinates.CopyFrom(pb.Coordinates(latitude=entity.lat, longitude=entity.lon))
    return message


@lru_cache(maxsize=_ENTITY_MESSAGES)
def _entity_bytes(entity: EntityRecord) -> int:
    return entity_message(entity).ByteSize()


def estimated_response_bytes(mentions: list[Mention]) -> int:
    """An upper estimate of the `LinkResponse` size, known before the messages are built.

    A 1 MiB text of repeated names with 50 candidates each would make a response
    of gigabytes: the adapter refuses it from this figure instead of building it.
    """
    total = 0
    distinct: dict[str, int] = {}
    for m in mentions:
        size = _entity_bytes(m.entity)
        distinct[m.entity.qid] = size
        total += size + 4 * len(m.surface) + 48 + sum(_entity_bytes(c.entity) + 24 for c in m.alternatives)
    return total + sum(size + 16 for size in distinct.values()) + 256


# The fields each EntityView keeps (AIP-157); FULL and UNSPECIFIED keep every field.
_VIEW_FIELDS: dict[int, tuple[str, ...]] = {
    pb.ENTITY_VIEW_ID_ONLY: ("qid", "qid_unverified"),
    pb.ENTITY_VIEW_BASIC: ("qid", "qid_unverified", "type", "label_ar", "label_en", "country_qid"),
}
ENTITY_VIEWS: frozenset[int] = frozenset(
    (pb.ENTITY_VIEW_UNSPECIFIED, pb.ENTITY_VIEW_ID_ONLY, pb.ENTITY_VIEW_BASIC, pb.ENTITY_VIEW_FULL)
)


@lru_cache(maxsize=_ENTITY_MESSAGES)
def _viewed_message(entity: EntityRecord, view: int) -> pb.Entity:
    full = entity_message(entity)
    fields = _VIEW_FIELDS.get(view)
    if fields is None:
        return full
    return pb.Entity(**{name: getattr(full, name) for name in fields})


def entity_view_message(entity: EntityRecord, view: int = pb.ENTITY_VIEW_UNSPECIFIED) -> pb.Entity:
    """The entity's message as much of it as `view` asks for (shared: copy it, never change it)."""
    return _viewed_message(entity, view)


def candidate_message(candidate: Candidate, view: int = pb.ENTITY_VIEW_UNSPECIFIED) -> pb.Candidate:
    """A core `Candidate` as a `Candidate` message."""
    return pb.Candidate(entity=entity_view_message(candidate.entity, view), score=candidate.score)


def link_response(
    text: str,
    mentions: list[Mention],
    unit: OffsetUnit,
    document_id: str,
    gazetteer_version: str,
    view: int = pb.ENTITY_VIEW_UNSPECIFIED,
) -> pb.LinkResponse:
    """The `LinkResponse` for `mentions` of `text`, offsets counted in `unit`."""
    offsets = convert_offsets(text, (p for m in mentions for p in (m.start, m.end)), unit)
    counts = Counter(m.entity.qid for m in mentions)
    first_seen: dict[str, EntityRecord] = {}
    for m in mentions:
        first_seen.setdefault(m.entity.qid, m.entity)
    # Built in place: a message handed to a constructor is copied, so making each Mention first
    # and then the response from them copied every entity twice (half of this function's time).
    response = pb.LinkResponse(document_id=document_id, gazetteer_version=gazetteer_version)
    for m in mentions:
        mention = response.mentions.add(start=offsets[m.start], end=offsets[m.end], surface=m.surface, score=m.score)
        mention.entity.CopyFrom(entity_view_message(m.entity, view))
        for alternative in m.alternatives:
            candidate = mention.candidates.add(score=alternative.score)
            candidate.entity.CopyFrom(entity_view_message(alternative.entity, view))
    for qid, entity in first_seen.items():
        linked = response.entities.add(mention_count=counts[qid])
        linked.entity.CopyFrom(entity_view_message(entity, view))
    return response


def info_response(info: GazetteerInfo) -> pb.GetGazetteerInfoResponse:
    """The gazetteer's metadata as a `GetGazetteerInfoResponse`."""
    counts = []
    for kind, type_value in KIND_TO_TYPE.items():
        counts.append(pb.EntityTypeCount(type=type_value, count=info.counts_by_type.get(kind.value, 0)))
    return pb.GetGazetteerInfoResponse(
        version=info.version,
        built_at=info.built_at,
        sources=list(info.sources),
        counts=counts,
        entity_count=sum(info.counts_by_type.values()),
        normalizer_version=info.normalizer_version,
        schema_version=info.schema_version,
    )

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EntityType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTITY_TYPE_UNSPECIFIED: _ClassVar[EntityType]
    ENTITY_TYPE_PERSON: _ClassVar[EntityType]
    ENTITY_TYPE_PLACE: _ClassVar[EntityType]
    ENTITY_TYPE_ORGANIZATION: _ClassVar[EntityType]

class OffsetEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OFFSET_ENCODING_UNSPECIFIED: _ClassVar[OffsetEncoding]
    OFFSET_ENCODING_CODE_POINTS: _ClassVar[OffsetEncoding]
    OFFSET_ENCODING_UTF8_BYTES: _ClassVar[OffsetEncoding]
    OFFSET_ENCODING_UTF16_CODE_UNITS: _ClassVar[OffsetEncoding]

class EntityView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTITY_VIEW_UNSPECIFIED: _ClassVar[EntityView]
    ENTITY_VIEW_ID_ONLY: _ClassVar[EntityView]
    ENTITY_VIEW_BASIC: _ClassVar[EntityView]
    ENTITY_VIEW_FULL: _ClassVar[EntityView]
ENTITY_TYPE_UNSPECIFIED: EntityType
ENTITY_TYPE_PERSON: EntityType
ENTITY_TYPE_PLACE: EntityType
ENTITY_TYPE_ORGANIZATION: EntityType
OFFSET_ENCODING_UNSPECIFIED: OffsetEncoding
OFFSET_ENCODING_CODE_POINTS: OffsetEncoding
OFFSET_ENCODING_UTF8_BYTES: OffsetEncoding
OFFSET_ENCODING_UTF16_CODE_UNITS: OffsetEncoding
ENTITY_VIEW_UNSPECIFIED: EntityView
ENTITY_VIEW_ID_ONLY: EntityView
ENTITY_VIEW_BASIC: EntityView
ENTITY_VIEW_FULL: EntityView

class Coordinates(_message.Message):
    __slots__ = ("latitude", "longitude")
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    latitude: float
    longitude: float
    def __init__(self, latitude: _Optional[float] = ..., longitude: _Optional[float] = ...) -> None: ...

class Entity(_message.Message):
    __slots__ = ("qid", "type", "label_ar", "label_en", "description_ar", "description_en", "aliases_ar", "country_qid", "coordinates", "popularity", "qid_unverified")
    QID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LABEL_AR_FIELD_NUMBER: _ClassVar[int]
    LABEL_EN_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_AR_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_EN_FIELD_NUMBER: _ClassVar[int]
    ALIASES_AR_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_QID_FIELD_NUMBER: _ClassVar[int]
    COORDINATES_FIELD_NUMBER: _ClassVar[int]
    POPULARITY_FIELD_NUMBER: _ClassVar[int]
    QID_UNVERIFIED_FIELD_NUMBER: _ClassVar[int]
    qid: str
    type: EntityType
    label_ar: str
    label_en: str
    description_ar: str
    description_en: str
    aliases_ar: _containers.RepeatedScalarFieldContainer[str]
    country_qid: str
    coordinates: Coordinates
    popularity: float
    qid_unverified: bool
    def __init__(self, qid: _Optional[str] = ..., type: _Optional[_Union[EntityType, str]] = ..., label_ar: _Optional[str] = ..., label_en: _Optional[str] = ..., description_ar: _Optional[str] = ..., description_en: _Optional[str] = ..., aliases_ar: _Optional[_Iterable[str]] = ..., country_qid: _Optional[str] = ..., coordinates: _Optional[_Union[Coordinates, _Mapping]] = ..., popularity: _Optional[float] = ..., qid_unverified: _Optional[bool] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("entity", "score")
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    entity: Entity
    score: float
    def __init__(self, entity: _Optional[_Union[Entity, _Mapping]] = ..., score: _Optional[float] = ...) -> None: ...

class Mention(_message.Message):
    __slots__ = ("start", "end", "surface", "entity", "score", "candidates")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    SURFACE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    surface: str
    entity: Entity
    score: float
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ..., surface: _Optional[str] = ..., entity: _Optional[_Union[Entity, _Mapping]] = ..., score: _Optional[float] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ...) -> None: ...

class LinkedEntity(_message.Message):
    __slots__ = ("entity", "mention_count")
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    MENTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    entity: Entity
    mention_count: int
    def __init__(self, entity: _Optional[_Union[Entity, _Mapping]] = ..., mention_count: _Optional[int] = ...) -> None: ...

class LinkRequest(_message.Message):
    __slots__ = ("text", "document_id", "types", "min_score", "max_candidates", "offset_encoding", "entity_view", "spans")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    MAX_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    OFFSET_ENCODING_FIELD_NUMBER: _ClassVar[int]
    ENTITY_VIEW_FIELD_NUMBER: _ClassVar[int]
    SPANS_FIELD_NUMBER: _ClassVar[int]
    text: str
    document_id: str
    types: _containers.RepeatedScalarFieldContainer[EntityType]
    min_score: float
    max_candidates: int
    offset_encoding: OffsetEncoding
    entity_view: EntityView
    spans: _containers.RepeatedCompositeFieldContainer[TextSpan]
    def __init__(self, text: _Optional[str] = ..., document_id: _Optional[str] = ..., types: _Optional[_Iterable[_Union[EntityType, str]]] = ..., min_score: _Optional[float] = ..., max_candidates: _Optional[int] = ..., offset_encoding: _Optional[_Union[OffsetEncoding, str]] = ..., entity_view: _Optional[_Union[EntityView, str]] = ..., spans: _Optional[_Iterable[_Union[TextSpan, _Mapping]]] = ...) -> None: ...

class TextSpan(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class LinkResponse(_message.Message):
    __slots__ = ("document_id", "mentions", "entities", "gazetteer_version")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    GAZETTEER_VERSION_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    mentions: _containers.RepeatedCompositeFieldContainer[Mention]
    entities: _containers.RepeatedCompositeFieldContainer[LinkedEntity]
    gazetteer_version: str
    def __init__(self, document_id: _Optional[str] = ..., mentions: _Optional[_Iterable[_Union[Mention, _Mapping]]] = ..., entities: _Optional[_Iterable[_Union[LinkedEntity, _Mapping]]] = ..., gazetteer_version: _Optional[str] = ...) -> None: ...

class LinkStreamRequest(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: LinkRequest
    def __init__(self, request: _Optional[_Union[LinkRequest, _Mapping]] = ...) -> None: ...

class LinkStreamResponse(_message.Message):
    __slots__ = ("response",)
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    response: LinkResponse
    def __init__(self, response: _Optional[_Union[LinkResponse, _Mapping]] = ...) -> None: ...

class ResolveRequest(_message.Message):
    __slots__ = ("mention", "context", "types", "limit", "entity_view")
    MENTION_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ENTITY_VIEW_FIELD_NUMBER: _ClassVar[int]
    mention: str
    context: str
    types: _containers.RepeatedScalarFieldContainer[EntityType]
    limit: int
    entity_view: EntityView
    def __init__(self, mention: _Optional[str] = ..., context: _Optional[str] = ..., types: _Optional[_Iterable[_Union[EntityType, str]]] = ..., limit: _Optional[int] = ..., entity_view: _Optional[_Union[EntityView, str]] = ...) -> None: ...

class ResolveResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ...) -> None: ...

class GetEntityRequest(_message.Message):
    __slots__ = ("qid",)
    QID_FIELD_NUMBER: _ClassVar[int]
    qid: str
    def __init__(self, qid: _Optional[str] = ...) -> None: ...

class GetEntityResponse(_message.Message):
    __slots__ = ("entity",)
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    entity: Entity
    def __init__(self, entity: _Optional[_Union[Entity, _Mapping]] = ...) -> None: ...

class GetGazetteerInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EntityTypeCount(_message.Message):
    __slots__ = ("type", "count")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    type: EntityType
    count: int
    def __init__(self, type: _Optional[_Union[EntityType, str]] = ..., count: _Optional[int] = ...) -> None: ...

class GetGazetteerInfoResponse(_message.Message):
    __slots__ = ("version", "built_at", "sources", "counts", "entity_count", "normalizer_version", "schema_version")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUILT_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    ENTITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    NORMALIZER_VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    version: str
    built_at: str
    sources: _containers.RepeatedScalarFieldContainer[str]
    counts: _containers.RepeatedCompositeFieldContainer[EntityTypeCount]
    entity_count: int
    normalizer_version: int
    schema_version: int
    def __init__(self, version: _Optional[str] = ..., built_at: _Optional[str] = ..., sources: _Optional[_Iterable[str]] = ..., counts: _Optional[_Iterable[_Union[EntityTypeCount, _Mapping]]] = ..., entity_count: _Optional[int] = ..., normalizer_version: _Optional[int] = ..., schema_version: _Optional[int] = ...) -> None: ...

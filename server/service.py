"""The gRPC adapter: validate the request, call the linking core, map the answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import grpc

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from gazetteer.records import EntityKind, is_valid_qid
from server import convert
from server.errors import RequestError, abort, invalid_argument, not_found
from server.holder import LinkerHolder
from server.linking import LinkOptions

_LOGGER = logging.getLogger(__name__)

MAX_CANDIDATES = 50
MAX_MENTION_CHARS = 1000
MAX_RESOLVE_LIMIT = 100
DEFAULT_RESOLVE_LIMIT = 10


def _kinds(types: list[int]) -> frozenset[EntityKind]:
    kinds = set()
    for value in types:
        kind = convert.TYPE_TO_KIND.get(value)  # type: ignore[call-overload]  # unknown ints are allowed in
        if kind is None:
            raise invalid_argument(
                "INVALID_ARGUMENT",
                f"types contains {value}, which is not a concrete EntityType; "
                "use ENTITY_TYPE_PERSON, ENTITY_TYPE_PLACE or ENTITY_TYPE_ORGANIZATION, or leave types empty for all",
            )
        kinds.add(kind)
    return frozenset(kinds)


class EntityLinkerService(pb_grpc.EntityLinkerServiceServicer):
    """Implements `entitylinker.v1.EntityLinkerService` over a `LinkerHolder`."""

    def __init__(self, holder: LinkerHolder, max_text_bytes: int) -> None:
        self.holder = holder
        self.max_text_bytes = max_text_bytes

    # -- validation --------------------------------------------------------

    def _check_text(self, text: str, field: str = "text") -> None:
        if not text.strip():
            raise invalid_argument("EMPTY_TEXT", f"{field} is empty or only white space; send the text to link")
        if len(text) * 4 > self.max_text_bytes and len(text.encode("utf-8")) > self.max_text_bytes:
            raise invalid_argument(
                "TEXT_TOO_LARGE",
                f"{field} is {len(text.encode('utf-8'))} bytes of UTF-8; the limit is {self.max_text_bytes} bytes",
                limit_bytes=str(self.max_text_bytes),
            )

    def _link_options(self, request: pb.LinkRequest) -> LinkOptions:
        if not 0.0 <= request.min_score <= 1.0:
            raise invalid_argument("INVALID_ARGUMENT", f"min_score is {request.min_score}; it must be in [0, 1]")
        if request.max_candidates > MAX_CANDIDATES:
            raise invalid_argument(
                "INVALID_ARGUMENT", f"max_candidates is {request.max_candidates}; the most allowed is {MAX_CANDIDATES}"
            )
        if request.offset_encoding not in convert.ENCODING_TO_UNIT:
            raise invalid_argument(
                "INVALID_ARGUMENT", f"offset_encoding {request.offset_encoding} is not a known OffsetEncoding"
            )
        return LinkOptions(
            kinds=_kinds(list(request.types)),
            min_score=request.min_score or None,
            max_candidates=request.max_candidates,
        )

    def _link(self, request: pb.LinkRequest) -> pb.LinkResponse:
        self._check_text(request.text)
        options = self._link_options(request)
        linker = self.holder.linker
        result = linker.link(request.text, options)
        return convert.link_response(
            request.text,
            result.mentions,
            convert.ENCODING_TO_UNIT[request.offset_encoding],
            request.document_id,
            linker.gazetteer.info.version,
        )

    # -- RPCs ------------------------------------------------------------------

    def Link(self, request: pb.LinkRequest, context: grpc.ServicerContext) -> pb.LinkResponse:
        try:
            return self._link(request)
        except RequestError as error:
            abort(context, error)
            raise  # unreachable: abort raises

    def LinkStream(
        self, request_iterator: Iterator[pb.LinkStreamRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.LinkStreamResponse]:
        for index, item in enumerate(request_iterator):
            try:
                response = self._link(item.request)
            except RequestError as error:
                error.message = f"document {index} (document_id {item.request.document_id!r}): {error.message}"
                abort(context, error)
                raise
            yield pb.LinkStreamResponse(response=response)

    def Resolve(self, request: pb.ResolveRequest, context: grpc.ServicerContext) -> pb.ResolveResponse:
        try:
            if not request.mention.strip():
                raise invalid_argument("EMPTY_TEXT", "mention is empty or only white space; send the name to resolve")
            if len(request.mention) > MAX_MENTION_CHARS:
                raise invalid_argument(
                    "TEXT_TOO_LARGE",
                    f"mention is {len(request.mention)} characters; the limit is {MAX_MENTION_CHARS}",
                    limit_chars=str(MAX_MENTION_CHARS),
                )
            if request.context.strip():
                self._check_text(request.context, "context")
            if request.limit > MAX_RESOLVE_LIMIT:
                raise invalid_argument(
                    "INVALID_ARGUMENT", f"limit is {request.limit}; it must be 1 to {MAX_RESOLVE_LIMIT}, or 0 for 10"
                )
            kinds = _kinds(list(request.types))
        except RequestError as error:
            abort(context, error)
            raise
        candidates = self.holder.linker.resolve(
            request.mention, request.context, kinds, request.limit or DEFAULT_RESOLVE_LIMIT
        )
        return pb.ResolveResponse(candidates=[convert.candidate_message(c) for c in candidates])

    def GetEntity(self, request: pb.GetEntityRequest, context: grpc.ServicerContext) -> pb.GetEntityResponse:
        try:
            if not is_valid_qid(request.qid):
                raise invalid_argument(
                    "INVALID_QID",
                    f"qid {request.qid!r} is not a Wikidata item id; expected 'Q' and a number, e.g. Q1028",
                )
            entity = self.holder.linker.entity(request.qid)
            if entity is None:
                raise not_found("ENTITY_NOT_FOUND", f"no entity {request.qid} in the gazetteer", qid=request.qid)
        except RequestError as error:
            abort(context, error)
            raise
        return pb.GetEntityResponse(entity=convert.entity_message(entity))

    def GetGazetteerInfo(
        self, request: pb.GetGazetteerInfoRequest, context: grpc.ServicerContext
    ) -> pb.GetGazetteerInfoResponse:
        return convert.info_response(self.holder.linker.gazetteer.info)

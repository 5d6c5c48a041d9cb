"""The gRPC adapter: validate the request, call the linking core, map the answer.

Every call's work is bounded: the core asks `interrupt` between spans, which
stops it once the caller's deadline passes, the caller goes away, the server's
own per-call cap (`max_call_seconds`) passes or shutdown's grace ends. Every
failure is a status: refusals carry a clipped message and ErrorInfo, and an
unexpected error is logged whole and answered INTERNAL with a request id only.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from google.protobuf.message import DecodeError

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from gazetteer.records import EntityKind, is_valid_qid
from server import convert
from server.admission import TextBudget
from server.errors import RequestError, abort, clip, invalid_argument, not_found
from server.holder import LinkerHolder
from server.linking import LinkOptions
from server.offsets import to_code_points

_LOGGER = logging.getLogger(__name__)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["EntityLinkerService"].full_name
MAX_CANDIDATES = 50
MAX_CALLER_SPANS = 10_000
MAX_MENTION_CHARS = 1000
MAX_RESOLVE_LIMIT = 100
DEFAULT_RESOLVE_LIMIT = 10
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # the server's max send size, and the shipped client's max receive size


class CallStoppedError(Exception):
    """Raised by a call's interrupt inside the core: the work is no longer wanted."""

    def __init__(self, error: RequestError) -> None:
        super().__init__(error.message)
        self.error = error


class Undecodable:
    """A request whose bytes are not a valid message (e.g. a string that is not UTF-8)."""

    def __init__(self, type_name: str, reason: str) -> None:
        self.type_name = type_name
        self.reason = reason

    def error(self) -> RequestError:
        return invalid_argument(
            "UNDECODABLE_REQUEST",
            f"the request is not a valid {self.type_name}: {self.reason}; strings must be valid UTF-8 "
            "(a lone surrogate is not)",
        )


def _lenient(message_type: Any) -> Callable[[bytes], Any]:
    """A deserializer that turns bad bytes into `Undecodable`, so the adapter can answer INVALID_ARGUMENT.

    grpc answers a deserializer's exception with INTERNAL, which blames the server.
    """

    def deserialize(data: bytes) -> Any:
        try:
            return message_type.FromString(data)
        except DecodeError as exc:
            return Undecodable(message_type.DESCRIPTOR.name, str(exc).rpartition(": ")[2] or "undecodable")

    return deserialize


def add_service(service: EntityLinkerService, server: grpc.Server) -> None:
    """Register `service` as the generated code would, with lenient deserializers."""
    unary = grpc.unary_unary_rpc_method_handler
    handlers = {
        "Link": unary(service.Link, _lenient(pb.LinkRequest), pb.LinkResponse.SerializeToString),
        "LinkStream": grpc.stream_stream_rpc_method_handler(
            service.LinkStream, _lenient(pb.LinkStreamRequest), pb.LinkStreamResponse.SerializeToString
        ),
        "Resolve": unary(service.Resolve, _lenient(pb.ResolveRequest), pb.ResolveResponse.SerializeToString),
        "GetEntity": unary(service.GetEntity, _lenient(pb.GetEntityRequest), pb.GetEntityResponse.SerializeToString),
        "GetGazetteerInfo": unary(
            service.GetGazetteerInfo,
            _lenient(pb.GetGazetteerInfoRequest),
            pb.GetGazetteerInfoResponse.SerializeToString,
        ),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)


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


class StreamSlots:
    """At most `limit` LinkStream calls at once, each ended when idle for `idle_seconds`.

    A stream holds a request thread for its whole life, so without a limit a
    few idle streams take every thread; the limit stays below the thread count
    so unary calls and health always find one. One watchdog thread cancels a
    stream that neither sent a document nor took an answer for `idle_seconds`
    (a blocked `next(requests)` or `yield` cannot time out by itself).
    """

    def __init__(self, limit: int, idle_seconds: float) -> None:
        self.limit = limit
        self.idle_seconds = idle_seconds
        self._free = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._last_active: dict[grpc.ServicerContext, float] = {}
        self._watchdog: threading.Thread | None = None

    @contextlib.contextmanager
    def slot(self, context: grpc.ServicerContext) -> Iterator[Callable[[bool], None]]:
        """Hold a slot for the stream's life; yields `active(busy)` to call on each step."""
        if not self._free.acquire(blocking=False):
            raise RequestError(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "TOO_MANY_STREAMS",
                f"{self.limit} LinkStream calls are already open, the most this server allows (--max-streams); "
                "retry later or use Link",
                limit=str(self.limit),
            )
        try:
            with self._lock:
                self._last_active[context] = time.monotonic()
                if self._watchdog is None:
                    self._watchdog = threading.Thread(target=self._watch, name="stream-watchdog", daemon=True)
                    self._watchdog.start()

            def active(busy: bool) -> None:
                # While a document is being linked the stream is not idle: the per-call cap bounds that.
                self._last_active[context] = float("inf") if busy else time.monotonic()

            yield active
        finally:
            with self._lock:
                self._last_active.pop(context, None)
            self._free.release()

    def _watch(self) -> None:
        period = min(1.0, self.idle_seconds / 4)
        while True:
            time.sleep(period)
            now = time.monotonic()
            with self._lock:
                idle = [c for c, last in self._last_active.items() if now - last > self.idle_seconds]
                for context in idle:
                    del self._last_active[context]
            for context in idle:
                _LOGGER.info("LinkStream idle for over %.0fs: cancelled", self.idle_seconds)
                context.cancel()


def _entity_view(value: int) -> int:
    if value not in convert.ENTITY_VIEWS:
        raise invalid_argument(
            "INVALID_ARGUMENT",
            f"entity_view {value} is not a known EntityView; use ENTITY_VIEW_ID_ONLY, ENTITY_VIEW_BASIC or "
            "ENTITY_VIEW_FULL, or leave it unset for FULL",
        )
    return value


def _caller_spans(request: pb.LinkRequest) -> list[tuple[int, int]] | None:
    """The caller's spans as code point offsets, or None when the request has none."""
    if not request.spans:
        return None
    if len(request.spans) > MAX_CALLER_SPANS:
        raise invalid_argument(
            "INVALID_SPAN", f"{len(request.spans)} spans; at most {MAX_CALLER_SPANS} are allowed in one request"
        )
    for i, span in enumerate(request.spans):
        if span.end <= span.start:
            raise invalid_argument("INVALID_SPAN", f"spans[{i}] ends at {span.end}, not after its start {span.start}")
    unit = convert.ENCODING_TO_UNIT[request.offset_encoding]
    offsets = to_code_points(request.text, (o for span in request.spans for o in (span.start, span.end)), unit)
    if offsets is None:
        raise invalid_argument(
            "INVALID_SPAN",
            f"a span offset falls inside a character or past the end of the text (offsets count {unit.value})",
        )
    return [(offsets[span.start], offsets[span.end]) for span in request.spans]


class EntityLinkerService(pb_grpc.EntityLinkerServiceServicer):
    """Implements `entitylinker.v1.EntityLinkerService` over a `LinkerHolder`."""

    def __init__(
        self,
        holder: LinkerHolder,
        max_text_bytes: int,
        max_call_seconds: float = 30.0,
        streams: StreamSlots | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        text_budget: TextBudget | None = None,
    ) -> None:
        """`text_budget`: the process's budget of text in the core, shared with its other servicers
        (its own, of two maximal texts, when not given)."""
        self.holder = holder
        self.max_text_bytes = max_text_bytes
        self.max_call_seconds = max_call_seconds
        self.streams = streams or StreamSlots(4, 30.0)
        self.max_response_bytes = max_response_bytes
        self.text_budget = text_budget or TextBudget(2 * max_text_bytes)

    # -- bounds and errors -------------------------------------------------------

    def _interrupt(self, context: grpc.ServicerContext) -> Callable[[], None]:
        """What the core calls between spans: raises `CallStoppedError` once the work is no longer wanted."""
        give_up_at = time.monotonic() + self.max_call_seconds

        def check() -> None:
            if not context.is_active():
                raise CallStoppedError(RequestError(grpc.StatusCode.CANCELLED, "CANCELLED", "the call was cancelled"))
            remaining = context.time_remaining()
            if remaining is not None and remaining <= 0:
                raise CallStoppedError(
                    RequestError(grpc.StatusCode.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", "the call's deadline passed")
                )
            if time.monotonic() > give_up_at:
                raise CallStoppedError(
                    RequestError(
                        grpc.StatusCode.DEADLINE_EXCEEDED,
                        "CALL_TIME_LIMIT",
                        f"the text took longer than this server's {self.max_call_seconds:g}s limit per call "
                        "(--max-call-seconds); send it in parts",
                        limit_seconds=f"{self.max_call_seconds:g}",
                    )
                )

        return check

    @contextlib.contextmanager
    def _statuses(self, context: grpc.ServicerContext, rpc: str) -> Iterator[None]:
        """Turn what the block raises into a status; an unexpected error is logged, not sent."""
        try:
            yield
        except RequestError as error:
            abort(context, error)
        except CallStoppedError as stopped:
            _LOGGER.info("%s stopped: %s", rpc, stopped.error.message)
            abort(context, stopped.error)
        except grpc.RpcError:
            raise  # the call itself ended (cancelled while reading the stream)
        except Exception as exc:
            request_id = uuid.uuid4().hex[:16]
            _LOGGER.exception("%s failed, request id %s", rpc, request_id)
            if isinstance(exc, sqlite3.DatabaseError):
                self.holder.report_broken(exc)
            abort(
                context,
                RequestError(
                    grpc.StatusCode.INTERNAL,
                    "INTERNAL",
                    f"internal error (request id {request_id}); the server log has the details",
                    request_id=request_id,
                ),
            )

    # -- validation --------------------------------------------------------

    @staticmethod
    def _decoded(request: Any) -> Any:
        if isinstance(request, Undecodable):
            raise request.error()
        return request

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

    def _link(self, request: pb.LinkRequest, interrupt: Callable[[], None]) -> pb.LinkResponse:
        self._check_text(request.text)
        options = self._link_options(request)
        view = _entity_view(request.entity_view)
        spans = _caller_spans(request)
        # The budget is held until the answer is built: a text of names makes as many mention messages.
        with self.text_budget.admit(len(request.text.encode("utf-8")), interrupt):
            with self.holder.serving() as linker:
                if spans is None:
                    result = linker.link(request.text, options, interrupt)
                else:
                    result = linker.link_spans(request.text, spans, options, interrupt)
                version = linker.gazetteer.info.version
            size = convert.estimated_response_bytes(result.mentions)
            if size > self.max_response_bytes:
                raise RequestError(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    "RESPONSE_TOO_LARGE",
                    f"the answer would be about {size} bytes ({len(result.mentions)} mentions), over the "
                    f"{self.max_response_bytes}-byte limit of one response; ask for fewer candidates or send the "
                    "text in parts",
                    limit_bytes=str(self.max_response_bytes),
                )
            return convert.link_response(
                request.text,
                result.mentions,
                convert.ENCODING_TO_UNIT[request.offset_encoding],
                request.document_id,
                version,
                view,
            )

    # -- RPCs ------------------------------------------------------------------

    def Link(self, request: pb.LinkRequest, context: grpc.ServicerContext) -> pb.LinkResponse:
        with self._statuses(context, "Link"):
            return self._link(self._decoded(request), self._interrupt(context))
        raise AssertionError("unreachable: _statuses aborted")

    def LinkStream(
        self, request_iterator: Iterator[pb.LinkStreamRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.LinkStreamResponse]:
        with self._statuses(context, "LinkStream"), self.streams.slot(context) as active:
            for index, item in enumerate(request_iterator):
                active(True)
                try:
                    response = self._link(self._decoded(item).request, self._interrupt(context))
                except RequestError as error:
                    document_id = "" if isinstance(item, Undecodable) else item.request.document_id
                    error.message = f"document {index} (document_id {clip(document_id, 100)!r}): {error.message}"
                    raise
                active(False)
                yield pb.LinkStreamResponse(response=response)
                active(False)

    def Resolve(self, request: pb.ResolveRequest, context: grpc.ServicerContext) -> pb.ResolveResponse:
        with self._statuses(context, "Resolve"):
            request = self._decoded(request)
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
            view = _entity_view(request.entity_view)
            interrupt = self._interrupt(context)
            size = len(request.context.encode("utf-8")) + len(request.mention.encode("utf-8"))
            with self.text_budget.admit(size, interrupt), self.holder.serving() as linker:
                candidates = linker.resolve(
                    request.mention,
                    request.context,
                    kinds,
                    request.limit or DEFAULT_RESOLVE_LIMIT,
                    interrupt,
                )
            return pb.ResolveResponse(candidates=[convert.candidate_message(c, view) for c in candidates])
        raise AssertionError("unreachable: _statuses aborted")

    def GetEntity(self, request: pb.GetEntityRequest, context: grpc.ServicerContext) -> pb.GetEntityResponse:
        with self._statuses(context, "GetEntity"):
            request = self._decoded(request)
            if not is_valid_qid(request.qid):
                raise invalid_argument(
                    "INVALID_QID",
                    f"qid {clip(request.qid, 100)!r} is not a Wikidata item id; expected 'Q' and a number, e.g. Q1028",
                )
            with self.holder.serving() as linker:
                entity = linker.entity(request.qid)
            if entity is None:
                raise not_found("ENTITY_NOT_FOUND", f"no entity {request.qid} in the gazetteer", qid=request.qid)
            return pb.GetEntityResponse(entity=convert.entity_message(entity))
        raise AssertionError("unreachable: _statuses aborted")

    def GetGazetteerInfo(
        self, request: pb.GetGazetteerInfoRequest, context: grpc.ServicerContext
    ) -> pb.GetGazetteerInfoResponse:
        with self._statuses(context, "GetGazetteerInfo"):
            self._decoded(request)
            return convert.info_response(self.holder.linker.gazetteer.info)
        raise AssertionError("unreachable: _statuses aborted")

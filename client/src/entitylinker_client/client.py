"""Typed clients for `entitylinker.v1.EntityLinkerService`: blocking and asyncio (`grpc.aio`).

Both build the channel the service expects: round-robin over the addresses the
target resolves to and retries of UNAVAILABLE (`service_config.json`, shipped
in this package), a receive limit as large as the server's largest answer, and
a default deadline on every call so no call waits for ever. Failures are
`grpc.RpcError`; `error_reason` reads the google.rpc.ErrorInfo reason the
server attaches.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Sequence
from importlib import resources
from typing import Any, Generic, Self, TypeVar

import grpc
import grpc.aio
from google.rpc import error_details_pb2, status_pb2

from entitylinker_client._proto import entity_linker_service_pb2 as pb
from entitylinker_client._proto import entity_linker_service_pb2_grpc as pb_grpc

DEFAULT_TARGET = os.environ.get("ENTITYLINKER_SERVER", "localhost:50051")
TOKEN_ENV = "ENTITYLINKER_TOKEN"  # the bearer token when none is passed
DEFAULT_TIMEOUT = 30.0
# The server refuses to build answers over 64 MiB (RESOURCE_EXHAUSTED, RESPONSE_TOO_LARGE); grpc's
# default receive limit of 4 MiB would fail earlier, on a long text full of names with candidates.
MAX_RECEIVE_BYTES = 64 * 1024 * 1024
SERVICE_CONFIG: str = json.dumps(
    json.loads(resources.files(__package__).joinpath("service_config.json").read_text(encoding="utf-8"))
)
TYPES: dict[str, pb.EntityType] = {
    "person": pb.ENTITY_TYPE_PERSON,
    "place": pb.ENTITY_TYPE_PLACE,
    "organization": pb.ENTITY_TYPE_ORGANIZATION,
}
OFFSETS: dict[str, pb.OffsetEncoding] = {
    "code-points": pb.OFFSET_ENCODING_CODE_POINTS,
    "utf8": pb.OFFSET_ENCODING_UTF8_BYTES,
    "utf16": pb.OFFSET_ENCODING_UTF16_CODE_UNITS,
}

EntityTypes = Iterable["pb.EntityType | str"]
_ChannelT = TypeVar("_ChannelT", grpc.Channel, grpc.aio.Channel)


def channel_options(extra: Sequence[tuple[str, Any]] = ()) -> list[tuple[str, Any]]:
    """The channel options both clients use: service config, retries, receive limit; `extra` wins."""
    return [
        ("grpc.service_config", SERVICE_CONFIG),
        ("grpc.enable_retries", 1),
        ("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
        *extra,
    ]


def entity_types(types: EntityTypes) -> list[pb.EntityType]:
    """`types` as enum values; names ("person", "place", "organization") are accepted."""
    values = []
    for value in types:
        if isinstance(value, str):
            if value not in TYPES:
                raise ValueError(f"unknown entity type {value!r}; use one of {', '.join(TYPES)}")
            values.append(TYPES[value])
        else:
            values.append(value)
    return values


def link_request(
    text: str,
    *,
    document_id: str = "",
    types: EntityTypes = (),
    min_score: float = 0.0,
    max_candidates: int = 0,
    offset_encoding: pb.OffsetEncoding | str = pb.OFFSET_ENCODING_CODE_POINTS,
) -> pb.LinkRequest:
    """A `LinkRequest`; `min_score` 0 means the server's threshold, `offset_encoding` may be a name of `OFFSETS`."""
    encoding = OFFSETS[offset_encoding] if isinstance(offset_encoding, str) else offset_encoding
    return pb.LinkRequest(
        text=text,
        document_id=document_id,
        types=entity_types(types),
        min_score=min_score,
        max_candidates=max_candidates,
        offset_encoding=encoding,
    )


def resolve_request(mention: str, *, context: str = "", types: EntityTypes = (), limit: int = 0) -> pb.ResolveRequest:
    """A `ResolveRequest`; `limit` 0 means the server's 10, `context` is text around the mention, or none."""
    return pb.ResolveRequest(mention=mention, context=context, types=entity_types(types), limit=limit)


def error_reason(error: grpc.RpcError) -> str | None:
    """The ErrorInfo reason of a failed call (e.g. "INVALID_QID"), or None when it carries none."""
    metadata = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in metadata or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return str(info.reason)
    return None


class IncompleteStreamError(grpc.RpcError):
    """A `LinkStream` call that ended without an error status, but with fewer answers than documents sent.

    gRPC can end a stream that way when the server process dies mid-call. It is raised as an
    `RpcError` with code UNAVAILABLE, the code a caller already retries, so that no document is
    taken for answered when it was not.
    """

    def __init__(self, sent: int, answered: int) -> None:
        super().__init__(f"LinkStream ended after {answered} answers to {sent} documents")
        self.sent = sent
        self.answered = answered

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE

    def details(self) -> str:
        return str(self)


class _SentCounter:
    """Counts the documents gRPC has taken from the caller's iterable, as it takes them."""

    def __init__(self) -> None:
        self.sent = 0

    def wrap(self, requests: Iterable[pb.LinkRequest]) -> Iterator[pb.LinkStreamRequest]:
        for request in requests:
            self.sent += 1
            yield pb.LinkStreamRequest(request=request)

    async def wrap_async(
        self, requests: Iterable[pb.LinkRequest] | AsyncIterable[pb.LinkRequest]
    ) -> AsyncIterator[pb.LinkStreamRequest]:
        if isinstance(requests, AsyncIterable):
            async for request in requests:
                self.sent += 1
                yield pb.LinkStreamRequest(request=request)
        else:
            for wrapped in self.wrap(requests):
                yield wrapped

    def check(self, answered: int) -> None:
        """Raise `IncompleteStreamError` when the stream ended OK with documents unanswered."""
        if answered < self.sent:
            raise IncompleteStreamError(self.sent, answered)


class _Client(Generic[_ChannelT]):
    """What both clients share: the channel, its credentials, the default deadline and the token.

    The subclass opens the channel its way (`_open`); the options are documented on `EntityLinkerClient`.
    """

    channel: _ChannelT

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        token: str | None = None,
        tls: bool = False,
        root_certificates: bytes | None = None,
        private_key: bytes | None = None,
        certificate_chain: bytes | None = None,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        if (private_key is None) != (certificate_chain is None):
            raise ValueError("private_key and certificate_chain go together (a client certificate for mTLS)")
        self._timeout = timeout
        token = token if token is not None else os.environ.get(TOKEN_ENV) or None
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        credentials = None
        if tls or root_certificates is not None or certificate_chain is not None:
            credentials = grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
        self.channel = self._open(target, credentials, channel_options(options))
        self.stub = pb_grpc.EntityLinkerServiceStub(self.channel)

    @staticmethod
    def _open(target: str, credentials: grpc.ChannelCredentials | None, options: list[tuple[str, Any]]) -> _ChannelT:
        raise NotImplementedError

    def _call(self, timeout: float | None) -> dict[str, Any]:
        """The keyword arguments of one stub call: its deadline and the metadata."""
        return {"timeout": self._timeout if timeout is None else timeout, "metadata": self._metadata}


class EntityLinkerClient(_Client[grpc.Channel]):
    """A blocking client; use it as a context manager, or call `close()`.

    `timeout` is the default deadline of every call in seconds (None: no
    deadline); each method takes its own `timeout` too. `tls` makes a TLS
    channel trusting the system's roots, or `root_certificates` (PEM) when
    given; `private_key` and `certificate_chain` (PEM) present a client
    certificate (mTLS). `token` (default: the ENTITYLINKER_TOKEN environment
    variable) is sent as `authorization: Bearer <token>` on every call.
    """

    @staticmethod
    def _open(target: str, credentials: grpc.ChannelCredentials | None, options: list[tuple[str, Any]]) -> grpc.Channel:
        if credentials is None:
            return grpc.insecure_channel(target, options=options)
        return grpc.secure_channel(target, credentials, options=options)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel; calls in flight are cancelled."""
        self.channel.close()

    def link(self, text: str, *, timeout: float | None = None, **options: Any) -> pb.LinkResponse:
        """Every mention in `text`; `options` are `link_request`'s (document_id, types, min_score, ...)."""
        return self.link_request(link_request(text, **options), timeout=timeout)

    def link_request(self, request: pb.LinkRequest, *, timeout: float | None = None) -> pb.LinkResponse:
        """`Link` with a request of your making."""
        response: pb.LinkResponse = self.stub.Link(request, **self._call(timeout))
        return response

    def link_stream(
        self, requests: Iterable[pb.LinkRequest], *, timeout: float | None = None
    ) -> Iterator[pb.LinkResponse]:
        """Many documents over one `LinkStream` call, answers in order; `timeout` bounds the whole stream.

        Raises `IncompleteStreamError` if the stream ends without an answer for every document sent.
        """
        counter = _SentCounter()
        answered = 0
        for item in self.stub.LinkStream(counter.wrap(requests), **self._call(timeout)):
            answered += 1
            yield item.response
        counter.check(answered)

    def resolve(self, mention: str, *, timeout: float | None = None, **options: Any) -> list[pb.Candidate]:
        """The entities `mention` may denote, best first; empty when none is plausible. `options` are
        `resolve_request`'s (context, types, limit)."""
        response: pb.ResolveResponse = self.stub.Resolve(resolve_request(mention, **options), **self._call(timeout))
        return list(response.candidates)

    def get_entity(self, qid: str, *, timeout: float | None = None) -> pb.Entity:
        """One entity by QID; NOT_FOUND when the gazetteer does not hold it."""
        response: pb.GetEntityResponse = self.stub.GetEntity(pb.GetEntityRequest(qid=qid), **self._call(timeout))
        return response.entity

    def gazetteer_info(self, *, timeout: float | None = None) -> pb.GetGazetteerInfoResponse:
        """The gazetteer in service: version, build time, sources, counts."""
        response: pb.GetGazetteerInfoResponse = self.stub.GetGazetteerInfo(
            pb.GetGazetteerInfoRequest(), **self._call(timeout)
        )
        return response


class AsyncEntityLinkerClient(_Client[grpc.aio.Channel]):
    """The asyncio client on `grpc.aio`, with the same options; `async with` it, or `await close()`."""

    @staticmethod
    def _open(
        target: str, credentials: grpc.ChannelCredentials | None, options: list[tuple[str, Any]]
    ) -> grpc.aio.Channel:
        if credentials is None:
            return grpc.aio.insecure_channel(target, options=options)
        return grpc.aio.secure_channel(target, credentials, options=options)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the channel; calls in flight are cancelled."""
        await self.channel.close()

    async def link(self, text: str, *, timeout: float | None = None, **options: Any) -> pb.LinkResponse:
        """Every mention in `text`; `options` are `link_request`'s."""
        return await self.link_request(link_request(text, **options), timeout=timeout)

    async def link_request(self, request: pb.LinkRequest, *, timeout: float | None = None) -> pb.LinkResponse:
        """`Link` with a request of your making."""
        response: pb.LinkResponse = await self.stub.Link(request, **self._call(timeout))
        return response

    async def link_stream(
        self, requests: Iterable[pb.LinkRequest] | AsyncIterable[pb.LinkRequest], *, timeout: float | None = None
    ) -> AsyncIterator[pb.LinkResponse]:
        """Many documents over one `LinkStream` call, answers in order; `IncompleteStreamError` as for
        the blocking client."""
        counter = _SentCounter()
        answered = 0
        async for item in self.stub.LinkStream(counter.wrap_async(requests), **self._call(timeout)):
            answered += 1
            yield item.response
        counter.check(answered)

    async def resolve(self, mention: str, *, timeout: float | None = None, **options: Any) -> list[pb.Candidate]:
        """The entities `mention` may denote, best first; `options` are `resolve_request`'s."""
        response: pb.ResolveResponse = await self.stub.Resolve(
            resolve_request(mention, **options), **self._call(timeout)
        )
        return list(response.candidates)

    async def get_entity(self, qid: str, *, timeout: float | None = None) -> pb.Entity:
        """One entity by QID."""
        response: pb.GetEntityResponse = await self.stub.GetEntity(pb.GetEntityRequest(qid=qid), **self._call(timeout))
        return response.entity

    async def gazetteer_info(self, *, timeout: float | None = None) -> pb.GetGazetteerInfoResponse:
        """The gazetteer in service."""
        response: pb.GetGazetteerInfoResponse = await self.stub.GetGazetteerInfo(
            pb.GetGazetteerInfoRequest(), **self._call(timeout)
        )
        return response

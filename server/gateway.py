"""HTTP/JSON for the gRPC service, transcoded from the proto's `google.api.http` options.

The routes are read from the service descriptor at start-up, so a new
annotated RPC needs no code here: one generic handler builds the request
message from the path, the query and the JSON body (`google.protobuf.json_format`,
the proto3 JSON mapping), calls the same servicer method the gRPC server calls
through a `grpc.ServicerContext` adapter, and writes the response as JSON.
Validation, limits and errors are therefore the gRPC service's own; an error
keeps the gRPC model (Google's JSON error shape): the HTTP status comes from
the gRPC code and the body carries the code name, the message and the
google.rpc.ErrorInfo details.

The web page (`server/web/`) is served at `/` by the same ASGI app. The
server is uvicorn in a thread of the serving process (`HttpServer`); with
`--workers N` each worker runs its own on the shared port (SO_REUSEPORT).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import uvicorn
from google.api import annotations_pb2, http_pb2
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from google.rpc import status_pb2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from entitylinker.v1 import entity_linker_service_pb2 as pb
from server.errors import RequestError, invalid_argument, status_of
from server.security import TokenStore

_LOGGER = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"
SERVICE = pb.DESCRIPTOR.services_by_name["EntityLinkerService"]
TIMEOUT_HEADER = "x-server-timeout"  # seconds, as Google's HTTP front ends accept; the gRPC deadline's stand-in

# The standard mapping of google.rpc.Code to HTTP (google/rpc/code.proto).
HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
}
# For errors raised before a servicer runs (no route, wrong method).
_HTTP_TO_CODE = {
    404: grpc.StatusCode.NOT_FOUND,
    405: grpc.StatusCode.UNIMPLEMENTED,
    413: grpc.StatusCode.INVALID_ARGUMENT,
}
_TEMPLATE_VARIABLE = re.compile(r"\{(\w+)(?:=\*)?\}")
_SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class CallAbortedError(Exception):
    """Raised by `HttpContext.abort*`: the servicer ended the call with a status."""

    def __init__(self, code: grpc.StatusCode, message: str, details: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = list(details)


class HttpContext(grpc.ServicerContext):
    """What the servicer sees of an HTTP call: headers as metadata, an optional deadline, abort as an exception."""

    def __init__(self, headers: Iterable[tuple[str, str]], peer: str, timeout: float | None) -> None:
        self._metadata = tuple(headers)
        self._peer = peer
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._cancelled = False
        self._callbacks: list[Callable[[], None]] = []

    def is_active(self) -> bool:
        return not self._cancelled

    def time_remaining(self) -> float | None:
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def cancel(self) -> None:
        self._cancelled = True

    def add_callback(self, callback: Callable[[], None]) -> bool:
        return False  # no termination callbacks over HTTP; the servicer does not rely on them

    def invocation_metadata(self) -> Any:
        return self._metadata

    def peer(self) -> str:
        return self._peer

    def peer_identities(self) -> None:
        return None

    def peer_identity_key(self) -> None:
        return None

    def auth_context(self) -> dict[str, Any]:
        return {}

    def send_initial_metadata(self, initial_metadata: Any) -> None:
        pass

    def set_trailing_metadata(self, trailing_metadata: Any) -> None:
        pass

    def set_code(self, code: grpc.StatusCode) -> None:
        pass

    def set_details(self, details: str) -> None:
        pass

    def abort(self, code: grpc.StatusCode, details: str) -> None:  # type: ignore[override]
        raise CallAbortedError(code, details)

    def abort_with_status(self, status: grpc.Status) -> None:  # type: ignore[override]
        details: list[Any] = []
        for key, value in status.trailing_metadata or ():  # type: ignore[attr-defined]
            if key == "grpc-status-details-bin":
                details = list(status_pb2.Status.FromString(value).details)
        raise CallAbortedError(status.code, status.details, details)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Binding:
    """One HTTP rule of one RPC: verb, route path (Starlette syntax), body field, and the call."""

    method: MethodDescriptor
    verb: str
    path: str
    body: str
    call: Callable[[Message, grpc.ServicerContext], Message]


def _rules(rule: http_pb2.HttpRule) -> Iterable[http_pb2.HttpRule]:
    yield rule
    for extra in rule.additional_bindings:
        yield from _rules(extra)


def bindings(service: ServiceDescriptor, servicer: object) -> list[Binding]:
    """The HTTP bindings declared on `service`'s methods, each calling `servicer`'s method of the same name.

    Only `{field}` and `{field=*}` path variables over top-level fields are supported; anything else fails
    at start-up rather than answering wrongly. Methods without an `http` option are not exposed.
    """
    found = []
    for method in service.methods:
        options = method.GetOptions()
        if not options.HasExtension(annotations_pb2.http):
            continue
        if method.client_streaming or method.server_streaming:
            raise ValueError(f"{method.full_name} streams; HTTP/JSON transcoding serves unary methods only")
        for rule in _rules(options.Extensions[annotations_pb2.http]):
            kind = rule.WhichOneof("pattern")
            verb, template = (rule.custom.kind, rule.custom.path) if kind == "custom" else (kind, getattr(rule, kind))
            for variable in re.findall(r"\{[^}]*\}", template):
                match = _TEMPLATE_VARIABLE.fullmatch(variable)
                if match is None:
                    raise ValueError(f"{method.full_name}: unsupported path variable {variable} in {template!r}")
                if match.group(1) not in method.input_type.fields_by_name:
                    raise ValueError(f"{method.full_name}: path variable {variable} is not a field of the request")
            path = _TEMPLATE_VARIABLE.sub(r"{\1}", template)
            if rule.body not in ("", "*") and rule.body not in method.input_type.fields_by_name:
                raise ValueError(f"{method.full_name}: body {rule.body!r} is not a field of the request")
            found.append(Binding(method, verb.upper(), path, rule.body, getattr(servicer, method.name)))
    return found


def error_response(
    code: grpc.StatusCode, message: str, details: Sequence[Any] = (), http_status: int | None = None
) -> Response:
    """Google's JSON error shape: `{"error": {"code", "status", "message", "details"}}`, HTTP status from `code`."""
    http_status = http_status or HTTP_STATUS.get(code, 500)
    body = {
        "error": {
            "code": http_status,
            "status": code.name,
            "message": message,
            "details": [json_format.MessageToDict(d) for d in details],
        }
    }
    return Response(json.dumps(body, ensure_ascii=False), http_status, media_type="application/json")


def _field_values(message: Message, params: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Query or path parameters as a proto3-JSON dict: repeated fields collect, booleans and numbers parse."""
    fields = message.DESCRIPTOR.fields_by_name
    by_json = {f.json_name: f for f in message.DESCRIPTOR.fields}
    values: dict[str, Any] = {}
    for name, raw in params:
        field = fields.get(name) or by_json.get(name)
        if field is None:
            raise invalid_argument("INVALID_ARGUMENT", f"{message.DESCRIPTOR.name} has no field {name!r}", field=name)
        value: Any = raw
        if field.type == field.TYPE_BOOL:
            value = {"true": True, "false": False}.get(raw.lower(), raw)
        if field.is_repeated:
            values.setdefault(field.name, []).append(value)
        else:
            values[field.name] = value
    return values


async def _read_body(request: Request, limit: int) -> bytes:
    too_large = invalid_argument("REQUEST_TOO_LARGE", f"the request body is over {limit} bytes", limit_bytes=str(limit))
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(error: RequestError) -> Response:
    """A refusal the gateway makes itself (a token, the request's JSON), shaped as the servicer's are."""
    status = status_of(error)
    return error_response(error.code, status.message, status.details)


async def transcode(binding: Binding, max_body_bytes: int, tokens: TokenStore | None, request: Request) -> Response:
    """The one HTTP handler: request message from path, query and body; the servicer; the response as JSON.

    With `tokens`, the gRPC interceptor's check comes first: 401 with the same ErrorInfo reasons.
    """
    if tokens is not None and (refused := tokens.check(request.headers.items())) is not None:
        response = _refused(refused)
        response.headers["www-authenticate"] = "Bearer"
        return response
    message = message_factory.GetMessageClass(binding.method.input_type)()
    try:
        if binding.body:
            raw = await _read_body(request, max_body_bytes)
            try:
                if binding.body == "*":
                    json_format.Parse(raw.decode("utf-8") or "{}", message)
                else:
                    json_format.Parse(raw.decode("utf-8") or "{}", getattr(message, binding.body))
            except (json_format.ParseError, UnicodeDecodeError) as exc:
                raise invalid_argument(
                    "INVALID_JSON",
                    f"the body is not a valid {binding.method.input_type.name} in proto3 JSON: {exc}",
                ) from None
        json_format.ParseDict(_field_values(message, request.path_params.items()), message)
        if binding.body != "*":
            json_format.ParseDict(_field_values(message, request.query_params.multi_items()), message)
        timeout = _timeout(request.headers.get(TIMEOUT_HEADER))
    except RequestError as refused:
        return _refused(refused)
    except json_format.ParseError as exc:
        return _refused(invalid_argument("INVALID_ARGUMENT", f"bad parameter: {exc}"))
    client = request.client
    context = HttpContext(
        ((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw),
        f"ipv4:{client.host}:{client.port}" if client else "unknown",
        timeout,
    )
    try:
        response = await run_in_threadpool(binding.call, message, context)
    except CallAbortedError as aborted:
        return error_response(aborted.code, aborted.message, aborted.details)
    body = json_format.MessageToJson(
        response, indent=None, ensure_ascii=False, always_print_fields_with_no_presence=True
    )
    return Response(body, 200, media_type="application/json")


def _timeout(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.removesuffix("s"))
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise invalid_argument("INVALID_ARGUMENT", f"{TIMEOUT_HEADER} is {value!r}; give a positive number of seconds")
    return seconds


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_TO_CODE.get(exc.status_code, grpc.StatusCode.UNKNOWN)
    message = f"no {request.method} {request.url.path} here" if exc.status_code in (404, 405) else str(exc.detail)
    response = error_response(code, message, http_status=exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    _LOGGER.error("HTTP %s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(grpc.StatusCode.INTERNAL, "internal error; the server log has the details")


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends: the page loads only its own files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def create_app(
    servicer: object, max_body_bytes: int, service: ServiceDescriptor = SERVICE, tokens: TokenStore | None = None
) -> Starlette:
    """The ASGI app: one route per HTTP rule of `service`, all on `transcode`, and the web page at `/`.

    With `tokens`, every API route asks for `Authorization: Bearer <token>`; the page's static files stay open.
    """
    routes: list[BaseRoute] = [
        Route(b.path, functools.partial(transcode, b, max_body_bytes, tokens), methods=[b.verb], name=b.method.name)
        for b in bindings(service, servicer)
    ]
    routes.append(Mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web"))
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _unexpected})
    app.add_middleware(SecurityHeaders)
    return app


def _listen(host: str, port: int, reuse_port: bool) -> socket.socket:
    host = host.strip("[]")
    if host in ("", "::", "0.0.0.0"):
        family = socket.AF_INET6 if host == "::" and socket.has_dualstack_ipv6() else socket.AF_INET
        address = ("::" if family == socket.AF_INET6 else "0.0.0.0", port)
        return socket.create_server(
            address, family=family, reuse_port=reuse_port, dualstack_ipv6=family == socket.AF_INET6
        )
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return socket.create_server((str(resolved[4][0]), port), family=resolved[0], reuse_port=reuse_port)


class HttpServer:
    """uvicorn serving `app` in a daemon thread of this process, on a socket bound at construction; `tls` for HTTPS.

    Binding first means a busy port fails start-up in the caller, not later in the thread.
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str,
        port: int,
        reuse_port: bool = False,
        max_concurrency: int | None = None,
        tls: tuple[Path, Path, Path | None] | None = None,
    ) -> None:
        self.socket = _listen(host, port, reuse_port)
        self.host = host
        self.port: int = self.socket.getsockname()[1]
        cert, key, client_ca = tls or (None, None, None)
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="off",
            limit_concurrency=max_concurrency,
            timeout_graceful_shutdown=5,
            # TLS (`tls`: certificate, key and optional client CA, PEM): the same files as gRPC's.
            ssl_certfile=cert,
            ssl_keyfile=key,
            ssl_ca_certs=str(client_ca) if client_ca else None,
            ssl_cert_reqs=ssl.CERT_REQUIRED if client_ca else ssl.CERT_NONE,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, name="http", daemon=True
        )

    def start(self, wait_seconds: float = 10.0) -> HttpServer:
        """Start serving; returns once uvicorn accepts connections."""
        self.thread.start()
        deadline = time.monotonic() + wait_seconds
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the HTTP server on {self.host}:{self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self, wait_seconds: float = 10.0) -> None:
        """Stop accepting, let requests in flight finish (uvicorn's graceful shutdown), and close the socket."""
        self.server.should_exit = True
        self.thread.join(wait_seconds)
        self.socket.close()

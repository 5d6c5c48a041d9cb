"""Logs, metrics and traces: what operators see of a running server.

One server interceptor (`CallObserver`) times every call and records it, so
no RPC carries observation code: Prometheus counters and histograms (when
`--metrics-port` is given) and one JSON access-log line per call (when
`--access-log` is on). The text of a request is never logged, only its size.

Under `--workers`, prometheus_client runs in multiprocess mode: each worker
writes its values to files in PROMETHEUS_MULTIPROC_DIR (under the runtime
directory, cleaned at start), every worker serves /metrics on the shared port
(SO_REUSEPORT) and any of them answers for all, and the parent marks a dead
worker's files so its live gauges disappear. prometheus_client picks its value
store when first imported, so it is imported only once `enable_metrics` has
set the directory.

Tracing is OpenTelemetry's own gRPC server instrumentation, switched on only
when its packages are installed and an OTLP endpoint is configured.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from server.interceptors import HandlerInterceptor

_LOGGER = logging.getLogger(__name__)
ACCESS_LOGGER = logging.getLogger("entitylinker.access")

# Latency buckets in seconds: a short Link takes about a millisecond, a long text a second or more.
DURATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
MULTIPROC_PREFIX = "metrics-"


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Root logging to standard error: `text` for people, `json` (one object per line) for collectors."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "process": "pid", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())


def event(name: str, message: str, *args: object, level: int = logging.INFO, **fields: object) -> None:
    """A lifecycle event (start-up, reload, shutdown): a log line with `event` and its fields for JSON logs."""
    _LOGGER.log(level, message, *args, extra={"event": name, **fields})


# -- metrics --------------------------------------------------------------------------------------


@dataclass
class Metrics:
    """The service's Prometheus instruments (created once per process by `enable_metrics`)."""

    calls: Any
    duration: Any
    in_flight: Any
    mentions: Any
    text_bytes: Any
    gazetteer_info: Any
    gazetteer_entities: Any
    gazetteer_built: Any
    reloads: Any
    reload_failures: Any
    registry: Any
    _version: str | None = None

    def gazetteer(self, version: str, entities: int, built_at: float) -> None:
        """Record the gazetteer in service (at start and after each reload)."""
        if self._version is not None and self._version != version:
            self.gazetteer_info.labels(version=self._version).set(0)
        self._version = version
        self.gazetteer_info.labels(version=version).set(1)
        self.gazetteer_entities.set(entities)
        self.gazetteer_built.set(built_at)

    def reload(self, ok: bool) -> None:
        (self.reloads if ok else self.reload_failures).inc()


_METRICS: Metrics | None = None


def multiproc_dir(runtime_dir: Path) -> Path:
    """This instance's multiprocess directory (per parent pid: instances may share a runtime directory)."""
    return runtime_dir / f"{MULTIPROC_PREFIX}{os.getpid()}"


def prepare_multiproc_dir(runtime_dir: Path) -> Path:
    """Create this instance's directory empty, remove those of instances no longer running; set the env var."""
    for stale in runtime_dir.glob(f"{MULTIPROC_PREFIX}*"):
        pid = stale.name.removeprefix(MULTIPROC_PREFIX)
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    path = multiproc_dir(runtime_dir)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def enable_metrics() -> Metrics:
    """The process's instruments, created on first call (multiprocess mode if PROMETHEUS_MULTIPROC_DIR is set)."""
    global _METRICS
    if _METRICS is not None:
        return _METRICS
    from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess

    multi = "PROMETHEUS_MULTIPROC_DIR" in os.environ
    if multi:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    _METRICS = Metrics(
        calls=Counter("entitylinker_rpc_calls", "Finished calls by method and status code", ["method", "code"]),
        duration=Histogram(
            "entitylinker_rpc_duration_seconds", "Call latency in seconds", ["method"], buckets=DURATION_BUCKETS
        ),
        in_flight=Gauge("entitylinker_rpc_in_flight", "Calls running now", ["method"], multiprocess_mode="livesum"),
        mentions=Counter("entitylinker_mentions_linked", "Mentions returned by Link and LinkStream"),
        text_bytes=Counter("entitylinker_text_bytes", "UTF-8 bytes of text received for linking"),
        gazetteer_info=Gauge(
            "entitylinker_gazetteer_info",
            "1 for the gazetteer version in service",
            ["version"],
            multiprocess_mode="livemax",
        ),
        gazetteer_entities=Gauge(
            "entitylinker_gazetteer_entities", "Entities in the gazetteer in service", multiprocess_mode="livemax"
        ),
        gazetteer_built=Gauge(
            "entitylinker_gazetteer_build_timestamp_seconds",
            "When the gazetteer in service was built (Unix time)",
            multiprocess_mode="livemax",
        ),
        reloads=Counter("entitylinker_gazetteer_reloads", "Successful gazetteer reloads"),
        reload_failures=Counter("entitylinker_gazetteer_reload_failures", "Failed gazetteer reloads (old one kept)"),
        registry=registry,
    )
    return _METRICS


def mark_worker_dead(pid: int) -> None:
    """Drop a dead worker's live gauges (multiprocess mode only)."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def serve_metrics(host: str, port: int, reuse_port: bool) -> int:
    """Serve /metrics (Prometheus text) from a daemon thread; returns the bound port.

    With `reuse_port` every worker binds the same port, and each answers for all of them.
    """
    import socketserver
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from prometheus_client import make_wsgi_app

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # scrapes are not access-logged
            pass

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True
        allow_reuse_port = reuse_port
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    httpd = make_server(host.strip("[]"), port, make_wsgi_app(enable_metrics().registry), Server, Quiet)
    threading.Thread(target=httpd.serve_forever, name="metrics", daemon=True).start()
    return int(httpd.server_address[1])


# -- the call observer ----------------------------------------------------------------------------


def _size(message: Any) -> int:
    return message.ByteSize() if hasattr(message, "ByteSize") else 0


def _text_bytes(request: Any) -> int:
    inner = getattr(request, "request", request)  # LinkStreamRequest wraps a LinkRequest
    text = getattr(inner, "text", None)
    return len(text.encode("utf-8")) if isinstance(text, str) else 0


@dataclass
class _Call:
    """What one call did, filled in as its messages pass."""

    method: str
    peer: str
    request_id: str
    start: float
    bytes_in: int = 0
    bytes_out: int = 0
    text_bytes: int = 0
    mentions: int = 0
    documents: int = 0
    document_id: str = ""

    def request(self, message: Any) -> None:
        self.bytes_in += _size(message)
        self.text_bytes += _text_bytes(message)
        self.documents += 1
        inner = getattr(message, "request", message)
        if not self.document_id and isinstance(getattr(inner, "document_id", None), str):
            self.document_id = inner.document_id

    def response(self, message: Any) -> None:
        self.bytes_out += _size(message)
        inner = getattr(message, "response", message)
        mentions = getattr(inner, "mentions", None)
        if mentions is not None and not isinstance(mentions, int | str):
            self.mentions += len(mentions)


class CallObserver(HandlerInterceptor):
    """Times and records every call: metrics (if `metrics`) and one access-log line (if `access_log`)."""

    def __init__(self, metrics: Metrics | None, access_log: bool) -> None:
        self.metrics = metrics
        self.access_log = access_log

    def wrap(
        self, handler: grpc.RpcMethodHandler, full: str, metadata: Sequence[tuple[str, Any]]
    ) -> grpc.RpcMethodHandler:
        method = full.rpartition("/")[2]
        request_id = next((str(v) for k, v in metadata if k == "x-request-id"), "") or uuid.uuid4().hex

        def begin(context: grpc.ServicerContext) -> _Call:
            if self.metrics is not None:
                self.metrics.in_flight.labels(method).inc()
            return _Call(method, context.peer(), request_id, time.perf_counter())

        if handler.unary_unary is not None:
            behaviour = handler.unary_unary

            def unary_unary(request: Any, context: grpc.ServicerContext) -> Any:
                call = begin(context)
                call.request(request)
                with self._finishing(call, context, full):
                    response = behaviour(request, context)
                    call.response(response)
                    return response

            return handler._replace(unary_unary=unary_unary)  # type: ignore[attr-defined]
        if handler.stream_stream is not None:
            streaming = handler.stream_stream

            def stream_stream(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
                call = begin(context)

                def counted() -> Iterator[Any]:
                    for request in requests:
                        call.request(request)
                        yield request

                with self._finishing(call, context, full):
                    for response in streaming(counted(), context):
                        call.response(response)
                        yield response

            return handler._replace(stream_stream=stream_stream)  # type: ignore[attr-defined]
        return handler  # unary-stream and stream-unary: none in this service

    @contextlib.contextmanager
    def _finishing(self, call: _Call, context: grpc.ServicerContext, full_method: str) -> Iterator[None]:
        failed: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            failed = exc
            raise
        finally:
            seconds = time.perf_counter() - call.start
            code = _status(context, failed)
            self._record(call, code, seconds, full_method)

    def _record(self, call: _Call, code: str, seconds: float, full_method: str) -> None:
        if self.metrics is not None:
            self.metrics.in_flight.labels(call.method).dec()
            self.metrics.calls.labels(call.method, code).inc()
            self.metrics.duration.labels(call.method).observe(seconds)
            if call.text_bytes:
                self.metrics.text_bytes.inc(call.text_bytes)
            if call.mentions:
                self.metrics.mentions.inc(call.mentions)
        if self.access_log:
            fields = {
                "event": "access",
                "method": full_method,
                "code": code,
                "duration_ms": round(seconds * 1000, 3),
                "bytes_in": call.bytes_in,
                "bytes_out": call.bytes_out,
                "mentions": call.mentions,
                "documents": call.documents,
                "peer": call.peer,
                "document_id": call.document_id,
                "request_id": call.request_id,
            }
            ACCESS_LOGGER.info(
                "%s %s %.1fms in=%d out=%d mentions=%d peer=%s request_id=%s",
                call.method,
                code,
                seconds * 1000,
                call.bytes_in,
                call.bytes_out,
                call.mentions,
                call.peer,
                call.request_id,
                extra=fields,
            )


def _status(context: grpc.ServicerContext, failed: BaseException | None) -> str:
    """The call's status code name: what the servicer set or aborted with; OK, or UNKNOWN for an escaped error."""
    code = None
    with contextlib.suppress(Exception):
        code = context.code()  # type: ignore[attr-defined]
    if isinstance(code, grpc.StatusCode):
        return code.name
    if failed is None or isinstance(failed, GeneratorExit):
        return "OK" if failed is None else "CANCELLED"
    return "UNKNOWN"


# -- tracing --------------------------------------------------------------------------------------


def tracing_configured(flag: bool) -> bool:
    """Tracing is wanted when asked for by flag or by an OTLP endpoint in the environment."""
    return flag or bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enable_tracing(flag: bool) -> bool:
    """Instrument grpc servers with OpenTelemetry when configured and installed; True when on.

    Must run before the server is created. Installing: pip install opentelemetry-sdk
    opentelemetry-exporter-otlp opentelemetry-instrumentation-grpc.
    """
    if not tracing_configured(flag):
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.grpc import GrpcInstrumentorServer
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        _LOGGER.warning("tracing asked for but OpenTelemetry is not installed (%s); tracing stays off", exc)
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": "entitylinker"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    GrpcInstrumentorServer().instrument()
    _LOGGER.info("OpenTelemetry tracing on (OTLP exporter)")
    return True

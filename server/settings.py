"""The server's settings: one frozen object, from flags with environment fallbacks.

Each flag fills the `Settings` field of its name (`--max-streams` → `max_streams`)
and falls back to the environment variable ENTITYLINKER_<FIELD>, then to the
field's default: `_add` is the one place that says so, so a new setting is a
field and one line.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "ENTITYLINKER_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start; nothing else reads flags or the environment."""

    gazetteer: Path = Path("build/gazetteer.sqlite")
    host: str = "[::]"
    port: int = 50051
    max_text_bytes: int = 1024 * 1024
    max_text_in_flight_bytes: int = 2 * 1024 * 1024  # text in the linking core at once, per process
    threads: int = 16  # request threads per process
    workers: int = 1
    watch_seconds: float = 0.0  # 0: do not watch the gazetteer file
    grace_seconds: float = 5.0
    max_call_seconds: float = 30.0
    max_concurrent_rpcs: int = 64
    max_streams: int = 8
    stream_idle_seconds: float = 30.0
    max_connection_age_seconds: float = 1800.0
    http_port: int | None = None  # None: no HTTP/JSON server
    http_host: str | None = None  # None: the gRPC --host
    tls_cert: Path | None = None  # PEM; with tls_key, TLS on gRPC and HTTP
    tls_key: Path | None = None
    tls_client_ca: Path | None = None  # PEM; clients must present a certificate it signed (mTLS)
    auth_tokens_file: Path | None = None  # None: no bearer tokens asked for
    reflection: bool = True
    health_port: int | None = None  # plaintext, health only: kubelet's gRPC probes cannot speak TLS
    metrics_port: int | None = None  # None: no /metrics
    metrics_host: str | None = None  # None: the gRPC --host
    log_level: str = "INFO"
    log_format: str = "text"  # or json
    access_log: bool = False
    tracing: bool = False  # also on when OTEL_EXPORTER_OTLP_ENDPOINT is set
    # The gazetteer's private copies, the port locks and the metrics of --workers.
    runtime_dir: Path = Path(tempfile.gettempdir()) / f"entitylinker-{os.getuid()}"


_DEFAULTS = Settings()


def _truthy(value: str) -> bool:
    return value.lower() in ("1", "true", "yes", "on")


def _text_or_none(value: str) -> str | None:
    return value or None


def _add(
    parser: argparse._ActionsContainer,
    flag: str,
    help: str,
    kind: Callable[[str], Any] = str,
    *,
    field: str = "",
    env: str = "",
    **options: Any,
) -> None:
    """Add `flag`, parsed by `kind` into the `Settings` field of its name (or `field`; `--no-x` fills `x`).

    Its default is ENTITYLINKER_<FIELD> (or ENTITYLINKER_<env>) when that is set and not empty, else the
    field's default. `options` go to argparse; a flag with an `action` reads `kind` from the environment only.
    """
    field = field or flag.removeprefix("--").removeprefix("no-").replace("-", "_")
    variable = ENV_PREFIX + (env or field.upper())
    raw = os.environ.get(variable, "")
    default = kind(raw) if raw else getattr(_DEFAULTS, field)
    shown = variable
    if "action" in options:
        shown += "=0" if options["action"] == "store_false" else "=1"
    else:
        options["type"] = kind
    parser.add_argument(flag, dest=field, default=default, help=f"{help} (env {shown})", **options)


def parse_settings(argv: list[str] | None = None) -> Settings:
    """Settings from command-line flags; each flag falls back to ENTITYLINKER_<NAME>."""
    parser = argparse.ArgumentParser(prog="python -m server", description="Run the Arabic entity-linking gRPC server.")
    _add(parser, "--gazetteer", "gazetteer SQLite file", Path)
    _add(parser, "--host", "address to bind")
    _add(parser, "--port", "port, 0 for any", int)
    _add(parser, "--max-text-bytes", "largest text accepted, in UTF-8 bytes", int)
    _add(
        parser,
        "--max-text-in-flight",
        "UTF-8 bytes of text one process links at once; more waits its turn within its deadline "
        "(at least --max-text-bytes)",
        int,
        field="max_text_in_flight_bytes",
        metavar="BYTES",
    )
    _add(parser, "--threads", "request threads per process", int)
    _add(
        parser, "--grace", "calls in flight get this long at shutdown", float, field="grace_seconds", metavar="SECONDS"
    )
    _add(parser, "--workers", "server processes sharing the port (SO_REUSEPORT), e.g. one per core", int)
    _add(
        parser,
        "--watch",
        "reload the gazetteer when its file changes, checking every SECONDS, 2 if omitted",
        float,
        field="watch_seconds",
        nargs="?",
        const=2.0,
        metavar="SECONDS",
    )
    _add(
        parser,
        "--max-call-seconds",
        "the most one call (one LinkStream document) may run, whatever its deadline; past it the call "
        "ends DEADLINE_EXCEEDED",
        float,
    )
    _add(
        parser,
        "--max-concurrent-rpcs",
        "calls a process accepts at once, running or queued; more get RESOURCE_EXHAUSTED",
        int,
    )
    _add(
        parser, "--max-streams", "open LinkStream calls per process, below --threads; more get RESOURCE_EXHAUSTED", int
    )
    _add(
        parser,
        "--stream-idle-seconds",
        "a LinkStream that sends nothing and takes no answer this long is cancelled",
        float,
    )
    _add(
        parser,
        "--max-connection-age",
        "connections are closed after this long (calls get 30 s more); clients reconnect",
        float,
        field="max_connection_age_seconds",
        env="MAX_CONNECTION_AGE",
        metavar="SECONDS",
    )
    _add(
        parser, "--http-port", "also serve HTTP/JSON and the web page on this port, 0 for any; off when not given", int
    )
    _add(
        parser,
        "--http-host",
        "address the HTTP server binds, e.g. 127.0.0.1 for this machine only; defaults to --host",
        _text_or_none,
    )
    _add(parser, "--runtime-dir", "where the private copy of the gazetteer and the port lock live", Path)
    _add_operations_flags(parser)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    for flag, port in (
        ("--port", args.port),
        ("--http-port", args.http_port),
        ("--health-port", args.health_port),
        ("--metrics-port", args.metrics_port),
    ):
        if port is not None and not 0 <= port <= 65535:
            parser.error(f"{flag} must be 0..65535, got {port}")
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.tls_client_ca is not None and args.tls_cert is None:
        parser.error("--tls-client-ca needs --tls-cert and --tls-key")
    if args.max_text_bytes <= 0:
        parser.error("--max-text-bytes must be positive")
    if args.max_text_in_flight_bytes < args.max_text_bytes:
        parser.error("--max-text-in-flight must be at least --max-text-bytes, or the largest text could never run")
    if not 1 <= args.max_streams < args.threads:
        parser.error("--max-streams must be at least 1 and below --threads, so unary calls and health keep a thread")
    if args.max_concurrent_rpcs < args.threads:
        parser.error("--max-concurrent-rpcs must be at least --threads")
    for flag, value in (
        ("--max-call-seconds", args.max_call_seconds),
        ("--stream-idle-seconds", args.stream_idle_seconds),
        ("--max-connection-age", args.max_connection_age_seconds),
    ):
        if value <= 0:
            parser.error(f"{flag} must be positive")
    return Settings(**vars(args))


def _add_operations_flags(parser: argparse.ArgumentParser) -> None:
    """TLS, tokens, metrics, logs and tracing: what running in production asks for."""
    group = parser.add_argument_group("security and observability")
    _add(group, "--tls-cert", "server certificate chain (PEM); with --tls-key turns TLS on, gRPC and HTTP", Path)
    _add(group, "--tls-key", "the certificate's private key (PEM)", Path)
    _add(group, "--tls-client-ca", "CA bundle (PEM) that client certificates must chain to: mTLS", Path)
    _add(group, "--auth-tokens-file", "bearer tokens, one per line (# comments), reloaded on SIGHUP", Path)
    _add(group, "--no-reflection", "do not serve gRPC server reflection", _truthy, action="store_false")
    _add(
        group,
        "--health-port",
        "also serve grpc.health.v1 alone, in plaintext, on this port (for probes that cannot do TLS, "
        "e.g. Kubernetes' gRPC probes)",
        int,
    )
    _add(
        group, "--metrics-port", "serve Prometheus metrics at /metrics on this port, 0 for any; off when not given", int
    )
    _add(group, "--metrics-host", "address the metrics server binds; defaults to --host", _text_or_none)
    _add(group, "--log-level", "how much to log", str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    _add(group, "--log-format", "json: one JSON object per line, for log collectors", choices=["text", "json"])
    _add(
        group,
        "--access-log",
        "one log line per call: method, status, duration, sizes, mentions, peer, document_id, request id; "
        "never the text",
        _truthy,
        action=argparse.BooleanOptionalAction,
    )
    _add(
        group,
        "--tracing",
        "OpenTelemetry traces over OTLP (needs the OpenTelemetry packages; also on when "
        "OTEL_EXPORTER_OTLP_ENDPOINT is set)",
        _truthy,
        action="store_true",
    )

"""The server's settings: one frozen object, from flags with environment fallbacks."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "ENTITYLINKER_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start; nothing else reads flags or the environment."""

    gazetteer: Path = Path("build/gazetteer.sqlite")
    host: str = "[::]"
    port: int = 50051
    max_text_bytes: int = 1024 * 1024
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


def _env(name: str, default: str) -> str:
    return os.environ.get(ENV_PREFIX + name, default)


def parse_settings(argv: list[str] | None = None) -> Settings:
    """Settings from command-line flags; each flag falls back to ENTITYLINKER_<NAME>."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m server", description="Run the Arabic entity-linking gRPC server.")
    parser.add_argument(
        "--gazetteer",
        type=Path,
        default=Path(_env("GAZETTEER", str(defaults.gazetteer))),
        help="gazetteer SQLite file (env ENTITYLINKER_GAZETTEER)",
    )
    parser.add_argument("--host", default=_env("HOST", defaults.host), help="address to bind (env ENTITYLINKER_HOST)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(_env("PORT", str(defaults.port))),
        help="port, 0 for any (env ENTITYLINKER_PORT)",
    )
    parser.add_argument(
        "--max-text-bytes",
        type=int,
        default=int(_env("MAX_TEXT_BYTES", str(defaults.max_text_bytes))),
        help="largest text accepted, in UTF-8 bytes (env ENTITYLINKER_MAX_TEXT_BYTES)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(_env("THREADS", str(defaults.threads))),
        help="request threads per process (env ENTITYLINKER_THREADS)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=float(_env("GRACE_SECONDS", str(defaults.grace_seconds))),
        help="seconds in-flight calls get to finish on shutdown (env ENTITYLINKER_GRACE_SECONDS)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(_env("WORKERS", str(defaults.workers))),
        help="server processes sharing the port (SO_REUSEPORT), e.g. one per core (env ENTITYLINKER_WORKERS)",
    )
    parser.add_argument(
        "--watch",
        nargs="?",
        type=float,
        const=2.0,
        default=float(_env("WATCH_SECONDS", "0")),
        metavar="SECONDS",
        help="reload the gazetteer when its file changes, checking every SECONDS (2 if omitted; env "
        "ENTITYLINKER_WATCH_SECONDS)",
    )
    parser.add_argument(
        "--max-call-seconds",
        type=float,
        default=float(_env("MAX_CALL_SECONDS", str(defaults.max_call_seconds))),
        help="the most one call (one LinkStream document) may run, whatever its deadline; past it the call "
        "ends DEADLINE_EXCEEDED (env ENTITYLINKER_MAX_CALL_SECONDS)",
    )
    parser.add_argument(
        "--max-concurrent-rpcs",
        type=int,
        default=int(_env("MAX_CONCURRENT_RPCS", str(defaults.max_concurrent_rpcs))),
        help="calls a process accepts at once, running or queued; more get RESOURCE_EXHAUSTED "
        "(env ENTITYLINKER_MAX_CONCURRENT_RPCS)",
    )
    parser.add_argument(
        "--max-streams",
        type=int,
        default=int(_env("MAX_STREAMS", str(defaults.max_streams))),
        help="open LinkStream calls per process, below --threads; more get RESOURCE_EXHAUSTED "
        "(env ENTITYLINKER_MAX_STREAMS)",
    )
    parser.add_argument(
        "--stream-idle-seconds",
        type=float,
        default=float(_env("STREAM_IDLE_SECONDS", str(defaults.stream_idle_seconds))),
        help="a LinkStream that sends nothing and takes no answer this long is cancelled "
        "(env ENTITYLINKER_STREAM_IDLE_SECONDS)",
    )
    parser.add_argument(
        "--max-connection-age",
        type=float,
        default=float(_env("MAX_CONNECTION_AGE", str(defaults.max_connection_age_seconds))),
        metavar="SECONDS",
        help="connections are closed after this long (calls get 30 s more); clients reconnect "
        "(env ENTITYLINKER_MAX_CONNECTION_AGE)",
    )
    parser.add_argument(
        "--http-port",
        type=int,
        default=int(_env("HTTP_PORT", "")) if _env("HTTP_PORT", "") else None,
        help="also serve HTTP/JSON and the web page on this port, 0 for any; off when not given "
        "(env ENTITYLINKER_HTTP_PORT)",
    )
    parser.add_argument(
        "--http-host",
        default=_env("HTTP_HOST", ""),
        help="address the HTTP server binds, e.g. 127.0.0.1 for this machine only; defaults to --host "
        "(env ENTITYLINKER_HTTP_HOST)",
    )
    parser.add_argument(
        "--runtime-dir",
        type=Path,
        default=Path(_env("RUNTIME_DIR", str(defaults.runtime_dir))),
        help="where the private copy of the gazetteer and the port lock live (env ENTITYLINKER_RUNTIME_DIR)",
    )
    _add_operations_flags(parser)
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0..65535, got {args.port}")
    if args.http_port is not None and not 0 <= args.http_port <= 65535:
        parser.error(f"--http-port must be 0..65535, got {args.http_port}")
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.tls_client_ca is not None and args.tls_cert is None:
        parser.error("--tls-client-ca needs --tls-cert and --tls-key")
    if args.metrics_port is not None and not 0 <= args.metrics_port <= 65535:
        parser.error(f"--metrics-port must be 0..65535, got {args.metrics_port}")
    if args.max_text_bytes <= 0:
        parser.error("--max-text-bytes must be positive")
    if not 1 <= args.max_streams < args.threads:
        parser.error("--max-streams must be at least 1 and below --threads, so unary calls and health keep a thread")
    if args.max_concurrent_rpcs < args.threads:
        parser.error("--max-concurrent-rpcs must be at least --threads")
    for flag, value in (
        ("--max-call-seconds", args.max_call_seconds),
        ("--stream-idle-seconds", args.stream_idle_seconds),
        ("--max-connection-age", args.max_connection_age),
    ):
        if value <= 0:
            parser.error(f"{flag} must be positive")
    return Settings(
        gazetteer=args.gazetteer,
        host=args.host,
        port=args.port,
        max_text_bytes=args.max_text_bytes,
        threads=args.threads,
        grace_seconds=args.grace,
        workers=args.workers,
        watch_seconds=args.watch,
        max_call_seconds=args.max_call_seconds,
        max_concurrent_rpcs=args.max_concurrent_rpcs,
        max_streams=args.max_streams,
        stream_idle_seconds=args.stream_idle_seconds,
        max_connection_age_seconds=args.max_connection_age,
        runtime_dir=args.runtime_dir,
        http_port=args.http_port,
        http_host=args.http_host or None,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_client_ca=args.tls_client_ca,
        auth_tokens_file=args.auth_tokens_file,
        reflection=args.reflection,
        health_port=args.health_port,
        metrics_port=args.metrics_port,
        metrics_host=args.metrics_host or None,
        log_level=args.log_level,
        log_format=args.log_format,
        access_log=args.access_log,
        tracing=args.tracing,
    )


def _optional_path(name: str) -> Path | None:
    value = _env(name, "")
    return Path(value) if value else None


def _flag(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


def _add_operations_flags(parser: argparse.ArgumentParser) -> None:
    """TLS, tokens, metrics, logs and tracing: what running in production asks for."""
    group = parser.add_argument_group("security and observability")
    for flag, env, what in (
        ("--tls-cert", "TLS_CERT", "server certificate chain (PEM); with --tls-key turns TLS on, gRPC and HTTP"),
        ("--tls-key", "TLS_KEY", "the certificate's private key (PEM)"),
        ("--tls-client-ca", "TLS_CLIENT_CA", "CA bundle (PEM) that client certificates must chain to: mTLS"),
        ("--auth-tokens-file", "AUTH_TOKENS_FILE", "bearer tokens, one per line (# comments), reloaded on SIGHUP"),
    ):
        group.add_argument(flag, type=Path, default=_optional_path(env), help=f"{what} (env ENTITYLINKER_{env})")
    group.add_argument(
        "--no-reflection",
        dest="reflection",
        action="store_false",
        default=_flag("REFLECTION", True),
        help="do not serve gRPC server reflection (env ENTITYLINKER_REFLECTION=0)",
    )
    group.add_argument(
        "--health-port",
        type=int,
        default=int(_env("HEALTH_PORT", "")) if _env("HEALTH_PORT", "") else None,
        help="also serve grpc.health.v1 alone, in plaintext, on this port (for probes that cannot do TLS, "
        "e.g. Kubernetes' gRPC probes) (env ENTITYLINKER_HEALTH_PORT)",
    )
    group.add_argument(
        "--metrics-port",
        type=int,
        default=int(_env("METRICS_PORT", "")) if _env("METRICS_PORT", "") else None,
        help="serve Prometheus metrics at /metrics on this port, 0 for any; off when not given "
        "(env ENTITYLINKER_METRICS_PORT)",
    )
    group.add_argument(
        "--metrics-host",
        default=_env("METRICS_HOST", ""),
        help="address the metrics server binds; defaults to --host (env ENTITYLINKER_METRICS_HOST)",
    )
    group.add_argument(
        "--log-level",
        default=_env("LOG_LEVEL", "INFO").upper(),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="(env ENTITYLINKER_LOG_LEVEL)",
    )
    group.add_argument(
        "--log-format",
        default=_env("LOG_FORMAT", "text"),
        choices=["text", "json"],
        help="json: one JSON object per line, for log collectors (env ENTITYLINKER_LOG_FORMAT)",
    )
    group.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=_flag("ACCESS_LOG", False),
        help="one log line per call: method, status, duration, sizes, mentions, peer, document_id, request id; "
        "never the text (env ENTITYLINKER_ACCESS_LOG=1)",
    )
    group.add_argument(
        "--tracing",
        action="store_true",
        default=_flag("TRACING", False),
        help="OpenTelemetry traces over OTLP (needs the OpenTelemetry packages; also on when "
        "OTEL_EXPORTER_OTLP_ENDPOINT is set) (env ENTITYLINKER_TRACING=1)",
    )

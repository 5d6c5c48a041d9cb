"""`python -m server`: run the entity-linking gRPC server until SIGINT or SIGTERM.

SIGHUP reloads the gazetteer file; a failed reload keeps the old one serving.
With `--workers N`, N processes serve one port through SO_REUSEPORT. The
gazetteer is loaded once, before the fork, and no gRPC object exists until
each worker creates its own (the pattern of grpc's multiprocessing example);
the parent forwards SIGTERM, SIGINT and SIGHUP to every worker and forks a
dead worker again.

At SIGTERM health turns NOT_SERVING at once (load balancers stop sending),
calls in flight get `--grace` seconds, then grpc cancels the rest, which stops
their work in the core at its next check, and the process exits. A start-up
failure is one line on standard error and exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import sys
import threading
from datetime import datetime
from types import FrameType
from typing import TYPE_CHECKING

import grpc

from gazetteer.loader import GazetteerLoadError, remove_stale_copies
from gazetteer.schema import SchemaMismatchError
from server import linking
from server.admission import TextBudget
from server.app import Limits, create_health_server, create_server
from server.heap import settle_after_load
from server.holder import LinkerHolder
from server.observability import (
    CallObserver,
    configure_logging,
    enable_metrics,
    enable_tracing,
    event,
    mark_worker_dead,
    prepare_multiproc_dir,
    serve_metrics,
)
from server.security import AuthInterceptor, TlsFiles, TokenFileError, TokenStore
from server.settings import Settings, parse_settings
from server.workers import PortBusyError, check_port_free, port_lock, reserved_port, run_workers

if TYPE_CHECKING:
    from server.gateway import HttpServer

_LOGGER = logging.getLogger(__name__)

# How long the main thread waits at a time between checks for signals (see serve()).
SIGNAL_POLL_SECONDS = 0.2

EXIT_START_FAILED = 2


class StartError(Exception):
    """A start-up failure, reported as one line."""


def limits(settings: Settings) -> Limits:
    """The per-process limits the settings ask for: each `Limits` field is the `Settings` field of its name."""
    return Limits(**{field.name: getattr(settings, field.name) for field in dataclasses.fields(Limits)})


@dataclasses.dataclass(frozen=True, slots=True)
class Security:
    """What start-up read for TLS and tokens, before any fork (no gRPC object yet)."""

    tls: TlsFiles | None = None
    tokens: TokenStore | None = None

    @classmethod
    def read(cls, settings: Settings) -> Security:
        """Read the PEM files and the token file now, so a bad path fails start-up in one line."""
        try:
            tls = None
            if settings.tls_cert is not None and settings.tls_key is not None:
                tls = TlsFiles.read(settings.tls_cert, settings.tls_key, settings.tls_client_ca)
            tokens = None if settings.auth_tokens_file is None else TokenStore(settings.auth_tokens_file)
        except TokenFileError as exc:
            raise StartError(str(exc)) from None
        return cls(tls, tokens)


def _observe(settings: Settings, holder: LinkerHolder, reuse_port: bool) -> list[CallObserver]:
    """Metrics (served on --metrics-port) and the access log, as one interceptor; none when both are off."""
    metrics = None
    if settings.metrics_port is not None:
        metrics = enable_metrics()
        host = settings.metrics_host or settings.host
        try:
            port = serve_metrics(host, settings.metrics_port, reuse_port)
        except OSError as exc:
            raise StartError(f"cannot serve metrics on {host}:{settings.metrics_port}: {exc}") from None
        _LOGGER.info("pid %d metrics on http://%s:%d/metrics", os.getpid(), host, port)

        def record(ok: bool | None = None) -> None:
            if ok is not None:
                metrics.reload(ok)
            info = holder.linker.gazetteer.info
            try:
                built = datetime.fromisoformat(info.built_at).timestamp()
            except ValueError:
                built = 0.0
            metrics.gazetteer(info.version, sum(info.counts_by_type.values()), built)

        record()
        holder.on_reload = record
    if metrics is None and not settings.access_log:
        return []
    return [CallObserver(metrics, settings.access_log)]


def serve(settings: Settings, holder: LinkerHolder, port: int, reuse_port: bool, security: Security) -> None:
    """Run one server process until SIGTERM or SIGINT; SIGHUP reloads the gazetteer and the tokens."""
    options: list[tuple[str, object]] = [("grpc.so_reuseport", 1 if reuse_port else 0)]
    enable_tracing(settings.tracing)  # in the worker: its exporter's threads must not cross a fork
    interceptors: list[grpc.ServerInterceptor] = [*_observe(settings, holder, reuse_port)]
    if security.tokens is not None:
        interceptors.append(AuthInterceptor(security.tokens))
    text_budget = TextBudget(settings.max_text_in_flight_bytes)  # gRPC and HTTP/JSON share it
    try:
        server, bound, health = create_server(
            holder,
            f"{settings.host}:{port}",
            options=options,
            limits=limits(settings),
            credentials=security.tls.credentials() if security.tls else None,
            interceptors=interceptors,
            reflection=settings.reflection,
            text_budget=text_budget,
        )
    except RuntimeError as exc:
        raise StartError(f"cannot listen on {settings.host}:{port}: {exc}") from None
    http = None if settings.http_port is None else start_http(settings, holder, reuse_port, security, text_budget)
    health_server = None
    if settings.health_port is not None:
        try:
            health_server, health_port = create_health_server(
                health, f"{settings.host}:{settings.health_port}", options
            )
        except RuntimeError as exc:
            raise StartError(f"cannot serve health on {settings.host}:{settings.health_port}: {exc}") from None
        _LOGGER.info("pid %d plaintext health on %s:%d", os.getpid(), settings.host, health_port)
    stopped = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        event(
            "shutdown",
            "%s: stopping, %.0fs grace for calls in flight",
            signal.Signals(signum).name,
            settings.grace_seconds,
        )
        health.enter_graceful_shutdown()

        def drain_then_stop() -> None:
            if http is not None:
                threading.Thread(target=http.stop, args=(settings.grace_seconds,), daemon=True).start()
            server.stop(settings.grace_seconds).wait()
            if health_server is not None:
                health_server.stop(None)
            stopped.set()

        threading.Thread(target=drain_then_stop, name="stop").start()

    def reload(_signum: int, _frame: FrameType | None) -> None:
        if security.tokens is not None:
            threading.Thread(target=security.tokens.reload, name="reload-tokens", daemon=True).start()
        threading.Thread(target=holder.reload, name="reload", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    if settings.watch_seconds > 0:
        holder.watch(settings.watch_seconds, stopped)
    info = holder.linker.gazetteer.info
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(info.counts_by_type.items()))
    event(
        "start",
        "pid %d serving on %s:%d, gazetteer %s version %s (%s), linking core %s%s%s",
        os.getpid(),
        settings.host,
        bound,
        info.path,
        info.version,
        counts,
        "compiled" if linking.COMPILED else "plain Python",
        ", TLS" + (" with client certificates" if security.tls and security.tls.client_ca else "")
        if security.tls
        else "",
        ", bearer tokens" if security.tokens else "",
        port=bound,
        version=info.version,
    )
    # Python runs signal handlers in the main thread only, once it executes bytecode again: a
    # signal the kernel gives a gRPC thread does not wake a long wait here. Short waits keep
    # SIGHUP and SIGTERM prompt (a worker waiting an hour missed its reloads and outlived its parent).
    while not stopped.wait(SIGNAL_POLL_SECONDS):
        pass
    holder.close()
    event("stopped", "pid %d stopped", os.getpid())


def start_http(
    settings: Settings, holder: LinkerHolder, reuse_port: bool, security: Security, text_budget: TextBudget
) -> HttpServer:
    """The HTTP/JSON server and web page, in a thread of this process, over its own servicer on `holder`
    (sharing the process's `text_budget` with the gRPC servicer)."""
    from server.gateway import HttpServer, create_app  # Starlette and uvicorn only when asked for
    from server.service import EntityLinkerService

    servicer = EntityLinkerService(
        holder, settings.max_text_bytes, max_call_seconds=settings.max_call_seconds, text_budget=text_budget
    )
    host = settings.http_host or settings.host
    app = create_app(servicer, max_body_bytes=max(settings.max_text_bytes * 2, 4 * 1024 * 1024), tokens=security.tokens)
    tls = None
    if settings.tls_cert is not None and settings.tls_key is not None:
        tls = (settings.tls_cert, settings.tls_key, settings.tls_client_ca)
    try:
        http = HttpServer(app, host, settings.http_port or 0, reuse_port, settings.max_concurrent_rpcs, tls=tls).start()
    except (OSError, RuntimeError) as exc:
        raise StartError(f"cannot serve HTTP on {host}:{settings.http_port}: {exc}") from None
    shown = "localhost" if host.strip("[]") in ("", "::", "0.0.0.0") else host
    shown = f"[{shown.strip('[]')}]" if ":" in shown else shown
    scheme = "https" if tls else "http"
    _LOGGER.info("pid %d HTTP/JSON and the web page on %s://%s:%d/", os.getpid(), scheme, shown, http.port)
    return http


def serve_workers(settings: Settings, holder: LinkerHolder, security: Security, lock: bool = True) -> int:
    """Fork `settings.workers` serving processes on one port and supervise them (`lock`: take the port lock)."""
    return run_workers(
        settings.host,
        settings.port,
        settings.workers,
        lambda port: serve(settings, holder, port, reuse_port=True, security=security),
        lock_dir=settings.runtime_dir if lock else None,
        on_restart=holder.reload,
        on_death=mark_worker_dead,
    )


def _run(settings: Settings) -> int:
    try:
        settings.runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale_copies(settings.runtime_dir)
    except OSError as exc:
        raise StartError(f"cannot use the runtime directory {settings.runtime_dir}: {exc.strerror or exc}") from None
    security = Security.read(settings)
    with contextlib.ExitStack() as stack:
        try:
            # The port first: a busy port is found before the gazetteer is loaded.
            if settings.port != 0:
                check_port_free(settings.host, settings.port)
                stack.enter_context(port_lock(settings.runtime_dir, settings.port))
            holder = LinkerHolder.open(settings.gazetteer, settings.runtime_dir)
        except (GazetteerLoadError, SchemaMismatchError, PortBusyError) as exc:
            raise StartError(str(exc)) from None
        except OSError as exc:
            raise StartError(f"{exc.strerror or exc}: {exc.filename or settings.runtime_dir}") from None
        stack.callback(holder.close)
        settle_after_load()  # before the fork, so the workers share the frozen pages
        if settings.workers > 1:
            try:
                if settings.metrics_port is not None:
                    # One metrics port for all workers, each answering for all (multiprocess mode).
                    prepare_multiproc_dir(settings.runtime_dir)
                    metrics_host = settings.metrics_host or settings.host
                    metrics_port = stack.enter_context(reserved_port(metrics_host, settings.metrics_port))
                    settings = dataclasses.replace(settings, metrics_port=metrics_port)
                return serve_workers(settings, holder, security, lock=settings.port == 0)
            except PortBusyError as exc:
                raise StartError(str(exc)) from None
        serve(settings, holder, settings.port, reuse_port=False, security=security)
        return 0
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, configure logging (here only) and serve; exit 2 when start-up fails."""
    settings = parse_settings(argv)
    configure_logging(settings.log_level, settings.log_format)
    try:
        code = _run(settings)
    except StartError as exc:
        _LOGGER.error("cannot start: %s", exc)
        code = EXIT_START_FAILED
    logging.shutdown()
    # Calls past the grace period were cancelled and stop at the core's next check; their threads
    # are not waited for (concurrent.futures would join them at exit).
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())

"""Assemble the gRPC server: the service, health checking and reflection.

`create_server` is separate from running it, so tests can bind port 0 and
learn the port (the pattern of the grpc repository's Python examples).

Concurrency is bounded with grpc's own means: `maximum_concurrent_rpcs`
answers RESOURCE_EXHAUSTED past the limit instead of queueing without end;
LinkStream has fewer slots than there are threads (`StreamSlots`), so unary
calls and health always find a thread; HTTP/2 flow control bounds what a
stream buffers (the handler reads one document at a time). Keepalive pings
find dead peers, and connections are closed when idle or old (clients
reconnect by themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from server.admission import TextBudget
from server.holder import LinkerHolder
from server.reflection import enable_server_reflection
from server.service import MAX_RESPONSE_BYTES, SERVICE_NAME, EntityLinkerService, StreamSlots, add_service

__all__ = ["SERVICE_NAME", "Limits", "channel_options", "create_health_server", "create_server"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one server process lets its callers take (the flags are in `server.settings`)."""

    max_text_bytes: int = 1024 * 1024
    # Text in the linking core at once; more waits its turn within its deadline (`TextBudget`).
    max_text_in_flight_bytes: int = 2 * 1024 * 1024
    threads: int = 16
    max_concurrent_rpcs: int = 64
    max_streams: int = 8
    stream_idle_seconds: float = 30.0
    max_call_seconds: float = 30.0
    max_connection_age_seconds: float = 1800.0


def channel_options(limits: Limits) -> list[tuple[str, object]]:
    """grpc server options: message sizes, keepalive, connection idle time and age."""
    return [
        # Room for the largest text plus the protobuf framing; answers up to what the shipped client receives.
        ("grpc.max_receive_message_length", max(limits.max_text_bytes * 2, 4 * 1024 * 1024)),
        ("grpc.max_send_message_length", MAX_RESPONSE_BYTES),
        # Ping a silent peer every 60 s and drop it when it does not answer within 20 s.
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ("grpc.http2.max_pings_without_data", 0),
        # Close connections idle for 5 minutes, and any connection past its maximum age (its calls get
        # 30 s more), so no connection lives forever and load spreads over the workers again.
        ("grpc.max_connection_idle_ms", 300_000),
        ("grpc.max_connection_age_ms", int(limits.max_connection_age_seconds * 1000)),
        ("grpc.max_connection_age_grace_ms", 30_000),
    ]


def create_health_server(
    health_servicer: health.HealthServicer, address: str, options: Sequence[tuple[str, object]] = ()
) -> tuple[grpc.Server, int]:
    """A plaintext server of the health service alone, sharing `health_servicer` (so it reports the same status).

    For probes that cannot speak TLS (Kubernetes' gRPC probes): it reveals nothing but SERVING or NOT_SERVING.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health"), options=options)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    server.start()
    return server, port


def create_server(
    holder: LinkerHolder,
    address: str = "[::]:0",
    max_text_bytes: int = 1024 * 1024,
    threads: int = 16,
    options: list[tuple[str, object]] | None = None,
    limits: Limits | None = None,
    *,
    credentials: grpc.ServerCredentials | None = None,
    interceptors: Sequence[grpc.ServerInterceptor] = (),
    reflection: bool = True,
    text_budget: TextBudget | None = None,
) -> tuple[grpc.Server, int, health.HealthServicer]:
    """A started server bound to `address`, its port, and its health servicer.

    Health is SERVING once this returns (the gazetteer is already loaded in
    `holder`), and NOT_SERVING while the served file is found unreadable.
    `limits`, when given, wins over `max_text_bytes` and `threads`.
    `credentials` serve TLS instead of plaintext; `interceptors` run outermost first.
    `text_budget` is shared with the process's other servicers (the HTTP gateway's); one of
    `limits.max_text_in_flight_bytes` when not given.
    """
    limits = limits or Limits(max_text_bytes=max_text_bytes, threads=threads)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=limits.threads, thread_name_prefix="rpc"),
        options=[*channel_options(limits), *(options or [])],
        maximum_concurrent_rpcs=limits.max_concurrent_rpcs,
        interceptors=list(interceptors),
    )
    service = EntityLinkerService(
        holder,
        limits.max_text_bytes,
        max_call_seconds=limits.max_call_seconds,
        streams=StreamSlots(limits.max_streams, limits.stream_idle_seconds),
        text_budget=text_budget or TextBudget(limits.max_text_in_flight_bytes),
    )
    add_service(service, server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if reflection:
        enable_server_reflection((SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name), server)
    port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    server.start()

    def set_health(serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ("", SERVICE_NAME):
            health_servicer.set(name, status)

    set_health(True)
    holder.on_health = set_health
    return server, port, health_servicer

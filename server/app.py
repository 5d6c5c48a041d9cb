"""Assemble the gRPC server: the service, health checking and reflection.

`create_server` is separate from running it, so tests can bind port 0 and
learn the port (the pattern of the grpc repository's Python examples).
"""

from __future__ import annotations

import logging
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from server.holder import LinkerHolder
from server.service import EntityLinkerService

_LOGGER = logging.getLogger(__name__)

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["EntityLinkerService"].full_name


def create_server(
    holder: LinkerHolder,
    address: str = "[::]:0",
    max_text_bytes: int = 1024 * 1024,
    max_workers: int = 8,
    options: list[tuple[str, object]] | None = None,
) -> tuple[grpc.Server, int, health.HealthServicer]:
    """A started-but-not-yet-serving server bound to `address`, its port, and its health servicer.

    The health status is SERVING once this returns: the gazetteer is already
    loaded in `holder`.
    """
    # Room for a 1 MiB text plus the protobuf framing, and for responses full of mentions.
    message_limit = max(max_text_bytes * 2, 4 * 1024 * 1024)
    server_options = [
        ("grpc.max_receive_message_length", message_limit),
        ("grpc.max_send_message_length", 64 * 1024 * 1024),
        *(options or []),
    ]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers), options=server_options)
    pb_grpc.add_EntityLinkerServiceServicer_to_server(EntityLinkerService(holder, max_text_bytes), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    server.start()
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return server, port, health_servicer

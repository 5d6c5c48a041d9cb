"""A client for the Arabic entity-linking service (`entitylinker.v1.EntityLinkerService`).

    from entitylinker_client import EntityLinkerClient

    with EntityLinkerClient("localhost:50051") as client:
        for mention in client.link("وصل الوفد إلى الرباط").mentions:
            print(mention.surface, mention.entity.qid, mention.entity.label_en)

`pb` holds the generated messages and enums; `AsyncEntityLinkerClient` is the asyncio variant.
"""

from entitylinker_client._proto import entity_linker_service_pb2 as pb
from entitylinker_client._proto import entity_linker_service_pb2_grpc as pb_grpc
from entitylinker_client.client import (
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    MAX_RECEIVE_BYTES,
    OFFSETS,
    SERVICE_CONFIG,
    TYPES,
    AsyncEntityLinkerClient,
    EntityLinkerClient,
    IncompleteStreamError,
    channel_options,
    entity_types,
    error_reason,
    link_request,
    resolve_request,
)

__all__ = [
    "DEFAULT_TARGET",
    "DEFAULT_TIMEOUT",
    "MAX_RECEIVE_BYTES",
    "OFFSETS",
    "SERVICE_CONFIG",
    "TYPES",
    "AsyncEntityLinkerClient",
    "EntityLinkerClient",
    "IncompleteStreamError",
    "channel_options",
    "entity_types",
    "error_reason",
    "link_request",
    "pb",
    "pb_grpc",
    "resolve_request",
]

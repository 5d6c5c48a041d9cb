"""The one shape of this server's interceptors: a call's method and metadata in, its handler kept or wrapped.

grpc hands `intercept_service` a continuation and the call's details. The
access control (`server.security`) and the call observer
(`server.observability`) want the same from them: the handler, the full
method name and the metadata, and nothing at all for an unknown method. So
they implement `wrap` only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import grpc


class HandlerInterceptor(grpc.ServerInterceptor):
    """A server interceptor that keeps or replaces the handler of each known method."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        """grpc's hook: the handler `wrap` gives, or None for a method the server does not have."""
        handler = continuation(handler_call_details)
        if handler is None:
            return None  # grpc answers UNIMPLEMENTED
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        metadata = tuple(handler_call_details.invocation_metadata or ())  # type: ignore[attr-defined]
        return self.wrap(handler, method, metadata)

    def wrap(
        self, handler: grpc.RpcMethodHandler, method: str, metadata: Sequence[tuple[str, Any]]
    ) -> grpc.RpcMethodHandler:
        """The handler to run for a call of `method` (e.g. "/grpc.health.v1.Health/Check") with `metadata`."""
        raise NotImplementedError

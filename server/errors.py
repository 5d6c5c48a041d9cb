"""Errors as canonical gRPC statuses with a google.rpc.ErrorInfo detail (AIP-193)."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

ERROR_DOMAIN = "entitylinker.v1"
# What a status may echo back. The message and ErrorInfo travel in trailers, which grpc caps
# (8 KiB by default): past that the caller gets RESOURCE_EXHAUSTED instead of the error.
MAX_MESSAGE_CHARS = 1000
MAX_METADATA_CHARS = 200


def clip(value: str, limit: int) -> str:
    """`value`, cut to `limit` characters with a note of how long it was."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value)} characters)"


class RequestError(Exception):
    """A request the service refuses; raised by validation, mapped to a status by the adapter."""

    def __init__(self, code: grpc.StatusCode, reason: str, message: str, **metadata: str) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.metadata = metadata


def invalid_argument(reason: str, message: str, **metadata: str) -> RequestError:
    """INVALID_ARGUMENT with an UPPER_SNAKE reason."""
    return RequestError(grpc.StatusCode.INVALID_ARGUMENT, reason, message, **metadata)


def not_found(reason: str, message: str, **metadata: str) -> RequestError:
    """NOT_FOUND with an UPPER_SNAKE reason."""
    return RequestError(grpc.StatusCode.NOT_FOUND, reason, message, **metadata)


def status_of(error: RequestError) -> status_pb2.Status:
    """`error` as a google.rpc.Status: its code, its clipped message and one ErrorInfo detail."""
    detail = any_pb2.Any()
    metadata = {key: clip(value, MAX_METADATA_CHARS) for key, value in error.metadata.items()}
    detail.Pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=metadata))
    code = getattr(code_pb2, error.code.name)
    return status_pb2.Status(code=code, message=clip(error.message, MAX_MESSAGE_CHARS), details=[detail])


def abort(context: grpc.ServicerContext, error: RequestError) -> None:
    """End the call with `error` as a rich status; never returns."""
    context.abort_with_status(rpc_status.to_status(status_of(error)))

"""Server reflection answers under grpc.reflection.v1 (what grpcurl asks first) and v1alpha."""

from __future__ import annotations

import grpc
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2

from server.reflection import V1_SERVICE_NAME

PATHS = {
    "v1": f"/{V1_SERVICE_NAME}/ServerReflectionInfo",
    "v1alpha": "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
}


def _ask(channel: grpc.Channel, version: str, request: reflection_pb2.ServerReflectionRequest) -> list:  # type: ignore[type-arg]
    call = channel.stream_stream(
        PATHS[version],
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    return list(call(iter([request]), timeout=10))


def test_both_versions_list_the_services(channel: grpc.Channel) -> None:
    for version in PATHS:
        [reply] = _ask(channel, version, reflection_pb2.ServerReflectionRequest(list_services=""))
        names = {s.name for s in reply.list_services_response.service}
        assert {
            "entitylinker.v1.EntityLinkerService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        } <= names, version


def test_v1_describes_the_service_with_its_http_rules(channel: grpc.Channel) -> None:
    request = reflection_pb2.ServerReflectionRequest(file_containing_symbol="entitylinker.v1.EntityLinkerService")
    [reply] = _ask(channel, "v1", request)
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(raw)
        for raw in reply.file_descriptor_response.file_descriptor_proto
    ]
    service_file = next(f for f in files if f.name == "entitylinker/v1/entity_linker_service.proto")
    assert "google/api/annotations.proto" in service_file.dependency
    assert [m.name for m in service_file.service[0].method][:2] == ["Link", "LinkStream"]

"""HTTP/JSON as a caller sees it: a real HTTP client against the gateway on an ephemeral port."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from google.protobuf.json_format import MessageToDict

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from server.gateway import SERVICE, bindings
from tests.conftest import SEED_ARTICLE, seed_article_gold
from tests.test_server_process import ServerProcess


@pytest.fixture(scope="module")
def http(http_url: str) -> httpx.Client:
    return httpx.Client(base_url=http_url, timeout=30)


def _as_json(message: Any) -> dict[str, Any]:
    """What the gateway sends for a message: the proto3 JSON mapping with every field."""
    return MessageToDict(message, always_print_fields_with_no_presence=True)


def _error(response: httpx.Response, status: int, code: str, reason: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status and error["status"] == code and error["message"]
    if reason is not None:
        [info] = error["details"]
        assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
        assert info["reason"] == reason and info["domain"] == "entitylinker.v1"
    return error


def test_routes_come_from_the_proto_annotations() -> None:
    routes = {(b.verb, b.path, b.method.name) for b in bindings(SERVICE, pb_grpc.EntityLinkerServiceServicer())}
    assert routes == {
        ("POST", "/v1/link", "Link"),
        ("POST", "/v1/resolve", "Resolve"),
        ("GET", "/v1/entities/{qid}", "GetEntity"),
        ("GET", "/v1/gazetteer", "GetGazetteerInfo"),
    }  # LinkStream has no HTTP mapping: a bidirectional stream cannot be one HTTP/JSON call


def test_link_answers_what_grpc_answers(http: httpx.Client, stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    response = http.post("/v1/link", json={"text": text, "documentId": "seed", "maxCandidates": 2})
    assert response.status_code == 200
    body = response.json()
    expected = stub.Link(pb.LinkRequest(text=text, document_id="seed", max_candidates=2))
    assert body == _as_json(expected)
    assert body["documentId"] == "seed" and body["gazetteerVersion"]
    found = [(m["start"], m["end"], m["surface"], m["entity"]["qid"]) for m in body["mentions"]]
    assert found == seed_article_gold()
    for mention in body["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["surface"]
    assert sum(e["mentionCount"] for e in body["entities"]) == len(body["mentions"])


def test_link_utf16_offsets_slice_javascript_strings(http: httpx.Client) -> None:
    text = "😀 وصل الوفد إلى الرباط والمغرب"
    body = http.post(
        "/v1/link", json={"text": text, "offset_encoding": "OFFSET_ENCODING_UTF16_CODE_UNITS", "types": [2]}
    ).json()
    units = text.encode("utf-16-le")
    surfaces = [units[2 * m["start"] : 2 * m["end"]].decode("utf-16-le") for m in body["mentions"]]
    assert surfaces == ["الرباط", "المغرب"]  # the emoji is two code units; the clitic و stays outside


def test_resolve(http: httpx.Client) -> None:
    body = http.post("/v1/resolve", json={"mention": "الرباط", "limit": 2}).json()
    assert body["candidates"][0]["entity"]["qid"] == "Q3551"
    assert len(body["candidates"]) <= 2
    assert http.post("/v1/resolve", json={"mention": "الحكومة"}).json() == {"candidates": []}


def test_entity_and_gazetteer(http: httpx.Client, stub: pb_grpc.EntityLinkerServiceStub) -> None:
    entity = http.get("/v1/entities/Q1028").json()["entity"]
    assert entity["labelEn"] == "Morocco" and entity["type"] == "ENTITY_TYPE_PLACE"
    info = http.get("/v1/gazetteer").json()
    assert info == _as_json(stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest()))
    assert int(info["entityCount"]) == sum(int(c["count"]) for c in info["counts"]) > 500


def test_refusals_keep_the_grpc_error_model(http: httpx.Client) -> None:
    _error(http.post("/v1/link", json={"text": "  "}), 400, "INVALID_ARGUMENT", "EMPTY_TEXT")
    _error(http.post("/v1/link", json={"text": "x", "maxCandidates": 99}), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
    _error(http.get("/v1/entities/Morocco"), 400, "INVALID_ARGUMENT", "INVALID_QID")
    missing = _error(http.get("/v1/entities/Q999999999"), 404, "NOT_FOUND", "ENTITY_NOT_FOUND")
    assert missing["details"][0]["metadata"] == {"qid": "Q999999999"}


def test_bad_requests_are_refused_before_the_servicer(http: httpx.Client) -> None:
    bad_json = http.post("/v1/link", content=b"{not json", headers={"content-type": "application/json"})
    _error(bad_json, 400, "INVALID_ARGUMENT", "INVALID_JSON")
    _error(http.post("/v1/link", json={"txt": "الرباط"}), 400, "INVALID_ARGUMENT", "INVALID_JSON")
    _error(http.post("/v1/link", content="الرباط".encode("cp1256")), 400, "INVALID_ARGUMENT", "INVALID_JSON")
    _error(http.get("/v1/gazetteer", params={"verbose": "1"}), 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
    too_large = http.post("/v1/link", content=b"x" * (4 * 1024 * 1024 + 1))
    assert _error(too_large, 400, "INVALID_ARGUMENT", "REQUEST_TOO_LARGE")["details"][0]["metadata"]
    timeout = http.post("/v1/link", json={"text": "الرباط"}, headers={"X-Server-Timeout": "soon"})
    _error(timeout, 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")


def test_unknown_paths_and_methods(http: httpx.Client) -> None:
    _error(http.get("/v1/nothing"), 404, "NOT_FOUND", None)
    _error(http.delete("/v1/link"), 405, "UNIMPLEMENTED", None)


def test_web_page_is_served_with_a_strict_policy(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_server_process_serves_http_beside_grpc(seed_gazetteer_path: Path) -> None:
    server = ServerProcess(
        "--gazetteer", str(seed_gazetteer_path), "--host", "127.0.0.1", "--port", "0", "--http-port", "0"
    )
    try:
        port = int(server.wait_for(r"web page on http://127\.0\.0\.1:(\d+)/")[0].group(1))
        grpc_port = int(server.wait_for(r"serving on \S+:(\d+)")[0].group(1))
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            assert client.get("/v1/entities/Q3551").json()["entity"]["labelEn"] == "Rabat"
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            assert stub.GetEntity(pb.GetEntityRequest(qid="Q3551")).entity.label_en == "Rabat"
        assert server.stop(signal.SIGTERM) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()

"""Metrics scraped and parsed (one process and --workers 2), the JSON access log, tracing off by default."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from server.observability import enable_tracing, tracing_configured
from tests.conftest import SEED_ARTICLE, seed_article_gold
from tests.test_server_process import SERVING_LINE, ServerProcess

METRICS_LINE = r"metrics on http://\S+:(\d+)/metrics"


def _samples(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _calls(port: int, count: int) -> None:
    """`count` Links of the seed article, each on a new connection (so --workers spreads them), one bad QID."""
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    for index in range(count):
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            stub.Link(pb.LinkRequest(text=text, document_id=f"doc-{index}"), timeout=30)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, pytest.raises(grpc.RpcError):
        pb_grpc.EntityLinkerServiceStub(channel).GetEntity(pb.GetEntityRequest(qid="nope"), timeout=30)


def _check_metrics(port: int, links: int) -> None:
    samples = _samples(port)
    assert _value(samples, "entitylinker_rpc_calls_total", method="Link", code="OK") == links
    assert _value(samples, "entitylinker_rpc_calls_total", method="GetEntity", code="INVALID_ARGUMENT") == 1
    assert _value(samples, "entitylinker_rpc_duration_seconds_count", method="Link") == links
    assert _value(samples, "entitylinker_rpc_duration_seconds_bucket", method="Link", le="+Inf") == links
    assert _value(samples, "entitylinker_rpc_in_flight", method="Link") == 0
    assert _value(samples, "entitylinker_mentions_linked_total") == 40 * links
    text_bytes = len(SEED_ARTICLE.read_text(encoding="utf-8").encode("utf-8"))
    assert _value(samples, "entitylinker_text_bytes_total") == text_bytes * links
    assert _value(samples, "entitylinker_gazetteer_entities") > 500
    assert _value(samples, "entitylinker_gazetteer_build_timestamp_seconds") > 1.5e9
    versions = [dict(labels) for (name, labels), value in samples.items() if name == "entitylinker_gazetteer_info"]
    assert len(versions) == 1 and versions[0]["version"]
    assert ("entitylinker_gazetteer_reloads_total", frozenset()) in samples


def test_metrics_and_one_access_line_per_call(gazetteer_copy: Path) -> None:
    server = ServerProcess(
        *("--gazetteer", str(gazetteer_copy), "--host", "127.0.0.1", "--port", "0"),
        *("--metrics-port", "0", "--access-log", "--log-format", "json"),
    )
    try:
        port = int(server.wait_for(SERVING_LINE.pattern)[0].group(1))
        metrics_port = int(server.wait_for(METRICS_LINE)[0].group(1))
        start = json.loads(next(line for line in server.lines if "serving on" in line))
        assert start["event"] == "start" and start["level"] == "INFO" and start["version"]

        text = SEED_ARTICLE.read_text(encoding="utf-8")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            request = pb.LinkRequest(text=text, document_id="article-1")
            response = stub.Link(request, metadata=[("x-request-id", "req-42")])
        [line] = server.wait_for(r'"request_id": "req-42"')
        access = json.loads(line.string)
        assert access["event"] == "access" and access["method"] == "/entitylinker.v1.EntityLinkerService/Link"
        assert access["code"] == "OK" and access["duration_ms"] > 0
        assert (access["bytes_in"], access["bytes_out"]) == (request.ByteSize(), response.ByteSize())
        assert access["mentions"] == len(response.mentions) == len(seed_article_gold())
        assert access["document_id"] == "article-1"
        assert access["peer"].startswith("ipv4:127.0.0.1:")
        assert text[:20] not in line.string and "المغرب" not in line.string

        _calls(port, 3)
        server.wait_for(r'"event": "access"', count=5)
        assert sum('"event": "access"' in line for line in server.lines) == 5  # one line per call, no more
        generated = [json.loads(line)["request_id"] for line in server.lines if '"GetEntity' in line]
        assert len(generated) == 1 and re.fullmatch(r"[0-9a-f]{32}", generated[0])
        _check_metrics(metrics_port, links=4)

        server.process.send_signal(signal.SIGHUP)
        server.wait_for(r'"event": "reload"')
        assert _value(_samples(metrics_port), "entitylinker_gazetteer_reloads_total") == 1
    finally:
        assert server.stop() == 0
    assert any('"event": "stopped"' in line for line in server.lines)


def test_metrics_of_two_workers_add_up(gazetteer_copy: Path, tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    server = ServerProcess(
        *("--gazetteer", str(gazetteer_copy), "--host", "127.0.0.1", "--port", "0", "--workers", "2"),
        *("--metrics-port", "0", "--runtime-dir", str(runtime)),
    )
    try:
        port = int(server.wait_for(SERVING_LINE.pattern, count=2)[0].group(1))
        metrics_ports = {int(m.group(1)) for m in server.wait_for(METRICS_LINE, count=2)}
        assert len(metrics_ports) == 1
        [metrics_port] = metrics_ports
        assert len(list(runtime.glob("metrics-*"))) == 1
        _calls(port, 8)
        for _ in range(3):  # whichever worker answers the scrape, it answers for both
            _check_metrics(metrics_port, links=8)
    finally:
        assert server.stop() == 0


def test_tracing_stays_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert not tracing_configured(False)
    assert enable_tracing(False) is False
    assert "opentelemetry.instrumentation.grpc" not in sys.modules
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
    assert tracing_configured(False)

"""TLS, mTLS and bearer tokens, with certificates made at test time; the token file reloaded on SIGHUP."""

from __future__ import annotations

import re
import signal
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from entitylinker_client import EntityLinkerClient, error_reason, pb
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.certs import Authority, Pem
from server.app import create_server
from server.holder import LinkerHolder
from server.security import AuthInterceptor, TlsFiles, TokenStore, read_tokens
from tests.conftest import seed_entities
from tests.test_reflection import _ask
from tests.test_server_process import SERVING_LINE, ServerProcess

TEXT = "زار الوزير الرباط"


def _qids(response: pb.LinkResponse) -> list[str]:
    return [m.entity.qid for m in response.mentions]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pem]:
    folder = tmp_path_factory.mktemp("pki")
    ca, rogue = Authority(folder, "test CA"), Authority(folder, "rogue CA")
    return {
        "ca": ca.pem,
        "server": ca.issue("server", server=True),
        "client": ca.issue("client", server=False),
        "rogue-client": rogue.issue("rogue-client", server=False),
    }


@pytest.fixture
def serve(seed_gazetteer_path: Path) -> Iterator[Callable[..., str]]:
    """Start an in-process server with the given create_server keywords; returns its 127.0.0.1 address."""
    servers: list[tuple[grpc.Server, LinkerHolder]] = []

    def start(**kwargs: object) -> str:
        holder = LinkerHolder.open(seed_gazetteer_path)
        server, port, _health = create_server(holder, "127.0.0.1:0", **kwargs)  # type: ignore[arg-type]
        servers.append((server, holder))
        return f"127.0.0.1:{port}"

    yield start
    for server, holder in servers:
        server.stop(None).wait()
        holder.close()


def _tls(pki: dict[str, Pem], client_ca: bool = False) -> grpc.ServerCredentials:
    return TlsFiles(pki["server"].cert, pki["server"].key, pki["ca"].cert if client_ca else None).credentials()


def test_a_tls_call_works_and_plaintext_does_not(pki: dict[str, Pem], serve: Callable[..., str]) -> None:
    address = serve(credentials=_tls(pki))
    with EntityLinkerClient(address, root_certificates=pki["ca"].cert, timeout=10) as client:
        assert _qids(client.link(TEXT)) == ["Q3551"]
    with EntityLinkerClient(address, timeout=3) as plain, pytest.raises(grpc.RpcError) as refused:
        plain.gazetteer_info()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_mtls_wants_a_client_certificate_from_its_ca(pki: dict[str, Pem], serve: Callable[..., str]) -> None:
    address = serve(credentials=_tls(pki, client_ca=True))
    good = pki["client"]
    with EntityLinkerClient(
        address, root_certificates=pki["ca"].cert, private_key=good.key, certificate_chain=good.cert, timeout=10
    ) as client:
        assert _qids(client.link(TEXT)) == ["Q3551"]
    rogue = pki["rogue-client"]
    for key, chain in ((rogue.key, rogue.cert), (None, None)):
        with (
            EntityLinkerClient(
                address, root_certificates=pki["ca"].cert, private_key=key, certificate_chain=chain, timeout=3
            ) as client,
            pytest.raises(grpc.RpcError) as refused,
        ):
            client.gazetteer_info()
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_tokens_missing_wrong_and_right(
    tmp_path: Path, serve: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENTITYLINKER_TOKEN", raising=False)
    tokens = tmp_path / "tokens"
    tokens.write_text("# the batch pipeline\nsecret-one\n\n  secret-two  \n", encoding="utf-8")
    assert read_tokens(tokens) == (b"secret-one", b"secret-two")
    address = serve(interceptors=[AuthInterceptor(TokenStore(tokens))])
    for token, reason in ((None, "MISSING_TOKEN"), ("secret-three", "INVALID_TOKEN")):
        with EntityLinkerClient(address, token=token, timeout=10) as client, pytest.raises(grpc.RpcError) as refused:
            client.link(TEXT)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_reason(refused.value) == reason
    with EntityLinkerClient(address, token="secret-two", timeout=10) as client:
        assert _qids(client.link(TEXT)) == ["Q3551"]
    monkeypatch.setenv("ENTITYLINKER_TOKEN", "secret-one")
    with EntityLinkerClient(address, timeout=10) as client:
        assert client.gazetteer_info().entity_count == len(seed_entities())
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        from grpc_reflection.v1alpha import reflection_pb2

        with pytest.raises(grpc.RpcError) as refused:
            _ask(channel, "v1", reflection_pb2.ServerReflectionRequest(list_services=""))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_no_reflection_turns_it_off(serve: Callable[..., str]) -> None:
    from grpc_reflection.v1alpha import reflection_pb2

    with grpc.insecure_channel(serve(reflection=False)) as channel, pytest.raises(grpc.RpcError) as refused:
        _ask(channel, "v1", reflection_pb2.ServerReflectionRequest(list_services=""))
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_server_process_with_tls_and_tokens_reloads_them_on_sighup(
    pki: dict[str, Pem], gazetteer_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m server` with TLS and tokens on gRPC and HTTPS; SIGHUP swaps the tokens."""
    monkeypatch.delenv("ENTITYLINKER_TOKEN", raising=False)
    tokens = tmp_path / "tokens"
    tokens.write_text("old-token\n", encoding="utf-8")
    server = ServerProcess(
        *("--gazetteer", str(gazetteer_copy), "--host", "127.0.0.1", "--port", "0", "--http-port", "0"),
        *("--tls-cert", str(pki["server"].cert_path), "--tls-key", str(pki["server"].key_path)),
        *("--auth-tokens-file", str(tokens), "--health-port", "0"),
    )
    try:
        port = int(server.wait_for(SERVING_LINE.pattern)[0].group(1))
        http_port = int(server.wait_for(r"on https://\S+:(\d+)/")[0].group(1))
        address = f"127.0.0.1:{port}"
        health_port = int(server.wait_for(r"plaintext health on \S+:(\d+)")[0].group(1))
        with grpc.insecure_channel(f"127.0.0.1:{health_port}") as channel:  # what a kubelet probe does
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING

        def link(token: str | None) -> grpc.StatusCode:
            with EntityLinkerClient(address, token=token, root_certificates=pki["ca"].cert, timeout=10) as client:
                try:
                    client.link(TEXT)
                except grpc.RpcError as exc:
                    return exc.code()  # type: ignore[no-any-return]
            return grpc.StatusCode.OK

        assert link("old-token") == grpc.StatusCode.OK
        assert link(None) == grpc.StatusCode.UNAUTHENTICATED
        verify = ssl.create_default_context(cafile=str(pki["ca"].cert_path))
        with httpx.Client(base_url=f"https://127.0.0.1:{http_port}", verify=verify, timeout=10) as http:
            refused = http.post("/v1/link", json={"text": TEXT})
            assert refused.status_code == 401
            assert refused.json()["error"]["details"][0]["reason"] == "MISSING_TOKEN"
            wrong = http.post("/v1/link", json={"text": TEXT}, headers={"authorization": "Bearer nope"})
            assert wrong.json()["error"]["details"][0]["reason"] == "INVALID_TOKEN"
            answered = http.post("/v1/link", json={"text": TEXT}, headers={"authorization": "Bearer old-token"})
            assert answered.status_code == 200 and answered.json()["mentions"]
        tokens.write_text("# rotated\nnew-token\n", encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        server.wait_for(re.escape("reloaded 1 tokens"))
        assert link("new-token") == grpc.StatusCode.OK
        assert link("old-token") == grpc.StatusCode.UNAUTHENTICATED
    finally:
        assert server.stop() == 0

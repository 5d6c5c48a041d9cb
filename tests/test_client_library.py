"""The client library (client/): typed calls, the asyncio variant, its channel, and `pip install ./client`."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from entitylinker_client import (
    MAX_RECEIVE_BYTES,
    SERVICE_CONFIG,
    AsyncEntityLinkerClient,
    EntityLinkerClient,
    IncompleteStreamError,
    channel_options,
    error_reason,
    pb,
    pb_grpc,
)

from entitylinker.v1 import entity_linker_service_pb2 as server_pb
from server.service import MAX_RESPONSE_BYTES
from tests.conftest import ROOT, seed_entities


def test_vendored_stubs_match_the_proto() -> None:
    """`make proto` refreshes client/src/entitylinker_client/_proto; a stale copy fails here."""
    assert pb.DESCRIPTOR.serialized_pb == server_pb.DESCRIPTOR.serialized_pb


def test_channel_settings() -> None:
    config = json.loads(SERVICE_CONFIG)
    assert config["loadBalancingConfig"] == [{"round_robin": {}}]
    method, quick, stream = config["methodConfig"]
    assert method["name"] == [{"service": "entitylinker.v1.EntityLinkerService"}]
    assert method["timeout"] == "30s" and quick["timeout"] == "5s" and stream["timeout"] == "600s"
    assert {n["method"] for n in quick["name"]} == {"Resolve", "GetEntity", "GetGazetteerInfo"}
    for each in config["methodConfig"]:
        assert each["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
    options = dict(channel_options())
    assert options["grpc.max_receive_message_length"] == MAX_RECEIVE_BYTES == MAX_RESPONSE_BYTES
    assert options["grpc.enable_retries"] == 1


def test_blocking_client(server_address: str) -> None:
    with EntityLinkerClient(server_address, timeout=10) as client:
        response = client.link("وصل الوفد إلى الرباط والمغرب", document_id="d1", max_candidates=1, types=["place"])
        assert response.document_id == "d1"
        assert [m.entity.qid for m in response.mentions] == ["Q3551", "Q1028"]
        assert response.mentions[0].candidates[0].entity.qid == "Q44381"
        utf16 = client.link("😀 الرباط", offset_encoding="utf16")
        assert (utf16.mentions[0].start, utf16.mentions[0].end) == (3, 9)
        streamed = list(
            client.link_stream(pb.LinkRequest(text=t, document_id=t) for t in ["فيينا", "لا شيء", "الرباط"])
        )
        assert [len(r.mentions) for r in streamed] == [1, 0, 1]
        assert client.resolve("طرابلس", limit=2)[0].entity.label_en == "Tripoli"
        assert client.get_entity("Q1028").label_en == "Morocco"
        assert client.gazetteer_info().entity_count == len(seed_entities())
        with pytest.raises(grpc.RpcError) as refused:
            client.get_entity("Morocco")
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error_reason(refused.value) == "INVALID_QID"
        with pytest.raises(ValueError, match="unknown entity type"):
            client.link("الرباط", types=["city"])
    with pytest.raises(ValueError):  # closed with the block
        client.get_entity("Q1028")


def test_token_is_sent_as_bearer_metadata(server_address: str) -> None:
    with EntityLinkerClient(server_address, token="s3cret") as client:
        assert client._call(None)["metadata"] == (("authorization", "Bearer s3cret"),)
        assert client.get_entity("Q3551").label_en == "Rabat"  # the server does not check tokens yet


def test_asyncio_client(server_address: str) -> None:
    async def calls() -> tuple[list[str], list[int], str, str | None]:
        async with AsyncEntityLinkerClient(server_address, timeout=10) as client:
            linked = await client.link("زار بوريطة الرباط ثم فيينا")
            streamed = [len(r.mentions) async for r in client.link_stream([pb.LinkRequest(text="فيينا")] * 3)]
            candidates = await client.resolve("جانتس")
            try:
                await client.get_entity("Q999999999")
                reason = None
            except grpc.aio.AioRpcError as exc:
                reason = error_reason(exc)
            return [m.entity.qid for m in linked.mentions], streamed, candidates[0].entity.qid, reason

    qids, streamed, gantz, reason = asyncio.run(calls())
    assert qids == ["Q24893357", "Q3551", "Q1741"]
    assert streamed == [1, 1, 1]
    assert gantz == "Q1426396"
    assert reason == "ENTITY_NOT_FOUND"


class _ShortStreamPeer(pb_grpc.EntityLinkerServiceServicer):
    """A peer that reads every document of a LinkStream, answers only the first and ends the call OK,
    as gRPC may end a stream on a server process that dies mid-call."""

    def LinkStream(self, requests, context):  # noqa: N802 - the generated servicer's name
        first, *_ = list(requests)  # every document read: the client has sent them all
        yield pb.LinkStreamResponse(response=pb.LinkResponse(document_id=first.request.document_id))


@pytest.fixture()
def short_stream_peer() -> Iterator[str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_EntityLinkerServiceServicer_to_server(_ShortStreamPeer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(grace=None)


def test_a_stream_ended_short_is_an_error_not_a_partial_answer(short_stream_peer: str) -> None:
    documents = [pb.LinkRequest(text="الرباط", document_id=f"d{i}") for i in range(3)]
    with EntityLinkerClient(short_stream_peer, timeout=10) as client:
        answers = []
        with pytest.raises(IncompleteStreamError) as short:
            answers.extend(r.document_id for r in client.link_stream(documents))
    assert answers == ["d0"]
    assert short.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "after 1 answers to 3 documents" in short.value.details()

    async def streamed() -> list[str]:
        async with AsyncEntityLinkerClient(short_stream_peer, timeout=10) as client:
            return [r.document_id async for r in client.link_stream(documents)]

    with pytest.raises(IncompleteStreamError):
        asyncio.run(streamed())


def test_pip_install_in_a_fresh_virtualenv(server_address: str, tmp_path: Path) -> None:
    """`pip install ./client` into a new virtualenv, then `entitylinker` from another directory."""
    source = tmp_path / "client"  # a copy: pip builds in the source tree, which other runs share
    shutil.copytree(ROOT / "client", source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run_installed(program: str, *args: str) -> str:
        """Standard output of the virtualenv's `program` run from another directory; it must succeed."""
        done = subprocess.run(
            [str(venv / "bin" / program), *args], cwd=elsewhere, capture_output=True, text=True, timeout=60, env=env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    table = run_installed("entitylinker", "--server", server_address, "link", "وصل الوفد إلى الرباط والمغرب")
    rows = [line.split()[:4] for line in table.splitlines()[1:3]]
    assert rows == [["14", "20", "الرباط", "Q3551"], ["22", "28", "المغرب", "Q1028"]]
    assert table.splitlines()[3].startswith("2 mentions of 2 entities")
    library = run_installed(
        "python",
        "-c",
        "import sys, entitylinker_client as el; "
        "c = el.EntityLinkerClient(sys.argv[1]); print(c.get_entity('Q1028').label_en, el.__file__)",
        server_address,
    )
    label, location = library.split()
    assert label == "Morocco" and location.startswith(str(venv))  # the installed copy, not the repository's

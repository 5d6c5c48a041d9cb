"""`python -m server` as a process: supervised workers, one instance per port, shutdown, start-up failures."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from tests.conftest import ROOT
from tests.test_server_process import SERVING_LINE, WAIT_SECONDS, ServerProcess

WORKER_PID = r"pid (\d+) serving on \S+:(\d+)"


def _server(gazetteer: Path, runtime: Path, *args: str) -> ServerProcess:
    return ServerProcess("--gazetteer", str(gazetteer), "--host", "127.0.0.1", "--runtime-dir", str(runtime), *args)


def _start_failure(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _refused_port(gazetteer: Path, runtime: Path, port: str) -> None:
    """A server started on the taken `port`, with one worker or two, exits with 2 saying so in one line."""
    for workers in ("1", "2"):
        result = _start_failure(
            "--gazetteer", str(gazetteer), "--host", "127.0.0.1", "--port", port, "--workers", workers,
            "--runtime-dir", str(runtime),
        )  # fmt: skip
        assert result.returncode == 2
        assert _one_line(result.stderr).endswith(f"cannot start: port {port} on 127.0.0.1 is already in use")


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    return tmp_path / "run"


def test_a_killed_worker_is_logged_and_forked_again(gazetteer_copy: Path, runtime: Path) -> None:
    server = _server(gazetteer_copy, runtime, "--port", "0", "--workers", "2")
    try:
        first = server.wait_for(WORKER_PID, count=2)
        port = int(first[0].group(2))
        os.kill(int(first[0].group(1)), signal.SIGKILL)
        server.wait_for(r"worker pid \d+ killed by SIGKILL; forking another")
        third = server.wait_for(WORKER_PID, count=3)[2]
        assert int(third.group(2)) == port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            mentions = stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=WAIT_SECONDS).mentions
            assert [m.entity.qid for m in mentions] == ["Q24893357", "Q3551"]
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0


def test_workers_that_keep_dying_stop_the_server_with_one_message(gazetteer_copy: Path, runtime: Path) -> None:
    server = _server(gazetteer_copy, runtime, "--port", "0", "--workers", "2")
    try:
        killed: set[int] = set()
        while True:
            pids = {int(m.group(1)) for m in server.wait_for(WORKER_PID, count=len(killed) + 1)}
            for pid in pids - killed:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            if any("workers keep dying" in line for line in server.lines):
                break
            if len(killed) >= 5:
                server.wait_for("workers keep dying")
                break
        code = server.process.wait(timeout=WAIT_SECONDS)
    finally:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)
    assert code == 1
    assert sum("workers keep dying" in line for line in server.lines) == 1


def test_a_second_instance_cannot_join_an_occupied_port(gazetteer_copy: Path, runtime: Path) -> None:
    first = _server(gazetteer_copy, runtime, "--port", "0", "--workers", "2")
    try:
        _refused_port(gazetteer_copy, runtime, first.wait_for(SERVING_LINE.pattern)[0].group(1))
    finally:
        assert first.stop() == 0


def test_a_busy_port_is_one_line(gazetteer_copy: Path, runtime: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        _refused_port(gazetteer_copy, runtime, str(taken.getsockname()[1]))


@pytest.mark.parametrize("problem", ["garbage", "directory", "runtime under a file", "empty"])
def test_start_up_failures_are_one_line(tmp_path: Path, gazetteer_copy: Path, problem: str) -> None:
    gazetteer, runtime = gazetteer_copy, tmp_path / "run"
    if problem == "garbage":
        gazetteer = tmp_path / "garbage.sqlite"
        gazetteer.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    elif problem == "empty":
        gazetteer = tmp_path / "empty.sqlite"
        gazetteer.write_bytes(b"")
    elif problem == "directory":
        gazetteer = tmp_path
    else:
        (tmp_path / "a-file").write_text("x")
        runtime = tmp_path / "a-file" / "run"
    result = _start_failure("--gazetteer", str(gazetteer), "--port", "0", "--runtime-dir", str(runtime))
    assert result.returncode == 2
    assert "cannot start" in _one_line(result.stderr)


def test_sigterm_turns_health_not_serving_and_cancels_work_past_the_grace(gazetteer_copy: Path, runtime: Path) -> None:
    server = _server(gazetteer_copy, runtime, "--port", "0", "--grace", "0.5", "--max-call-seconds", "600")
    port = int(server.wait_for(SERVING_LINE.pattern)[0].group(1))
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(), timeout=WAIT_SECONDS)
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        # A long call in flight: a stream whose first answer proves the server holds it, then a long text.
        sent = threading.Event()

        def requests() -> object:
            yield pb.LinkStreamRequest(request=pb.LinkRequest(text="الرباط"))
            sent.wait(WAIT_SECONDS)
            yield pb.LinkStreamRequest(request=pb.LinkRequest(text="مصر " * 100_000))

        stream = pb_grpc.EntityLinkerServiceStub(channel).LinkStream(requests(), timeout=WAIT_SECONDS)
        assert [m.entity.qid for m in next(stream).response.mentions] == ["Q3551"]
        sent.set()
        server.process.send_signal(signal.SIGTERM)
        assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
        with pytest.raises(grpc.RpcError) as caught:
            next(stream)
        assert caught.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
    # The process ends with the grace period, not when the long text would have been linked.
    assert server.process.wait(timeout=WAIT_SECONDS) == 0
    server.lines.extend(server.process.stderr.readlines() if server.process.stderr else [])
    assert any("stopped" in line for line in server.lines)

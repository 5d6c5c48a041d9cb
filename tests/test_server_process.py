"""`python -m server` as operators run it: start-up line, SIGHUP and --watch reloads, SIGTERM, --workers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from tests.conftest import ROOT, SEEDS_DIR, build_from_seed_dir, write_seed_file

SERVING_LINE = re.compile(r"serving on \S+:(\d+), gazetteer (\S+) version (\S+) \((.*)\)")
WAIT_SECONDS = 30


class ServerProcess:
    """A server child process whose log lines are read as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", *args],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []

    def wait_for(self, pattern: str, count: int = 1) -> list[re.Match[str]]:
        """Read log lines until `count` lines match `pattern` (or the process dies, or time runs out)."""
        deadline = time.monotonic() + WAIT_SECONDS
        found = [m for line in self.lines if (m := re.search(pattern, line))]
        assert self.process.stderr is not None
        while len(found) < count:
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n" + "".join(self.lines)
            line = self.process.stderr.readline()
            if not line:
                raise AssertionError("server exited:\n" + "".join(self.lines))
            self.lines.append(line)
            if match := re.search(pattern, line):
                found.append(match)
        return found

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=WAIT_SECONDS)
        finally:
            if self.process.stderr:
                self.lines.extend(self.process.stderr.readlines())
        return code


@pytest.fixture
def gazetteer_copy(seed_gazetteer_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(seed_gazetteer_path, path)
    return path


@pytest.fixture
def started(gazetteer_copy: Path) -> Iterator[tuple[ServerProcess, int]]:
    server = ServerProcess("--gazetteer", str(gazetteer_copy), "--port", "0", "--host", "127.0.0.1")
    match = server.wait_for(SERVING_LINE.pattern)[0]
    yield server, int(match.group(1))
    if server.process.poll() is None:
        server.stop(signal.SIGKILL)


def _version(port: int) -> str:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        return pb_grpc.EntityLinkerServiceStub(channel).GetGazetteerInfo(pb.GetGazetteerInfoRequest()).version


def _rebuild_with_an_extra_entity(path: Path, folder: Path) -> None:
    """Rebuild `path` from the seeds plus one more entity, so the version changes."""
    seeds = folder / "seeds"
    shutil.copytree(SEEDS_DIR, seeds, ignore=shutil.ignore_patterns("*.txt", "*.md"))
    extra = {"qid": "Q90000000001", "type": "place", "label_ar": "قرية الاختبار", "label_en": "Test village"}
    write_seed_file(seeds / "extra", [extra])
    (seeds / "extra" / "entities.jsonl").rename(seeds / "zz_extra.jsonl")
    time.sleep(1.1)  # the version is a timestamp to the second
    build_from_seed_dir(seeds, path)


def test_start_up_line_names_address_version_and_counts(started: tuple[ServerProcess, int]) -> None:
    server, port = started
    line = SERVING_LINE.search("".join(server.lines))
    assert line is not None
    assert "place" in line.group(4) and "person" in line.group(4)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_sigterm_stops_cleanly(started: tuple[ServerProcess, int]) -> None:
    server, _port = started
    assert server.stop(signal.SIGTERM) == 0
    assert any("stopped" in line for line in server.lines)


def test_sighup_reloads_a_replaced_gazetteer(
    started: tuple[ServerProcess, int], gazetteer_copy: Path, tmp_path: Path
) -> None:
    server, port = started
    before = _version(port)
    _rebuild_with_an_extra_entity(gazetteer_copy, tmp_path)
    server.process.send_signal(signal.SIGHUP)
    server.wait_for("now serving version")
    after = _version(port)
    assert after != before
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        entity = pb_grpc.EntityLinkerServiceStub(channel).GetEntity(pb.GetEntityRequest(qid="Q90000000001")).entity
    assert entity.label_en == "Test village"


def test_a_failed_reload_keeps_serving_the_old_gazetteer(
    started: tuple[ServerProcess, int], gazetteer_copy: Path
) -> None:
    server, port = started
    before = _version(port)
    gazetteer_copy.write_bytes(b"not a database")
    server.process.send_signal(signal.SIGHUP)
    server.wait_for("reload of .* failed")
    assert _version(port) == before


def test_watch_reloads_when_the_file_is_replaced(gazetteer_copy: Path, tmp_path: Path) -> None:
    server = ServerProcess("--gazetteer", str(gazetteer_copy), "--port", "0", "--host", "127.0.0.1", "--watch", "0.2")
    try:
        port = int(server.wait_for(SERVING_LINE.pattern)[0].group(1))
        before = _version(port)
        _rebuild_with_an_extra_entity(gazetteer_copy, tmp_path)
        server.wait_for("now serving version")
        assert _version(port) != before
    finally:
        server.stop()


def test_workers_share_one_port_and_all_stop(gazetteer_copy: Path) -> None:
    server = ServerProcess("--gazetteer", str(gazetteer_copy), "--port", "0", "--host", "127.0.0.1", "--workers", "2")
    try:
        matches = server.wait_for(SERVING_LINE.pattern, count=2)
        ports = {int(m.group(1)) for m in matches}
        assert len(ports) == 1
        port = ports.pop()
        for _ in range(4):
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.EntityLinkerServiceStub(channel)
                assert [m.entity.qid for m in stub.Link(pb.LinkRequest(text="زار الوزير الرباط")).mentions] == ["Q3551"]
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0
    assert sum("stopped" in line for line in server.lines) >= 2


def test_a_missing_gazetteer_is_one_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "--gazetteer", str(tmp_path / "none.sqlite"), "--port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr

"""Scale-out as Kubernetes runs it: three servers, a round-robin client with the shipped service config.

The client resolves one target to three addresses (a headless Service's DNS
answer; here an `ipv4:` list), spreads calls over them, and retries
UNAVAILABLE, so a server killed mid-run loses no call. Each server's share is
counted by its own metrics.
"""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from entitylinker_client import EntityLinkerClient

from tests.conftest import SEED_ARTICLE
from tests.test_observability import METRICS_LINE, _samples, _value
from tests.test_server_process import SERVING_LINE, ServerProcess

SERVERS = 3
CALLS = 60


@pytest.fixture
def three_servers(seed_gazetteer_path: Path, tmp_path: Path) -> Iterator[list[tuple[ServerProcess, int, int]]]:
    """Three single-process servers on loopback: (process, gRPC port, metrics port)."""
    processes = []
    for index in range(SERVERS):
        gazetteer = tmp_path / f"gazetteer-{index}.sqlite"
        shutil.copy(seed_gazetteer_path, gazetteer)
        processes.append(
            ServerProcess(
                *("--gazetteer", str(gazetteer), "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0"),
                *("--runtime-dir", str(tmp_path / f"run-{index}")),
            )
        )
    try:
        yield [
            (p, int(p.wait_for(SERVING_LINE.pattern)[0].group(1)), int(p.wait_for(METRICS_LINE)[0].group(1)))
            for p in processes
        ]
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.stop(signal.SIGKILL)


def _links_answered(metrics_port: int) -> float:
    return _value(_samples(metrics_port), "entitylinker_rpc_calls_total", method="Link", code="OK")


def test_round_robin_spreads_calls_and_a_killed_server_loses_none(
    three_servers: list[tuple[ServerProcess, int, int]],
) -> None:
    target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for _, port, _ in three_servers)
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    with EntityLinkerClient(target, timeout=30) as client:
        for _ in range(CALLS):
            assert len(client.link(text).mentions) == 40
        shares = [_links_answered(metrics) for _, _, metrics in three_servers]
        assert sum(shares) == CALLS
        assert min(shares) >= 0.2 * CALLS, shares

        # Four callers keep going while one server is killed outright; every call must still be answered.
        answered: list[int] = []
        failures: list[BaseException] = []
        half = threading.Barrier(5)

        def caller() -> None:
            try:
                for index in range(CALLS // 4):
                    if index == CALLS // 8:
                        half.wait(timeout=60)
                    answered.append(len(client.link(text).mentions))
            except BaseException as exc:  # the test fails on any lost call
                failures.append(exc)
                half.abort()

        threads = [threading.Thread(target=caller) for _ in range(4)]
        for thread in threads:
            thread.start()
        half.wait(timeout=60)
        victim = three_servers[0][0]
        victim.process.send_signal(signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures
        assert answered == [40] * CALLS
    survivors = sum(_links_answered(metrics) for _, _, metrics in three_servers[1:])
    assert survivors >= sum(shares[1:]) + CALLS // 2  # the second half went to the two left

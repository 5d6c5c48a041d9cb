"""The client CLI as people and scripts run it: a real process against the real server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from tests.conftest import ROOT, SEED_ARTICLE


def run_client(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "client", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_link_prints_a_table(server_address: str) -> None:
    result = run_client("--server", server_address, "link", "وصل الوفد إلى الرباط والمغرب")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["start", "end", "surface", "qid", "entity", "type", "score"]
    assert any("Q3551" in line and "Rabat" in line for line in lines)
    assert any("Q1028" in line for line in lines)
    assert "2 mentions of 2 entities" in lines[-1]


def test_link_file_json_lines_slice_the_file(server_address: str) -> None:
    result = run_client("--server", server_address, "link", "--file", str(SEED_ARTICLE), "--json")
    assert result.returncode == 0, result.stderr
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    mentions = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(mentions) > 20
    for mention in mentions:
        assert text[mention["start"] : mention["end"]] == mention["surface"]
        assert mention["entity"]["qid"].startswith("Q")


def test_link_reads_standard_input(server_address: str) -> None:
    result = run_client("--server", server_address, "link", "--file", "-", "--json", stdin="زار الوزير فيينا")
    assert result.returncode == 0, result.stderr
    [mention] = [json.loads(line) for line in result.stdout.splitlines()]
    assert mention["surface"] == "فيينا"
    assert mention["entity"]["label_en"] == "Vienna"


def test_resolve_entity_and_info(server_address: str) -> None:
    resolved = run_client("--server", server_address, "resolve", "الرباط")
    assert resolved.returncode == 0 and "Q3551" in resolved.stdout.splitlines()[1]
    nothing = run_client("--server", server_address, "resolve", "الحكومة")
    assert nothing.stdout.strip() == "no match"
    entity = run_client("--server", server_address, "entity", "Q1028", "--json")
    assert json.loads(entity.stdout)["label_en"] == "Morocco"
    info = run_client("--server", server_address, "info")
    assert info.returncode == 0 and "entities" in info.stdout


def test_server_errors_are_one_line(server_address: str) -> None:
    result = run_client("--server", server_address, "entity", "Morocco")
    assert result.returncode == 1
    assert result.stderr.startswith("error: INVALID_ARGUMENT:")
    assert len(result.stderr.splitlines()) == 1


def test_unreachable_server_is_one_clear_line() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_client("--server", f"127.0.0.1:{port}", "--timeout", "2", "link", "الرباط")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"error: cannot reach the entity-linking server at 127.0.0.1:{port} (UNAVAILABLE)"


def test_usage_errors_are_one_line() -> None:
    result = run_client("link")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--file" in result.stderr

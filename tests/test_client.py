"""The `entitylinker` command as people run it: a real process, outside the repository, against the real server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SEED_ARTICLE, seed_article_gold


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory outside the repository: the command must not need the repo root."""
    return tmp_path_factory.mktemp("elsewhere")


def run_client(
    *args: str, stdin: str | bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "entitylinker_client", *args],
        cwd=cwd or Path("/"),
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def test_link_prints_a_table_with_candidates_and_countries(server_address: str) -> None:
    result = run_client("--server", server_address, "link", "وصل الوفد إلى الرباط والمغرب", "--candidates", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["start", "end", "surface", "qid", "entity", "type", "country", "score", "description"]
    rabat = next(i for i, line in enumerate(lines) if "Q3551" in line)
    assert "Rabat" in lines[rabat] and "Morocco" in lines[rabat] and "capital of Morocco" in lines[rabat]
    assert lines[rabat + 1].split()[:2] == ["or", "Q44381"] and "Malta" in lines[rabat + 1]  # the runner-up
    assert "2 mentions of 2 entities" in lines[-1]


def test_homonyms_are_told_apart(server_address: str) -> None:
    result = run_client("--server", server_address, "resolve", "طرابلس")
    rows = result.stdout.splitlines()[1:]
    assert "Libya" in rows[0] and "Lebanon" in rows[1]
    assert "capital of Libya" in rows[0]


def test_json_is_one_document_per_call(server_address: str) -> None:
    result = run_client("--server", server_address, "link", "--file", str(SEED_ARTICLE), "--json")
    assert result.returncode == 0, result.stderr
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    document = json.loads(result.stdout)
    assert document["document_id"] == str(SEED_ARTICLE) and document["gazetteer_version"]
    mentions = [(m["start"], m["end"], m["surface"], m["entity"]["qid"]) for m in document["mentions"]]
    assert mentions == seed_article_gold()
    assert {e["entity"]["qid"]: e["mention_count"] for e in document["entities"]} == Counter(q for *_, q in mentions)
    for start, end, surface, _qid in mentions:
        assert text[start:end] == surface
    nothing = json.loads(run_client("--server", server_address, "--json", "link", "لا شيء هنا").stdout)
    assert nothing["mentions"] == [] and nothing["entities"] == [] and nothing["gazetteer_version"]


def test_jsonl_streams_one_line_per_document(server_address: str, tmp_path: Path) -> None:
    result = run_client(
        "--server", server_address, "link", "--file", "-", "--lines", "--jsonl", stdin="زار الوزير فيينا\n\nثم الرباط\n"
    )
    assert result.returncode == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["document_id"] for d in documents] == ["-:1", "-:3"]
    assert [d["mentions"][0]["entity"]["label_en"] for d in documents] == ["Vienna", "Rabat"]
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("زار الوزير فيينا", encoding="utf-8")
    second.write_text("لا شيء", encoding="utf-8")
    files = run_client("--server", server_address, "link", "--file", str(first), "--file", str(second), "--jsonl")
    assert [json.loads(line)["document_id"] for line in files.stdout.splitlines()] == [str(first), str(second)]


def test_input_encoding(server_address: str, tmp_path: Path) -> None:
    legacy = tmp_path / "cp1256.txt"
    legacy.write_bytes("زار الوزير فيينا".encode("cp1256"))
    refused = run_client("--server", server_address, "link", "--file", str(legacy))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"error: {legacy} is not valid utf-8") and "--encoding" in refused.stderr
    piped = run_client("--server", server_address, "link", "--file", "-", stdin=legacy.read_bytes())
    assert piped.returncode == 2 and "standard input is not valid utf-8" in piped.stderr
    read = run_client("--server", server_address, "--json", "link", "--file", str(legacy), "--encoding", "cp1256")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["mentions"][0]["surface"] == "فيينا"


def test_entity_shows_unverified_qids(server_address: str) -> None:
    gantz = run_client("--server", server_address, "entity", "Q1426396")
    assert gantz.returncode == 0, gantz.stderr
    assert "qid_unverified yes" in gantz.stdout and "country        Q801 Israel" in gantz.stdout
    morocco = run_client("--server", server_address, "entity", "Q1028", "--json")
    assert json.loads(morocco.stdout)["label_en"] == "Morocco"
    assert json.loads(morocco.stdout)["qid_unverified"] is False


def test_resolve_and_info(server_address: str) -> None:
    resolved = run_client("--server", server_address, "resolve", "الرباط")
    assert resolved.returncode == 0 and "Q3551" in resolved.stdout.splitlines()[1]
    nothing = run_client("--server", server_address, "resolve", "الحكومة")
    assert nothing.stdout.strip() == "no match"
    info = run_client("--server", server_address, "info")
    assert info.returncode == 0 and "entities" in info.stdout


def test_server_errors_are_one_line(server_address: str) -> None:
    result = run_client("--server", server_address, "entity", "Morocco")
    assert result.returncode == 1
    assert result.stderr.startswith("error: INVALID_ARGUMENT (INVALID_QID):")
    assert len(result.stderr.splitlines()) == 1


def test_unreachable_server_is_one_clear_line() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_client("--server", f"127.0.0.1:{port}", "--timeout", "2", "link", "الرباط")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"error: cannot reach the entity-linking server at 127.0.0.1:{port} (UNAVAILABLE)"


def test_timeouts_are_reported_as_timeouts(server_address: str) -> None:
    result = run_client("--server", server_address, "--timeout", "0.001", "link", "--file", str(SEED_ARTICLE))
    assert result.returncode == 4, result.stderr
    assert "within 0.001 s (DEADLINE_EXCEEDED)" in result.stderr and "--timeout" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["link", "--candidates", "-1", "الرباط"],
        ["link", "--candidates", "51", "الرباط"],
        ["link", "--min-score", "1.5", "الرباط"],
        ["resolve", "--limit", "-3", "الرباط"],
        ["resolve", "--limit", "0", "الرباط"],
        ["--timeout", "-1", "info"],
    ],
)
def test_bad_numbers_are_usage_errors(args: list[str]) -> None:
    result = run_client(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error: argument" in result.stderr


def test_usage_errors_are_one_line() -> None:
    result = run_client("link")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--file" in result.stderr


def test_help_says_what_zero_means() -> None:
    help_text = run_client("link", "--help").stdout
    assert "0 (the default) means the server's threshold, 0.5" in " ".join(help_text.split())
    assert "0 (the default) shows none" in " ".join(help_text.split())


def test_the_repository_shim_still_runs(server_address: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "client", "--server", server_address, "entity", "Q3551"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and "Rabat" in result.stdout

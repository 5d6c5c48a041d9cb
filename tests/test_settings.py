"""The server's settings: each flag fills its field, falls back to its ENTITYLINKER_ variable, and is checked."""

from __future__ import annotations

import dataclasses
import os

import pytest

from server.__main__ import limits
from server.app import Limits
from server.settings import Settings, parse_settings


@pytest.fixture(autouse=True)
def _no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ENTITYLINKER_"):
            monkeypatch.delenv(name)


def test_variables_stand_in_for_flags_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTITYLINKER_THREADS", "20")
    monkeypatch.setenv("ENTITYLINKER_PORT", "1234")
    monkeypatch.setenv("ENTITYLINKER_MAX_CONNECTION_AGE", "60")  # the one variable not named after its field
    monkeypatch.setenv("ENTITYLINKER_REFLECTION", "0")
    monkeypatch.setenv("ENTITYLINKER_ACCESS_LOG", "yes")
    monkeypatch.setenv("ENTITYLINKER_HTTP_HOST", "")  # empty: as if unset
    monkeypatch.setenv("ENTITYLINKER_LOG_LEVEL", "debug")
    settings = parse_settings(["--port", "50"])
    assert (settings.threads, settings.port, settings.max_connection_age_seconds) == (20, 50, 60.0)
    assert (settings.reflection, settings.access_log, settings.http_host, settings.log_level) == (
        False,
        True,
        None,
        "DEBUG",
    )


def test_flags_fill_the_fields_of_their_names() -> None:
    settings = parse_settings(["--threads", "4", "--max-streams", "2", "--grace", "1.5", "--watch", "--no-reflection"])
    assert (settings.threads, settings.max_streams, settings.grace_seconds) == (4, 2, 1.5)
    assert settings.watch_seconds == 2.0 and not settings.reflection
    assert parse_settings([]) == Settings()


@pytest.mark.parametrize("flag", ["--port", "--http-port", "--health-port", "--metrics-port"])
def test_ports_out_of_range_are_refused(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_settings([flag, "70000"])
    assert f"{flag} must be 0..65535" in capsys.readouterr().err


def test_limits_are_the_settings_of_the_same_names() -> None:
    settings = parse_settings(["--threads", "20", "--max-concurrent-rpcs", "40", "--max-text-bytes", "1000"])
    assert limits(settings) == Limits(max_text_bytes=1000, threads=20, max_concurrent_rpcs=40)
    assert {f.name for f in dataclasses.fields(Limits)} <= {f.name for f in dataclasses.fields(Settings)}


def test_the_text_in_flight_must_hold_the_largest_text(capsys: pytest.CaptureFixture[str]) -> None:
    settings = parse_settings(["--max-text-bytes", "1000", "--max-text-in-flight", "4000"])
    assert limits(settings).max_text_in_flight_bytes == 4000
    with pytest.raises(SystemExit):
        parse_settings(["--max-text-bytes", "1000", "--max-text-in-flight", "999"])
    assert "--max-text-in-flight must be at least --max-text-bytes" in capsys.readouterr().err

"""The compiled linking core is used only when it matches the sources it was built from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import server.linking
from server.compile_core import missing_toolchain
from server.linking import _native


def _write_manifest(path: Path, **changes: object) -> None:
    manifest: dict[str, object] = {"interpreter": _native.interpreter_tag(), "sources": _native.source_digests()}
    manifest.update(changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_missing_build_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_native, "MANIFEST", tmp_path / "manifest.json")
    reason = _native.stale_reason()
    assert reason is not None and "make native" in reason


def test_a_changed_source_is_never_shadowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "manifest.json"
    sources = _native.source_digests()
    sources["linker.py"] = "0" * 64
    _write_manifest(manifest, sources=sources)
    monkeypatch.setattr(_native, "MANIFEST", manifest)
    reason = _native.stale_reason()
    assert reason is not None and "linker.py" in reason
    path: list[str] = []
    assert not _native.use_compiled_core(path)
    assert path == []


def test_another_interpreter_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "manifest.json"
    _write_manifest(manifest, interpreter="cpython-39-linux")
    monkeypatch.setattr(_native, "MANIFEST", manifest)
    reason = _native.stale_reason()
    assert reason is not None and "cpython-39-linux" in reason


def test_a_current_build_goes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "manifest.json"
    _write_manifest(manifest)
    monkeypatch.setattr(_native, "MANIFEST", manifest)
    path = ["/the/sources"]
    assert _native.use_compiled_core(path)
    assert path[0] == str(_native.NATIVE_PACKAGE_DIR)


@pytest.mark.skipif(not os.environ.get("ENTITYLINKER_EXPECT_COMPILED"), reason="only under `make test`")
@pytest.mark.skipif(missing_toolchain() is not None, reason="this machine cannot compile C extensions")
def test_make_test_runs_the_compiled_core() -> None:
    # `make test` compiles the core first; the suite must then exercise the compiled modules.
    assert server.linking.COMPILED, _native.stale_reason()
    assert server.linking.linker.__file__.endswith(".so")


def test_a_machine_without_headers_is_told_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("sysconfig.get_paths", lambda: {"include": str(tmp_path)})
    reason = missing_toolchain()
    assert reason is not None and "Python headers" in reason


def test_the_plain_core_can_be_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "manifest.json"
    _write_manifest(manifest)
    monkeypatch.setattr(_native, "MANIFEST", manifest)
    monkeypatch.setenv(_native.PLAIN_CORE_VARIABLE, "1")
    reason = _native.stale_reason()
    assert reason is not None and _native.PLAIN_CORE_VARIABLE in reason

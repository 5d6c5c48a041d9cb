"""Compile the linking core to C extensions with mypyc: `python -m server.compile_core` (`make native`).

The core (`server/linking`) is plain, fully annotated Python. mypyc compiles
the same modules to C, which runs them about twice as fast (figures in the
README); nothing is rewritten. The extensions go to `.native/`, never beside
the sources, and a manifest records the sources and interpreter they were
built from, which `server.linking._native` checks at import. The manifest is
written last: a failed or interrupted build leaves none, so the core then
simply runs as Python.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from server.linking import _native

_LOGGER = logging.getLogger(__name__)

ROOT = _native.NATIVE_ROOT.parent


def missing_toolchain() -> str | None:
    """What this machine lacks to compile C extensions (Python's headers, a C compiler), or None."""
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        return f"no Python headers ({headers} is missing)"
    compiler = os.environ.get("CC", "cc").split()[0]
    if shutil.which(compiler) is None and shutil.which("gcc") is None:
        return f"no C compiler ({compiler} and gcc are not on PATH)"
    return None


def compile_core() -> Path:
    """Build the extensions into a fresh directory, then swap it in for `.native/`."""
    sources = _native.compiled_sources()
    digests = _native.source_digests()
    staging = Path(tempfile.mkdtemp(prefix=".native-", dir=ROOT))
    work = staging / "work"
    previous = Path.cwd()
    os.chdir(ROOT)  # mypyc names modules by their paths relative to the working directory
    try:
        return _build(sources, digests, staging, work)
    finally:
        os.chdir(previous)
        shutil.rmtree(staging, ignore_errors=True)


def _build(sources: list[Path], digests: dict[str, str], staging: Path, work: Path) -> Path:
    from mypyc.build import mypycify  # build-time only: the server never imports mypyc
    from setuptools import setup

    modules = [str(p.relative_to(ROOT)) for p in sources]
    setup(
        name="entitylinker-native",
        packages=[],
        py_modules=[],
        ext_modules=mypycify(modules, opt_level="3", target_dir=str(work / "c")),
        script_args=[
            "--quiet",
            "build_ext",
            "--build-lib",
            str(staging / "out"),
            "--build-temp",
            str(work / "temp"),
        ],
    )
    out = staging / "out"
    manifest = {"interpreter": _native.interpreter_tag(), "sources": digests}
    (out / _native.MANIFEST.name).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    # Swap whole directories, so a reader sees the old build or the new one, never a mix.
    old = ROOT / ".native-old"
    shutil.rmtree(old, ignore_errors=True)
    if _native.NATIVE_ROOT.exists():
        _native.NATIVE_ROOT.rename(old)
    out.rename(_native.NATIVE_ROOT)
    shutil.rmtree(old, ignore_errors=True)
    return _native.NATIVE_ROOT


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    missing = missing_toolchain()
    if missing is not None:
        # Not an error: the same code runs as plain Python, about half as fast.
        _LOGGER.warning("not compiling the linking core: %s; it will run as plain Python", missing)
        return 0
    try:
        target = compile_core()
    except (Exception, SystemExit) as exc:  # setuptools reports a failed compile as SystemExit
        _LOGGER.error("compiling the linking core failed: %s", exc)
        return 1
    _LOGGER.info("compiled %d modules of server/linking into %s", len(_native.compiled_sources()), target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

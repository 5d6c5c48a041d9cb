"""Whether to run the linking core compiled (mypyc) or as plain Python.

`python -m server.compile_core` compiles this package's modules into C
extensions under `.native/` at the top of the checkout, with a manifest of the
sources it compiled. They are used only while every source still matches its
manifest entry and the interpreter is the one they were built for: an edited
module is never shadowed by a stale build; the package then runs as plain
Python and says so. This module itself is never compiled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import MutableSequence
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
NATIVE_ROOT = PACKAGE_DIR.parent.parent / ".native"
MANIFEST = NATIVE_ROOT / "manifest.json"
NATIVE_PACKAGE_DIR = NATIVE_ROOT / "server" / "linking"


def compiled_sources() -> list[Path]:
    """The modules that are compiled: every module of the package but this one and `__init__`."""
    return sorted(p for p in PACKAGE_DIR.glob("*.py") if p.name not in ("__init__.py", "_native.py"))


def interpreter_tag() -> str:
    """The interpreter a build is for: extensions are tied to its version and ABI."""
    return f"{sys.implementation.cache_tag}-{sys.platform}"


def source_digests() -> dict[str, str]:
    """sha256 of each compiled module's source, by file name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in compiled_sources()}


# Set to run the plain core even where a current build exists: for function-level
# profiles (cProfile sees a compiled function as one opaque call) and for debugging.
PLAIN_CORE_VARIABLE = "ENTITYLINKER_PLAIN_CORE"


def stale_reason() -> str | None:
    """Why the compiled modules cannot be used, or None when they match the sources."""
    if os.environ.get(PLAIN_CORE_VARIABLE):
        return f"{PLAIN_CORE_VARIABLE} is set"
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "not compiled (run `make native`)"
    if manifest.get("interpreter") != interpreter_tag():
        return f"compiled for {manifest.get('interpreter')}, running {interpreter_tag()}"
    changed = sorted(
        name for name, digest in source_digests().items() if manifest.get("sources", {}).get(name) != digest
    )
    if changed:
        return f"{', '.join(changed)} changed since compiled (run `make native`)"
    return None


def use_compiled_core(package_path: MutableSequence[str]) -> bool:
    """Put the compiled modules ahead of the sources in the package's `__path__` if they are current."""
    reason = stale_reason()
    if reason is not None:
        _LOGGER.info("linking core runs as plain Python: %s", reason)
        return False
    package_path.insert(0, str(NATIVE_PACKAGE_DIR))
    if str(NATIVE_ROOT) not in sys.path:
        sys.path.append(str(NATIVE_ROOT))  # mypyc's shared runtime module lives at the build's top
    return True

"""The server's settings: one frozen object, from flags with environment fallbacks."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import dataclass
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

ENV_PREFIX = "ENTITYLINKER_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start; nothing else reads flags or the environment."""

    gazetteer: Path = Path("build/gazetteer.sqlite")
    host: str = "[::]"
    port: int = 50051
    max_text_bytes: int = 1024 * 1024
    max_workers: int = 8
    workers: int = 1
    watch_seconds: float = 0.0  # 0: do not watch the gazetteer file
    grace_seconds: float = 5.0
    min_score: float | None = None


def _env(name: str, default: str) -> str:
    return os.environ.get(ENV_PREFIX + name, default)


def parse_settings(argv: list[str] | None = None) -> Settings:
    """Settings from command-line flags; each flag falls back to ENTITYLINKER_<NAME>."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m server", description="Run the Arabic entity-linking gRPC server.")
    parser.add_argument(
        "--gazetteer",
        type=Path,
        default=Path(_env("GAZETTEER", str(defaults.gazetteer))),
        help="gazetteer SQLite file (env ENTITYLINKER_GAZETTEER)",
    )
    parser.add_argument("--host", default=_env("HOST", defaults.host), help="address to bind (env ENTITYLINKER_HOST)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(_env("PORT", str(defaults.port))),
        help="port, 0 for any (env ENTITYLINKER_PORT)",
    )
    parser.add_argument(
        "--max-text-bytes",
        type=int,
        default=int(_env("MAX_TEXT_BYTES", str(defaults.max_text_bytes))),
        help="largest text accepted, in UTF-8 bytes (env ENTITYLINKER_MAX_TEXT_BYTES)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(_env("THREADS", str(defaults.max_workers))),
        help="request threads per process (env ENTITYLINKER_THREADS)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=float(_env("GRACE_SECONDS", str(defaults.grace_seconds))),
        help="seconds in-flight calls get to finish on shutdown (env ENTITYLINKER_GRACE_SECONDS)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(_env("WORKERS", str(defaults.workers))),
        help="server processes sharing the port (SO_REUSEPORT), e.g. one per core (env ENTITYLINKER_WORKERS)",
    )
    parser.add_argument(
        "--watch",
        nargs="?",
        type=float,
        const=2.0,
        default=float(_env("WATCH_SECONDS", "0")),
        metavar="SECONDS",
        help="reload the gazetteer when its file changes, checking every SECONDS (2 if omitted; env "
        "ENTITYLINKER_WATCH_SECONDS)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be 0..65535, got {args.port}")
    if args.max_text_bytes <= 0:
        parser.error("--max-text-bytes must be positive")
    return Settings(
        gazetteer=args.gazetteer,
        host=args.host,
        port=args.port,
        max_text_bytes=args.max_text_bytes,
        max_workers=args.threads,
        grace_seconds=args.grace,
        workers=args.workers,
        watch_seconds=args.watch,
    )

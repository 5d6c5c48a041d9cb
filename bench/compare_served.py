"""This checkout's server against an earlier revision's, loaded in alternating rounds: a before/after in one run.

    python -m bench.compare_served --against HEAD~3 [--size 1000000] [--seconds 30]

The machine's speed drifts by up to 2x over minutes, so figures taken in two
runs cannot show a 10% change. This checks `--against` out into a temporary
git worktree, compiles its core (`server.compile_core`), copies the generated
API code in, starts both servers with `--workers 2` on the same gazetteer,
and loads them with the seed article from 8 callers in alternating rounds
(`bench.serving.run_loads`). Loopback only; both servers stop at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench import datasets
from bench.measure import BenchConfig, healthy, link_call, start_served
from bench.serving import Endpoint, Load, ServedProcess, free_port, run_loads, server_command
from entitylinker.v1 import entity_linker_service_pb2 as pb

_LOGGER = logging.getLogger(__name__)


@contextlib.contextmanager
def _worktree(revision: str) -> Iterator[Path]:
    """A checkout of `revision` with its core compiled and this checkout's generated API code."""
    folder = Path(tempfile.mkdtemp(prefix="compare-served-"))
    root = datasets.ROOT
    try:
        subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(folder), revision], check=True)
        shutil.copytree(root / "entitylinker", folder / "entitylinker", dirs_exist_ok=True)
        subprocess.run([sys.executable, "-m", "server.compile_core"], cwd=folder, check=True)
        yield folder
    finally:
        subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_served", description=__doc__)
    parser.add_argument("--against", required=True, help="a git revision, e.g. HEAD~3 or a commit")
    parser.add_argument("--size", type=int, default=1_000_000, help="gazetteer size (bench/data, built if missing)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured load per server, over 6 rounds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = BenchConfig()
    gazetteer = datasets.ensure_gazetteer(args.size).resolve()
    request = pb.LinkRequest(text=datasets.seed_article())
    with _worktree(args.against) as earlier, contextlib.ExitStack() as stack:
        served = []
        for where in (earlier, datasets.ROOT):
            port = free_port()
            endpoint = Endpoint(f"127.0.0.1:{port}")
            command = ["env", "-C", str(where), *server_command(gazetteer, port, config.workers)]
            served.append(stack.enter_context(ServedProcess(command, config.workers, healthy, endpoint)))
        for s in served:
            start_served(s, link_call(request, s.endpoint))
        loads = [Load(s.endpoint, link_call(request, s.endpoint), s.worker_pids()) for s in served]
        results = run_loads(loads, config.callers, config.warm_seconds, args.seconds, 6)
    for name, result in zip((args.against, "this checkout"), results, strict=True):
        rounds = ", ".join(f"{r:.0f}" for r in result.round_per_second)
        print(
            f"{name:>16}: {result.per_second:.0f} docs/s, p50 {result.latency.p50:.1f} ms, "
            f"server CPU {result.server_cpu_ms:.2f} ms per call (rounds: {rounds})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Many maximal texts at once: what the text budget (`--max-text-in-flight`) does to a server's peak memory.

    python -m bench.overload [--gazetteer PATH] [--callers 16] [--budgets 2097152,4194304,67108864]

For each budget, starts `python -m server` (one process, loopback) on the
gazetteer (the seed gazetteer by default), has `--callers` callers send the
worst case "a name repeated 100,000 times" (`bench.worst_case`) at once, and
prints how long the last answer took and the server's resident-memory peak over
its resident memory before the burst (sampled every 10 ms). Bounded: one burst
per budget, and every call has a deadline.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from bench.measure import healthy
from bench.serving import CHANNEL_OPTIONS, Endpoint, ServedProcess, free_port, server_command
from bench.worst_case import worst_cases
from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc

SEED_GAZETTEER = Path("build/gazetteer.sqlite")
CALL_SECONDS = 300.0


def burst(gazetteer: Path, budget: int, callers: int, text: str) -> tuple[int, float, float, float]:
    """(answers, seconds, MiB before, peak MiB over before) for one burst against a fresh server."""
    port = free_port()
    endpoint = Endpoint(f"127.0.0.1:{port}")
    command = server_command(gazetteer, port, 1, "--max-text-in-flight", str(budget))
    with ServedProcess(command, 1, healthy, endpoint) as served, endpoint.channel(CHANNEL_OPTIONS) as channel:
        served.start()
        stub = pb_grpc.EntityLinkerServiceStub(channel)
        stub.Link(pb.LinkRequest(text=text[:2000]), timeout=CALL_SECONDS)  # warm
        worker = psutil.Process(served.worker_pids()[0])
        before = worker.memory_info().rss
        peak = before
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, worker.memory_info().rss)
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        try:
            with ThreadPoolExecutor(callers) as pool:
                answers = list(
                    pool.map(lambda _: stub.Link(pb.LinkRequest(text=text), timeout=CALL_SECONDS), range(callers))
                )
        finally:
            done.set()
            sampler.join()
        seconds = time.monotonic() - started
    return sum(1 for a in answers if a.mentions), seconds, before / 2**20, (peak - before) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overload", description=__doc__)
    parser.add_argument("--gazetteer", type=Path, default=SEED_GAZETTEER)
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument(
        "--budgets", default="2097152,4194304,67108864", help="--max-text-in-flight values, bytes, comma-separated"
    )
    args = parser.parse_args(argv)
    case = "a name repeated 100,000 times"
    text = worst_cases()[case]()
    print(f"{args.callers} callers at once, each sending {case} ({len(text.encode('utf-8')):,} bytes)")
    print(f"{'--max-text-in-flight':>22}  {'answered':>8}  {'seconds':>7}  {'RSS before MiB':>14}  {'peak +MiB':>9}")
    for budget in (int(b) for b in args.budgets.split(",")):
        answered, seconds, before, peak = burst(args.gazetteer, budget, args.callers, text)
        print(f"{budget:>22,}  {answered:>8}  {seconds:>7.1f}  {before:>14.0f}  {peak:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

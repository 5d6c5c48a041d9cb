"""Latency of Link and Resolve: in the core and end to end over loopback gRPC.

    python -m bench.latency [--gazetteer PATH] [--rounds N]

Builds the seed gazetteer into a temporary folder unless --gazetteer is given,
starts the real server on an ephemeral port, and prints p50/p99 per call.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import grpc

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from gazetteer.build import Source, build
from gazetteer.readers.seeds import read_seeds
from server.app import create_server
from server.holder import LinkerHolder

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (ROOT / "seeds/000_56f59e649abf86c3.txt").read_text(encoding="utf-8")
NAMES = ["غانتس", "جانتس", "بوريطه", "الرباط", "والمغرب", "ماكرن", "نتانياهو", "طرابلس", "الحكومة", "Rabat"]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def _time(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    for _ in range(min(rounds, 20)):
        call()  # warm caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gazetteer", type=Path)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        path = (
            args.gazetteer or build(Path(folder) / "g.sqlite", [], Source("seeds", read_seeds(ROOT / "seeds"))).out_path
        )
        holder = LinkerHolder.open(path)
        linker = holder.linker
        server, port, _ = create_server(holder, "127.0.0.1:0")
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.EntityLinkerServiceStub(channel)
                rows = [
                    ("Link, seed article, core", _time(lambda: linker.link(ARTICLE), args.rounds)),
                    ("Link, seed article, gRPC", _time(lambda: stub.Link(pb.LinkRequest(text=ARTICLE)), args.rounds)),
                ]
                names = iter(NAMES * (args.rounds * 2))
                rows.append(("Resolve, core", _time(lambda: linker.resolve(next(names)), args.rounds)))
                rows.append(
                    (
                        "Resolve, gRPC",
                        _time(lambda: stub.Resolve(pb.ResolveRequest(mention=next(names))), args.rounds),
                    )
                )
        finally:
            server.stop(None)
    entities = sum(linker.gazetteer.info.counts_by_type.values())
    print(f"gazetteer: {entities} entities; {args.rounds} calls each")
    print(f"{'call':32} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (p50, p99) in rows:
        print(f"{name:32} {p50:8.2f} {p99:8.2f}")


if __name__ == "__main__":
    main()

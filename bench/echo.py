"""An echo gRPC service: what Python gRPC alone costs for a payload, the floor under Link.

    python -m bench.echo --port N [--host 127.0.0.1] [--workers 2] [--reply-bytes N]

One unary method, `/bench.Echo/Echo`, on a generic handler with no
(de)serialisers: the request bytes come back unchanged, or, with
--reply-bytes N, a fixed reply of N bytes (the size of a Link response).
With --workers N it forks N processes sharing the port through SO_REUSEPORT,
before any gRPC object exists, as `python -m server --workers N` does. Each
process logs "serving on HOST:PORT" once it accepts calls.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from concurrent import futures
from types import FrameType

import grpc

from server.workers import run_workers

_LOGGER = logging.getLogger(__name__)

SERVICE = "bench.Echo"
METHOD = f"/{SERVICE}/Echo"


def echo_handler(reply_bytes: int = 0) -> grpc.GenericRpcHandler:
    """The generic handler: echo the request, or answer `reply_bytes` bytes when that is positive."""
    reply = b"x" * reply_bytes if reply_bytes > 0 else None

    def echo(request: bytes, _context: grpc.ServicerContext) -> bytes:
        return request if reply is None else reply

    return grpc.method_handlers_generic_handler(SERVICE, {"Echo": grpc.unary_unary_rpc_method_handler(echo)})


def create_echo_server(
    address: str, reply_bytes: int = 0, max_workers: int = 8, options: list[tuple[str, object]] | None = None
) -> tuple[grpc.Server, int]:
    """A started echo server bound to `address`, and its port (as `server.app.create_server`)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers), options=options or [])
    server.add_generic_rpc_handlers((echo_handler(reply_bytes),))
    port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    server.start()
    return server, port


def echo_call(channel: grpc.Channel) -> grpc.UnaryUnaryMultiCallable:
    """The client side of the echo method: bytes in, bytes out."""
    return channel.unary_unary(METHOD)


def _serve(host: str, port: int, reply_bytes: int, reuse_port: bool) -> None:
    options: list[tuple[str, object]] = [("grpc.so_reuseport", 1 if reuse_port else 0)]
    server, bound = create_echo_server(f"{host}:{port}", reply_bytes, options=options)
    stopped = threading.Event()

    def finish() -> None:
        server.stop(1).wait()
        stopped.set()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=finish).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _LOGGER.info("pid %d serving on %s:%d", os.getpid(), host, bound)
    while not stopped.wait(3600):
        pass


def _serve_workers(host: str, port: int, reply_bytes: int, workers: int) -> int:
    """The same process model as the service's `--workers` (server.workers)."""
    return run_workers(host, port, workers, lambda bound: _serve(host, bound, reply_bytes, reuse_port=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.echo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the port (SO_REUSEPORT)")
    parser.add_argument("--reply-bytes", type=int, default=0, help="answer this many bytes instead of the request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    if args.workers > 1:
        return _serve_workers(args.host, args.port, args.reply_bytes, args.workers)
    _serve(args.host, args.port, args.reply_bytes, reuse_port=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

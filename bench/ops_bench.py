"""What production settings cost: Link docs/s on the seed article against one worker, plain vs all on.

    python -m bench.ops_bench [--seconds 10] [--callers 8]

Two servers (one process each) on loopback over the seed gazetteer: one with
everything off, one with TLS, a bearer token, metrics and the JSON access log
(written to a file, as a collector would read it). Each is loaded in turn by
`--callers` threads of the shipped client for `--seconds`, twice, alternating,
so drift of the machine falls on both; the table gives docs/s per server
process (one core's worth of linking) and the cost of the secured row.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from entitylinker_client import EntityLinkerClient

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "seeds" / "000_56f59e649abf86c3.txt"
SERVING = re.compile(r"serving on \S+:(\d+)")


@contextmanager
def server(gazetteer: Path, log: Path, *flags: str) -> Iterator[int]:
    """`python -m server` on 127.0.0.1, port 0; yields its port; log to `log`."""
    with log.open("w") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "--gazetteer",
                str(gazetteer),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *flags,
            ],
            cwd=ROOT,
            stderr=sink,
        )
        try:
            deadline = time.monotonic() + 60
            while not (match := SERVING.search(log.read_text())):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + log.read_text())
                time.sleep(0.1)
            yield int(match.group(1))
        finally:
            process.terminate()
            process.wait(30)


def load(client: EntityLinkerClient, text: str, callers: int, seconds: float) -> float:
    """Documents per second that `callers` threads get through `client` in `seconds`."""
    counts = [0] * callers
    stop = time.monotonic() + seconds

    def caller(slot: int) -> None:
        while time.monotonic() < stop:
            client.link(text)
            counts[slot] += 1

    client.link(text)  # connected and warm
    started = time.monotonic()
    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per row and round (default 10)")
    parser.add_argument("--callers", type=int, default=8, help="concurrent callers (default 8)")
    parser.add_argument("--gazetteer", type=Path, help="default: the seed gazetteer, built afresh for the run")
    args = parser.parse_args(argv)
    from tests.certs import Authority  # cryptography: a dev requirement, like this script

    text = SEED_ARTICLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gazetteer = args.gazetteer
        if gazetteer is None:
            gazetteer = folder / "gazetteer.sqlite"
            subprocess.run(
                [sys.executable, "-m", "gazetteer", "build", "--out", str(gazetteer)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        ca = Authority(folder)
        cert = ca.issue("server", server=True)
        (folder / "tokens").write_text("bench-token\n")
        secured_flags = (
            *("--tls-cert", str(cert.cert_path), "--tls-key", str(cert.key_path)),
            *("--auth-tokens-file", str(folder / "tokens"), "--metrics-port", "0"),
            *("--access-log", "--log-format", "json"),
        )
        with (
            server(gazetteer, folder / "plain.log") as plain_port,
            server(gazetteer, folder / "secured.log", *secured_flags) as secured_port,
            EntityLinkerClient(f"127.0.0.1:{plain_port}") as plain,
            EntityLinkerClient(
                f"127.0.0.1:{secured_port}", root_certificates=ca.pem.cert, token="bench-token"
            ) as secured,
        ):
            rates: dict[str, list[float]] = {"plain": [], "secured": []}
            for _ in range(2):
                rates["plain"].append(load(plain, text, args.callers, args.seconds / 2))
                rates["secured"].append(load(secured, text, args.callers, args.seconds / 2))
        access_lines = (folder / "secured.log").read_text().count('"event": "access"')
    plain_rate = sum(rates["plain"]) / 2
    secured_rate = sum(rates["secured"]) / 2
    print(f"Link on the seed article ({len(text)} characters), 1 server process, {args.callers} callers")
    print(f"{'row':<44}{'docs/s':>10}{'cost':>10}")
    print(f"{'plain (no TLS, tokens, metrics, access log)':<44}{plain_rate:>10.1f}{'':>10}")
    cost = 1 - secured_rate / plain_rate
    print(f"{'TLS + token + metrics + JSON access log':<44}{secured_rate:>10.1f}{cost:>9.1%}")
    print(
        f"(rounds: plain {', '.join(f'{r:.1f}' for r in rates['plain'])}; "
        f"secured {', '.join(f'{r:.1f}' for r in rates['secured'])}; {access_lines} access lines written)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

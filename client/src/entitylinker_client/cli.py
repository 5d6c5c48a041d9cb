"""`entitylinker`: call the entity-linking service from a shell or a script.

Commands: link, resolve, entity, info. Exit codes: 0 answered, 1 the server
refused the request, 2 bad command line or input, 3 the server cannot be
reached, 4 no answer within --timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc
from google.protobuf.json_format import MessageToDict

from entitylinker_client._proto import entity_linker_service_pb2 as pb
from entitylinker_client.client import (
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    OFFSETS,
    TOKEN_ENV,
    TYPES,
    EntityLinkerClient,
    error_reason,
    link_request,
)

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_TIMEOUT = 4
MAX_CANDIDATES = 50  # the server's limits, checked here so a typo is a usage error, not a round trip
MAX_LIMIT = 100
DESCRIPTION_CHARS = 48

_N = TypeVar("_N", int, float)


class UsageError(Exception):
    """Bad command-line input, reported in one line."""


def _number(parse: Callable[[str], _N], noun: str, ok: Callable[[_N], bool], allowed: str) -> Callable[[str], _N]:
    """An argparse type: `parse` the value, named `noun` when it does not parse, and refuse it unless `ok`."""

    def convert(value: str) -> _N:
        try:
            number = parse(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not {noun}") from None
        if not ok(number):
            raise argparse.ArgumentTypeError(f"{number} {allowed}")
        return number

    return convert


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    return _number(int, "a whole number", lambda n: low <= n <= high, f"is out of range; give {low} to {high}")


_fraction = _number(float, "a number", lambda n: 0.0 <= n <= 1.0, "is out of range; give 0 to 1")
_seconds = _number(float, "a number of seconds", lambda n: n > 0, "is not a positive number of seconds")


def _type_name(value: int) -> str:
    return pb.EntityType.Name(value).removeprefix("ENTITY_TYPE_").lower()


def _width(s: str) -> int:
    """Display width of a cell: combining marks take no column."""
    return sum(0 if unicodedata.combining(c) else 1 for c in s)


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        lines.append("  ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _clip(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_dict(message: Any) -> dict[str, Any]:
    return MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{source} is not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
            "give its encoding with --encoding (e.g. --encoding cp1256)"
        ) from None


def _documents(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(document_id, text) for each document the command line names."""
    files: list[str] = args.file or []
    if files and args.text is not None:
        raise UsageError("give the text as an argument or with --file, not both")
    if not files and args.text is None:
        raise UsageError("give the text to link as an argument, or --file PATH (--file - for standard input)")
    if args.text is not None:
        texts = [(args.document_id, str(args.text))]
    else:
        texts = []
        for path in files:
            if path == "-":
                texts.append(
                    (args.document_id or "-", _decode(sys.stdin.buffer.read(), args.encoding, "standard input"))
                )
                continue
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                raise UsageError(f"cannot read {path}: {exc.strerror}") from None
            document_id = (args.document_id or path) if len(files) == 1 else path
            texts.append((document_id, _decode(data, args.encoding, path)))
    if args.lines:
        return [
            (f"{doc_id}:{number}", line)
            for doc_id, text in texts
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    return texts


class _Countries:
    """Country labels for the tables, one GetEntity per country, remembered; the QID when unknown."""

    def __init__(self, client: EntityLinkerClient, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        self.labels: dict[str, str] = {}

    def __call__(self, qid: str) -> str:
        if not qid:
            return ""
        if qid not in self.labels:
            try:
                self.labels[qid] = self.client.get_entity(qid, timeout=self.timeout).label_en or qid
            except grpc.RpcError:
                self.labels[qid] = qid
        return self.labels[qid]


def _entity_cells(entity: pb.Entity, country: Callable[[str], str]) -> list[str]:
    qid = entity.qid + ("?" if entity.qid_unverified else "")
    return [qid, entity.label_en, _type_name(entity.type), country(entity.country_qid)]


def _link_table(response: pb.LinkResponse, country: Callable[[str], str]) -> str:
    rows = []
    for m in response.mentions:
        description = _clip(m.entity.description_en or m.entity.description_ar)
        rows.append(
            [str(m.start), str(m.end), m.surface, *_entity_cells(m.entity, country), f"{m.score:.2f}", description]
        )
        for c in m.candidates:
            description = _clip(c.entity.description_en or c.entity.description_ar)
            rows.append(["", "", "  or", *_entity_cells(c.entity, country), f"{c.score:.2f}", description])
    headers = ["start", "end", "surface", "qid", "entity", "type", "country", "score", "description"]
    lines = [_table(rows, headers)]
    summary = f"{len(response.mentions)} mentions of {len(response.entities)} entities"
    lines.append(f"{summary} (gazetteer {response.gazetteer_version})")
    if any(m.entity.qid_unverified for m in response.mentions):
        lines.append("? QID not verified against Wikidata (qid_unverified)")
    return "\n".join(lines)


def cmd_link(client: EntityLinkerClient, args: argparse.Namespace) -> int:
    """`entitylinker link`: one Link call, or one LinkStream call for several files; a table or JSON."""
    documents = _documents(args)
    requests = [
        link_request(
            text,
            document_id=document_id,
            types=args.type,
            min_score=args.min_score,
            max_candidates=args.candidates,
            offset_encoding=args.offsets,
        )
        for document_id, text in documents
    ]
    responses: Iterator[pb.LinkResponse] = (
        iter([client.link_request(requests[0], timeout=args.timeout)])
        if len(requests) == 1
        else client.link_stream(requests, timeout=args.timeout)
    )
    if args.json:
        answers = [_as_dict(r) for r in responses]
        _print_json(answers[0] if len(answers) == 1 else answers)
        return 0
    if args.jsonl:
        for response in responses:
            _print_json(_as_dict(response))
            sys.stdout.flush()
        return 0
    country = _Countries(client, args.timeout)
    for index, response in enumerate(responses):
        if len(requests) > 1:
            print(("\n" if index else "") + f"== {response.document_id}")
        print(_link_table(response, country))
    return 0


def cmd_resolve(client: EntityLinkerClient, args: argparse.Namespace) -> int:
    """`entitylinker resolve`: the entities a name may denote, best first."""
    candidates = client.resolve(
        args.name, context=args.context, types=args.type, limit=args.limit, timeout=args.timeout
    )
    if args.json or args.jsonl:
        _print_json(_as_dict(pb.ResolveResponse(candidates=candidates)))
        return 0
    if not candidates:
        print("no match")
        return 0
    country = _Countries(client, args.timeout)
    rows = [
        [
            c.entity.qid + ("?" if c.entity.qid_unverified else ""),
            c.entity.label_ar,
            c.entity.label_en,
            _type_name(c.entity.type),
            country(c.entity.country_qid),
            f"{c.score:.2f}",
            _clip(c.entity.description_en or c.entity.description_ar),
        ]
        for c in candidates
    ]
    print(_table(rows, ["qid", "label_ar", "label_en", "type", "country", "score", "description"]))
    return 0


def cmd_entity(client: EntityLinkerClient, args: argparse.Namespace) -> int:
    """`entitylinker entity`: one entity by QID, field by field."""
    e = client.get_entity(args.qid, timeout=args.timeout)
    if args.json or args.jsonl:
        _print_json(_as_dict(e))
        return 0
    country = _Countries(client, args.timeout)
    fields = [
        ("qid", e.qid),
        (
            "qid_unverified",
            "yes: a best guess from the seeds, not checked against Wikidata" if e.qid_unverified else "no",
        ),
        ("type", _type_name(e.type)),
        ("label_ar", e.label_ar),
        ("label_en", e.label_en),
        ("description", e.description_en),
        ("description_ar", e.description_ar),
        ("aliases_ar", "، ".join(e.aliases_ar)),
        ("country", f"{e.country_qid} {country(e.country_qid)}" if e.country_qid else ""),
        ("coordinates", f"{e.coordinates.latitude}, {e.coordinates.longitude}" if e.HasField("coordinates") else ""),
        ("popularity", f"{e.popularity:.2f}"),
    ]
    for name, value in fields:
        print(f"{name:14} {value}")
    return 0


def cmd_info(client: EntityLinkerClient, args: argparse.Namespace) -> int:
    """`entitylinker info`: the gazetteer in service."""
    response = client.gazetteer_info(timeout=args.timeout)
    if args.json or args.jsonl:
        _print_json(_as_dict(response))
        return 0
    print(f"version            {response.version}")
    print(f"built_at           {response.built_at}")
    print(f"sources            {', '.join(response.sources)}")
    print(f"entities           {response.entity_count}")
    for count in response.counts:
        print(f"  {_type_name(count.type):16} {count.count}")
    print(f"normalizer_version {response.normalizer_version}")
    print(f"schema_version     {response.schema_version}")
    return 0


def _output_flags(parser: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", default=default, help="one JSON document for the whole call")
    group.add_argument(
        "--jsonl", action="store_true", default=default, help="one JSON object per line, per document (for streams)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser (also read by the documentation test)."""
    parser = argparse.ArgumentParser(
        prog="entitylinker",
        description="Call the Arabic entity-linking service.",
        epilog="Exit codes: 0 answered, 1 refused by the server, 2 bad command line or input, "
        "3 server unreachable, 4 no answer within --timeout.",
    )
    parser.add_argument(
        "--server", default=DEFAULT_TARGET, help="host:port (default %(default)s; env ENTITYLINKER_SERVER)"
    )
    parser.add_argument(
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT, help="seconds to wait for an answer (default %(default)s)"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV) or None,
        help="bearer token sent as authorization (default: env ENTITYLINKER_TOKEN)",
    )
    parser.add_argument("--tls", action="store_true", help="TLS, trusting the system's root certificates")
    parser.add_argument("--tls-ca", metavar="PEM", help="TLS, trusting this CA bundle (implies --tls)")
    parser.add_argument("--tls-cert", metavar="PEM", help="client certificate chain for mTLS (with --tls-key)")
    parser.add_argument("--tls-key", metavar="PEM", help="the client certificate's private key")
    _output_flags(parser, default=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    link = commands.add_parser("link", help="link the mentions in a text")
    link.add_argument("text", nargs="?", help="the text (or use --file)")
    link.add_argument(
        "--file",
        action="append",
        metavar="PATH",
        help="read the text from a file, - for standard input; several --file are linked over one stream",
    )
    link.add_argument("--encoding", default="utf-8", help="encoding of --file and standard input (default utf-8)")
    link.add_argument("--lines", action="store_true", help="each non-blank line of the input is a document")
    link.add_argument("--type", action="append", default=[], choices=sorted(TYPES), help="only this type (repeatable)")
    link.add_argument(
        "--min-score",
        type=_fraction,
        default=0.0,
        help="drop mentions scored below this, 0 to 1; 0 (the default) means the server's threshold, 0.5",
    )
    link.add_argument(
        "--candidates",
        type=_bounded_int(0, MAX_CANDIDATES),
        default=0,
        help=f"runners-up shown per mention, 0 to {MAX_CANDIDATES}; 0 (the default) shows none",
    )
    link.add_argument(
        "--offsets", choices=sorted(OFFSETS), default="code-points", help="offset unit (default code-points)"
    )
    link.add_argument("--document-id", default="", help="echoed back by the server (default: the file name)")
    _output_flags(link)
    link.set_defaults(handler=cmd_link)

    resolve = commands.add_parser("resolve", help="rank the entities a name may denote")
    resolve.add_argument("name", help="the name to resolve")
    resolve.add_argument("--context", default="", help="a sentence around the name")
    resolve.add_argument("--type", action="append", default=[], choices=sorted(TYPES), help="only this type")
    resolve.add_argument(
        "--limit", type=_bounded_int(1, MAX_LIMIT), default=5, help=f"the most candidates, 1 to {MAX_LIMIT} (default 5)"
    )
    _output_flags(resolve)
    resolve.set_defaults(handler=cmd_resolve)

    entity = commands.add_parser("entity", help="show one entity by QID")
    entity.add_argument("qid", help="a Wikidata id such as Q1028")
    _output_flags(entity)
    entity.set_defaults(handler=cmd_entity)

    info = commands.add_parser("info", help="describe the gazetteer in service")
    _output_flags(info)
    info.set_defaults(handler=cmd_info)
    return parser


def _read_pem(path: str | None, flag: str) -> bytes | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None


def _client(args: argparse.Namespace) -> EntityLinkerClient:
    """The client the flags describe: target, deadline, token, TLS and client certificate."""
    if (args.tls_cert is None) != (args.tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together")
    return EntityLinkerClient(
        args.server,
        timeout=args.timeout,
        token=args.token,
        tls=args.tls,
        root_certificates=_read_pem(args.tls_ca, "--tls-ca"),
        certificate_chain=_read_pem(args.tls_cert, "--tls-cert"),
        private_key=_read_pem(args.tls_key, "--tls-key"),
    )


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code says how it went (see the module docstring)."""
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.json and args.jsonl:
        print("error: give --json or --jsonl, not both", file=sys.stderr)
        return EXIT_USAGE
    try:
        with _client(args) as client:
            return int(args.handler(client, args))
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except grpc.RpcError as exc:
        code = exc.code()
        if code == grpc.StatusCode.UNAVAILABLE:
            print(f"error: cannot reach the entity-linking server at {args.server} ({code.name})", file=sys.stderr)
            return EXIT_UNREACHABLE
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            print(
                f"error: no answer from {args.server} within {args.timeout:g} s (DEADLINE_EXCEEDED); "
                "raise --timeout, or send less text",
                file=sys.stderr,
            )
            return EXIT_TIMEOUT
        reason = error_reason(exc)
        print(f"error: {code.name}{f' ({reason})' if reason else ''}: {exc.details()}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())

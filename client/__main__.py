"""`python -m client`: call the entity-linking service from a shell or a script.

Commands: link, resolve, entity, info. Imports only grpc and the generated stubs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import unicodedata
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc

_LOGGER = logging.getLogger(__name__)

DEFAULT_SERVER = os.environ.get("ENTITYLINKER_SERVER", "localhost:50051")
TYPE_NAMES = {
    "person": pb.ENTITY_TYPE_PERSON,
    "place": pb.ENTITY_TYPE_PLACE,
    "organization": pb.ENTITY_TYPE_ORGANIZATION,
}
# The server sends answers up to 64 MiB (server.service.MAX_RESPONSE_BYTES; larger ones are refused
# with RESOURCE_EXHAUSTED): grpc's default of 4 MiB would fail on a long text full of names.
MAX_RECEIVE_BYTES = 64 * 1024 * 1024
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES)]
ENCODINGS = {
    "code-points": pb.OFFSET_ENCODING_CODE_POINTS,
    "utf8": pb.OFFSET_ENCODING_UTF8_BYTES,
    "utf16": pb.OFFSET_ENCODING_UTF16_CODE_UNITS,
}


class UsageError(Exception):
    """Bad command-line input, reported in one line."""


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


def _as_dict(message: Any) -> dict[str, Any]:
    return MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


def _read_text(args: argparse.Namespace) -> str:
    if args.file is not None and args.text is not None:
        raise UsageError("give the text as an argument or with --file, not both")
    if args.file == "-":
        return sys.stdin.read()
    if args.file is not None:
        try:
            with open(args.file, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    if args.text is None:
        raise UsageError("give the text to link as an argument, or --file PATH (--file - for standard input)")
    return str(args.text)


def cmd_link(stub: pb_grpc.EntityLinkerServiceStub, args: argparse.Namespace) -> int:
    request = pb.LinkRequest(
        text=_read_text(args),
        document_id=args.document_id,
        types=[TYPE_NAMES[t] for t in args.type],
        min_score=args.min_score,
        max_candidates=args.candidates,
        offset_encoding=ENCODINGS[args.offsets],
    )
    response = stub.Link(request, timeout=args.timeout)
    if args.json:
        for mention in response.mentions:
            print(json.dumps(_as_dict(mention), ensure_ascii=False))
        return 0
    rows = [
        [
            str(m.start),
            str(m.end),
            m.surface,
            m.entity.qid,
            m.entity.label_en,
            _type_name(m.entity.type),
            f"{m.score:.2f}",
        ]
        for m in response.mentions
    ]
    print(_table(rows, ["start", "end", "surface", "qid", "entity", "type", "score"]))
    summary = f"{len(response.mentions)} mentions of {len(response.entities)} entities"
    print(f"{summary} (gazetteer {response.gazetteer_version})")
    return 0


def cmd_resolve(stub: pb_grpc.EntityLinkerServiceStub, args: argparse.Namespace) -> int:
    request = pb.ResolveRequest(
        mention=args.name, context=args.context, types=[TYPE_NAMES[t] for t in args.type], limit=args.limit
    )
    response = stub.Resolve(request, timeout=args.timeout)
    if args.json:
        print(json.dumps(_as_dict(response), ensure_ascii=False))
        return 0
    if not response.candidates:
        print("no match")
        return 0
    rows = [
        [c.entity.qid, c.entity.label_ar, c.entity.label_en, _type_name(c.entity.type), f"{c.score:.2f}"]
        for c in response.candidates
    ]
    print(_table(rows, ["qid", "label_ar", "label_en", "type", "score"]))
    return 0


def cmd_entity(stub: pb_grpc.EntityLinkerServiceStub, args: argparse.Namespace) -> int:
    response = stub.GetEntity(pb.GetEntityRequest(qid=args.qid), timeout=args.timeout)
    if args.json:
        print(json.dumps(_as_dict(response.entity), ensure_ascii=False))
        return 0
    e = response.entity
    fields = [
        ("qid", e.qid),
        ("type", _type_name(e.type)),
        ("label_ar", e.label_ar),
        ("label_en", e.label_en),
        ("description", e.description_en or e.description_ar),
        ("aliases_ar", "، ".join(e.aliases_ar)),
        ("country", e.country_qid),
        ("coordinates", f"{e.coordinates.latitude}, {e.coordinates.longitude}" if e.HasField("coordinates") else ""),
        ("popularity", f"{e.popularity:.2f}"),
    ]
    for name, value in fields:
        print(f"{name:12} {value}")
    return 0


def cmd_info(stub: pb_grpc.EntityLinkerServiceStub, args: argparse.Namespace) -> int:
    response = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest(), timeout=args.timeout)
    if args.json:
        print(json.dumps(_as_dict(response), ensure_ascii=False))
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


def build_parser() -> argparse.ArgumentParser:
    """The client's argument parser (also read by the documentation test)."""
    parser = argparse.ArgumentParser(prog="python -m client", description="Call the Arabic entity-linking service.")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="host:port (env ENTITYLINKER_SERVER)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    link = commands.add_parser("link", help="link the mentions in a text")
    link.add_argument("text", nargs="?", help="the text (or use --file)")
    link.add_argument("--file", help="read the text from a file; - for standard input")
    link.add_argument("--type", action="append", default=[], choices=sorted(TYPE_NAMES), help="only this type")
    link.add_argument("--min-score", type=float, default=0.0, help="drop mentions below this score")
    link.add_argument("--candidates", type=int, default=0, help="alternatives per mention")
    link.add_argument("--offsets", choices=sorted(ENCODINGS), default="code-points", help="offset unit")
    link.add_argument("--document-id", default="", help="echoed back by the server")
    link.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON output")
    link.set_defaults(handler=cmd_link)

    resolve = commands.add_parser("resolve", help="rank the entities a name may denote")
    resolve.add_argument("name", help="the name to resolve")
    resolve.add_argument("--context", default="", help="a sentence around the name")
    resolve.add_argument("--type", action="append", default=[], choices=sorted(TYPE_NAMES), help="only this type")
    resolve.add_argument("--limit", type=int, default=5, help="the most candidates to show")
    resolve.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON output")
    resolve.set_defaults(handler=cmd_resolve)

    entity = commands.add_parser("entity", help="show one entity by QID")
    entity.add_argument("qid", help="a Wikidata id such as Q1028")
    entity.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON output")
    entity.set_defaults(handler=cmd_entity)

    info = commands.add_parser("info", help="describe the gazetteer in service")
    info.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON output")
    info.set_defaults(handler=cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with grpc.insecure_channel(args.server, options=CHANNEL_OPTIONS) as channel:
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            return int(args.handler(stub, args))
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except grpc.RpcError as exc:
        code = exc.code()
        if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            print(f"error: cannot reach the entity-linking server at {args.server} ({code.name})", file=sys.stderr)
            return 3
        print(f"error: {code.name}: {exc.details()}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

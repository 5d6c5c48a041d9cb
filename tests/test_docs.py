"""The README documents every RPC, client command and Make target; the proto documents every field."""

from __future__ import annotations

import re

from client.__main__ import build_parser
from entitylinker.v1 import entity_linker_service_pb2 as pb
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PROTO = (ROOT / "proto/entitylinker/v1/entity_linker_service.proto").read_text(encoding="utf-8")


def test_every_rpc_is_in_the_readme() -> None:
    service = pb.DESCRIPTOR.services_by_name["EntityLinkerService"]
    for method in service.methods:
        assert f"`{method.name}`" in README, method.name


def test_every_client_command_is_in_the_readme() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name in commands.choices:  # type: ignore[union-attr]
        assert f"client {name}" in README or f"`{name}`" in README, name


def test_the_two_commands_are_in_the_readme() -> None:
    assert "make serve" in README and "make test" in README


def test_every_make_target_has_help() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony is not None
    for target in phony.group(1).split():
        assert re.search(rf"^{re.escape(target)}:.*## ", makefile, re.M), target


def test_every_proto_field_message_and_rpc_has_a_comment_above_it() -> None:
    lines = PROTO.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        declares = re.match(r"(message|enum|service|rpc)\s", stripped) or re.match(
            r"(repeated |optional )?[\w.]+ \w+ = \d+;", stripped
        )
        if declares:
            assert lines[i - 1].strip().startswith("//"), f"line {i + 1} undocumented: {stripped}"

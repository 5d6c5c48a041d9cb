"""The README's tables and examples say what the service, client and Makefile do; the proto documents every field."""

from __future__ import annotations

import re
from collections import Counter

from google.api import annotations_pb2

from client.__main__ import build_parser
from entitylinker.v1 import entity_linker_service_pb2 as pb
from tests.conftest import ROOT, SEED_ARTICLE, seed_article_gold

README = (ROOT / "README.md").read_text(encoding="utf-8")
PROTO = (ROOT / "proto/entitylinker/v1/entity_linker_service.proto").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _code_block_after(line: str) -> list[str]:
    """The lines of the README code block that starts with `line`, up to its closing fence."""
    lines = README.splitlines()
    start = lines.index(line)
    return lines[start : lines.index("```", start)]


def test_the_readme_api_table_is_the_service_and_its_http_routes() -> None:
    """Its rows are the service's RPCs in order, each with the HTTP route of its google.api.http option."""
    table = README[README.index("| RPC | HTTP/JSON |") :].split("\n\n")[0]
    documented = re.findall(r"^\| `(\w+)` \| (`(?:GET|POST) [^`]+`|–) \|", table, re.M)
    service = []
    for method in pb.DESCRIPTOR.services_by_name["EntityLinkerService"].methods:
        rule = method.GetOptions().Extensions[annotations_pb2.http]
        verb = rule.WhichOneof("pattern")
        service.append((method.name, f"`{verb.upper()} {getattr(rule, verb)}`" if verb else "–"))
    assert documented == service


def test_every_client_command_has_an_example_and_every_example_is_a_command() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    shown = {match.group(1) for match in re.finditer(r"^\$ entitylinker (\w+)", README, re.M)}
    assert shown == set(commands.choices)  # type: ignore[arg-type]


def test_the_two_commands_are_make_targets_with_help() -> None:
    block = _code_block_after("## Two commands")[1:]
    commands = [line.split()[1] for line in block if line.startswith("make ")]
    assert commands == ["serve", "test"]
    for target in commands:
        assert re.search(rf"^{target}:.*## ", MAKEFILE, re.M), target


def test_the_readme_seed_article_table_is_its_gold_annotation() -> None:
    """The example `link` table: the gold mentions of the seed article, span by span, and the summary line."""
    block = _code_block_after(f"$ entitylinker link --file {SEED_ARTICLE.relative_to(ROOT)}")
    assert block[1].split()[:4] == ["start", "end", "surface", "qid"]
    [summary] = [line for line in block if " mentions of " in line]
    rows = [re.match(r"(\d+) +(\d+) +(.+?) {2,}(Q\d+)\??", line) for line in block[2 : block.index(summary)]]
    shown = [(int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)) for m in rows if m]
    assert len(shown) == len(rows)
    gold = seed_article_gold()
    assert shown == gold
    assert summary.startswith(f"{len(gold)} mentions of {len(Counter(qid for *_, qid in gold))} entities (gazetteer ")


def test_every_make_target_has_help() -> None:
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.M)
    assert phony is not None
    for target in phony.group(1).split():
        assert re.search(rf"^{re.escape(target)}:.*## ", MAKEFILE, re.M), target


def test_every_proto_field_message_and_rpc_has_a_comment_above_it() -> None:
    lines = PROTO.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        declares = re.match(r"(message|enum|service|rpc)\s", stripped) or re.match(
            r"(repeated |optional )?[\w.]+ \w+ = \d+;", stripped
        )
        if declares:
            assert lines[i - 1].strip().startswith("//"), f"line {i + 1} undocumented: {stripped}"

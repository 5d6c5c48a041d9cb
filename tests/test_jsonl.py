"""The one JSON-lines reader: objects with their file:line, errors of the caller's type that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.devset import DevsetError, load_queries
from gazetteer.jsonl import read_jsonl
from gazetteer.readers.seeds import SeedFormatError, read_seed_file


def test_objects_come_with_their_place_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"x": 1}\n\n  \n{"x": 2}\n', encoding="utf-8")
    assert list(read_jsonl(path)) == [("a.jsonl:1", {"x": 1}), ("a.jsonl:4", {"x": 2})]


@pytest.mark.parametrize(
    ("line", "message"), [("{not json", r"b\.jsonl:2: not JSON"), ("[1, 2]", r"b\.jsonl:2: not a JSON object")]
)
def test_each_reader_raises_its_own_error_naming_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(f"\n{line}\n", encoding="utf-8")  # line 2
    with pytest.raises(SeedFormatError, match=message):
        list(read_seed_file(path))
    with pytest.raises(DevsetError, match=message):
        load_queries(path)

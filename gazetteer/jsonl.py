"""JSON-lines files: one object a line, and errors that name the file and the line.

The seed files (`gazetteer.readers.seeds`) and the evaluation's data (the dev
set, ANERcorp) are JSON lines; this is their one reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_jsonl(path: Path, error: type[ValueError] = ValueError) -> Iterator[tuple[str, dict[str, Any]]]:
    """("file:line", object) for every line of `path` that is not blank, in file order.

    A line that is not a JSON object raises `error` (the caller's own exception type), its message starting
    with that "file:line", as the caller's own messages about the object should.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise error(f"{where}: not a JSON object")
            yield where, obj

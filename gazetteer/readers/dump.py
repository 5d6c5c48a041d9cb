"""Reader for Wikidata JSON dumps: plain, gzip or bzip2, streamed in constant memory.

The official framing is a JSON array with one entity per line: a line ``[``,
entity lines ending in ``,`` (all but the last), and a line ``]``. Files of bare
entity lines (JSON lines) are read too, with any white space inside a line
(re-serialised dumps write ``": "``), and so are pipes and standard input
("-"), without an ETA: ``lbzip2 -dc dump.json.bz2 | python -m gazetteer build
--dump -`` decompresses bzip2 on every core. Compressed files may hold several
concatenated gzip members or bzip2 streams. What the API answers
(``Special:EntityData``, a single entity, pretty-printed or not) is read whole
and taken as JSON lines (`json_layout`).

`dump_pipeline` moves the bytes and parses blocks of lines, in this process or
in a reader and parser processes; each line meets cheap byte searches first
and is decoded only if it might be in scope (`wikidata_entity`). This module
keeps the accounting: line numbers, the framing, malformed lines (the read
fails when their share passes a limit), and the facts kept in the metadata.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gazetteer.profile import Profile
from gazetteer.progress import Progress
from gazetteer.readers.dump_pipeline import (
    BlockResult,
    Pipeline,
    ReadFailedError,
    file_size,
    inline_results,
    open_dump,
    sniff_compression,
)
from gazetteer.readers.dump_pipeline import default_workers as default_workers
from gazetteer.records import EntityRecord

_LOGGER = logging.getLogger(__name__)

SOURCE_NAME = "wikidata-dump"
DEFAULT_MAX_BAD_SHARE = 0.001  # one line in a thousand

_KEPT_ERRORS = 20  # bad lines reported by number and reason
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{6})(?!\d)")


class DumpReadError(RuntimeError):
    """The dump cannot be read to its end, or too many of its lines are malformed."""


@dataclass(slots=True)
class DumpStats:
    """What reading one dump found; kept in the build's metadata."""

    path: str
    compression: str = ""
    size_bytes: int = 0
    dump_date: str = ""  # YYYYMMDD from the file name, as Wikimedia names its dumps
    latest_modified: str = ""  # the newest `modified` time among kept entities
    lines: int = 0
    entities: int = 0  # entity lines, without the framing and blank lines
    kept: int = 0
    rejected_cheaply: int = 0  # by the byte searches, before decoding
    rejected_parsed: int = 0  # decoded, then found out of scope
    bad_lines: int = 0
    bad_line_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def bad_share(self) -> float:
        """Bad lines as a share of entity lines."""
        return self.bad_lines / self.entities if self.entities else 0.0

    def as_details(self) -> dict[str, object]:
        """The stats as a JSON-ready dict for the build metadata."""
        return {**asdict(self), "bad_share": round(self.bad_share, 6)}


class DumpReader:
    """Iterate a dump's in-scope entities as `EntityRecord`s, in file order; `stats` fills in as it goes.

    Raises `DumpReadError` when the file cannot be read to its end, when a
    framed dump lacks its closing ``]`` (a truncated download), or when the
    share of malformed entity lines passes `max_bad_share`. With `workers` > 0
    the lines are parsed in that many processes.
    """

    def __init__(
        self,
        path: Path,
        profile: Profile,
        *,
        max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
        workers: int = 0,
        progress: bool | None = None,
        source: str = SOURCE_NAME,
    ) -> None:
        self.path = path
        self.profile = profile
        self.max_bad_share = max_bad_share
        self.workers = workers
        self.progress = progress  # None: a bar on a terminal, log lines otherwise; False: silent
        self.source = source
        date = _DATE_IN_NAME.search(path.name)
        self.stats = DumpStats(path=str(path), dump_date=date.group(1) if date else "")

    def __iter__(self) -> Iterator[EntityRecord]:
        started = time.monotonic()
        stats = self.stats
        pipeline: Pipeline | None = None
        raw: io.FileIO | None = None
        try:
            raw = open_dump(self.path)
            stats.size_bytes = file_size(raw)
            if self.workers > 0:
                pipeline = Pipeline(raw, self.path, self.workers, self.profile, self.source)
                results, position = pipeline.results(), pipeline.position
            else:
                buffered = io.BufferedReader(raw)
                stats.compression = sniff_compression(buffered)
                results, position = inline_results(buffered, stats.compression, self.profile, self.source)
        except OSError as exc:
            if raw is not None:
                raw.close()
            raise DumpReadError(f"cannot open dump {self.path}: {exc.strerror or exc}") from None
        progress = None
        if self.progress is not False:
            progress = Progress(self.path.name, stats.size_bytes or None, interactive=self.progress)
        try:
            yield from self._records(results, position, progress)
            if progress:
                progress.finish(stats.entities, stats.kept, position())
        except (ReadFailedError, EOFError, zlib.error) as exc:
            # zlib/bz2 errors and truncated streams: the file itself is damaged.
            raise DumpReadError(f"{self.path}: unreadable after line {stats.lines}: {exc}") from exc
        finally:
            if pipeline is not None:
                stats.compression = pipeline.compression
                pipeline.close()
            if raw is not None:
                raw.close()
            stats.seconds = round(time.monotonic() - started, 3)
        self._report()

    def _records(
        self, results: Iterator[BlockResult], position: Callable[[], int], progress: Progress | None
    ) -> Iterator[EntityRecord]:
        stats = self.stats
        opened = False
        closers: list[int] = []
        last_line = 0
        for result in results:
            offset = stats.lines  # lines before this block
            opened = opened or result.opened
            closers.extend(offset + n for n in result.closers)
            if result.last_line:
                last_line = offset + result.last_line
            stats.lines += result.lines
            stats.entities += result.entities
            stats.rejected_cheaply += result.rejected_cheaply
            stats.rejected_parsed += result.rejected_parsed
            stats.bad_lines += result.bad_count
            for number, reason in result.bad:
                self._note_bad(offset + number, reason)
            stats.latest_modified = max(stats.latest_modified, result.latest_modified)
            for values in result.records:
                stats.kept += 1
                yield EntityRecord(*values)
            if progress:
                progress.update(stats.entities, stats.kept, position())
        # Framing: "[" first, "]" last; a "]" anywhere else is a malformed line.
        closed = bool(closers) and closers[-1] == last_line
        for number in closers[:-1] if closed else closers:
            stats.entities += 1
            stats.bad_lines += 1
            self._note_bad(number, "a closing ] before the end of the dump")
        if opened and not closed:
            raise DumpReadError(f"{self.path}: the JSON array is never closed (no final ']'): truncated dump?")

    def _note_bad(self, number: int, reason: str) -> None:
        if len(self.stats.bad_line_examples) < _KEPT_ERRORS:
            self.stats.bad_line_examples.append(f"line {number}: {reason}")
        _LOGGER.debug("%s line %d: %s", self.path.name, number, reason)

    def _report(self) -> None:
        stats = self.stats
        _LOGGER.info(
            "%s: %d entities, %d kept, %d rejected cheaply, %d after decoding, %d malformed (%.4f%%) in %.1fs",
            self.path.name,
            stats.entities,
            stats.kept,
            stats.rejected_cheaply,
            stats.rejected_parsed,
            stats.bad_lines,
            100 * stats.bad_share,
            stats.seconds,
        )
        if stats.bad_lines:
            _LOGGER.warning(
                "%s: %d malformed lines, e.g. %s", self.path.name, stats.bad_lines, "; ".join(stats.bad_line_examples)
            )
        if stats.bad_share > self.max_bad_share:
            raise DumpReadError(
                f"{self.path}: {stats.bad_lines} of {stats.entities} entity lines are malformed "
                f"({stats.bad_share:.3%}), more than the {self.max_bad_share:.3%} allowed; "
                f"first: {'; '.join(stats.bad_line_examples[:5])}"
            )

"""Reader for Wikidata JSON dumps: plain, gzip or bzip2, streamed in constant memory.

The official framing is a JSON array with one entity per line: a line ``[``,
entity lines ending in ``,`` (all but the last), and a line ``]``. Files of bare
entity lines (JSON lines) are read too.

A thread reads and decompresses the file (zlib and bz2 release the GIL) into
blocks of whole lines; the blocks are parsed in worker processes (or inline)
and their records come back in file order, with a bounded number of blocks in
flight. Each line first meets cheap byte searches (`LinePrefilter`) and is
decoded only if it might be in scope. Malformed lines are counted with their
line numbers; the read fails when their share passes a limit.
"""

from __future__ import annotations

import bz2
import ctypes
import gzip
import logging
import multiprocessing
import operator
import os
import queue
import re
import signal
import stat
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

from gazetteer.profile import Profile
from gazetteer.progress import Progress
from gazetteer.readers.wikidata_entity import EntityFormatError, LinePrefilter, decode_entity, entity_to_record
from gazetteer.records import EntityRecord

_LOGGER = logging.getLogger(__name__)

SOURCE_NAME = "wikidata-dump"
DEFAULT_MAX_BAD_SHARE = 0.001  # one line in a thousand

_CHUNK_BYTES = 1 << 20
_QUEUED_BLOCKS = 8  # decompressed blocks waiting for a parser: bounds memory
_KEPT_ERRORS = 20  # bad lines reported by number and reason
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{6})(?!\d)")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_RECORD_FIELDS = operator.attrgetter(*(f.name for f in fields(EntityRecord)))


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


@dataclass(slots=True)
class _BlockResult:
    """What parsing one block of lines found. Line numbers are relative to the block (first line 1).

    Records travel as tuples of their fields: cheaper to pickle than the dataclass.
    """

    lines: int = 0
    records: list[tuple[Any, ...]] = field(default_factory=list)
    entities: int = 0
    rejected_cheaply: int = 0
    rejected_parsed: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)  # the first few
    bad_count: int = 0
    opened: bool = False  # the block starts the file with the "[" line
    closers: list[int] = field(default_factory=list)  # "]" lines
    last_line: int = 0  # the last non-blank line
    latest_modified: str = ""


def parse_block(
    block: bytes, profile: Profile, *, first_block: bool = False, source: str = SOURCE_NAME
) -> _BlockResult:
    """Parse the lines of one block of whole lines."""
    result = _BlockResult()
    might_be_in_scope = LinePrefilter(profile)
    lines = block.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the block's final newline
    result.lines = len(lines)
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        result.last_line = number
        if line == b"[" and number == 1 and first_block:
            result.opened = True
            continue
        if line == b"]":
            result.closers.append(number)
            continue
        if line[-1:] == b",":
            line = line[:-1]
        result.entities += 1
        # A cheap shape check on every line catches truncated lines and garbage.
        if line[:1] != b"{" or line[-1:] != b"}":
            _bad(result, number, "not a JSON object on one line")
            continue
        if not might_be_in_scope(line):
            result.rejected_cheaply += 1
            continue
        try:
            entity = decode_entity(line)
            record = entity_to_record(entity, profile, source)
        except EntityFormatError as exc:
            _bad(result, number, str(exc)[:200])
            continue
        if record is None:
            result.rejected_parsed += 1
            continue
        result.records.append(_RECORD_FIELDS(record))
        result.latest_modified = max(result.latest_modified, entity.modified)
    return result


def _bad(result: _BlockResult, number: int, reason: str) -> None:
    result.bad_count += 1
    if len(result.bad) < _KEPT_ERRORS:
        result.bad.append((number, reason))


def _compression(head: bytes) -> str:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    return "none"


class _Decompressor(threading.Thread):
    """Reads and decompresses the file into blocks of whole lines on a bounded queue.

    Puts bytes blocks, then None at the end, or the exception that stopped it.
    zlib and bz2 release the GIL while they work, so this runs beside the parsing.
    (An external `gzip -dc` through a pipe measured slower than zlib here; a
    faster tool such as lbzip2 can still be used by passing a named pipe.)
    """

    def __init__(self, raw: BinaryIO, compression: str) -> None:
        super().__init__(name="dump-decompressor", daemon=True)
        self.raw = raw
        self.compression = compression
        self.blocks: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUED_BLOCKS)
        self.stopping = threading.Event()

    def position(self) -> int:
        """How far into the (compressed) file reading has got."""
        try:
            return os.lseek(self.raw.fileno(), 0, os.SEEK_CUR)
        except (OSError, ValueError):
            return 0

    def run(self) -> None:
        try:
            stream: Any = self.raw
            if self.compression == "gzip":
                stream = gzip.GzipFile(fileobj=self.raw, mode="rb")
            elif self.compression == "bzip2":
                stream = bz2.BZ2File(self.raw, mode="rb")
            pending: list[bytes] = []
            while not self.stopping.is_set():
                chunk = stream.read(_CHUNK_BYTES)
                if not chunk:
                    break
                end = chunk.rfind(b"\n") + 1
                if end == 0:
                    pending.append(chunk)  # a line longer than a chunk
                    continue
                pending.append(chunk[:end])
                self._put(b"".join(pending))
                pending = [chunk[end:]]
            tail = b"".join(pending)
            if tail:
                self._put(tail)
            self._put(None)
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._put(exc)

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self.stopping.is_set():
            try:
                self.blocks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[bytes]:
        while True:
            block = self.blocks.get()
            if block is None:
                return
            if isinstance(block, BaseException):
                raise block
            yield block

    def stop(self) -> None:
        self.stopping.set()
        self.join()


# Worker processes get the profile once, at start-up, not with every block.
_worker_args: tuple[Profile, str] | None = None


def _init_worker(profile: Profile, source: str) -> None:
    global _worker_args
    _worker_args = (profile, source)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the build is killed (else it would linger)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        _LOGGER.debug("prctl unavailable; a killed build may leave parser processes behind")


def _parse_in_worker(block: bytes, first_block: bool) -> _BlockResult:
    assert _worker_args is not None
    profile, source = _worker_args
    return parse_block(block, profile, first_block=first_block, source=source)


def _parse_inline(blocks: Iterator[bytes], profile: Profile, source: str) -> Iterator[_BlockResult]:
    for index, block in enumerate(blocks):
        yield parse_block(block, profile, first_block=index == 0, source=source)


def _parse_in_pool(pool: ProcessPoolExecutor, blocks: Iterator[bytes], workers: int) -> Iterator[_BlockResult]:
    """Results in block order, with a bounded number of blocks in flight (constant memory)."""
    in_flight: deque[Future[_BlockResult]] = deque()
    for index, block in enumerate(blocks):
        in_flight.append(pool.submit(_parse_in_worker, block, index == 0))
        if len(in_flight) > 2 * workers:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def _start_pool(workers: int, profile: Profile, source: str) -> ProcessPoolExecutor:
    # Fork where there is fork (fast, nothing to re-import), before the reading thread exists.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(profile, source))
    pool.submit(int).result()  # start the workers now
    return pool


def default_workers() -> int:
    """Parser processes for a dump: one per core."""
    return os.cpu_count() or 1


def _size(raw: BinaryIO) -> int:
    """The file's size in bytes, or 0 for a pipe (no ETA then)."""
    status = os.fstat(raw.fileno())
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


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
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise DumpReadError(f"cannot open dump {self.path}: {exc.strerror}") from None
        stats = self.stats
        pool = None
        decompressor = None
        try:
            pool = _start_pool(self.workers, self.profile, self.source) if self.workers > 0 else None
            stats.compression = _compression(raw.peek(4)[:4])
            stats.size_bytes = _size(raw)
            decompressor = _Decompressor(raw, stats.compression)
            decompressor.start()
            progress = None
            if self.progress is not False:
                progress = Progress(self.path.name, stats.size_bytes or None, interactive=self.progress)
            if pool is not None:
                results = _parse_in_pool(pool, iter(decompressor), self.workers)
            else:
                results = _parse_inline(iter(decompressor), self.profile, self.source)
            yield from self._records(results, decompressor, progress)
            if progress:
                progress.finish(stats.entities, stats.kept, decompressor.position())
        except (OSError, EOFError, zlib.error) as exc:
            # zlib/bz2 errors and truncated streams: the file itself is damaged.
            raise DumpReadError(f"{self.path}: unreadable after line {stats.lines}: {exc}") from exc
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if decompressor is not None:
                decompressor.stop()
            raw.close()
            stats.seconds = round(time.monotonic() - started, 3)
        self._report()

    def _records(
        self, results: Iterator[_BlockResult], decompressor: _Decompressor, progress: Progress | None
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
                progress.update(stats.entities, stats.kept, decompressor.position())
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

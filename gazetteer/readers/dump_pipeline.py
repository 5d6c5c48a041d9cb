"""How a dump's bytes become parsed blocks: in this process, or in a reader and parser processes.

A dump is read and decompressed in blocks of whole lines (about 1 MiB), and
each block is parsed into a `BlockResult`. Results always come back in file
order and memory stays bounded whatever the dump's size.

- `inline_results`: a thread reads and decompresses (zlib and bz2 release the
  GIL) while this process parses. Simple; for small dumps and tests.
- `Pipeline`: one reader process decompresses and deals the blocks in turn to
  N parser processes over pipes; parser i answers on its own pipe, so reading
  the parsers in the same turn gives the results in order. The dump's bytes
  never pass through the calling process, which only receives the records of
  in-scope entities; a full pipe blocks the reader, which bounds memory.
"""

from __future__ import annotations

import bz2
import contextlib
import ctypes
import fcntl
import io
import itertools
import logging
import multiprocessing
import operator
import os
import queue
import signal
import stat
import sys
import threading
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, BinaryIO

from gazetteer.profile import Profile
from gazetteer.readers import json_layout
from gazetteer.readers.wikidata_entity import EntityFormatError, LinePrefilter, decode_entities, entity_to_record
from gazetteer.records import EntityRecord

_LOGGER = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
_OUT_BYTES = 8  # decompressed output per call, in CHUNK_BYTES
_QUEUED_BLOCKS = 8  # blocks read ahead by the inline reading thread
_KEPT_ERRORS = 20  # bad lines of a block reported by number and reason
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_RECORD_FIELDS = operator.attrgetter(*(f.name for f in fields(EntityRecord)))
# Messages from the reader to a parser: a tag byte, then the block or an error text.
_FIRST, _BLOCK, _ERROR = b"1", b"B", b"E"
_COMPRESSIONS = ("none", "gzip", "bzip2")
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class ReadFailedError(OSError):
    """The file could not be read or decompressed to its end."""


@dataclass(slots=True)
class BlockResult:
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


def parse_block(block: bytes, profile: Profile, *, first_block: bool = False, source: str) -> BlockResult:
    """Parse the lines of one block of whole lines."""
    result = BlockResult()
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
            line = line[:-1].rstrip()
        result.entities += 1
        # A cheap shape check on every line catches truncated lines and garbage.
        if line[:1] != b"{" or line[-1:] != b"}":
            _bad(result, number, "not a JSON object on one line")
            continue
        if not might_be_in_scope(line):
            result.rejected_cheaply += 1  # an envelope of several entities counts as one here
            continue
        try:
            entities = decode_entities(line)
        except EntityFormatError as exc:
            _bad(result, number, str(exc)[:200])
            continue
        result.entities += len(entities) - 1  # more than one in an {"entities": …} envelope
        for entity in entities:
            try:
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


def _bad(result: BlockResult, number: int, reason: str) -> None:
    result.bad_count += 1
    if len(result.bad) < _KEPT_ERRORS:
        result.bad.append((number, reason))


def open_dump(path: Path) -> io.FileIO:
    """Open a dump file unbuffered (a reader process may inherit it); "-" is standard input."""
    if str(path) == "-":
        # A duplicate: multiprocessing closes the standard input of the processes it starts.
        return io.FileIO(os.dup(sys.stdin.fileno()), "rb")
    return io.FileIO(path, "rb")


def sniff_compression(raw: BinaryIO) -> str:
    """ "gzip", "bzip2" or "none", from the first bytes (peeked, not consumed)."""
    head = raw.peek(4)[:4]  # type: ignore[attr-defined]
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    return "none"


def file_size(raw: BinaryIO) -> int:
    """The file's size in bytes, or 0 for a pipe (no ETA then)."""
    status = os.fstat(raw.fileno())
    return status.st_size if stat.S_ISREG(status.st_mode) else 0


def _decompressed(raw: BinaryIO, compression: str) -> Iterator[bytes]:
    """The file's bytes, decompressed, in pieces of at most `_OUT_BYTES` read pieces (8 MiB).

    zlib and bz2 objects fed a large piece at a time hold the GIL only between
    pieces, so decompressing in a thread really runs beside the parsing (the
    gzip module's files feed zlib 8 KiB at a time). The output of each call is
    bounded, so a decompressor may still hold output when its input is used up:
    it is drained (called again with no new input) before more is read, and
    before the end of the file is taken for the end of the data. Concatenated
    gzip members and bzip2 streams are read one after the other; zlib checks
    each gzip member's CRC and length, and zero padding after a member is
    skipped, as the gzip module does.
    """
    if compression == "none":
        while piece := raw.read(CHUNK_BYTES):
            yield piece
        return
    gzip = compression == "gzip"
    new = (lambda: zlib.decompressobj(wbits=31)) if gzip else bz2.BZ2Decompressor
    limit = _OUT_BYTES * CHUNK_BYTES  # read at call time: tests shrink CHUNK_BYTES
    decompressor: Any = new()
    data = b""  # compressed bytes not yet given to the decompressor
    holding = False  # the decompressor has output left that needs no more input
    while True:
        if not data and not holding:
            data = raw.read(CHUNK_BYTES)
            if not data:
                break
        out = decompressor.decompress(data, limit)
        if gzip:
            data = decompressor.unconsumed_tail
            holding = len(out) == limit  # zlib may keep output back even with all input consumed
        else:
            data = b""  # bz2 keeps unconsumed input itself
            holding = not decompressor.needs_input
        if out:
            yield out
        if decompressor.eof:
            # The next member or stream. Not `+ data`: zlib leaves the same bytes in unconsumed_tail.
            data = decompressor.unused_data
            if gzip:
                data = data.lstrip(b"\0")
            while not data:
                data = raw.read(CHUNK_BYTES)
                if not data:
                    return
                if gzip:
                    data = data.lstrip(b"\0")
            decompressor, holding = new(), False
    if not decompressor.eof:
        raise EOFError("the compressed file ended before the end of its last stream")


def _blocks(raw: BinaryIO, compression: str, stopping: threading.Event | None = None) -> Iterator[bytes]:
    """The decompressed file in blocks of whole lines (the last one may lack its newline).

    A file laid out as one JSON document (`json_layout`) comes as one block of its entities, one a line.
    """
    chunks = _decompressed(raw, compression)
    head: list[bytes] = []  # the first lines, which decide the layout
    layout = None
    for chunk in chunks:
        head.append(chunk)
        if b"\n" in chunk and (layout := json_layout.layout(b"".join(head))) is not None:
            break
    start = b"".join(head).removeprefix(json_layout.BOM)
    if (layout or json_layout.layout(start, complete=True)) == "document":
        yield json_layout.document_lines(json_layout.collect(itertools.chain([start], chunks)))
        return
    pending: list[bytes] = []
    for chunk in itertools.chain([start], chunks):
        if stopping is not None and stopping.is_set():
            return
        end = chunk.rfind(b"\n") + 1
        if end == 0:
            pending.append(chunk)  # a line longer than a piece
            continue
        pending.append(chunk[:end])
        yield b"".join(pending)
        pending = [chunk[end:]]
    tail = b"".join(pending)
    if tail:
        yield tail


def _position(raw: BinaryIO) -> int:
    try:
        return os.lseek(raw.fileno(), 0, os.SEEK_CUR)
    except (OSError, ValueError):
        return 0


# In this process -------------------------------------------------------------


class _ReadingThread(threading.Thread):
    """Reads blocks onto a bounded queue: bytes, then None at the end, or the exception that stopped it."""

    def __init__(self, raw: BinaryIO, compression: str) -> None:
        super().__init__(name="dump-reader", daemon=True)
        self.raw = raw
        self.compression = compression
        self.blocks: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUED_BLOCKS)
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            for block in _blocks(self.raw, self.compression, self.stopping):
                self._put(block)
            self._put(None)
        except BaseException as exc:  # handed to the parsing thread, which raises it
            self._put(exc)

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self.stopping.is_set():
            try:
                self.blocks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def inline_results(
    raw: BinaryIO, compression: str, profile: Profile, source: str
) -> tuple[Iterator[BlockResult], Callable[[], int]]:
    """Parse in this process while a thread reads; returns the results and a progress probe (bytes read)."""
    thread = _ReadingThread(raw, compression)

    def results() -> Iterator[BlockResult]:
        thread.start()
        try:
            index = 0
            while (item := thread.blocks.get()) is not None:
                if isinstance(item, BaseException):
                    raise ReadFailedError(f"{type(item).__name__}: {item}") from item
                yield parse_block(item, profile, first_block=index == 0, source=source)
                index += 1
        finally:
            thread.stopping.set()
            thread.join()

    return results(), lambda: _position(raw)


# In other processes --------------------------------------------------------


def _child_setup() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)  # held by the parent while it forked us
    if sys.platform.startswith("linux"):
        # Have the kernel kill this process when the build is killed: it would linger otherwise.
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            _LOGGER.debug("prctl unavailable; a killed build may leave dump processes behind")
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the build died before the line above could take effect


def _reader_main(source: io.FileIO | str, outputs: list[Connection], shared: Any) -> None:
    """The reader process: sniff, decompress, deal blocks to the parsers in turn."""
    _child_setup()
    count = len(outputs)
    index = 0
    try:
        with io.BufferedReader(source if isinstance(source, io.FileIO) else io.FileIO(source, "rb")) as raw:
            compression = sniff_compression(raw)
            shared.compression.value = _COMPRESSIONS.index(compression)
            for index, block in enumerate(_blocks(raw, compression)):
                outputs[index % count].send_bytes((_FIRST if index == 0 else _BLOCK) + block)
            index += 1
        for turn in range(count):
            outputs[(index + turn) % count].send_bytes(b"")  # the end, starting with the next parser in turn
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}".encode()
        for turn in range(count):
            outputs[(index + turn) % count].send_bytes(_ERROR + message)


def _parser_main(inputs: Connection, results: Connection, profile: Profile, source: str) -> None:
    """A parser process: parse each block it is dealt, answer in the same order."""
    _child_setup()
    while True:
        message = inputs.recv_bytes()
        tag = message[:1]
        if not tag:
            results.send(None)
            return
        if tag == _ERROR:
            results.send(ReadFailedError(message[1:].decode("utf-8", "replace")))
            return
        try:
            result: BlockResult | BaseException = parse_block(
                message[1:], profile, first_block=tag == _FIRST, source=source
            )
        except BaseException:  # a bug: report it with its traceback rather than hang the build
            result = RuntimeError(f"dump parser process failed:\n{traceback.format_exc()}")
        results.send(result)
        if isinstance(result, BaseException):
            return


class Pipeline:
    """A reader process and `workers` parser processes for one dump; see the module docstring."""

    def __init__(self, raw: io.FileIO, path: Path, workers: int, profile: Profile, source: str) -> None:
        # Fork where there is fork: fast, nothing to re-import, and the reader inherits the open file
        # (a pipe or standard input included); spawn reopens it by name.
        forking = "fork" in multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context("fork" if forking else "spawn")
        self.raw = raw
        self.shared = _Shared(context)
        to_parsers = [context.Pipe(duplex=False) for _ in range(workers)]
        from_parsers = [context.Pipe(duplex=False) for _ in range(workers)]
        self.results_in = [receive for receive, _ in from_parsers]
        self.parsers = [
            context.Process(
                target=_parser_main,
                args=(to_parsers[i][0], from_parsers[i][1], profile, source),
                name=f"dump-parser-{i}",
                daemon=True,
            )
            for i in range(workers)
        ]
        self.reader = context.Process(
            target=_reader_main,
            args=(raw if forking else str(path), [send for _, send in to_parsers], self.shared),
            name="dump-reader",
            daemon=True,
        )
        for _, send in [*to_parsers, *from_parsers]:
            _widen(send)
        self.processes = [*self.parsers, self.reader]
        # A signal handled while forking runs inside fork callbacks, which swallow the
        # exception it raises (SystemExit on SIGTERM): hold signals until every process exists.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        try:
            for process in self.processes:
                process.start()
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held signal's handler runs here
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            self.close()
            raise
        # This process only receives results: close its copies of the other ends.
        for receive, send in to_parsers:
            receive.close()
            send.close()
        for _, send in from_parsers:
            send.close()

    @property
    def compression(self) -> str:
        return _COMPRESSIONS[self.shared.compression.value]

    def position(self) -> int:
        """How far into the (compressed) file the reader has got: it shares the file offset with us."""
        return _position(self.raw)

    def results(self) -> Iterator[BlockResult]:
        """The block results in file order; raises `ReadFailedError` when reading failed."""
        index = 0
        while True:
            connection = self.results_in[index % len(self.results_in)]
            self._wait_for(connection)
            item = connection.recv()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            index += 1

    def _wait_for(self, connection: Connection) -> None:
        """Block until `connection` has data; fail if a process died without saying why (killed, crashed)."""
        while not wait([connection], timeout=1.0):
            for process in self.processes:
                if process.exitcode not in (None, 0):
                    raise ReadFailedError(f"{process.name} process died (exit code {process.exitcode})")

    def close(self) -> None:
        """Stop every process (at the end they have already finished)."""
        started = [p for p in self.processes if p.pid is not None]
        for process in started:
            if process.is_alive():
                process.terminate()
        for process in started:
            process.join(5)
        for connection in self.results_in:
            connection.close()


def _widen(connection: Connection) -> None:
    """Ask for a pipe buffer of a whole block (Linux), so the reader can run a block ahead of each parser."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(connection.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), CHUNK_BYTES)


class _Shared:
    """What the reader process tells this one: the compression it found (one word, no lock needed)."""

    def __init__(self, context: Any) -> None:
        self.compression = context.Value("i", 0, lock=False)


def default_workers() -> int:
    """Parser processes for a dump: one per core (the reader process mostly waits on zlib)."""
    return os.cpu_count() or 1

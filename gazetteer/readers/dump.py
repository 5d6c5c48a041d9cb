"""Reader for Wikidata JSON dumps: plain, gzip or bzip2, streamed in constant memory.

The official framing is a JSON array with one entity per line: a line ``[``,
entity lines ending in ``,`` (all but the last), and a line ``]``. Files of bare
entity lines (JSON lines) are read too.

Most entities of a real dump are out of scope, so a line is first tested with
cheap byte searches that every in-scope line passes (an ``"ar"`` key, one of
the profile's classes as a quoted id) and only then parsed. Malformed lines are
counted with their line numbers; the build fails when their share passes a limit.
Decompression runs in a thread (zlib and bz2 release the GIL), on the second core.
"""

from __future__ import annotations

import bz2
import gzip
import json
import logging
import multiprocessing
import operator
import os
import queue
import re
import signal
import stat
import threading
import time
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from gazetteer.profile import Profile
from gazetteer.progress import Progress
from gazetteer.records import EntityKind, EntityRecord, is_valid_qid

_LOGGER = logging.getLogger(__name__)

SOURCE_NAME = "wikidata-dump"
DEFAULT_MAX_BAD_SHARE = 0.001  # one line in a thousand

_CHUNK_BYTES = 1 << 20
_QUEUED_CHUNKS = 8  # bounds memory: at most this many decompressed chunks wait
_KEPT_ERRORS = 20  # bad lines reported by number and reason
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{6})(?!\d)")
_EARTH = "http://www.wikidata.org/entity/Q2"


class DumpReadError(RuntimeError):
    """The dump cannot be read to its end, or too many of its lines are malformed."""


class _BadEntityError(ValueError):
    """An entity line that parsed as JSON but does not have the shape of an entity."""


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
    rejected_cheaply: int = 0  # before parsing: no "ar" key or no scope class
    rejected_parsed: int = 0  # parsed, then found out of scope
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


def _mapping(value: Any) -> dict[str, Any]:
    # The dump writes an empty map as [] (PHP); treat both as "nothing".
    if isinstance(value, dict):
        return value
    if value in (None, []):
        return {}
    raise _BadEntityError(f"expected an object, got {type(value).__name__}")


def _text(terms: dict[str, Any], language: str) -> str:
    term = terms.get(language)
    if term is None:
        return ""
    value = term["value"]
    if not isinstance(value, str):
        raise _BadEntityError(f"{language} term value is not a string")
    return value.strip()


def _texts(terms: dict[str, Any], language: str) -> list[str]:
    values = []
    for term in terms.get(language) or ():
        value = term["value"]
        if not isinstance(value, str):
            raise _BadEntityError(f"{language} alias value is not a string")
        if value.strip():
            values.append(value.strip())
    return values


def _values(claims: dict[str, Any], prop: str) -> list[Any]:
    """Data values of `prop`'s statements, preferred rank first, deprecated ones dropped."""
    preferred: list[Any] = []
    normal: list[Any] = []
    for statement in claims.get(prop) or ():
        rank = statement.get("rank", "normal")
        snak = statement["mainsnak"]
        if rank == "deprecated" or snak.get("snaktype", "value") != "value":
            continue  # deprecated, or "unknown value" / "no value"
        (preferred if rank == "preferred" else normal).append(snak["datavalue"]["value"])
    return preferred + normal


def _item_ids(claims: dict[str, Any], prop: str) -> list[str]:
    ids: dict[str, None] = {}
    for value in _values(claims, prop):
        # Old dumps carry only numeric-id; current ones both.
        qid = value.get("id") or f"Q{value['numeric-id']}"
        if not isinstance(qid, str) or not is_valid_qid(qid):
            raise _BadEntityError(f"{prop} value {qid!r} is not an item id")
        ids.setdefault(qid, None)
    return list(ids)


def _coordinates(claims: dict[str, Any]) -> tuple[float, float] | None:
    for value in _values(claims, "P625"):
        if value.get("globe", _EARTH) != _EARTH:
            continue  # a place on the Moon or Mars
        lat, lon = float(value["latitude"]), float(value["longitude"])
        if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 360.0:
            return lat, lon
    return None


def entity_to_record(entity: Any, profile: Profile, source: str = SOURCE_NAME) -> EntityRecord | None:
    """One parsed dump entity → `EntityRecord`, or None when it is out of scope.

    Raises `ValueError` (or `KeyError`/`TypeError`) when the entity is malformed.
    """
    if not isinstance(entity, dict):
        raise _BadEntityError("the line is not a JSON object")
    if entity.get("type") != "item":
        return None  # properties, lexemes, media info
    qid = entity.get("id")
    if not isinstance(qid, str) or not is_valid_qid(qid):
        raise _BadEntityError(f"id {qid!r} is not an item id")
    labels = _mapping(entity.get("labels"))
    aliases = _mapping(entity.get("aliases"))
    label_ar = _text(labels, "ar")
    aliases_ar = _texts(aliases, "ar")
    if profile.require_arabic_name and not (label_ar or aliases_ar):
        return None
    claims = _mapping(entity.get("claims"))
    coordinates = _coordinates(claims)
    positions = _item_ids(claims, "P39")
    instance_of = _item_ids(claims, "P31")
    kind = profile.kind_of(
        instance_of,
        has_position=bool(positions),
        occupations=_item_ids(claims, "P106") if profile.occupations else (),
        has_coordinates=coordinates is not None,
    )
    if kind is None:
        return None
    # "mul" holds the name shared by many Latin-script languages; newer items drop "en" for it.
    label_en = _text(labels, "en") or _text(labels, "mul")
    aliases_en = _texts(aliases, "en") + _texts(aliases, "mul")
    if not (label_ar or aliases_ar or label_en or aliases_en):
        return None  # nothing to look it up by
    countries = _item_ids(claims, "P27" if kind is EntityKind.PERSON else "P17")
    descriptions = _mapping(entity.get("descriptions"))
    return EntityRecord(
        qid=qid,
        kind=kind,
        label_ar=label_ar,
        label_en=label_en,
        description_ar=_text(descriptions, "ar"),
        description_en=_text(descriptions, "en"),
        aliases_ar=tuple(dict.fromkeys(aliases_ar)),
        aliases_en=tuple(dict.fromkeys(aliases_en)),
        country_qid=countries[0] if countries else "",
        lat=coordinates[0] if coordinates else None,
        lon=coordinates[1] if coordinates else None,
        sitelinks=len(_mapping(entity.get("sitelinks"))),
        instance_of=tuple(instance_of),
        positions=tuple(positions) if kind is EntityKind.PERSON else (),
        sources=(source,),
    )


def _quoted_ids(qids: frozenset[str]) -> re.Pattern[bytes] | None:
    if not qids:
        return None
    return re.compile(f'"Q(?:{"|".join(sorted(q[1:] for q in qids))})"'.encode())


class _Prefilter:
    """Byte searches every in-scope line passes, tried before parsing it.

    Each test is a necessary condition of `Profile.kind_of` on the parsed
    entity (an "ar" key, a scope class as a quoted id, a "P39" or "P625" key,
    an occupation id), so the prefilter may let through lines a parse rejects
    but never drops one a parse would keep. It relies on ids and keys being
    written unescaped, as every Wikidata dump writes them.
    """

    def __init__(self, profile: Profile) -> None:
        self.need_arabic = profile.require_arabic_name
        self.any_class = _quoted_ids(profile.scope_classes)
        self.person = _quoted_ids(profile.person_classes)
        self.place = _quoted_ids(profile.place_classes)
        self.organization = _quoted_ids(profile.organization_classes)
        self.occupation = _quoted_ids(profile.occupations)
        self.any_position = profile.any_position_held
        self.need_coordinates = profile.place_requires_coordinates

    def __call__(self, line: bytes) -> bool:
        if self.need_arabic and b'"ar"' not in line:
            return False
        if self.any_class is None or not self.any_class.search(line):
            return False  # the common case for lines with an Arabic name: one scan and out
        if self.organization and self.organization.search(line):
            return True
        if self.place and self.place.search(line) and (not self.need_coordinates or b'"P625"' in line):
            return True
        return bool(
            self.person
            and self.person.search(line)
            and ((self.any_position and b'"P39"' in line) or (self.occupation and self.occupation.search(line)))
        )


@lru_cache(maxsize=8)
def _prefilter(profile: Profile) -> _Prefilter:
    return _Prefilter(profile)


def _compression(head: bytes) -> str:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    return "none"


class _Decompressor(threading.Thread):
    """Reads and decompresses the file in chunks onto a bounded queue.

    Puts bytes chunks, then None at the end, or the exception that stopped it.
    `position` is how far into the (compressed) file it has read.
    """

    def __init__(self, raw: BinaryIO, compression: str) -> None:
        super().__init__(name="dump-decompressor", daemon=True)
        self.raw = raw
        self.compression = compression
        self.chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUED_CHUNKS)
        self.stopping = threading.Event()
        self.position = 0

    def run(self) -> None:
        try:
            stream: BinaryIO
            if self.compression == "gzip":
                stream = gzip.GzipFile(fileobj=self.raw, mode="rb")  # type: ignore[assignment]
            elif self.compression == "bzip2":
                stream = bz2.BZ2File(self.raw, mode="rb")  # type: ignore[assignment]
            else:
                stream = self.raw
            while not self.stopping.is_set():
                chunk = stream.read(_CHUNK_BYTES)
                self.position = self.raw.tell()
                self._put(chunk or None)
                if not chunk:
                    return
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._put(exc)

    def _put(self, item: bytes | BaseException | None) -> None:
        while not self.stopping.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def _blocks(decompressor: _Decompressor) -> Iterator[bytes]:
    """The decompressed stream cut into blocks of whole lines (the last one may lack its newline)."""
    pending: list[bytes] = []
    while True:
        chunk = decompressor.chunks.get()
        if chunk is None:
            break
        if isinstance(chunk, BaseException):
            raise chunk
        end = chunk.rfind(b"\n") + 1
        if end == 0:
            pending.append(chunk)  # a line longer than a chunk
            continue
        pending.append(chunk[:end])
        yield b"".join(pending)
        pending = [chunk[end:]]
    tail = b"".join(pending)
    if tail:
        yield tail


_RECORD_FIELDS = operator.attrgetter(*(f.name for f in fields(EntityRecord)))


@dataclass(slots=True)
class _BlockResult:
    """What parsing one block of lines found; records travel as field tuples (cheaper to pickle)."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    entities: int = 0
    rejected_cheaply: int = 0
    rejected_parsed: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)  # the first few, by line number
    bad_count: int = 0
    opened: bool = False  # the block starts the file with the "[" line
    closers: list[int] = field(default_factory=list)  # line numbers of "]" lines
    last_line: int = 0  # the last non-blank line
    latest_modified: str = ""


def parse_block(block: bytes, first_line: int, profile: Profile, source: str = SOURCE_NAME) -> _BlockResult:
    """Parse the lines of one block; `first_line` is the file line number of its first line."""
    result = _BlockResult()
    might_be_in_scope = _prefilter(profile)
    for line_number, line in enumerate(block.split(b"\n"), start=first_line):
        line = line.strip()
        if not line:
            continue
        result.last_line = line_number
        if line == b"[" and line_number == 1:
            result.opened = True
            continue
        if line == b"]":
            result.closers.append(line_number)
            continue
        if line[-1:] == b",":
            line = line[:-1]
        result.entities += 1
        # Cheap shape check on every line: catches truncated lines and garbage.
        if line[:1] != b"{" or line[-1:] != b"}":
            _bad(result, line_number, "not a JSON object on one line")
            continue
        if not might_be_in_scope(line):
            result.rejected_cheaply += 1
            continue
        try:
            entity = json.loads(line)
            record = entity_to_record(entity, profile, source)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            _bad(result, line_number, f"{type(exc).__name__}: {exc}"[:200])
            continue
        if record is None:
            result.rejected_parsed += 1
            continue
        result.records.append(_RECORD_FIELDS(record))
        modified = entity.get("modified")
        if isinstance(modified, str) and modified > result.latest_modified:
            result.latest_modified = modified
    return result


def _bad(result: _BlockResult, line_number: int, reason: str) -> None:
    result.bad_count += 1
    if len(result.bad) < _KEPT_ERRORS:
        result.bad.append((line_number, reason))


# Worker processes: the profile is sent once, at start-up, not with every block.
_worker_args: tuple[Profile, str] | None = None


def _init_worker(profile: Profile, source: str) -> None:
    global _worker_args
    _worker_args = (profile, source)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _parse_in_worker(block: bytes, first_line: int) -> _BlockResult:
    assert _worker_args is not None
    return parse_block(block, first_line, *_worker_args)


def _numbered(blocks: Iterator[bytes]) -> Iterator[tuple[bytes, int]]:
    line = 1
    for block in blocks:
        yield block, line
        line += block.count(b"\n")


def _parse_inline(blocks: Iterator[bytes], profile: Profile, source: str) -> Iterator[_BlockResult]:
    for block, first_line in _numbered(blocks):
        yield parse_block(block, first_line, profile, source)


def _parse_in_pool(pool: ProcessPoolExecutor, blocks: Iterator[bytes], workers: int) -> Iterator[_BlockResult]:
    """Results in block order, with a bounded number of blocks in flight (constant memory)."""
    in_flight: deque[Future[_BlockResult]] = deque()
    for block, first_line in _numbered(blocks):
        in_flight.append(pool.submit(_parse_in_worker, block, first_line))
        if len(in_flight) > 2 * workers:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def _start_pool(workers: int, profile: Profile, source: str) -> ProcessPoolExecutor:
    # Fork where there is fork (fast, nothing to re-import), before any thread of ours exists.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(profile, source))
    pool.submit(int).result()  # start the workers now
    return pool


def default_workers() -> int:
    """Parser processes for a dump: one per core (the reading thread and the build share them)."""
    return os.cpu_count() or 1


class DumpReader:
    """Iterate a dump's in-scope entities as `EntityRecord`s; `stats` fills in as it goes.

    Raises `DumpReadError` when the file cannot be read to its end, when a
    framed dump lacks its closing ``]`` (a truncated download), or when the
    share of malformed entity lines passes `max_bad_share`. With `workers` > 0
    the lines are parsed in that many processes; records come out in file order.
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
        pool = _start_pool(self.workers, self.profile, self.source) if self.workers > 0 else None
        stats = self.stats
        stats.compression = _compression(raw.peek(4)[:4])
        stats.size_bytes = _size(raw)
        decompressor = _Decompressor(raw, stats.compression)
        decompressor.start()
        progress = None
        if self.progress is not False:
            progress = Progress(self.path.name, stats.size_bytes or None, interactive=self.progress)
        try:
            blocks = _blocks(decompressor)
            if pool is not None:
                results = _parse_in_pool(pool, blocks, self.workers)
            else:
                results = _parse_inline(blocks, self.profile, self.source)
            yield from self._records(results, decompressor, progress)
        except (OSError, EOFError, zlib.error) as exc:
            # zlib/bz2 errors and truncated streams: the file itself is damaged.
            raise DumpReadError(f"{self.path}: unreadable after line {stats.lines}: {exc}") from exc
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            decompressor.stop()
            raw.close()
            stats.seconds = round(time.monotonic() - started, 3)
        if progress:
            progress.finish(stats.entities, stats.kept, decompressor.position)
        self._report()

    def _records(
        self, results: Iterator[_BlockResult], decompressor: _Decompressor, progress: Progress | None
    ) -> Iterator[EntityRecord]:
        stats = self.stats
        opened = False
        closers: list[int] = []
        for result in results:
            opened = opened or result.opened
            closers.extend(result.closers)
            stats.lines = max(stats.lines, result.last_line)
            stats.entities += result.entities
            stats.rejected_cheaply += result.rejected_cheaply
            stats.rejected_parsed += result.rejected_parsed
            stats.bad_lines += result.bad_count
            for line_number, reason in result.bad:
                self._note_bad(line_number, reason)
            stats.latest_modified = max(stats.latest_modified, result.latest_modified)
            for values in result.records:
                stats.kept += 1
                yield EntityRecord(*values)
            if progress:
                progress.update(stats.entities, stats.kept, decompressor.position)
        # Framing: "[" first, "]" last; a "]" anywhere else is a malformed line.
        stray = closers[:-1] if closers and closers[-1] == stats.lines else closers
        for line_number in stray:
            stats.entities += 1
            stats.bad_lines += 1
            self._note_bad(line_number, "a closing ] before the end of the dump")
        if opened and len(stray) == len(closers):
            raise DumpReadError(f"{self.path}: the JSON array is never closed (no final ']'): truncated dump?")

    def _note_bad(self, line_number: int, reason: str) -> None:
        if len(self.stats.bad_line_examples) < _KEPT_ERRORS:
            self.stats.bad_line_examples.append(f"line {line_number}: {reason}")
        _LOGGER.debug("%s line %d: %s", self.path.name, line_number, reason)

    def _report(self) -> None:
        stats = self.stats
        _LOGGER.info(
            "%s: %d entities, %d kept, %d rejected cheaply, %d after parsing, %d malformed (%.4f%%) in %.1fs",
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


def _size(raw: BinaryIO) -> int:
    """The file's size in bytes, or 0 for a pipe (no ETA then)."""
    status = os.fstat(raw.fileno())
    return status.st_size if stat.S_ISREG(status.st_mode) else 0

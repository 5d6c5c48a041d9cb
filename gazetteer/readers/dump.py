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
import os
import queue
import re
import stat
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
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
_PROGRESS_EVERY = 4096  # lines between progress updates
_KEPT_ERRORS = 20  # bad lines reported by number and reason
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{6})(?!\d)")
_EARTH = "http://www.wikidata.org/entity/Q2"


class DumpReadError(RuntimeError):
    """The dump cannot be read to its end, or too many of its lines are malformed."""


class _BadEntity(ValueError):
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
    raise _BadEntity(f"expected an object, got {type(value).__name__}")


def _text(terms: dict[str, Any], language: str) -> str:
    term = terms.get(language)
    if term is None:
        return ""
    value = term["value"]
    if not isinstance(value, str):
        raise _BadEntity(f"{language} term value is not a string")
    return value.strip()


def _texts(terms: dict[str, Any], language: str) -> list[str]:
    values = []
    for term in terms.get(language) or ():
        value = term["value"]
        if not isinstance(value, str):
            raise _BadEntity(f"{language} alias value is not a string")
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
            raise _BadEntity(f"{prop} value {qid!r} is not an item id")
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
        raise _BadEntity("the line is not a JSON object")
    if entity.get("type") != "item":
        return None  # properties, lexemes, media info
    qid = entity.get("id")
    if not isinstance(qid, str) or not is_valid_qid(qid):
        raise _BadEntity(f"id {qid!r} is not an item id")
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


def _lines(decompressor: _Decompressor) -> Iterator[bytes]:
    """The lines of the decompressed stream, without their newlines."""
    pending: list[bytes] = []
    while True:
        chunk = decompressor.chunks.get()
        if chunk is None:
            break
        if isinstance(chunk, BaseException):
            raise chunk
        lines = chunk.split(b"\n")
        if len(lines) == 1:
            pending.append(chunk)  # a line longer than a chunk
            continue
        if pending:
            pending.append(lines[0])
            lines[0] = b"".join(pending)
        pending = [lines.pop()]
        yield from lines
    tail = b"".join(pending)
    if tail:
        yield tail


class DumpReader:
    """Iterate a dump's in-scope entities as `EntityRecord`s; `stats` fills in as it goes.

    Raises `DumpReadError` when the file cannot be read to its end, when a
    framed dump lacks its closing ``]`` (a truncated download), or when the
    share of malformed entity lines passes `max_bad_share`.
    """

    def __init__(
        self,
        path: Path,
        profile: Profile,
        *,
        max_bad_share: float = DEFAULT_MAX_BAD_SHARE,
        progress: bool | None = None,
        source: str = SOURCE_NAME,
    ) -> None:
        self.path = path
        self.profile = profile
        self.max_bad_share = max_bad_share
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
        stats.compression = _compression(raw.peek(4)[:4])
        stats.size_bytes = _size(raw)
        decompressor = _Decompressor(raw, stats.compression)
        decompressor.start()
        progress = (
            Progress(self.path.name, stats.size_bytes or None, interactive=self.progress)
            if self.progress is not False
            else None
        )
        try:
            yield from self._records(decompressor, progress)
        except (OSError, EOFError, zlib.error) as exc:
            # zlib/bz2 errors and truncated streams: the file itself is damaged.
            raise DumpReadError(f"{self.path}: unreadable after line {stats.lines}: {exc}") from exc
        finally:
            decompressor.stop()
            raw.close()
            stats.seconds = round(time.monotonic() - started, 3)
        if progress:
            progress.finish(stats.entities, stats.kept, decompressor.position)
        self._report()

    def _records(self, decompressor: _Decompressor, progress: Progress | None) -> Iterator[EntityRecord]:
        stats, profile = self.stats, self.profile
        need_arabic = profile.require_arabic_name
        has_scope_class = profile.class_prefilter().search
        framed = closed = False
        for line_number, line in enumerate(_lines(decompressor), start=1):
            stats.lines = line_number
            if line_number % _PROGRESS_EVERY == 0 and progress:
                progress.update(stats.entities, stats.kept, decompressor.position)
            line = line.strip()
            if not line:
                continue
            if line == b"[" and line_number == 1:
                framed = True
                continue
            if line == b"]":
                closed = True
                continue
            if line[-1:] == b",":
                line = line[:-1]
            stats.entities += 1
            if closed:
                self._bad(line_number, "entity after the closing ]")
                continue
            # Cheap shape check on every line: catches truncated lines and garbage.
            if line[:1] != b"{" or line[-1:] != b"}":
                self._bad(line_number, "not a JSON object on one line")
                continue
            if (need_arabic and b'"ar"' not in line) or not has_scope_class(line):
                stats.rejected_cheaply += 1
                continue
            try:
                entity = json.loads(line)
                record = entity_to_record(entity, profile, self.source)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                self._bad(line_number, f"{type(exc).__name__}: {exc}"[:200])
                continue
            if record is None:
                stats.rejected_parsed += 1
                continue
            stats.kept += 1
            modified = entity.get("modified")
            if isinstance(modified, str) and modified > stats.latest_modified:
                stats.latest_modified = modified
            yield record
        if framed and not closed:
            raise DumpReadError(f"{self.path}: the JSON array is never closed (no final ']'): truncated dump?")

    def _bad(self, line_number: int, reason: str) -> None:
        stats = self.stats
        stats.bad_lines += 1
        if len(stats.bad_line_examples) < _KEPT_ERRORS:
            stats.bad_line_examples.append(f"line {line_number}: {reason}")
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

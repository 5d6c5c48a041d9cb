"""How a Wikidata JSON file lays out its entities, and whole documents rewritten as entity lines.

Dumps are read a line at a time: the framed dump (a ``[`` line, one entity a
line, a ``]`` line) and JSON lines (one entity a line, no framing). What the
API hands out is a document instead: ``Special:EntityData`` answers
(``{"entities": {"Q31": {...}}}``), a single entity, or an array of entities,
often pretty-printed over many lines. The first lines of a file tell the two
apart; a document is read whole (they are small; `MAX_DOCUMENT_BYTES` bounds
it) and rewritten as one entity a line, so that everything after (the
prefilter, the decoder, the counts) treats it as JSON lines. ``{"entities":
…}`` envelopes, on a line of their own, are opened by the decoder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

import msgspec

Layout = Literal["lines", "document"]

MAX_DOCUMENT_BYTES = 256 << 20
BOM = b"\xef\xbb\xbf"
_ONE_LINE = bytes.maketrans(b"\r\n", b"  ")  # JSON has no raw line breaks inside strings: they are white space
_decode_array = msgspec.json.Decoder(list[msgspec.Raw]).decode
_validate = msgspec.json.Decoder(msgspec.Raw).decode


class DocumentTooLargeError(ValueError):
    """A file laid out as one JSON document is too large to read whole."""


def layout(head: bytes, *, complete: bool = False) -> Layout | None:
    """The layout, from the file's first decompressed bytes; None when they do not say yet.

    `complete` says `head` is the whole file. The first non-blank line
    decides, or the first two: a ``[`` line followed by an entity on one line
    (or by ``]``) is a framed dump, an entity on one line starts JSON lines,
    and a line opening an object or array it does not close starts a document.
    """
    head = head.removeprefix(BOM)
    lines = _first_lines(head, 1, complete)
    if lines is None:
        return None
    first = lines[0] if lines else b""
    if first == b"[":  # the dump's framing, or a pretty-printed array
        if (lines := _first_lines(head, 2, complete)) is None:
            return None
        first = lines[1] if len(lines) > 1 else b"]"
        if first == b"]":
            return "lines"
    if first[:1] == b"[" or (first[:1] == b"{" and not _one_line_object(first)):
        return "document"
    return "lines"  # garbage included: counted line by line as malformed


def _first_lines(head: bytes, count: int, complete: bool) -> list[bytes] | None:
    """The first `count` non-blank lines, stripped; None if `head` ends before them and is not the whole file."""
    found: list[bytes] = []
    start = 0
    while len(found) < count:
        end = head.find(b"\n", start)
        if end < 0:
            if not complete:
                return None
            if last := head[start:].strip():
                found.append(last)
            break
        if line := head[start:end].strip():
            found.append(line)
        start = end + 1
    return found


def _one_line_object(line: bytes) -> bool:
    line = line.rstrip(b",").rstrip()
    return line[:1] == b"{" and line[-1:] == b"}"


def collect(pieces: Iterable[bytes], limit: int | None = None) -> bytes:
    """The pieces of a document joined; raises `DocumentTooLargeError` past `limit` (`MAX_DOCUMENT_BYTES`)."""
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    parts: list[bytes] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > limit:
            raise DocumentTooLargeError(
                f"the file is one JSON document of more than {limit:,} bytes; "
                "a dump must have one entity a line (the JSON dump's layout, or JSON lines)"
            )
        parts.append(piece)
    return b"".join(parts)


def document_lines(document: bytes) -> bytes:
    """A document's entities, one a line: the elements of an array, each of a sequence of values, or itself.

    What is not valid JSON comes out as one line, which the parser counts as malformed.
    """
    text = document.removeprefix(BOM).strip()
    values: list[bytes] = [text]
    try:
        if text[:1] == b"[":
            values = [bytes(raw) for raw in _decode_array(text)]
        else:
            _validate(text)
    except msgspec.DecodeError:
        values = _value_sequence(text) or [text]
    return b"".join(value.translate(_ONE_LINE) + b"\n" for value in values if value)


def _value_sequence(text: bytes) -> list[bytes]:
    """The values of concatenated JSON documents (what ``jq .`` writes from JSON lines); empty if not that."""
    try:
        string = text.decode("utf-8")
        decoder = json.JSONDecoder()
        values: list[bytes] = []
        end = 0
        while end < len(string):
            value, end = decoder.raw_decode(string, end)
            values.append(json.dumps(value, ensure_ascii=False).encode())
            while end < len(string) and string[end] in " \t\r\n":
                end += 1
        return values if len(values) > 1 else []
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []

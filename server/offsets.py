"""Code point offsets ↔ the caller's unit: UTF-8 bytes or UTF-16 code units."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class OffsetUnit(Enum):
    """The unit a caller counts string positions in."""

    CODE_POINTS = "code_points"
    UTF8_BYTES = "utf8_bytes"
    UTF16_CODE_UNITS = "utf16_code_units"


def _length(piece: str, unit: OffsetUnit) -> int:
    if unit is OffsetUnit.UTF8_BYTES:
        return len(piece.encode("utf-8"))
    if unit is OffsetUnit.UTF16_CODE_UNITS:
        return len(piece.encode("utf-16-le", "surrogatepass")) // 2
    return len(piece)


def convert_offsets(text: str, positions: Iterable[int], unit: OffsetUnit) -> dict[int, int]:
    """Map each code point position in `text` to the same position counted in `unit`.

    One pass over the text whatever the number of positions: the pieces between
    consecutive positions are encoded, not every prefix.
    """
    wanted = sorted(set(positions))
    if unit is OffsetUnit.CODE_POINTS:
        return {p: p for p in wanted}
    converted: dict[int, int] = {}
    previous, total = 0, 0
    for position in wanted:
        total += _length(text[previous:position], unit)
        converted[position] = total
        previous = position
    return converted


def to_code_points(text: str, offsets: Iterable[int], unit: OffsetUnit) -> dict[int, int] | None:
    """Map offsets counted in `unit` to code point positions in `text`; None if one falls inside a
    character or past the end.

    One pass over the text up to the largest offset.
    """
    wanted = set(offsets)
    if unit is OffsetUnit.CODE_POINTS:
        return {o: o for o in wanted} if all(0 <= o <= len(text) for o in wanted) else None
    found: dict[int, int] = {}
    remaining = len(wanted)
    total = 0
    if 0 in wanted:
        found[0] = 0
        remaining -= 1
    for index, char in enumerate(text):
        if remaining == 0:
            break
        total += _length(char, unit)
        if total in wanted:
            found[total] = index + 1
            remaining -= 1
    return found if remaining == 0 else None

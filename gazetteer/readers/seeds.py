"""Reader for the curated seed files (`seeds/*.jsonl`), format in seeds/README.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gazetteer.jsonl import read_jsonl
from gazetteer.records import EntityKind, EntityRecord, is_valid_qid

SOURCE_NAME = "seeds"


class SeedFormatError(ValueError):
    """A seed line is not a valid entity; the message names file and line."""


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SeedFormatError(f"{where}: {field} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def record_from_seed(obj: dict[str, Any], where: str) -> EntityRecord:
    """One seed object → `EntityRecord`; raises `SeedFormatError` saying what is wrong."""
    qid = obj.get("qid")
    if not isinstance(qid, str) or not is_valid_qid(qid):
        raise SeedFormatError(f"{where}: qid {qid!r} is not a Wikidata item id like 'Q1028'")
    try:
        kind = EntityKind(str(obj.get("type")))
    except ValueError:
        raise SeedFormatError(f"{where}: type must be one of person, place, organization") from None
    label_ar = obj.get("label_ar") or ""
    if not isinstance(label_ar, str) or not label_ar.strip():
        raise SeedFormatError(f"{where}: label_ar is required")
    country = obj.get("country") or ""
    if country and not is_valid_qid(country):
        raise SeedFormatError(f"{where}: country {country!r} is not a QID")
    lat, lon = obj.get("lat"), obj.get("lon")
    if (lat is None) != (lon is None):
        raise SeedFormatError(f"{where}: lat and lon go together")
    return EntityRecord(
        qid=qid,
        kind=kind,
        label_ar=label_ar.strip(),
        label_en=str(obj.get("label_en") or "").strip(),
        description_ar=str(obj.get("description_ar") or "").strip(),
        description_en=str(obj.get("description_en") or "").strip(),
        aliases_ar=_strings(obj.get("aliases_ar"), where, "aliases_ar"),
        aliases_en=_strings(obj.get("aliases_en"), where, "aliases_en"),
        country_qid=country,
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        sitelinks=int(obj.get("sitelinks") or 0),
        instance_of=_strings(obj.get("instance_of"), where, "instance_of"),
        positions=_strings(obj.get("positions"), where, "positions"),
        sources=(SOURCE_NAME,),
        qid_verified=bool(obj.get("qid_verified", True)),
    )


def read_seed_file(path: Path) -> Iterator[EntityRecord]:
    """Every entity of one JSON-lines seed file, in file order."""
    for where, obj in read_jsonl(path, SeedFormatError):
        yield record_from_seed(obj, where)


def seed_files(seeds_dir: Path) -> list[Path]:
    """The seed files of a folder, in name order."""
    return sorted(seeds_dir.glob("*.jsonl"))


def read_seeds(seeds_dir: Path) -> Iterator[EntityRecord]:
    """Every entity of every seed file; a QID defined twice is an error."""
    seen: dict[str, str] = {}
    for path in seed_files(seeds_dir):
        for record in read_seed_file(path):
            if record.qid in seen:
                raise SeedFormatError(f"{path.name}: {record.qid} is already defined in {seen[record.qid]}")
            seen[record.qid] = path.name
            yield record

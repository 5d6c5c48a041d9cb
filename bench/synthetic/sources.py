"""What the project's own data gives the generator: seed people and places, countries, ordinary words.

Traps are derived from these files, never from a list written for the
generator: every famous seed person gets namesakes, every seed place name is
reused elsewhere, every one-word country or city name yields a nisba family
name, and the frequent nouns and adjectives of the word-frequency lexicon name
villages and newspapers.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic.vocabulary import NAME_PARTICLES, read_word_list

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "seeds"

COUNTRY_CLASSES = frozenset({"Q6256", "Q3624078"})
CITY_CLASSES = frozenset({"Q515", "Q5119", "Q1549591", "Q1637706", "Q200250"})
# Members of the Arab League: people there are named in the Arabic style (a fact about naming, not a seed list).
ARABIC_NAMING_COUNTRIES = frozenset(
    [
        "Q1028",
        "Q262",
        "Q948",
        "Q79",
        "Q851",
        "Q810",
        "Q822",
        "Q858",
        "Q796",
        "Q1016",
        "Q1049",
        "Q805",
        "Q842",
        "Q846",
        "Q878",
        "Q817",
        "Q398",
        "Q1025",
        "Q1045",
        "Q977",
        "Q970",
        "Q219060",
    ]
)


@dataclass(frozen=True, slots=True)
class SeedPerson:
    """A famous person split into the parts namesakes reuse."""

    label_ar: str
    label_en: str
    given_ar: str
    surname_ar: str
    given_en: str
    surname_en: str
    aliases_ar: tuple[str, ...]
    country: str


@dataclass(frozen=True, slots=True)
class SeedPlace:
    """A seed place: its names, country and whether it is a country or a city."""

    qid: str
    label_ar: str
    label_en: str
    aliases_ar: tuple[str, ...]
    country: str
    is_country: bool
    is_city: bool


def _read_jsonl(name: str) -> list[dict[str, object]]:
    path = SEEDS_DIR / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_name(words: list[str]) -> tuple[str, str]:
    """(given, surname) of a full name: عبد اللطيف لوديي → (عبد اللطيف, لوديي); محمد بن سلمان → (محمد, بن سلمان)."""
    given_len = 2 if words[0] in NAME_PARTICLES and len(words) > 2 else 1
    tail = words[given_len:]
    surname_len = 2 if len(tail) >= 2 and tail[-2] in NAME_PARTICLES else 1
    return " ".join(words[:given_len]), " ".join(tail[-surname_len:])


def seed_people(regnal: frozenset[str]) -> list[SeedPerson]:
    """Seed people with a given name and a surname (mononyms and regnal names such as محمد الخامس left out)."""
    people = []
    for row in _read_jsonl("people.jsonl"):
        words_ar = str(row.get("label_ar", "")).split()
        words_en = str(row.get("label_en", "")).split()
        if len(words_ar) < 2 or len(words_en) < 2:
            continue
        given_ar, surname_ar = split_name(words_ar)
        if surname_ar in regnal or not given_ar:
            continue
        aliases = row.get("aliases_ar") or []
        people.append(
            SeedPerson(
                label_ar=" ".join(words_ar),
                label_en=" ".join(words_en),
                given_ar=given_ar,
                surname_ar=surname_ar,
                given_en=words_en[0],
                surname_en=words_en[-1],
                aliases_ar=tuple(str(a) for a in aliases if isinstance(a, str)),
                country=str(row.get("country") or ""),
            )
        )
    return people


def seed_places() -> list[SeedPlace]:
    """Every seed place with an Arabic label."""
    places = []
    for row in _read_jsonl("places.jsonl"):
        classes = set(row.get("instance_of") or [])  # type: ignore[arg-type]
        label = str(row.get("label_ar") or "").strip()
        if not label:
            continue
        places.append(
            SeedPlace(
                qid=str(row["qid"]),
                label_ar=label,
                label_en=str(row.get("label_en") or label),
                aliases_ar=tuple(str(a) for a in row.get("aliases_ar") or []),  # type: ignore[attr-defined]
                country=str(row.get("country") or row["qid"]),
                is_country=bool(classes & COUNTRY_CLASSES),
                is_city=bool(classes & CITY_CLASSES),
            )
        )
    return places


def _lexicon_surface_forms() -> list[tuple[str, str, int]]:
    """(surface form, tag, frequency) of Arramooz's word-frequency table, or [] when not installed."""
    spec = importlib.util.find_spec("arramooz")
    if spec is None or not spec.submodule_search_locations:
        return []
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordfreq.sqlite"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT unvocalized, word_type, freq FROM wordfreq WHERE word_type IN ('noun', 'adj')")
        out = [(str(w), str(t), int(f or 0)) for w, t, f in rows]
    conn.close()
    return out


def ordinary_words(limit: int = 1500) -> list[str]:
    """Frequent ordinary nouns and adjectives, most frequent first, as written (with hamza and ة).

    Candidates are the project's common-word list and the lexicon's nouns and
    adjectives; a word is kept when the lexicon (`gazetteer.lexicon.word_frequencies`)
    reads it mostly as a noun or adjective and seldom as a proper noun: exactly the
    words that are dangerous as place names (النور، الأمل، السلام).
    """
    from gazetteer.lexicon import word_frequencies  # the linker's own lexicon, loaded once
    from gazetteer.normalize import normalize

    table = word_frequencies()
    scored: dict[str, tuple[int, str]] = {}
    candidates = [(w, "", 0) for w in read_word_list("common_words_ar.txt")] + _lexicon_surface_forms()
    for surface, _, _ in candidates:
        bare = surface[2:] if surface.startswith("ال") else surface
        if len(bare) < 3 or " " in bare:
            continue
        key = normalize(bare).replace(" ", "")
        ordinary, proper, adjective, noun = table.get(key, (0, 0, 0, 0))
        if ordinary < 2000 or proper * 5 > ordinary or (adjective + noun) * 10 < ordinary * 7:
            continue
        if key not in scored or scored[key][0] < ordinary:
            scored[key] = (ordinary, bare)
    ranked = sorted(scored.values(), key=lambda s: (-s[0], s[1]))
    return [word for _, word in ranked[:limit]]

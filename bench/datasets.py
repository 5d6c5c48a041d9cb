"""What the service benchmark runs on: synthetic gazetteers, the seed article, a 1 MB news-like text,
and real newswire when the ANERcorp half is at hand.

Gazetteers of N entities are built from a synthetic dump of N entities that
are all in scope (`bench.build_bench.prepare_dumps` with in_scope 1.0), with
the curated seeds merged as the real build does. Dumps and gazetteers live in
`bench/data/` (gitignored) and are reused while the gazetteer still opens
with this code's schema and normaliser versions; a version bump rebuilds the
gazetteer from the kept dump.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.build_bench import DATA, prepare_dumps
from evaluation import anercorp
from evaluation.devset import SEED_ARTICLE_PATH, SEEDS_DIR, load_passages
from gazetteer.loader import GazetteerLoadError, load_gazetteer
from gazetteer.schema import SchemaMismatchError

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
IN_SCOPE = 1.0  # every dump entity is a person, place or organisation the profile keeps
LONG_TEXT_BYTES = 1_000_000  # UTF-8 bytes: under the server's default 1 MiB limit
_ALIASES = frozenset({"aliases_ar", "aliases_en"})


@dataclass(frozen=True, slots=True)
class GazetteerFacts:
    """Sizes of one gazetteer file, for the table."""

    path: Path
    entities: int
    names: int
    distinct_keys: int
    file_bytes: int


# The seed of the dump with the other shape of namesakes: another draw as well as another shape.
PROMINENT_NAMESAKES_SEED = 2


def gazetteer_path(size: int, labels_only: bool = False, prominent_namesakes: bool = False) -> Path:
    """Where the synthetic gazetteer of `size` dump entities is kept (options: see `ensure_gazetteer`)."""
    return (
        DATA / f"gazetteer-{size}{'-labels' if labels_only else ''}{'-prominent' if prominent_namesakes else ''}.sqlite"
    )


def usable(path: Path) -> bool:
    """True when `path` is a gazetteer this code can serve (present, readable, same versions)."""
    try:
        load_gazetteer(path).close()
    except (GazetteerLoadError, SchemaMismatchError, sqlite3.DatabaseError) as exc:
        if path.exists():
            _LOGGER.info("rebuilding %s: %s", path.name, exc)
        return False
    return True


def ensure_gazetteer(size: int, labels_only: bool = False, prominent_namesakes: bool = False) -> Path:
    """The gazetteer of `size` synthetic entities plus the seeds: reused when usable, else built.

    `labels_only`: the seeds without their aliases, as thin Wikidata items carry them (labels,
    descriptions, statements), inside the same entities; the shape the hidden checks use.
    `prominent_namesakes`: entities drawn with another seed and the generator's other shape of
    namesakes (twice as many, some better known than the famous bearer): a gazetteer built
    differently from the one the linker was measured on while it was written.
    """
    path = gazetteer_path(size, labels_only, prominent_namesakes)
    if usable(path):
        _LOGGER.info("reusing %s", path)
        return path
    seed = PROMINENT_NAMESAKES_SEED if prominent_namesakes else 1
    dump = prepare_dumps(size, IN_SCOPE, ["plain"], seed, prominent_namesakes)["plain"]
    with tempfile.TemporaryDirectory(prefix="seeds-") as folder:
        seeds = _label_only_seeds(Path(folder)) if labels_only else SEEDS_DIR
        command = [sys.executable, "-m", "gazetteer", "build", "--dump", str(dump), "--seeds", str(seeds)]
        command += ["--out", str(path), "--no-progress"]
        log = path.with_suffix(".log")
        started = time.monotonic()
        _LOGGER.info("building %s from %s", path.name, dump.name)
        with log.open("wb") as log_file:
            code = subprocess.call(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    if code != 0:
        raise RuntimeError(f"gazetteer build of {size} entities failed ({code}), see {log}")
    _LOGGER.info("built %s in %.0fs", path.name, time.monotonic() - started)
    return path


def _label_only_seeds(folder: Path) -> Path:
    """The seed files written into `folder` without their Arabic and English aliases."""
    for source in sorted(SEEDS_DIR.glob("*.jsonl")):
        entities = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines = [json.dumps({k: v for k, v in e.items() if k not in _ALIASES}, ensure_ascii=False) for e in entities]
        (folder / source.name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def gazetteer_facts(path: Path) -> GazetteerFacts:
    """Entity, name and distinct-key counts of a gazetteer file."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        entities = conn.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
        names = conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        keys = conn.execute("SELECT COUNT(DISTINCT key) FROM names").fetchone()[0]
    conn.close()
    return GazetteerFacts(path, entities, names, keys, path.stat().st_size)


def seed_article() -> str:
    """The user's seed article (about 2,400 characters)."""
    return SEED_ARTICLE_PATH.read_text(encoding="utf-8")


def dev_passages() -> list[str]:
    """The plain text of every development passage (markup removed by `evaluation.devset.parse_markup`)."""
    return [passage.text for passage in load_passages()]


def _joined_within(paragraphs: Iterable[str], max_bytes: int) -> str:
    """`paragraphs` in the order given, a blank line between them, until the next would pass `max_bytes`."""
    chosen: list[str] = []
    size = 0
    for paragraph in paragraphs:
        cost = len(paragraph.encode("utf-8")) + 2  # the blank line between paragraphs
        if size + cost > max_bytes:
            break
        chosen.append(paragraph)
        size += cost
    return "\n\n".join(chosen)


def long_text(target_bytes: int = LONG_TEXT_BYTES, seed: int = 1) -> str:
    """News-like text of at most `target_bytes` UTF-8 bytes: the seed article and dev passages, shuffled.

    Paragraphs are drawn at random (fixed seed) until the next would pass the
    size, so the text is the same on every run.
    """
    paragraphs = [seed_article(), *dev_passages()]
    rng = random.Random(seed)
    return _joined_within(iter(lambda: rng.choice(paragraphs), None), target_bytes)


def real_newswire(max_bytes: int) -> str:
    """Up to `max_bytes` UTF-8 bytes of real 2007 newswire: the ANERcorp half's sentences in order, a
    blank line between them; "" when the file is not at hand or `max_bytes` is 0.

    Read where `evaluation.anercorp` reads it (`../shared`, or `ENTITYLINKER_ANERCORP`) and never
    copied: its licence is research-only.
    """
    path = anercorp.default_path()
    if not max_bytes or not path.is_file():
        if max_bytes:
            _LOGGER.warning("no real newswire row: %s is not here", path)
        return ""
    return _joined_within((sentence.text for sentence in anercorp.load_sentences(path)), max_bytes)


def articles_of(text: str, length: int) -> list[str]:
    """`text`'s paragraphs (blank-line separated), in order, gathered into articles of at least
    `length` characters (the last may be shorter)."""
    articles: list[str] = []
    current: list[str] = []
    for paragraph in text.split("\n\n"):
        current.append(paragraph)
        if sum(map(len, current)) >= length:
            articles.append("\n\n".join(current))
            current = []
    if current:
        articles.append("\n\n".join(current))
    return articles


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the synthetic gazetteers of the given sizes: `python -m bench.datasets 1000000`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.datasets", description=main.__doc__)
    parser.add_argument("sizes", nargs="+", type=int, help="entities, e.g. 1000000")
    parser.add_argument("--labels-only", action="store_true", help="the seeds without their aliases")
    parser.add_argument(
        "--prominent-namesakes",
        action="store_true",
        help="another draw, with twice as many namesakes of famous people and heavy-tailed sitelinks",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for size in args.sizes:
        print(ensure_gazetteer(size, args.labels_only, args.prominent_namesakes))
    return 0


if __name__ == "__main__":
    sys.exit(main())

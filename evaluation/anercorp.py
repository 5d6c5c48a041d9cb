"""Real newswire: the linker on ANERcorp's development half (NER spans, no entity links).

The file is read from outside the repository (research-only licence: never copy
it in). Default `../shared/data/anercorp-dev.jsonl` from the repository root;
`--anercorp PATH` or `ENTITYLINKER_ANERCORP` override it. A missing file is
reported and skipped.

Figures, for one gazetteer:

* **On a name:** the share of links whose span overlaps an annotated span (of
  any type); **exact:** the span equals it; **exact up to a proclitic:** the
  annotated span is the link plus a leading و ف ب ل ك (ANERcorp tokens keep
  their clitics: وإسرائيل).
* **Type agreement:** over links on a PER, LOC or ORG span, the share whose
  entity type matches (person~PER, place~LOC, organization~ORG); links on a
  MISC span are counted separately.
* **Recall on gazetteer names:** an annotated PER/LOC/ORG span is a gazetteer
  name when its normalised key (`gazetteer.keys.name_key`), or that key with
  the first word's proclitic stripped as the linker strips it
  (`server.linking.clitics.proclitic_splits`), has names rows in the gazetteer
  (`Gazetteer.refs`). It is recalled when a link overlaps it (loose) or lies
  on it exactly up to a proclitic (strict).
* **False links:** links that overlap no annotated span, by surface.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.devset import REPO_ROOT
from gazetteer.jsonl import read_jsonl

ENV_VAR = "ENTITYLINKER_ANERCORP"
DEFAULT_PATH = REPO_ROOT.parent / "shared" / "data" / "anercorp-dev.jsonl"
BENCH_1M_PATH = REPO_ROOT / "bench" / "data" / "gazetteer-1000000.sqlite"
TYPE_OF_KIND = {"person": "PER", "place": "LOC", "organization": "ORG"}
NAME_TYPES = ("PER", "LOC", "ORG")
PROCLITIC_LETTERS = frozenset("وفبلك")
TOP_FALSE = 20


def default_path() -> Path:
    """`ENTITYLINKER_ANERCORP` if set, else `../shared/data/anercorp-dev.jsonl` from the repository root."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else DEFAULT_PATH


@dataclass(frozen=True, slots=True)
class Span:
    """One annotated NER span."""

    start: int
    end: int
    type: str
    surface: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with its spans."""

    id: str
    text: str
    spans: tuple[Span, ...]


def load_sentences(path: Path) -> list[Sentence]:
    """Every sentence of an ANERcorp-format JSON-lines file ({"id", "text", "spans": [{"start", "end", "type",
    "surface"}]})."""
    sentences = []
    for where, obj in read_jsonl(path):
        try:
            spans = tuple(Span(int(s["start"]), int(s["end"]), str(s["type"]), str(s["surface"])) for s in obj["spans"])
            sentences.append(Sentence(str(obj["id"]), str(obj["text"]), spans))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: not an ANERcorp sentence ({exc!r})") from None
    return sentences


def is_gazetteer_name(surface: str, has_key: Callable[[str], bool]) -> bool:
    """True when the surface's key, or that key with the first word's proclitic stripped, is a gazetteer key."""
    from gazetteer.keys import name_key
    from server.linking.clitics import proclitic_splits

    key = name_key(surface)
    if not key:
        return False
    if has_key(key):
        return True
    first, _, rest = key.partition(" ")
    return any(has_key(f"{split.stem} {rest}".strip()) for split in proclitic_splits(first))


def _exact_up_to_proclitic(text: str, start: int, end: int, span: Span) -> bool:
    if end != span.end or not span.start <= start:
        return False
    prefix = text[span.start : start]
    return len(prefix) <= 3 and all(c in PROCLITIC_LETTERS for c in prefix)


@dataclass(slots=True)
class AnercorpReport:
    """The figures of one gazetteer on the file."""

    gazetteer: str
    sentences: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    links: int = 0
    on_name: int = 0
    exact: int = 0
    exact_up_to_proclitic: int = 0
    on_misc: int = 0
    type_agree: int = 0
    type_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (entity kind, span type)
    gazetteer_names: Counter[str] = field(default_factory=Counter)  # by span type
    recalled_loose: Counter[str] = field(default_factory=Counter)
    recalled_strict: Counter[str] = field(default_factory=Counter)
    false_links: Counter[tuple[str, str]] = field(default_factory=Counter)  # (surface, "label|QID")
    crashes: int = 0
    seconds: float = 0.0
    # (sentence number, start, end) → QID of every link: what another gazetteer's links are compared with.
    link_qids: dict[tuple[int, int, int], str] = field(default_factory=dict)
    # Of the seed gazetteer's links, how many this one makes too (same span, same entity), and all of them.
    seed_links_kept: tuple[int, int] | None = None

    @property
    def typed_links(self) -> int:
        """Links on a PER, LOC or ORG span."""
        return self.on_name - self.on_misc

    def as_dict(self) -> dict[str, Any]:
        def share(a: int, b: int) -> float:
            return round(a / b, 6) if b else 0.0

        names = sum(self.gazetteer_names.values())
        return {
            "gazetteer": self.gazetteer,
            "sentences": self.sentences,
            "spans": dict(self.spans),
            "links": self.links,
            "on_name_share": share(self.on_name, self.links),
            "exact_share": share(self.exact, self.links),
            "exact_up_to_proclitic_share": share(self.exact_up_to_proclitic, self.links),
            "on_misc": self.on_misc,
            "type_agreement": share(self.type_agree, self.typed_links),
            "type_confusion": {f"{k}~{t}": n for (k, t), n in sorted(self.type_confusion.items())},
            "gazetteer_names": names,
            "recall_loose": share(sum(self.recalled_loose.values()), names),
            "recall_strict": share(sum(self.recalled_strict.values()), names),
            "recall_by_type": {
                t: {
                    "names": self.gazetteer_names[t],
                    "loose": share(self.recalled_loose[t], self.gazetteer_names[t]),
                    "strict": share(self.recalled_strict[t], self.gazetteer_names[t]),
                }
                for t in NAME_TYPES
            },
            "top_false_links": [
                {"surface": s, "entity": e, "count": n} for (s, e), n in self.false_links.most_common(TOP_FALSE)
            ],
            "crashes": self.crashes,
            "seconds": round(self.seconds, 1),
            **(
                {"seed_links_kept": self.seed_links_kept[0], "seed_links": self.seed_links_kept[1]}
                if self.seed_links_kept
                else {}
            ),
        }


def links_kept(reference: AnercorpReport, other: AnercorpReport) -> tuple[int, int]:
    """How many of `reference`'s links `other` makes too (same sentence, span and entity), of all of them.

    With the seed gazetteer as the reference and a large one as the other, this shows where a
    crowd of entities hides the right answer rather than adds a namesake.
    """
    kept = sum(1 for place, qid in reference.link_qids.items() if other.link_qids.get(place) == qid)
    return kept, len(reference.link_qids)


def evaluate_anercorp(linker: Any, sentences: Sequence[Sentence], gazetteer_name: str) -> AnercorpReport:
    """Link every sentence with `linker` and measure the links against the NER spans."""
    started = time.monotonic()
    report = AnercorpReport(gazetteer=gazetteer_name, sentences=len(sentences))
    gazetteer = linker.gazetteer

    def has_key(key: str) -> bool:
        return bool(gazetteer.refs(key))

    for number, sentence in enumerate(sentences):
        report.spans.update(s.type for s in sentence.spans)
        try:
            mentions = linker.link(sentence.text).mentions
        except Exception:  # a report: one bad sentence must not hide the others
            report.crashes += 1
            mentions = []
        for m in mentions:
            report.links += 1
            report.link_qids[(number, m.start, m.end)] = m.entity.qid
            overlapping = [s for s in sentence.spans if s.start < m.end and m.start < s.end]
            if not overlapping:
                entity = m.entity
                report.false_links[(m.surface, f"{entity.label_en or entity.label_ar}|{entity.qid}")] += 1
                continue
            report.on_name += 1
            span = max(overlapping, key=lambda s: min(s.end, m.end) - max(s.start, m.start))
            report.exact += (span.start, span.end) == (m.start, m.end)
            report.exact_up_to_proclitic += _exact_up_to_proclitic(sentence.text, m.start, m.end, span)
            kind = m.entity.kind.value
            report.type_confusion[(kind, span.type)] += 1
            if span.type == "MISC":
                report.on_misc += 1
            elif TYPE_OF_KIND.get(kind) == span.type:
                report.type_agree += 1
        for span in sentence.spans:
            if span.type not in NAME_TYPES or not is_gazetteer_name(span.surface, has_key):
                continue
            report.gazetteer_names[span.type] += 1
            on_it = [m for m in mentions if span.start < m.end and m.start < span.end]
            if on_it:
                report.recalled_loose[span.type] += 1
            if any(_exact_up_to_proclitic(sentence.text, m.start, m.end, span) for m in on_it):
                report.recalled_strict[span.type] += 1
    report.seconds = time.monotonic() - started
    return report

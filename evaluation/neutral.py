"""Every seed name in a sentence that says nothing about it: does a large gazetteer still link it?

A name in a neutral sentence (no cue, no demonym, no country or role in view)
links on its own strength. With the seed gazetteer every label and alias of a
seed entity does; inside a million Wikidata-like entities a name may be lost to
a namesake, or to a rule written for shared names. This view lists those losses,
so that a rule which silences a well-known name at scale shows up: بان كي مون
did, under the rule for names that every country's institutions bear.

Losing a name to a namesake the large gazetteer makes better known is no error
in a sentence that says nothing else; the list says which entity took it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gazetteer.records import EntityKind, EntityRecord

# One sentence per kind, with nothing in it that speaks for any entity: no cue word right before
# the name, no verb whose gender would choose between namesakes, no country.
_SENTENCES = {
    EntityKind.PERSON: "وذكرت مصادر أن {} يزور المنطقة الأسبوع المقبل.",
    EntityKind.PLACE: "ووصل الوفد إلى {} أمس في زيارة رسمية.",
    EntityKind.ORGANIZATION: "وأعلنت {} في بيان أن المحادثات ستستمر.",
}


def neutral_sentence(kind: EntityKind, name: str) -> str:
    """The neutral sentence for a name of an entity of this kind."""
    return _SENTENCES[kind].format(name)


@dataclass(slots=True)
class NeutralLoss:
    """A seed name the large gazetteer does not link to its entity in the neutral sentence."""

    qid: str
    name: str
    linked: list[tuple[str, str]]  # what the large gazetteer linked there: (surface, QID)


@dataclass(slots=True)
class NeutralReport:
    gazetteer: str
    names: int = 0  # (entity, Arabic name) pairs the seed gazetteer links in their neutral sentence
    lost: list[NeutralLoss] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.names - len(self.lost)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gazetteer": self.gazetteer,
            "names": self.names,
            "kept": self.kept,
            "lost": [{"qid": x.qid, "name": x.name, "linked": [list(m) for m in x.linked]} for x in self.lost],
        }


def _links(linker: Any, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entity.qid) for m in linker.link(text).mentions]


def neutral_names(
    seed_linker: Any, large_linker: Any, records: Iterable[EntityRecord], gazetteer: str
) -> NeutralReport:
    """Link each seed entity's Arabic names in their neutral sentence with both linkers and count the
    ones the seed gazetteer links that the large one does not."""
    report = NeutralReport(gazetteer)
    for record in records:
        for name in record.names_ar():
            text = neutral_sentence(record.kind, name)
            if (name, record.qid) not in _links(seed_linker, text):
                continue  # not a name the seeds link there either: nothing to lose
            report.names += 1
            linked = _links(large_linker, text)
            if (name, record.qid) not in linked:
                report.lost.append(NeutralLoss(record.qid, name, linked))
    return report

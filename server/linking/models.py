"""Plain data in and out of the linking core: no gRPC types here."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.records import EntityKind, EntityRecord


class Candidate:
    """An entity proposed for a mention or a name, with its score in [0, 1]."""

    # A plain class (see ARCHITECTURE.md); nothing changes it once made.
    def __init__(self, entity: EntityRecord, score: float) -> None:
        self.entity = entity
        self.score = score

    def __repr__(self) -> str:
        return f"Candidate({self.entity.qid}, {self.score})"


class Mention:
    """A linked span of the caller's text; `start`/`end` are code point offsets.

    `alternatives`: the runners-up, best first, not including `entity`.
    """

    def __init__(
        self,
        start: int,
        end: int,
        surface: str,
        entity: EntityRecord,
        score: float,
        alternatives: tuple[Candidate, ...] = (),
    ) -> None:
        self.start = start
        self.end = end
        self.surface = surface
        self.entity = entity
        self.score = score
        self.alternatives = alternatives

    def __repr__(self) -> str:
        return f"Mention({self.start}, {self.end}, {self.surface!r}, {self.entity.qid}, {self.score})"


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """What a caller may tune per request."""

    kinds: frozenset[EntityKind] = frozenset()  # empty: every kind
    min_score: float | None = None  # None: the linker's default
    max_candidates: int = 0  # alternatives per mention


@dataclass(frozen=True, slots=True)
class LinkResult:
    """Mentions in text order."""

    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Shortcuts:
    """The core's speed tricks. Each is exact: the plain path gives byte-identical output
    (tests/test_equivalence.py switches them all off, and the compiled core too)."""

    # A span that links nothing without context (an ordinary word, no cue before it) is not
    # scored in the first pass, nor read at all unless the second pass can open it.
    skip_closed_spans: bool = True
    # Little-known entities named by an ordinary word are passed over unless named in full.
    skip_obscure_ordinary: bool = True
    # A one-word name that is only an obscure namesake's surname is passed over unless that
    # person is named in full.
    skip_obscure_surnames: bool = True
    # The second pass keeps a candidate's first-pass answer when the context does not reach it.
    reuse_first_pass: bool = True
    # Per-word and per-key look-ups are remembered (bounded) across calls.
    memos: bool = True


ALL_SHORTCUTS = Shortcuts()
NO_SHORTCUTS = Shortcuts(
    skip_closed_spans=False,
    skip_obscure_ordinary=False,
    skip_obscure_surnames=False,
    reuse_first_pass=False,
    memos=False,
)

"""Plain data in and out of the linking core: no gRPC types here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gazetteer.records import EntityKind, EntityRecord

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity proposed for a mention or a name, with its score in [0, 1]."""

    entity: EntityRecord
    score: float


@dataclass(frozen=True, slots=True)
class Mention:
    """A linked span of the caller's text; `start`/`end` are code point offsets."""

    start: int
    end: int
    surface: str
    entity: EntityRecord
    score: float
    # Runners-up, best first, not including `entity`.
    alternatives: tuple[Candidate, ...] = ()


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

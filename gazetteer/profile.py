"""The scope profile: which Wikidata entities the gazetteer keeps.

Scope is declared in a small JSON file (`profile.json` next to this module by
default), not in code, as OpenTapioca does with its indexing profiles. The
dump reader decides with `Profile.kind_of`, and the SPARQL query templates get
their class lists from `Profile.sparql_values`, so both sources share one scope.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer.keys import name_key
from gazetteer.records import EntityKind, is_valid_qid

_LOGGER = logging.getLogger(__name__)

DEFAULT_PROFILE_PATH = Path(__file__).with_name("profile.json")


class ProfileError(ValueError):
    """The profile file is missing, not JSON, or declares something invalid."""


@dataclass(frozen=True, slots=True)
class Profile:
    """The scope of a build. Class and occupation sets hold QIDs."""

    require_arabic_name: bool
    person_classes: frozenset[str]
    any_position_held: bool
    occupations: frozenset[str]
    place_classes: frozenset[str]
    place_requires_coordinates: bool
    organization_classes: frozenset[str]
    path: str = ""
    # A person whose description says an office (سياسي مغربي، وزير الخارجية، "Moroccan politician"):
    # an official even when the entity carries no P39 or P106, as many do. Arabic: the description's
    # first word, keyed; English: whole words anywhere in it.
    official_words_ar: frozenset[str] = frozenset()
    official_words_en: frozenset[str] = frozenset()
    _official_en: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.official_words_en:
            words = "|".join(sorted(map(re.escape, self.official_words_en)))
            object.__setattr__(self, "_official_en", re.compile(rf"\b(?:{words})\b", re.IGNORECASE))

    def describes_an_official(self, description_ar: str, description_en: str) -> bool:
        """Whether the description names an office or a political role."""
        first_ar = description_ar.split(maxsplit=1)[:1]
        if first_ar and name_key(first_ar[0]) in self.official_words_ar:
            return True
        return self._official_en is not None and self._official_en.search(description_en) is not None

    @property
    def scope_classes(self) -> frozenset[str]:
        """Every P31 class that can put an entity in scope."""
        return self.person_classes | self.place_classes | self.organization_classes

    def kind_of(
        self,
        classes: Iterable[str],
        *,
        has_position: bool,
        occupations: Iterable[str],
        has_coordinates: bool,
        description_ar: str = "",
        description_en: str = "",
    ) -> EntityKind | None:
        """The kind an entity is kept as, or None when it is out of scope."""
        class_set = set(classes)
        if class_set & self.person_classes and (
            (self.any_position_held and has_position)
            or not self.occupations.isdisjoint(occupations)
            or self.describes_an_official(description_ar, description_en)
        ):
            return EntityKind.PERSON
        if class_set & self.place_classes and (has_coordinates or not self.place_requires_coordinates):
            return EntityKind.PLACE
        if class_set & self.organization_classes:
            return EntityKind.ORGANIZATION
        return None

    def sparql_values(self, kind: str) -> str:
        """A set of QIDs as the body of a SPARQL VALUES clause: ``wd:Q5 wd:Q515``.

        `kind` is one of person_classes, occupations, place_classes, organization_classes.
        """
        qids: frozenset[str] = getattr(self, kind)
        return " ".join(f"wd:{q}" for q in sorted(qids, key=lambda q: int(q[1:])))


def _qids(section: dict[str, Any], key: str, where: str) -> frozenset[str]:
    value = section.get(key, {})
    # A mapping QID → English name (documentation), or a plain list of QIDs.
    qids = list(value) if isinstance(value, dict | list) else None
    if qids is None or not all(isinstance(q, str) and is_valid_qid(q) for q in qids):
        raise ProfileError(f"{where}: {key} must map item ids like 'Q5' to their names, got {value!r}")
    return frozenset(qids)


def _words(section: dict[str, Any], key: str, where: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise ProfileError(f"{where}: person: {key} must be a list of words, got {value!r}")
    return [w.strip() for w in value]


def _section(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ProfileError(f"{where}: {name} must be an object")
    return section


def profile_from_dict(data: dict[str, Any], where: str = "profile") -> Profile:
    """Build a `Profile` from its JSON object; raises `ProfileError` naming the bad field."""
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: the profile must be a JSON object")
    person = _section(data, "person", where)
    place = _section(data, "place", where)
    organization = _section(data, "organization", where)
    profile = Profile(
        require_arabic_name=bool(data.get("require_arabic_name", True)),
        person_classes=_qids(person, "instance_of", f"{where}: person"),
        any_position_held=bool(person.get("any_position_held", True)),
        occupations=_qids(person, "occupations", f"{where}: person"),
        place_classes=_qids(place, "instance_of", f"{where}: place"),
        place_requires_coordinates=bool(place.get("require_coordinates", True)),
        organization_classes=_qids(organization, "instance_of", f"{where}: organization"),
        path=where,
        official_words_ar=frozenset(name_key(w) for w in _words(person, "official_description_words_ar", where)),
        official_words_en=frozenset(_words(person, "official_description_words_en", where)),
    )
    if not profile.scope_classes:
        raise ProfileError(f"{where}: no instance_of class declared, nothing would be kept")
    return profile


def load_profile(path: Path | None = None) -> Profile:
    """Read a profile file (the packaged `profile.json` by default)."""
    path = path or DEFAULT_PROFILE_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    profile = profile_from_dict(data, str(path))
    _LOGGER.debug("profile %s: %d scope classes", path, len(profile.scope_classes))
    return profile

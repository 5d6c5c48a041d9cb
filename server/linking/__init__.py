"""The linking core: tokenise, strip clitics, generate candidates, score, disambiguate.

It runs compiled by mypyc when `make native` has built it for these very
sources (see `_native`), and as plain Python otherwise: the same code either way.
"""

from server.linking._native import use_compiled_core

COMPILED = use_compiled_core(__path__)

from server.linking.linker import DEFAULT_MIN_SCORE, Linker  # noqa: E402  (after choosing the build)
from server.linking.models import (  # noqa: E402
    ALL_SHORTCUTS,
    NO_SHORTCUTS,
    Candidate,
    LinkOptions,
    LinkResult,
    Mention,
    Shortcuts,
)

__all__ = [
    "ALL_SHORTCUTS",
    "COMPILED",
    "DEFAULT_MIN_SCORE",
    "NO_SHORTCUTS",
    "Candidate",
    "LinkOptions",
    "LinkResult",
    "Linker",
    "Mention",
    "Shortcuts",
]

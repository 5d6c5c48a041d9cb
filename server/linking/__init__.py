"""The linking core: tokenise, strip clitics, generate candidates, score, disambiguate.

It runs compiled by mypyc when `make native` has built it for these very
sources (see `_native`), and as plain Python otherwise: the same code either way.
"""

from server.linking._native import use_compiled_core

COMPILED = use_compiled_core(__path__)

from server.linking.linker import DEFAULT_MIN_SCORE, Linker  # noqa: E402  (after choosing the build)
from server.linking.models import Candidate, LinkOptions, LinkResult, Mention  # noqa: E402

__all__ = ["COMPILED", "DEFAULT_MIN_SCORE", "Candidate", "LinkOptions", "LinkResult", "Linker", "Mention"]

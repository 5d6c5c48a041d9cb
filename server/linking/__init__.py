"""The linking core: tokenise, strip clitics, generate candidates, score, disambiguate."""

from server.linking.linker import DEFAULT_MIN_SCORE, Linker
from server.linking.models import Candidate, LinkOptions, LinkResult, Mention

__all__ = ["DEFAULT_MIN_SCORE", "Candidate", "LinkOptions", "LinkResult", "Linker", "Mention"]

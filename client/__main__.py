"""`python -m client` from the repository root: the installed `entitylinker` command (client/src/)."""

from __future__ import annotations

import sys

from entitylinker_client.cli import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())

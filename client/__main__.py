"""`python -m client` from the repository root: the installed `entitylinker` command (client/src/)."""

from __future__ import annotations

import sys

from entitylinker_client.cli import build_parser, main
from entitylinker_client.client import MAX_RECEIVE_BYTES, channel_options

# The shipped client's channel (service config, retries, receive limit), for tests that call as it does.
CHANNEL_OPTIONS = channel_options()

__all__ = ["CHANNEL_OPTIONS", "MAX_RECEIVE_BYTES", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())

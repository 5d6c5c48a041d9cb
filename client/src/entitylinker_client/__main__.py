"""`python -m entitylinker_client`: the `entitylinker` command."""

import sys

from entitylinker_client.cli import main

sys.exit(main())

"""``python -m orchestrator_graph.cli``: the command line."""

import sys

from orchestrator_graph.cli import main

sys.exit(main())

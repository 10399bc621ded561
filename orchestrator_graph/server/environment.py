"""The served orchestrator's config from the environment, read by the Studio graph
(``studio.py``) and the HTTP app (``http_api.py``) when they start.

    ``ORCHESTRATOR_STATE``: where the checkpoints, the ledger, the budget holds and the
        answer cache live: a folder, or a ``postgresql://`` URL shared by several servers
        (``storage.location``; default: a deployment's ``DATABASE_URI``, else ``checkpoints``).
    ``ORCHESTRATOR_INTERRUPT_BELOW``: a confidence (0-1) under which a turn pauses
        with ``interrupt()`` for a person to pick the route in Studio.
    ``ORCHESTRATOR_SIMULATED_FIRST_TOKEN_MS``, ``ORCHESTRATOR_SIMULATED_TOKEN_MS``: offline,
        the simulated models' pace (``chat_models``; the load test sets them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.storage.location import state_location

INTERRUPT_BELOW_ENV = "ORCHESTRATOR_INTERRUPT_BELOW"


def config_from_env(environ: Mapping[str, str] | None = None) -> OrchestratorConfig:
    """``OrchestratorConfig`` with the ledger where the state is (``state_location``)
    and the interrupt threshold, from ``environ`` (default ``os.environ``)."""
    environ = dict(os.environ if environ is None else environ)
    options: dict[str, Any] = {}
    below = environ.get(INTERRUPT_BELOW_ENV)
    if below:
        try:
            options["interrupt_below"] = float(below)
        except ValueError as exc:
            raise ValueError(
                f"{INTERRUPT_BELOW_ENV} must be a number in 0-1, got {below!r}"
            ) from exc
    return state_location(environ).config(OrchestratorConfig().updated(options))

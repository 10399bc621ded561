"""The module-level graph that ``langgraph.json`` serves (``langgraph dev``, Studio).

Compiled without a checkpointer: the server brings its own (the factory named under
``checkpointer`` in ``langgraph.json``, ``storage.location.langgraph_checkpointer``).
Offline it runs on simulated models; with ``OPENAI_API_KEY`` set, on ``ChatOpenAI``
(``OPENAI_BASE_URL`` points it at any OpenAI-compatible endpoint).

Environment read when the server loads the graph:
    ``ORCHESTRATOR_STATE``: where the checkpoints, the ledger, the budget holds and the
        answer cache live: a folder, or a ``postgresql://`` URL shared by several servers
        (``storage.location``; default: a deployment's ``DATABASE_URI``, else ``checkpoints``).
    ``ORCHESTRATOR_INTERRUPT_BELOW``: a confidence (0-1) under which a turn pauses
        with ``interrupt()`` for a person to pick the route in Studio.
"""

from __future__ import annotations

import os
from typing import Any

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.server.chat_models import default_models
from orchestrator_graph.storage.location import state_location

INTERRUPT_BELOW_ENV = "ORCHESTRATOR_INTERRUPT_BELOW"


def config_from_env(environ: dict[str, str] | None = None) -> OrchestratorConfig:
    """``OrchestratorConfig`` with the ledger where the state is (``state_location``)
    and the interrupt threshold, from the environment."""
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


_main, _worker = default_models(live=bool(os.environ.get("OPENAI_API_KEY")))
graph = create_orchestrator(
    main_model=_main, worker_model=_worker, config=config_from_env()
).compile(name="orchestrator")

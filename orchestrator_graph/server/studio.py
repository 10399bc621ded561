"""The module-level graph that ``langgraph.json`` serves (``langgraph dev``, Studio).

Compiled without a checkpointer: the server brings its own (the SQLite factory
named under ``checkpointer`` in ``langgraph.json``). Offline it runs on simulated
models; with ``OPENAI_API_KEY`` set, on ``ChatOpenAI`` (``OPENAI_BASE_URL`` points
it at any OpenAI-compatible endpoint).

Environment read when the server loads the graph:
    ``ORCHESTRATOR_LEDGER``: the cost ledger's SQLite file, or a ``postgresql://`` URL
        (ledger and budget holds shared by several servers); ``none`` keeps no ledger
        (default ``checkpoints/ledger.sqlite``).
    ``ORCHESTRATOR_INTERRUPT_BELOW``: a confidence (0-1) under which a turn pauses
        with ``interrupt()`` for a person to pick the route in Studio.
"""

from __future__ import annotations

import os
from typing import Any

from orchestrator_graph.accounting.ledger.rows import is_postgres_url
from orchestrator_graph.config import DEFAULT_LEDGER_PATH, OrchestratorConfig
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.server.chat_models import default_models

LEDGER_ENV = "ORCHESTRATOR_LEDGER"
INTERRUPT_BELOW_ENV = "ORCHESTRATOR_INTERRUPT_BELOW"


def config_from_env(environ: dict[str, str] | None = None) -> OrchestratorConfig:
    """``OrchestratorConfig`` with the ledger path and interrupt threshold from the environment."""
    environ = dict(os.environ if environ is None else environ)
    options: dict[str, Any] = {"ledger_path": DEFAULT_LEDGER_PATH}  # Studio keeps a ledger
    ledger = environ.get(LEDGER_ENV)
    if ledger and is_postgres_url(ledger):
        options |= {"ledger_path": None, "ledger_url": ledger}
    elif ledger:
        options["ledger_path"] = None if ledger.lower() == "none" else ledger
    below = environ.get(INTERRUPT_BELOW_ENV)
    if below:
        try:
            options["interrupt_below"] = float(below)
        except ValueError as exc:
            raise ValueError(
                f"{INTERRUPT_BELOW_ENV} must be a number in 0-1, got {below!r}"
            ) from exc
    return OrchestratorConfig().updated(options)


_main, _worker = default_models(live=bool(os.environ.get("OPENAI_API_KEY")))
graph = create_orchestrator(
    main_model=_main, worker_model=_worker, config=config_from_env()
).compile(name="orchestrator")

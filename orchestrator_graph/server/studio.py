"""The module-level graph that ``langgraph.json`` serves (``langgraph dev``, Studio).

Compiled without a checkpointer: the server brings its own (the factory named under
``checkpointer`` in ``langgraph.json``, ``storage.location.langgraph_checkpointer``).
Offline it runs on simulated models; with ``OPENAI_API_KEY`` set, on ``ChatOpenAI``
(``OPENAI_BASE_URL`` points it at any OpenAI-compatible endpoint). Its config comes from
the environment when the server loads it (``environment.config_from_env``:
``ORCHESTRATOR_STATE``, ``ORCHESTRATOR_INTERRUPT_BELOW``).
"""

from __future__ import annotations

import os

from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.server.chat_models import default_models
from orchestrator_graph.server.environment import config_from_env

_main, _worker = default_models(live=bool(os.environ.get("OPENAI_API_KEY")))
graph = create_orchestrator(
    main_model=_main, worker_model=_worker, config=config_from_env()
).compile(name="orchestrator")

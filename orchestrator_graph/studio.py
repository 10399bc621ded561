"""The module-level graph that ``langgraph.json`` serves (``langgraph dev``, Studio).

Compiled without a checkpointer: the server brings its own (the SQLite factory
named under ``checkpointer`` in ``langgraph.json``). Offline it runs on simulated
models; with ``OPENAI_API_KEY`` set, on ``ChatOpenAI``.
"""

from __future__ import annotations

import os

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.config import DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL, OrchestratorConfig
from orchestrator_graph.graph import create_orchestrator


def _models() -> tuple[BaseChatModel, BaseChatModel]:
    if os.environ.get("OPENAI_API_KEY"):
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=DEFAULT_MAIN_MODEL), ChatOpenAI(model=DEFAULT_WORKER_MODEL)
    from orchestrator_graph.providers.simulated import SimulatedChatModel

    return (
        SimulatedChatModel(model_name=DEFAULT_MAIN_MODEL),
        SimulatedChatModel(model_name=DEFAULT_WORKER_MODEL),
    )


_main, _worker = _models()
graph = create_orchestrator(
    main_model=_main, worker_model=_worker, config=OrchestratorConfig()
).compile(name="orchestrator")

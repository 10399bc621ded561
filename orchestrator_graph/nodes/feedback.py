"""``feedback``: the graph input ``feedback`` recorded on the thread's turns (with the
next request, or alone); entered from START only when the input carries feedback."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.feedback import apply_feedback, judged_turn
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.nodes.classify import run_thread_id
from orchestrator_graph.resources import Resources
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import OrchestratorState, TurnFeedback


def make_feedback(
    options: OrchestratorConfig, resources: Resources
) -> Callable[..., dict[str, Any]]:
    def feedback(
        state: OrchestratorState, config: RunnableConfig, runtime: Runtime[RunContext]
    ) -> dict[str, Any]:
        """Record each report on its turn of this thread and learn its score."""
        run = run_options(options, run_context(runtime))
        said = [TurnFeedback.model_validate(f) for f in state.get("feedback") or []]
        ledger = resources.ledger()
        if ledger is None:
            warnings.warn(
                "feedback needs a ledger (ledger_path or ledger_url): not recorded", stacklevel=1
            )
        else:
            thread_id = run_thread_id(config)
            for item in said:  # every report names a recorded turn, or none is written
                judged_turn(ledger, thread_id, item)
            cache = resources.cache() if run.cache is not None else None
            for item in said:
                apply_feedback(ledger, thread_id, item, adapt=run.quality.adaptive, cache=cache)
        return {"feedback": None}

    return feedback


def entry(state: OrchestratorState) -> str:
    """START's edge: ``feedback`` when the input carries some, else ``classify``."""
    return "feedback" if state.get("feedback") else "classify"


def after_feedback(state: OrchestratorState) -> str:
    """``classify`` when a new request came with the feedback, else the run ends."""
    messages = state.get("messages") or []
    return "classify" if messages and messages[-1].type == "human" else END

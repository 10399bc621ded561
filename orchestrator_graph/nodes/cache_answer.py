"""``cache_answer``: the turn answered with the answer the cache matched, no model call."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessage

from orchestrator_graph.nodes import overhead_ms, so_far
from orchestrator_graph.state import OrchestratorState


def cache_answer(state: OrchestratorState) -> dict[str, Any]:
    """Append the reused answer; ``record`` prices the turn at $0 with what it saved."""
    started = time.perf_counter()
    decision = state["decision"]
    assert decision is not None and decision.cache is not None and decision.cache.hit
    answer = AIMessage(
        decision.cache.answer,
        response_metadata={"answer_cache": decision.cache.entry_id},
    )
    return {"messages": [answer], **so_far(state, overhead=overhead_ms(started))}

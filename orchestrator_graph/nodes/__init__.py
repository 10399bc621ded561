"""The graph's nodes, one small module each: classify, cost_estimate, main_session,
spawn_subgraph, merge, record. Each is a function of the state (and the run's
``Runtime``) that returns a partial update."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langgraph.constants import TAG_NOSTREAM

from orchestrator_graph.state import ModelCall, OrchestratorState

Model = TypeVar("Model", bound=BaseChatModel)


def overhead_ms(started: float, calls: Iterable[ModelCall] = ()) -> float:
    """A node's own time since ``perf_counter()`` was ``started``, less its model calls:
    what the orchestrator adds to a turn (a person's time at an interrupt never
    counts: a node that pauses returns nothing and runs again when resumed)."""
    elapsed = (time.perf_counter() - started) * 1000
    return max(0.0, elapsed - sum(c.latency_ms for c in calls))


def unstreamed(model: Model) -> Model:
    """A copy of ``model`` whose tokens ``stream_mode="messages"`` does not emit
    (LangGraph's ``nostream`` tag): the parts of a joined answer, which ``merge``'s
    message carries whole, so that a consumer sees each answer once."""
    return model.model_copy(update={"tags": [*(model.tags or []), TAG_NOSTREAM]})


def so_far(
    state: OrchestratorState, calls: Sequence[ModelCall] = (), overhead: float = 0.0
) -> dict[str, Any]:
    """The turn's calls and overhead with a node's own added. ``classify`` starts them
    each turn; they are written whole (not through a reducer), so that each node's
    update in ``stream_mode="updates"`` is a plain list and number."""
    return {
        "calls": [*(state.get("calls") or []), *calls],
        "overhead_ms": (state.get("overhead_ms") or 0.0) + overhead,
    }

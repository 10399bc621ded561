"""``route``, the conditional edge after ``cost_estimate``: the main session, the
worker sessions (``spawn_subgraph``, which reads each view from the state), or
``cache_answer`` when the answer cache answers the turn."""

from __future__ import annotations

from typing import Literal

from orchestrator_graph.state import OrchestratorState


def route(state: OrchestratorState) -> Literal["main_session", "cache_answer", "spawn_subgraph"]:
    """The node that answers the turn: the decision's route."""
    decision = state["decision"]
    assert decision is not None, "cost_estimate sets the decision before the edge"
    if decision.route == "main_session":
        return "main_session"
    if decision.route == "cache":
        return "cache_answer"
    return "spawn_subgraph"

"""``route``, the conditional edge after ``cost_estimate``: the main session, or one
``Send`` per worker task, each carrying its task and the messages of its view; or
``cache_answer`` when the answer cache answers the turn."""

from __future__ import annotations

from langgraph.types import Send

from orchestrator_graph.state import OrchestratorState


def route(state: OrchestratorState) -> str | list[Send]:
    """``"main_session"``, ``"cache_answer"`` (an answer reused from the cache), or one
    ``Send("spawn_subgraph", ...)`` per worker task."""
    decision = state["decision"]
    assert decision is not None, "cost_estimate sets the decision before the edge"
    if decision.route == "main_session":
        return "main_session"
    if decision.route == "cache":
        return "cache_answer"
    messages = state["messages"]
    return [
        Send(
            "spawn_subgraph",
            {"task": task, "context": [messages[p] for p in task.context_indices]},
        )
        for task in decision.tasks
    ]

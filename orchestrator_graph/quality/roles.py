"""The model roles that answer a turn: ``strong`` (the main model) and ``weak`` (the
worker model). The ``record`` node learns from them (was the turn answered cheaply?);
the lab scores them (``lab.quality.runs``)."""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator_graph.state import ModelCall, RoutingDecision

ANSWERING_NODES = ("main_session", "spawn_subgraph", "merge")  # the nodes whose calls answer


def answering_roles(calls: Iterable[ModelCall], main_model: str) -> list[str]:
    """The roles whose calls answered a turn: ``strong`` for the main model's calls in the
    answering nodes (a worker on the main tier included), ``weak`` for the others; failed
    attempts do not count."""
    roles: set[str] = {
        "strong" if call.model == main_model else "weak"
        for call in calls
        if call.node in ANSWERING_NODES and not call.status.startswith(("retry:", "failed:"))
    }
    return sorted(roles)


def decision_roles(decision: RoutingDecision) -> list[str]:
    """The roles a decision would have answer: the main session and workers on the main
    tier are the strong model, workers on the worker tier the weak one."""
    if decision.route == "main_session":
        return ["strong"]
    return sorted({"strong" if tier == "main" else "weak" for tier in decision.worker_tiers})

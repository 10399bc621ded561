"""The routing decision the ledger records for a turn the service integrated."""

from __future__ import annotations

from collections.abc import Sequence

from orchestrator_graph.state import Route, RoutingDecision, WorkerTask


def integrated_decision(decision: RoutingDecision, tasks: Sequence[WorkerTask]) -> RoutingDecision:
    """``decision`` (the orchestrator's own for the turn) with the route the workers of
    ``tasks`` took, their tasks, and an estimate for that route (the main session's or
    a worker's when the orchestrator offered none)."""
    route: Route = "parallel_workers" if len(tasks) > 1 else "worker_session"
    key = "parallel" if route == "parallel_workers" else "worker"
    estimate = decision.estimate
    if getattr(estimate, key) is None:  # not offered by the orchestrator: no estimate
        estimate = estimate.model_copy(update={key: estimate.worker or estimate.main})
    reason = (
        f"integrated by the service from {len(tasks)} worker session(s); "
        f"the orchestrator would have chosen {decision.route}"
    )
    return decision.model_copy(
        update={
            "route": route,
            "reasons": [reason, *decision.reasons],
            "tasks": list(tasks),
            "estimate": estimate,
        }
    )

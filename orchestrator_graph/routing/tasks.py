"""The worker tasks of a route: one ``WorkerTask`` per worker, its view and its model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_graph.state import Route, WorkerTask

if TYPE_CHECKING:
    from orchestrator_graph.routing.plan import RoutingPlan


def worker_tasks(plan: RoutingPlan, route: Route, *, thread_id: str = "") -> list[WorkerTask]:
    """No task in the main session; one for a worker session (the request itself);
    one per subtask group for parallel workers (each sent the fan-out view)."""
    if route == "main_session":
        return []
    facts, priced, options = plan.facts, plan.priced, plan.options
    if route == "parallel_workers":
        briefs, tiers = priced.briefs, [t.tier for t in priced.group_tiers]
        positions = plan.needs.fan_out
    else:
        briefs, tiers, positions = [facts.text], [priced.tier.tier], plan.needs.positions
    option = priced.estimate.option(route)
    share = option.call_usd / max(1, len(briefs))
    return [
        WorkerTask(
            task_id=f"{facts.turn}-{index}",
            turn=facts.turn,
            index=index,
            brief=brief,
            tier=tier,
            model=plan.pricing.of(tier)[0],
            max_tokens=options.sessions.worker_max_tokens,
            context_indices=list(positions),
            estimated_usd=share,
            thread_id=thread_id,
        )
        for index, (brief, tier) in enumerate(zip(briefs, tiers, strict=True))
    ]

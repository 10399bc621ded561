"""The person's pick: below ``interrupt_below`` confidence the graph pauses for a
person to choose the route among the plan's priced options."""

from __future__ import annotations

from langgraph.types import interrupt

from orchestrator_graph.routing.choice import RouteChoice
from orchestrator_graph.routing.plan import RoutingPlan, decision_for
from orchestrator_graph.state import RoutingDecision


def ask_person(decision: RoutingDecision, plan: RoutingPlan, *, thread_id: str) -> RoutingDecision:
    """``decision``, or the plan's decision on the route a person picks.

    The graph stops with ``interrupt({...})`` (the decision, its reasons and the
    options); ``Command(resume="main_session" | "worker_session" | {"route": ...})``
    resumes it on the person's choice.
    """
    below = plan.options.routing.interrupt_below
    if below is None or decision.confidence >= below:
        return decision
    options = plan.routes()
    answer = interrupt(
        {
            "question": "Where should this turn run?",
            "route": decision.route,
            "confidence": decision.confidence,
            "reasons": decision.reasons,
            "refers_to": decision.profile.refers_to,
            "options": {r: decision.estimate.option(r).total_usd for r in options},
        }
    )
    route = answer.get("route") if isinstance(answer, dict) else answer
    if route not in options:
        raise ValueError(f"resume with one of {options} (or {{'route': ...}}), not {answer!r}")
    picked = decision_for(
        plan, RouteChoice(route, (f"route picked by a person: {route}",)), thread_id=thread_id
    )
    picked.picked_by_person = route
    picked.decision_ms = decision.decision_ms
    return picked

"""The person's pick: below ``interrupt_below`` confidence a person chooses the route
among the plan's priced options.

``ask`` puts the question: in the graph it is LangGraph's ``interrupt`` (the run
stops; ``Command(resume=...)`` answers), elsewhere any function that returns the
answer. Without ``ask`` no one is asked: the decision stands and its reasons say
that the graph would have asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orchestrator_graph.routing.choice import RouteChoice
from orchestrator_graph.routing.plan import RoutingPlan, decision_for
from orchestrator_graph.state import RoutingDecision

Ask = Callable[[dict[str, Any]], Any]
"""Asks a person the question (a dict) and returns the answer: a route, or ``{"route": ...}``."""


def ask_person(
    decision: RoutingDecision, plan: RoutingPlan, *, thread_id: str, ask: Ask | None
) -> RoutingDecision:
    """``decision``, or the plan's decision on the route a person picks.

    The question holds the decision, its reasons and the options' costs; the answer
    is ``"main_session" | "worker_session" | ...`` or ``{"route": ...}``.
    """
    below = plan.options.routing.interrupt_below
    if below is None or decision.confidence >= below:
        return decision
    if ask is None:
        note = (
            f"person: confidence {decision.confidence:.2f} < interrupt_below {below:g}; "
            "the graph would ask a person to pick the route"
        )
        return decision.model_copy(update={"reasons": [*decision.reasons, note]})
    options = plan.routes()
    answer = ask(
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
    return picked

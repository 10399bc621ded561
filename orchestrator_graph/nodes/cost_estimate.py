"""``cost_estimate``: every route priced, the decision taken; and ``route``, the edge."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Send, interrupt

from orchestrator_graph.budget import fit_route, thread_of
from orchestrator_graph.config import OrchestratorConfig, Route
from orchestrator_graph.context import turns_of
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.routing import decide
from orchestrator_graph.state import OrchestratorState, RoutingDecision, TaskProfile, WorkerTask


def make_cost_estimate(
    pricing: Pricing, settings: OrchestratorConfig
) -> Callable[[OrchestratorState, RunnableConfig], dict[str, Any]]:
    def cost_estimate(state: OrchestratorState, config: RunnableConfig) -> dict[str, Any]:
        """Price the main session, one worker and parallel workers; pick one."""
        profile = TaskProfile.model_validate(state["profile"])
        redecide = partial(
            decide,
            state["messages"],
            profile.model_copy(update={"features": []}),  # kept in `profile` for the ledger
            pricing=pricing,
            digests=state.get("digests") or {},
            prompts=state.get("prompts") or {},
        )
        decision = redecide(config=settings)
        decision = ask_person(decision, lambda forced: redecide(config=forced), settings)
        # the budget: a cheaper route if the chosen one does not fit, else BudgetExceeded
        turn = turns_of(state["messages"])[-1].index
        picked = decision.picked_by_person
        decision = fit_route(
            decision, lambda forced: redecide(config=forced), settings,
            thread_id=thread_of(config), turn=turn,
        )  # fmt: skip
        decision.picked_by_person = picked  # a label for training even if the budget overrode it
        decision.decision_ms += profile.classify_ms
        return {"decision": decision.model_dump(mode="json")}

    return cost_estimate


def ask_person(
    decision: RoutingDecision,
    redecide: Callable[[OrchestratorConfig], RoutingDecision],
    config: OrchestratorConfig,
) -> RoutingDecision:
    """Below ``interrupt_below`` confidence, pause for a person to pick the route.

    The graph stops with ``interrupt({...})`` (the decision, its reasons and the
    options); ``Command(resume="main_session" | "worker_session" | {"route": ...})``
    resumes it with the route forced to the person's choice.
    """
    if config.interrupt_below is None or decision.confidence >= config.interrupt_below:
        return decision
    options = [
        r
        for r in ("main_session", "worker_session", "parallel_workers")
        if r == "main_session" or getattr(decision.estimate, r.split("_")[0]) is not None
    ]
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
    chosen: Route = route
    decision = redecide(config.model_copy(update={"force_route": chosen}))
    decision.reasons.append(f"route picked by a person: {chosen}")
    decision.picked_by_person = chosen
    return decision


def make_route(
    pricing: Pricing, config: OrchestratorConfig
) -> Callable[[OrchestratorState], str | list[Send]]:
    def route(state: OrchestratorState) -> str | list[Send]:
        """The conditional edge: ``main_session``, or one ``Send`` per worker."""
        decision = RoutingDecision.model_validate(state["decision"])
        if decision.route == "main_session":
            return "main_session"
        messages = state["messages"]
        turn = turns_of(messages)[-1].index
        option = decision.estimate.option(decision.route)
        share = option.call_usd / max(1, len(decision.worker_briefs))
        sends = []
        for index, (brief, tier, positions) in enumerate(
            zip(decision.worker_briefs, decision.worker_tiers, decision.worker_context, strict=True)
        ):
            task = WorkerTask(
                task_id=f"{turn}-{index}",
                turn=turn,
                index=index,
                brief=brief,
                tier=tier,
                model=pricing.of(tier)[0],
                max_tokens=config.worker_max_tokens,
                context_indices=positions,
                estimated_usd=share,
            )
            context = [messages[p] for p in positions]
            sends.append(Send("spawn_subgraph", {"task": task.model_dump(), "context": context}))
        return sends

    return route

"""``cost_estimate``: every route priced, the decision taken; and ``route``, the edge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.types import Send

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import turns_of
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.routing import decide
from orchestrator_graph.state import OrchestratorState, RoutingDecision, TaskProfile, WorkerTask


def make_cost_estimate(
    pricing: Pricing, config: OrchestratorConfig
) -> Callable[[OrchestratorState], dict[str, Any]]:
    def cost_estimate(state: OrchestratorState) -> dict[str, Any]:
        """Price the main session, one worker and parallel workers; pick one."""
        profile = TaskProfile.model_validate(state["profile"])
        decision = decide(
            state["messages"],
            profile,
            pricing=pricing,
            config=config,
            digests=state.get("digests") or {},
            main_prompt=state.get("main_prompt") or [],
        )
        decision.decision_ms += profile.classify_ms
        return {"decision": decision.model_dump(mode="json")}

    return cost_estimate


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

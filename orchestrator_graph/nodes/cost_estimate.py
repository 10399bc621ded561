"""``cost_estimate``: every route priced and one chosen, in named steps:
the plan (context needed, options priced), the choice, the answer cache, the person's pick,
the budget fit. A cache hit turns the decision into route ``cache`` (no person, no budget)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.cache.turn import cacheable, look_up
from orchestrator_graph.config import OrchestratorConfig, RunContext, cache_scope, run_options
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.routing.ab import arm_options
from orchestrator_graph.routing.budget_fit import CHEAP_WORKERS, fit_budget
from orchestrator_graph.routing.choice import choose_route
from orchestrator_graph.routing.person import ask_person
from orchestrator_graph.routing.plan import decision_for, plan_turn
from orchestrator_graph.state import OrchestratorState


def make_cost_estimate(
    pricing: Pricing, options: OrchestratorConfig
) -> Callable[..., dict[str, Any]]:
    def cost_estimate(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Price the main session, one worker and parallel workers; pick one."""
        started = time.perf_counter()
        profile = state["profile"]
        assert profile is not None, "classify sets the profile"
        thread_id = state["thread_id"]
        run, arm = arm_options(run_options(options, runtime.context), thread_id)

        def plan(opts: OrchestratorConfig):
            return plan_turn(
                state["messages"],
                profile,
                pricing=pricing,
                options=opts,
                digests=state.get("digests") or {},
                prompts=state.get("prompts") or {},
                thread_id=thread_id,
                arm=arm,
            )

        planned = plan(run)
        choice = choose_route(planned.profile, planned.needs, planned.priced, run)
        decision = decision_for(planned, choice, thread_id=thread_id, started=started)
        scope = cache_scope(runtime.context)
        if scope is not None and cacheable(state["messages"], profile, run):
            looked = time.perf_counter()
            decision = look_up(state["messages"], decision, scope=scope, options=run)
            decision.decision_ms += (time.perf_counter() - looked) * 1000
        if decision.route != "cache":  # a hit asks no one and spends nothing
            decision = ask_person(decision, planned, thread_id=thread_id)
            if run.budget is not None:
                cheap = plan(run.updated(CHEAP_WORKERS))
                decision = fit_budget(decision, planned, cheap, thread_id=thread_id)
        decision.decision_ms += profile.classify_ms
        return {"decision": decision, "overhead_ms": overhead_ms(started)}

    return cost_estimate

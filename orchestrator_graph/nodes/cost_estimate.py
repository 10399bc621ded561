"""``cost_estimate``: the turn decided by ``routing.decide.decide_turn`` with the graph's
state, the run's options, its answer cache and budget book, and ``interrupt`` as the
way to ask a person."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, cache_scope, run_options
from orchestrator_graph.nodes import overhead_ms, so_far
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import OrchestratorState


def make_cost_estimate(
    pricing: Pricing, options: OrchestratorConfig, resources: Resources
) -> Callable[..., dict[str, Any]]:
    def cost_estimate(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Price the main session, one worker and parallel workers; pick one."""
        started = time.perf_counter()
        profile = state["profile"]
        assert profile is not None, "classify sets the profile"
        run = run_options(options, run_context(runtime))
        scope = cache_scope(run_context(runtime))
        decision = decide_turn(
            state["messages"],
            profile,
            pricing=pricing,
            options=run,
            thread_id=state["thread_id"],
            digests=state.get("digests") or {},
            prompts=state.get("prompts") or {},
            cache=resources.cache() if scope is not None and run.cache is not None else None,
            cache_scope=scope,
            book=resources.book() if run.budget is not None else None,
            ledger=resources.existing_ledger(),  # what it taught; a decision creates no file
            ask=interrupt,
        )
        decision.decision_ms += profile.classify_ms
        return {"decision": decision, **so_far(state, overhead=overhead_ms(started))}

    return cost_estimate

"""``cost_estimate``: the turn decided by ``routing.decide.decide_turn`` with the graph's
state, the run's options, its answer cache and budget book, ``interrupt`` as the
way to ask a person, and the worker model to confirm a grey-zone cache candidate
(``cache.confirm``: its billed call joins the turn's ``calls``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.cache.confirm import Confirmer
from orchestrator_graph.config import OrchestratorConfig, RunContext, cache_scope, run_options
from orchestrator_graph.conversation.views import last_turn
from orchestrator_graph.nodes import overhead_ms, so_far
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.decide import decide_turn
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import OrchestratorState


def make_cost_estimate(
    pricing: Pricing,
    options: OrchestratorConfig,
    resources: Resources,
    worker_model: BaseChatModel | None = None,
) -> Callable[..., dict[str, Any]]:
    def confirmer(state: OrchestratorState, run: OrchestratorConfig) -> Confirmer | None:
        if worker_model is None or run.cache is None or run.cache.confirm_band is None:
            return None
        return Confirmer(
            worker_model, run, resources, state["thread_id"], last_turn(state["messages"]).index,
            pricing.worker_model, pricing.worker,
        )  # fmt: skip

    def cost_estimate(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Price the main session, one worker and parallel workers; pick one."""
        started = time.perf_counter()
        profile = state["profile"]
        assert profile is not None, "classify sets the profile"
        run = run_options(options, run_context(runtime))
        scope = cache_scope(run_context(runtime))
        confirm = confirmer(state, run)
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
            confirm=confirm,
        )
        decision.decision_ms += profile.classify_ms
        calls = confirm.calls if confirm is not None else []
        return {"decision": decision, **so_far(state, calls, overhead_ms(started, calls))}

    return cost_estimate

"""``main_session``: the main model answers with the main view of the whole conversation.

The view is trimmed to the main model's context window (``context.fit_to_window``)
and the call is reserved against the budget (``budget.guarded_call``). When the
call still fails after its retries, ``ModelCallError`` leaves ``graph.invoke``:
the turn is checkpointed before this node, so ``invoke(None, config)`` retries it.
A budget shortfall raises ``BudgetExceeded`` the same way, on every route.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.runtime import Runtime

from orchestrator_graph.budget import guarded_call
from orchestrator_graph.calls import ModelCallError
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.context import context_window_for, fit_to_window, main_view, turns_of
from orchestrator_graph.ledger import ledger_at
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.routing.costs import Pricing
from orchestrator_graph.state import OrchestratorState
from orchestrator_graph.tokens import shared_counter


def make_main_session(
    model: BaseChatModel, pricing: Pricing, options: OrchestratorConfig | None = None
) -> Callable[..., dict[str, Any]]:
    base = options or OrchestratorConfig()
    window = context_window_for(pricing.main_model, base.context_window)

    def main_session(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Answer in the main session; earlier offloaded turns it needs are expanded."""
        started = time.perf_counter()
        run = run_options(base, runtime.context)
        decision = state["decision"]
        assert decision is not None, "cost_estimate sets the decision"
        digests = state.get("digests") or {}
        view = fit_to_window(
            main_view(state["messages"], digests, expand=decision.expanded_turns), window
        )
        turn = turns_of(state["messages"])[-1].index
        try:
            outcome = guarded_call(
                model,
                view,
                settings=run,
                thread_id=state["thread_id"],
                turn=turn,
                key="main_session",
                node="main_session",
                model_name=pricing.main_model,
                price=pricing.main,
            )
        except ModelCallError as error:
            if run.ledger_path is not None:
                ledger_at(Path(run.ledger_path)).record_failed_calls(
                    state["thread_id"], turn, error.attempts
                )
            raise ModelCallError(
                f"{error}. The turn is checkpointed before main_session: "
                "graph.invoke(None, config) on the same thread retries it.",
                error.attempts,
            ) from error.__cause__
        counter = shared_counter()
        return {
            "messages": [outcome.answer],
            "calls": outcome.calls,
            "prompts": {pricing.main_model: [counter.fingerprint(m) for m in view]},
            "overhead_ms": overhead_ms(started, outcome.calls),
        }

    return main_session

"""``main_session``: the main model answers with the main view of the whole conversation.

The call (``budget.guarded_call``) fits the view to the main model's context window
(what it cut goes to the ledger) and reserves it against the budget. When the
call still fails after its retries, ``ModelCallError`` leaves ``graph.invoke``:
the turn is checkpointed before this node, so ``invoke(None, config)`` retries it.
A budget shortfall raises ``BudgetExceeded`` the same way, on every route.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.budget import guarded_call
from orchestrator_graph.accounting.calls import ModelCallError
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import packed_fingerprints
from orchestrator_graph.conversation.views import last_turn, main_view
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.state import OrchestratorState


def make_main_session(
    model: BaseChatModel, pricing: Pricing, options: OrchestratorConfig | None = None
) -> Callable[..., dict[str, Any]]:
    base = options or OrchestratorConfig()

    def main_session(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Answer in the main session; earlier offloaded turns it needs are expanded."""
        started = time.perf_counter()
        run = run_options(base, runtime.context)
        decision = state["decision"]
        assert decision is not None, "cost_estimate sets the decision"
        digests = state.get("digests") or {}
        view = main_view(state["messages"], digests, expand=decision.expanded_turns)
        turn = last_turn(state["messages"]).index
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
                window=run.sessions.context_window,  # None: the model's profile, else by name
            )
        except ModelCallError as error:  # its attempts are in the ledger (guarded_call)
            raise ModelCallError(
                f"{error}. The turn is checkpointed before main_session: "
                "graph.invoke(None, config) on the same thread retries it.",
                error.attempts,
            ) from error.__cause__
        return {
            "messages": [outcome.answer],
            "calls": outcome.calls,
            "prompts": {pricing.main_model: packed_fingerprints(outcome.sent)},
            "overhead_ms": overhead_ms(started, outcome.calls),
        }

    return main_session

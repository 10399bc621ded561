"""``main_session``: the main model answers with the main view of the whole conversation.

The call (``budget.guarded_call``) fits the view to the main model's context window
(what it cut goes to the ledger) and reserves it against the budget. When the
call still fails after its retries, ``ModelCallError`` leaves ``graph.invoke``:
the turn is checkpointed before this node, so ``invoke(None, config)`` retries it.
A budget shortfall raises ``BudgetExceeded`` the same way, on every route.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.budget import aguarded_call, guarded_call
from orchestrator_graph.accounting.calls import CallOutcome, ModelCallError
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import packed_fingerprints
from orchestrator_graph.conversation.views import last_turn, main_view
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.nodes import keep_billed, overhead_ms, so_far, sync_and_async
from orchestrator_graph.resources import Resources
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import OrchestratorState


def make_main_session(
    model: BaseChatModel, pricing: Pricing, options: OrchestratorConfig, resources: Resources
) -> Runnable[Any, dict[str, Any]]:
    base = options

    def call(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """The guarded call's arguments: the main view, its site and the main model."""
        run = run_options(base, run_context(runtime))
        decision = state["decision"]
        assert decision is not None, "cost_estimate sets the decision"
        digests = state.get("digests") or {}
        return {
            "model": model,
            "messages": main_view(state["messages"], digests, expand=decision.expanded_turns),
            "settings": run,
            "resources": resources,
            "thread_id": state["thread_id"],
            "turn": last_turn(state["messages"]).index,
            "key": "main_session",
            "node": "main_session",
            "model_name": pricing.main_model,
            "price": pricing.main,
            "window": run.sessions.context_window,  # None: the model's profile, else by name
        }

    def main_session(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Answer in the main session; earlier offloaded turns it needs are expanded."""
        started, args = time.perf_counter(), call(state, runtime)
        try:
            outcome = guarded_call(**args)
        except (ModelCallError, BudgetExceeded) as error:
            _keep_billed(state, args)
            raise _resumable(error) from error.__cause__
        return _answered(state, outcome, pricing, started)

    async def amain_session(
        state: OrchestratorState, runtime: Runtime[RunContext]
    ) -> dict[str, Any]:
        started, args = time.perf_counter(), call(state, runtime)
        try:
            outcome = await aguarded_call(**args)
        except (ModelCallError, BudgetExceeded) as error:
            await asyncio.to_thread(_keep_billed, state, args)
            raise _resumable(error) from error.__cause__
        return _answered(state, outcome, pricing, started)

    return sync_and_async(main_session, amain_session)


def _keep_billed(state: OrchestratorState, args: dict[str, Any]) -> None:
    """The turn's calls before this one (the classifier's cheap tier) were billed: keep
    them in the ledger (the failed call's own attempts are there: guarded_call)."""
    billed = state.get("calls") or []
    keep_billed(args["resources"], args["settings"], args["thread_id"], args["turn"], billed)


def _resumable(error: ModelCallError | BudgetExceeded) -> ModelCallError | BudgetExceeded:
    """The error out of ``graph.invoke``, saying how to resume after a failed call."""
    if isinstance(error, BudgetExceeded):
        return error
    return ModelCallError(
        f"{error}. The turn is checkpointed before main_session: "
        "graph.invoke(None, config) on the same thread retries it.",
        error.attempts,
    )


def _answered(
    state: OrchestratorState, outcome: CallOutcome, pricing: Pricing, started: float
) -> dict[str, Any]:
    return {
        "messages": [outcome.answer],
        "prompts": {pricing.main_model: packed_fingerprints(outcome.sent)},
        **so_far(state, outcome.calls, overhead_ms(started, outcome.calls)),
    }

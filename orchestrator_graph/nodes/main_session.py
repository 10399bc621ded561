"""``main_session``: the main model answers with the main view of the whole conversation.

The call (``budget.guarded_call``) fits the view to the main model's context window
(what it cut goes to the ledger) and reserves it against the budget. When the
call still fails after its retries, ``ModelCallError`` leaves ``graph.invoke``:
the turn is checkpointed before this node, so ``invoke(None, config)`` retries it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig

from orchestrator_graph.budget import guarded_call, thread_of
from orchestrator_graph.calls import ModelCallError
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import main_view, turns_of
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import OrchestratorState, RoutingDecision
from orchestrator_graph.tokens import shared_counter


def make_main_session(
    model: BaseChatModel, pricing: Pricing, settings: OrchestratorConfig | None = None
) -> Callable[[OrchestratorState, RunnableConfig], dict[str, Any]]:
    settings = settings or OrchestratorConfig(ledger_path=None)

    def main_session(state: OrchestratorState, config: RunnableConfig) -> dict[str, Any]:
        """Answer in the main session; earlier offloaded turns it needs are expanded."""
        decision = RoutingDecision.model_validate(state["decision"])
        view = main_view(
            state["messages"], state.get("digests") or {}, expand=decision.expanded_turns
        )
        try:
            outcome = guarded_call(
                model,
                view,
                settings=settings,
                thread_id=thread_of(config),
                turn=turns_of(state["messages"])[-1].index,
                key="main_session",
                node="main_session",
                model_name=pricing.main_model,
                price=pricing.main,
                window=settings.context_window,  # None: the model's profile, else by name
            )
        except ModelCallError as error:  # its attempts are in the ledger (guarded_call)
            raise ModelCallError(
                f"{error}. The turn is checkpointed before main_session: "
                "graph.invoke(None, config) on the same thread retries it.",
                error.attempts,
            ) from error.__cause__
        counter = shared_counter()
        return {
            "messages": [outcome.answer],
            "calls": [c.model_dump() for c in outcome.calls],
            "prompts": {pricing.main_model: [counter.fingerprint(m) for m in outcome.sent]},
            "budget_exceeded": None,
        }

    return main_session

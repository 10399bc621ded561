"""``main_session``: the main model answers with the main view of the whole conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel

from orchestrator_graph.calls import call_model
from orchestrator_graph.context import main_view
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import OrchestratorState, RoutingDecision
from orchestrator_graph.tokens import shared_counter


def make_main_session(
    model: BaseChatModel, pricing: Pricing
) -> Callable[[OrchestratorState], dict[str, Any]]:
    def main_session(state: OrchestratorState) -> dict[str, Any]:
        """Answer in the main session; earlier offloaded turns it needs are expanded."""
        decision = RoutingDecision.model_validate(state["decision"])
        view = main_view(
            state["messages"], state.get("digests") or {}, expand=decision.profile.refers_to
        )
        answer, call = call_model(
            model, view, node="main_session", model_name=pricing.main_model, price=pricing.main
        )
        counter = shared_counter()
        return {
            "messages": [answer],
            "calls": [call.model_dump()],
            "main_prompt": [counter.fingerprint(m) for m in view],
        }

    return main_session

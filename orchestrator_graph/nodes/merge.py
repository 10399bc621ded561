"""``merge``: worker results checked and joined into one answer.

An empty, truncated, refused or failed result is answered again in the main
session (a fallback); the joined answer enters the transcript whole, and
digests of the request and the answer stand for them in later main views.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage

from orchestrator_graph.calls import call_model
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import main_view, make_digest, turns_of
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import OrchestratorState, RoutingDecision, WorkerResult
from orchestrator_graph.tokens import message_text


def make_merge(
    model: BaseChatModel, pricing: Pricing, config: OrchestratorConfig
) -> Callable[[OrchestratorState], dict[str, Any]]:
    def merge(state: OrchestratorState) -> dict[str, Any]:
        """Join the workers' answers; answer the rejected ones in the main session."""
        messages = state["messages"]
        digests = state.get("digests") or {}
        decision = RoutingDecision.model_validate(state["decision"])
        results = sorted(
            (WorkerResult.model_validate(r) for r in state.get("worker_results") or []),
            key=lambda r: r.index,
        )
        parts, calls, models = [], [], []
        for result in results:
            if result.status == "ok":
                parts.append(result.text)
                models.append(result.call.model if result.call else "")
                continue
            brief = decision.worker_briefs[result.index]
            view = main_view(messages, digests, expand=decision.profile.refers_to)[:-1]
            answer, call = call_model(
                model,
                [*view, HumanMessage(content=brief)],
                node="merge",
                model_name=pricing.main_model,
                price=pricing.main,
            )
            call.status = f"fallback:{result.status}"
            parts.append(message_text(answer))
            models.append(pricing.main_model)
            calls.append(call.model_dump())
        text = "\n\n".join(p.strip() for p in parts)
        turn = turns_of(messages)[-1]
        request = messages[turn.start]
        answer = AIMessage(
            content=text,
            id=f"orchestrator-{uuid.uuid4()}",
            response_metadata={
                "orchestrator_route": decision.route,
                "models": models,
                "fallbacks": len(calls),
            },
        )
        label = f"turn {turn.index}"
        new_digests = {
            answer.id: make_digest(text, config.digest_tokens, label=f"{label} answer"),
        }
        request_text = message_text(request)
        request_digest = make_digest(request_text, config.digest_tokens, label=f"{label} request")
        if request.id and request_digest != request_text:
            new_digests[request.id] = request_digest
        return {"messages": [answer], "calls": calls, "digests": new_digests}

    return merge

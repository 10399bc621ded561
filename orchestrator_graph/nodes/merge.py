"""``merge``: worker results checked and joined into one answer.

An empty, truncated, refused or failed result is answered again in the main
session (a fallback, billed with status ``fallback:<status>``); the joined answer
enters the transcript whole, and digests of the request and the answer stand for
them in later main views. A fallback the budget refuses leaves a marked gap in
the answer and sets ``budget_exceeded`` in the state; a fallback that fails after
its retries raises ``ModelCallError`` (``invoke(None, config)`` retries the merge;
the workers' results stay in the checkpoint).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig

from orchestrator_graph.budget import BudgetExceeded, guarded_call, thread_of
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import (
    main_view,
    make_digest,
    turns_of,
    worker_view,
)
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import OrchestratorState, RoutingDecision, WorkerResult
from orchestrator_graph.tokens import message_text, shared_counter


def make_merge(
    model: BaseChatModel, pricing: Pricing, settings: OrchestratorConfig
) -> Callable[[OrchestratorState, RunnableConfig], dict[str, Any]]:

    def merge(state: OrchestratorState, config: RunnableConfig) -> dict[str, Any]:
        """Join the workers' answers; answer the rejected ones in the main session."""
        messages = state["messages"]
        digests = state.get("digests") or {}
        decision = RoutingDecision.model_validate(state["decision"])
        results = sorted(
            (WorkerResult.model_validate(r) for r in state.get("worker_results") or []),
            key=lambda r: r.index,
        )
        parts, calls, models = [], [], []
        over_budget: BudgetExceeded | None = None
        turn = turns_of(messages)[-1]
        # a fallback is asked in the main view, its request replaced by the subtask's brief
        before = main_view(messages, digests, expand=decision.expanded_turns)[:-1]
        for result in results:
            if result.status == "ok":
                parts.append(result.text)
                models.append(result.call.model if result.call else "")
                continue
            brief = decision.worker_briefs[result.index]
            try:
                outcome = guarded_call(
                    model,
                    [*before, HumanMessage(content=brief)],
                    settings=settings,
                    thread_id=thread_of(config),
                    turn=turn.index,
                    key=f"fallback:{result.index}",
                    node="merge",
                    model_name=pricing.main_model,
                    price=pricing.main,
                    window=settings.context_window,
                )
            except BudgetExceeded as error:
                over_budget = error
                parts.append(f"[subtask {result.index + 1} not answered: {error}]")
                models.append("")
                continue
            outcome.call.status = f"fallback:{result.status}"
            parts.append(message_text(outcome.answer))
            models.append(pricing.main_model)
            calls.extend(c.model_dump() for c in outcome.calls)
        text = "\n\n".join(p.strip() for p in parts)
        request = messages[turn.start]
        answer = AIMessage(
            content=text,
            id=f"orchestrator-{uuid.uuid4()}",
            response_metadata={
                "orchestrator_route": decision.route,
                "models": models,
                "fallbacks": sum(c["status"].startswith("fallback") for c in calls),
                "budget_exceeded": over_budget is not None,
            },
        )
        label = f"turn {turn.index}"
        new_digests = {
            answer.id: make_digest(text, settings.digest_tokens, label=f"{label} answer"),
        }
        request_text = message_text(request)
        request_digest = make_digest(request_text, settings.digest_tokens, label=f"{label} request")
        if request.id and request_digest != request_text:
            new_digests[request.id] = request_digest
        return {
            "messages": [answer],
            "calls": calls,
            "digests": new_digests,
            "prompts": _worker_prompts(messages, decision),
            "budget_exceeded": over_budget.as_dict() if over_budget else None,
        }

    return merge


def _worker_prompts(messages: Sequence[BaseMessage], decision: RoutingDecision) -> dict:
    """Fingerprints of what one worker was sent, by model: a later request to that
    model that starts the same way reads the prefix from the prompt cache."""
    if len(decision.worker_briefs) != 1:
        return {}
    view = worker_view(messages, decision.worker_context[0], decision.worker_briefs[0])
    counter = shared_counter()
    return {decision.worker_models[0]: [counter.fingerprint(m) for m in view]}

"""``merge``: worker results checked and joined into one answer.

An empty, truncated, refused or failed result is answered again in the main
session (a fallback, billed with status ``fallback:<status>``); the joined answer
enters the transcript whole, and digests of the request and the answer stand for
them in later main views.

A fallback the budget refuses, or that fails after its retries, raises out of
``graph.invoke`` as on the main route (``BudgetExceeded``, ``ModelCallError``):
nothing is written into the transcript, the calls already made are in the ledger,
the workers' results stay in the checkpoint, and ``invoke(None, config)`` (once
the limit is raised) answers the rest.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.budget import guarded_call
from orchestrator_graph.accounting.calls import ModelCallError
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.ledger import ledger_for
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import message_text, packed_fingerprints
from orchestrator_graph.conversation.views import last_turn, main_view, make_digest, worker_view
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.nodes import overhead_ms
from orchestrator_graph.state import ModelCall, OrchestratorState, RoutingDecision


def make_merge(
    model: BaseChatModel, pricing: Pricing, options: OrchestratorConfig
) -> Callable[..., dict[str, Any]]:
    def merge(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Join the workers' answers; answer the rejected ones in the main session."""
        started = time.perf_counter()
        run = run_options(options, runtime.context)
        messages = state["messages"]
        decision = state["decision"]
        assert decision is not None, "cost_estimate sets the decision"
        turn = last_turn(messages)
        # a fallback is asked in the main view, its request replaced by the subtask's brief
        before = main_view(messages, state.get("digests") or {}, expand=decision.expanded_turns)
        parts: list[str] = []
        models: list[str] = []
        calls: list[ModelCall] = []
        for result in sorted(state.get("worker_results") or [], key=lambda r: r.index):
            if result.status == "ok":
                parts.append(result.text)
                models.append(result.call.model if result.call else "")
                continue
            brief = decision.tasks[result.index].brief
            try:
                outcome = guarded_call(
                    model,
                    [*before[:-1], HumanMessage(content=brief)],
                    settings=run,
                    thread_id=state["thread_id"],
                    turn=turn.index,
                    key=f"fallback:{result.index}",
                    node="merge",
                    model_name=pricing.main_model,
                    price=pricing.main,
                    window=run.sessions.context_window,  # None: the model's profile, else by name
                )
            except (BudgetExceeded, ModelCallError):
                _keep_billed(run, state, turn.index, calls)  # its own attempts: guarded_call
                raise
            outcome.call.status = f"fallback:{result.status}"
            parts.append(message_text(outcome.answer))
            models.append(pricing.main_model)
            calls.extend(outcome.calls)
        answer = _joined_answer(parts, models, decision, calls)
        return {
            "messages": [answer],
            "calls": calls,
            "digests": turn_digests(
                messages[turn.start], answer, turn.index, run.sessions.digest_tokens
            ),
            "prompts": _worker_prompts(messages, decision),
            "overhead_ms": overhead_ms(started, calls),
        }

    return merge


def _keep_billed(
    options: OrchestratorConfig, state: OrchestratorState, turn: int, calls: list[ModelCall]
) -> None:
    """The calls of a turn that raises are billed already: keep them in the ledger."""
    if (ledger := ledger_for(options)) is not None:
        billed = [*(state.get("calls") or []), *calls]
        ledger.record_failed_calls(state["thread_id"], turn, billed, options.tenant)


def _joined_answer(
    parts: list[str], models: list[str], decision: RoutingDecision, calls: list[ModelCall]
) -> AIMessage:
    fallbacks = sum(c.status.startswith("fallback") for c in calls)
    return join_answers(parts, models, route=decision.route, fallbacks=fallbacks)


def join_answers(
    parts: Sequence[str], models: Sequence[str], *, route: str, fallbacks: int = 0
) -> AIMessage:
    """The workers' answers (in task order) joined into the one answer of the turn."""
    return AIMessage(
        content="\n\n".join(p.strip() for p in parts),
        id=f"orchestrator-{uuid.uuid4()}",
        response_metadata={
            "orchestrator_route": route,
            "models": list(models),
            "fallbacks": fallbacks,
        },
    )


def turn_digests(request: BaseMessage, answer: AIMessage, turn: int, tokens: int) -> dict[str, str]:
    """Digests that stand for the offloaded request and answer in later main views."""
    label = f"turn {turn}"
    digests = {str(answer.id): make_digest(answer.text, tokens, label=f"{label} answer")}
    request_text = message_text(request)
    request_digest = make_digest(request_text, tokens, label=f"{label} request")
    if request.id and request_digest != request_text:
        digests[request.id] = request_digest
    return digests


def _worker_prompts(messages: Sequence[BaseMessage], decision: RoutingDecision) -> dict:
    """Fingerprints of what one worker was sent, by model: a later request to that
    model that starts the same way reads the prefix from the prompt cache."""
    if len(decision.tasks) != 1:
        return {}
    (task,) = decision.tasks
    view = worker_view(messages, task.context_indices, task.brief)
    return {task.model: packed_fingerprints(view)}

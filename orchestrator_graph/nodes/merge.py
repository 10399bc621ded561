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

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import Runnable
from langgraph.runtime import Runtime

from orchestrator_graph.accounting.budget import aguarded_call, guarded_call
from orchestrator_graph.accounting.calls import CallOutcome, ModelCallError
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import message_text, packed_fingerprints
from orchestrator_graph.conversation.views import last_turn, main_view, make_digest, worker_view
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.nodes import keep_billed, overhead_ms, so_far, sync_and_async, unstreamed
from orchestrator_graph.resources import Resources
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import ModelCall, OrchestratorState, RoutingDecision, WorkerResult


@dataclass
class _Join:
    """One merge: the turn's context, and the parts joined so far (in task order)."""

    state: OrchestratorState
    run: OrchestratorConfig
    model: BaseChatModel
    quiet: BaseChatModel  # the model tagged not to stream: a fallback for one part of several
    pricing: Pricing
    resources: Resources
    parts: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)  # the streamed message of each part
    calls: list[ModelCall] = field(default_factory=list)

    @property
    def decision(self) -> RoutingDecision:
        decision = self.state["decision"]
        assert decision is not None, "cost_estimate sets the decision"
        return decision

    def results(self) -> list[WorkerResult]:
        """The workers' results in task order."""
        return sorted(self.state.get("worker_results") or [], key=lambda r: r.index)

    def accepted(self, result: WorkerResult) -> None:
        self.parts.append(result.text)
        self.models.append(result.call.model if result.call else "")
        self.ids.append(result.message_id)

    def fallback(self, result: WorkerResult) -> dict[str, Any]:
        """The guarded call that answers a rejected result in the main session: the
        main view, its request replaced by the subtask's brief."""
        messages, decision = self.state["messages"], self.decision
        before = main_view(messages, self.state.get("digests") or {}, decision.expanded_turns)
        return {
            # a fallback for one part of several reaches a consumer in the joined message
            "model": self.model if len(decision.tasks) == 1 else self.quiet,
            "messages": [*before[:-1], HumanMessage(content=decision.tasks[result.index].brief)],
            "settings": self.run,
            "resources": self.resources,
            "thread_id": self.state["thread_id"],
            "turn": last_turn(messages).index,
            "key": f"fallback:{result.index}",
            "node": "merge",
            "model_name": self.pricing.main_model,
            "price": self.pricing.main,
            "window": self.run.sessions.context_window,  # None: the model's profile, else by name
        }

    def answered(self, result: WorkerResult, outcome: CallOutcome) -> None:
        outcome.call.status = f"fallback:{result.status}"
        self.parts.append(message_text(outcome.answer))
        self.models.append(self.pricing.main_model)
        self.ids.append(outcome.answer.id)
        self.calls.extend(outcome.calls)

    def billed(self) -> list[ModelCall]:
        """The turn's calls so far (a fallback that raises: its own attempts are in the
        ledger already, ``guarded_call``)."""
        return [*(self.state.get("calls") or []), *self.calls]

    def update(self, started: float) -> dict[str, Any]:
        messages, decision = self.state["messages"], self.decision
        turn = last_turn(messages)
        answer = _joined_answer(self.parts, self.models, decision, self.calls)
        if len(self.ids) == 1 and self.ids[0]:  # one part, streamed as it came: that message
            answer.id = self.ids[0]
        return {
            "messages": [answer],
            "digests": turn_digests(
                messages[turn.start], answer, turn.index, self.run.sessions.digest_tokens
            ),
            "prompts": _worker_prompts(messages, decision),
            **so_far(self.state, self.calls, overhead_ms(started, self.calls)),
        }


def make_merge(
    model: BaseChatModel, pricing: Pricing, options: OrchestratorConfig, resources: Resources
) -> Runnable[Any, dict[str, Any]]:
    quiet = unstreamed(model)  # made once, not per fallback

    def merge(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """Join the workers' answers; answer the rejected ones in the main session."""
        started = time.perf_counter()
        join = _Join(
            state, run_options(options, run_context(runtime)), model, quiet, pricing, resources
        )
        for result in join.results():
            if result.status == "ok":
                join.accepted(result)
                continue
            try:
                outcome = guarded_call(**join.fallback(result))
            except (BudgetExceeded, ModelCallError):
                _keep_billed(join)
                raise
            join.answered(result, outcome)
        return join.update(started)

    async def amerge(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        started = time.perf_counter()
        join = _Join(
            state, run_options(options, run_context(runtime)), model, quiet, pricing, resources
        )
        for result in join.results():
            if result.status == "ok":
                join.accepted(result)
                continue
            try:
                outcome = await aguarded_call(**join.fallback(result))
            except (BudgetExceeded, ModelCallError):
                await asyncio.to_thread(_keep_billed, join)
                raise
            join.answered(result, outcome)
        return join.update(started)

    return sync_and_async(merge, amerge)


def _keep_billed(join: _Join) -> None:
    turn = last_turn(join.state["messages"]).index
    keep_billed(join.resources, join.run, join.state["thread_id"], turn, join.billed())


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


def transcript_digests(
    transcript: Sequence[BaseMessage], answer: AIMessage, tokens: int
) -> dict[str, str]:
    """The digests of ``answer``, the last message of ``transcript``, and of its request
    (``turn_digests``); an answer with no request in the transcript: its own only."""
    if not any(m.type == "human" for m in transcript):
        return {str(answer.id): make_digest(answer.text, tokens, label="answer")}
    turn = last_turn(transcript)
    return turn_digests(transcript[turn.start], answer, turn.index, tokens)


def _worker_prompts(messages: Sequence[BaseMessage], decision: RoutingDecision) -> dict:
    """Fingerprints of what one worker was sent, by model: a later request to that
    model that starts the same way reads the prefix from the prompt cache."""
    if len(decision.tasks) != 1:
        return {}
    (task,) = decision.tasks
    view = worker_view(messages, task.context_indices, task.brief)
    return {task.model: packed_fingerprints(view)}

"""``spawn_subgraph``: the worker sessions of a turn.

A worker's input is a ``WorkerTask`` and the messages of its minimal view; its
output a ``WorkerResult``. In the orchestrator the node runs one LangGraph ``task``
per worker (``make_worker_node``), which reads the view from the transcript and
stores only its result: what a crash mid fan-out resumes from. (The ``Send`` per
worker it replaces stored each view twice, in the task write and the next
checkpoint: more than half of a long thread's checkpoint file.) Run alone
(``service.spawn_worker_session``) it is a one-node graph (``build_worker_graph``)
whose state a checkpointer keeps. A call that still fails after its retries, or that the budget
refuses, becomes a ``failed`` result (with the error text and the failed
attempts billed at $0) that ``merge`` answers in the main session instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage
from langchain_core.runnables import Runnable
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.func import task
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime, get_runtime

from orchestrator_graph.accounting.budget import BudgetExceeded, aguarded_call, guarded_call
from orchestrator_graph.accounting.calls import CallOutcome, ModelCallError, answer_status
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import worker_view
from orchestrator_graph.nodes import Update, overhead_ms, so_far, sync_and_async, unstreamed
from orchestrator_graph.resources import Resources
from orchestrator_graph.server.identity import run_context
from orchestrator_graph.state import (
    OrchestratorState,
    WorkerInput,
    WorkerOutput,
    WorkerResult,
    WorkerState,
    WorkerTask,
)

_Task = Callable[[WorkerTask, list[AnyMessage], bool], Any]
"""A ``@task`` worker: called, a future (``.result()``; awaitable in the async form)."""


def build_worker_graph(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig,
    resources: Resources,
    *,
    checkpointer: BaseCheckpointSaver | None = None,
) -> CompiledStateGraph[WorkerState, RunContext, WorkerInput, WorkerOutput]:
    """The worker as a graph of its own: one node that calls the task's model on its
    minimal view; give it a checkpointer so its state can be read back."""
    graph = StateGraph(
        WorkerState, context_schema=RunContext, input_schema=WorkerInput, output_schema=WorkerOutput
    )
    graph.add_node("call_worker", make_call_worker(models, pricing, options, resources))
    graph.add_edge(START, "call_worker")
    graph.add_edge("call_worker", END)
    return graph.compile(checkpointer=checkpointer, name="spawn_subgraph")


def make_worker_node(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig,
    resources: Resources,
) -> Runnable[Any, dict[str, Any]]:
    """The orchestrator's ``spawn_subgraph`` node: one LangGraph ``task`` (``worker``)
    per ``WorkerTask`` of the decision, run in parallel, each on the messages of its
    view read from the state; it writes ``worker_results``, ``calls`` and ``overhead_ms``.

    A task's result is checkpointed when it finishes (its input is not: the view is
    read again from the transcript), so a resumed run re-runs only unfinished workers.
    Under ``ainvoke`` the tasks are coroutines (``aguarded_call``) named ``worker`` too,
    so a fan-out begun under ``invoke`` resumes under ``ainvoke`` with the finished
    workers' results.
    """
    one = _WorkerCall(models, pricing, options, resources)
    # several workers: their parts reach a consumer in merge's joined message, not as tokens
    quiet = {tier: unstreamed(model) for tier, model in models.items()}
    parts = _WorkerCall(quiet, pricing, options, resources)
    worker, aworker = _sync_task(one, parts), _async_task(one, parts)

    def spawn_subgraph(state: OrchestratorState, runtime: Runtime[RunContext]) -> dict[str, Any]:
        futures = [worker(*args) for args in _briefs(state)]
        return _joined(state, [future.result() for future in futures])  # in task order

    async def aspawn_subgraph(
        state: OrchestratorState, runtime: Runtime[RunContext]
    ) -> dict[str, Any]:
        futures = [aworker(*args) for args in _briefs(state)]
        return _joined(state, list(await asyncio.gather(*futures)))

    return sync_and_async(spawn_subgraph, aspawn_subgraph)


def _sync_task(one: _WorkerCall, parts: _WorkerCall) -> _Task:
    @task
    def worker(brief: WorkerTask, context: list[AnyMessage], streamed: bool) -> Update:
        calls = one if streamed else parts
        return calls.call({"task": brief, "context": context}, get_runtime(RunContext))

    return worker


def _async_task(one: _WorkerCall, parts: _WorkerCall) -> _Task:
    @task
    async def worker(  # the same name as the sync task: a run resumes in either mode
        brief: WorkerTask, context: list[AnyMessage], streamed: bool
    ) -> Update:
        calls = one if streamed else parts
        return await calls.acall({"task": brief, "context": context}, get_runtime(RunContext))

    return worker


def _briefs(state: OrchestratorState) -> list[tuple[WorkerTask, list[AnyMessage], bool]]:
    """Each worker's task, its view's messages, and whether its tokens are streamed (the
    one worker of a turn: its answer is the turn's)."""
    decision = state["decision"]
    assert decision is not None, "cost_estimate sets the decision before the edge"
    messages, streamed = state["messages"], len(decision.tasks) == 1
    return [
        (brief, [messages[p] for p in brief.context_indices], streamed) for brief in decision.tasks
    ]


def _joined(state: OrchestratorState, done: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "worker_results": [result for out in done for result in out["worker_results"]],
        **so_far(
            state,
            [call for out in done for call in out["calls"]],
            sum(out["overhead_ms"] for out in done),
        ),
    }


def make_call_worker(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig,
    resources: Resources,
) -> Runnable[Any, dict[str, Any]]:
    """The worker graph's node: the task's model on its view."""
    calls = _WorkerCall(models, pricing, options, resources)

    def call_worker(state: WorkerInput, runtime: Runtime[RunContext]) -> dict[str, Any]:
        return calls.call(state, runtime)

    return sync_and_async(call_worker, calls.acall)


@dataclass(frozen=True)
class _WorkerCall:
    """One worker's guarded call; a failure or a refused budget is a failed result."""

    models: Mapping[str, BaseChatModel]
    pricing: Pricing
    base: OrchestratorConfig
    resources: Resources  # the graph's budget book and ledger

    def arguments(self, state: WorkerInput, runtime: Runtime[RunContext]) -> dict[str, Any]:
        task = state["task"]
        context = state.get("context") or []
        name, price = self.pricing.of(task.tier)
        return {
            "model": self.models[task.tier],
            "messages": worker_view(context, range(len(context)), task.brief),
            "settings": run_options(self.base, run_context(runtime)),
            "resources": self.resources,
            "thread_id": task.thread_id,
            "turn": task.turn,
            "key": f"worker:{task.index}",
            "node": "spawn_subgraph",
            "model_name": name,
            "price": price,
            "max_tokens": task.max_tokens,
        }

    def call(self, state: WorkerInput, runtime: Runtime[RunContext]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            outcome: CallOutcome | ModelCallError | BudgetExceeded = guarded_call(
                **self.arguments(state, runtime)
            )
        except (ModelCallError, BudgetExceeded) as error:  # merge falls back to the main session
            outcome = error
        return _result(state["task"], outcome, started)

    async def acall(self, state: WorkerInput, runtime: Runtime[RunContext]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            outcome: CallOutcome | ModelCallError | BudgetExceeded = await aguarded_call(
                **self.arguments(state, runtime)
            )
        except (ModelCallError, BudgetExceeded) as error:
            outcome = error
        return _result(state["task"], outcome, started)


def _result(
    task: WorkerTask, outcome: CallOutcome | ModelCallError | BudgetExceeded, started: float
) -> dict[str, Any]:
    """The worker's update: its result and every attempt it billed."""
    if isinstance(outcome, CallOutcome):
        status = answer_status(outcome.answer)
        if status != "ok":
            outcome.call.status = status
        text = message_text(outcome.answer)
        result = WorkerResult(
            task_id=task.task_id,
            index=task.index,
            text=text,
            status=status,
            call=outcome.call,
            message_id=outcome.answer.id,
        )
        calls = outcome.calls
    else:
        result, calls = _failed(task, outcome), getattr(outcome, "attempts", [])
    return {
        "worker_results": [result],
        "calls": calls,
        "overhead_ms": overhead_ms(started, calls),
    }


def _failed(task: WorkerTask, error: ModelCallError | BudgetExceeded) -> WorkerResult:
    cause = error.__cause__ if isinstance(error, ModelCallError) else error
    return WorkerResult(
        task_id=task.task_id,
        index=task.index,
        text="",
        status="failed",
        error=f"{type(cause).__name__}: {cause}",
    )

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

import time
from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.func import task
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime, get_runtime

from orchestrator_graph.accounting.budget import BudgetExceeded, guarded_call
from orchestrator_graph.accounting.calls import ModelCallError, answer_status
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.config import OrchestratorConfig, RunContext, run_options
from orchestrator_graph.conversation.tokens import message_text
from orchestrator_graph.conversation.views import worker_view
from orchestrator_graph.nodes import overhead_ms, so_far, unstreamed
from orchestrator_graph.state import (
    OrchestratorState,
    WorkerInput,
    WorkerOutput,
    WorkerResult,
    WorkerState,
    WorkerTask,
)


def build_worker_graph(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig | None = None,
    *,
    checkpointer: BaseCheckpointSaver | None = None,
) -> CompiledStateGraph[WorkerState, RunContext, WorkerInput, WorkerOutput]:
    """The worker as a graph of its own: one node that calls the task's model on its
    minimal view; give it a checkpointer so its state can be read back."""
    graph = StateGraph(
        WorkerState, context_schema=RunContext, input_schema=WorkerInput, output_schema=WorkerOutput
    )
    graph.add_node("call_worker", make_call_worker(models, pricing, options))
    graph.add_edge(START, "call_worker")
    graph.add_edge("call_worker", END)
    return graph.compile(checkpointer=checkpointer, name="spawn_subgraph")


def make_worker_node(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig | None = None,
) -> Callable[..., dict[str, Any]]:
    """The orchestrator's ``spawn_subgraph`` node: one LangGraph ``task`` (``worker``)
    per ``WorkerTask`` of the decision, run in parallel, each on the messages of its
    view read from the state; it writes ``worker_results``, ``calls`` and ``overhead_ms``.

    A task's result is checkpointed when it finishes (its input is not: the view is
    read again from the transcript), so a resumed run re-runs only unfinished workers.
    """
    call_worker = make_call_worker(models, pricing, options)
    # several workers: their parts reach a consumer in merge's joined message, not as tokens
    call_part = make_call_worker({k: unstreamed(m) for k, m in models.items()}, pricing, options)

    @task
    def worker(brief: WorkerTask, context: list[AnyMessage], streamed: bool) -> dict[str, Any]:
        call = call_worker if streamed else call_part
        return call({"task": brief, "context": context}, get_runtime(RunContext))

    def spawn_subgraph(state: OrchestratorState) -> dict[str, Any]:
        decision = state["decision"]
        assert decision is not None, "cost_estimate sets the decision before the edge"
        messages = state["messages"]
        streamed = len(decision.tasks) == 1
        futures = [
            worker(brief, [messages[p] for p in brief.context_indices], streamed)
            for brief in decision.tasks
        ]
        done: list[dict[str, Any]] = [future.result() for future in futures]  # in task order
        return {
            "worker_results": [result for out in done for result in out["worker_results"]],
            **so_far(
                state,
                [call for out in done for call in out["calls"]],
                sum(out["overhead_ms"] for out in done),
            ),
        }

    return spawn_subgraph


def make_call_worker(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    options: OrchestratorConfig | None = None,
) -> Callable[..., dict[str, Any]]:
    base = options or OrchestratorConfig()

    def call_worker(state: WorkerInput, runtime: Runtime[RunContext]) -> dict[str, Any]:
        """The task's model on its view; a failure or a refused budget is a failed result."""
        started = time.perf_counter()
        task = state["task"]
        context = state.get("context") or []
        view = worker_view(context, range(len(context)), task.brief)
        name, price = pricing.of(task.tier)
        try:
            outcome = guarded_call(
                models[task.tier],
                view,
                settings=run_options(base, runtime.context),
                thread_id=task.thread_id,
                turn=task.turn,
                key=f"worker:{task.index}",
                node="spawn_subgraph",
                model_name=name,
                price=price,
                max_tokens=task.max_tokens,
            )
        except (ModelCallError, BudgetExceeded) as error:  # merge falls back to the main session
            result, calls = _failed(task, error), getattr(error, "attempts", [])
        else:
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
        return {
            "worker_results": [result],
            "calls": calls,
            "overhead_ms": overhead_ms(started, calls),
        }

    return call_worker


def _failed(task: WorkerTask, error: ModelCallError | BudgetExceeded) -> WorkerResult:
    cause = error.__cause__ if isinstance(error, ModelCallError) else error
    return WorkerResult(
        task_id=task.task_id,
        index=task.index,
        text="",
        status="failed",
        error=f"{type(cause).__name__}: {cause}",
    )

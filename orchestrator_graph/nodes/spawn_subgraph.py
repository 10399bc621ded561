"""``spawn_subgraph``: the worker, a compiled subgraph reached by one ``Send`` per task.

Its input is a ``WorkerTask`` and the messages of its minimal view; its output a
``WorkerResult``. A call that still fails after its retries, or that the budget
refuses, becomes a ``failed`` result (with the error text and the failed
attempts billed at $0) that ``merge`` answers in the main session instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from orchestrator_graph.budget import BudgetExceeded, guarded_call, thread_of
from orchestrator_graph.calls import ModelCallError, answer_status
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.context import worker_view
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.state import (
    WorkerInput,
    WorkerOutput,
    WorkerResult,
    WorkerState,
    WorkerTask,
)
from orchestrator_graph.tokens import message_text


def build_worker_graph(
    models: Mapping[str, BaseChatModel],
    pricing: Pricing,
    settings: OrchestratorConfig | None = None,
) -> CompiledStateGraph:
    """The worker subgraph: one node that calls the task's model on its minimal view."""
    settings = settings or OrchestratorConfig(ledger_path=None)

    def call_worker(state: WorkerState, config: RunnableConfig) -> dict[str, Any]:
        task = WorkerTask.model_validate(state["task"])
        context = state.get("context") or []
        view = worker_view(context, range(len(context)), task.brief)
        name, price = pricing.of(task.tier)
        try:
            outcome = guarded_call(
                models[task.tier],
                view,
                settings=settings,
                thread_id=thread_of(config),
                turn=task.turn,
                key=f"worker:{task.index}",
                node="spawn_subgraph",
                model_name=name,
                price=price,
                max_tokens=task.max_tokens,
            )
        except (ModelCallError, BudgetExceeded) as error:  # merge falls back to the main session
            cause = error.__cause__ if isinstance(error, ModelCallError) else error
            result = WorkerResult(
                task_id=task.task_id,
                index=task.index,
                text="",
                status="failed",
                error=f"{type(cause).__name__}: {cause}",
            )
            attempts = error.attempts if isinstance(error, ModelCallError) else []
            return {
                "worker_results": [result.model_dump()],
                "calls": [a.model_dump() for a in attempts],
            }
        answer, call = outcome.answer, outcome.call
        status = answer_status(answer)
        if status != "ok":
            call.status = status
        result = WorkerResult(
            task_id=task.task_id,
            index=task.index,
            text=message_text(answer),
            status=status,
            call=call,
        )
        return {
            "worker_results": [result.model_dump()],
            "calls": [c.model_dump() for c in outcome.calls],
        }

    graph = StateGraph(WorkerState, input_schema=WorkerInput, output_schema=WorkerOutput)
    graph.add_node("call_worker", call_worker)
    graph.add_edge(START, "call_worker")
    graph.add_edge("call_worker", END)
    return graph.compile(name="spawn_subgraph")

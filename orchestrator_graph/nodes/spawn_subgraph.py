"""``spawn_subgraph``: the worker, a compiled subgraph reached by one ``Send`` per task.

Its input is a ``WorkerTask`` and the messages of its minimal view; its output a
``WorkerResult``. A provider error becomes a ``failed`` result (with the error
text) that ``merge`` answers in the main session instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.errors import GraphBubbleUp
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from orchestrator_graph.calls import answer_status, call_model
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


def build_worker_graph(models: Mapping[str, BaseChatModel], pricing: Pricing) -> CompiledStateGraph:
    """The worker subgraph: one node that calls the task's model on its minimal view."""

    def call_worker(state: WorkerState) -> dict[str, Any]:
        task = WorkerTask.model_validate(state["task"])
        context = state.get("context") or []
        view = worker_view(context, range(len(context)), task.brief)
        name, price = pricing.of(task.tier)
        try:
            answer, call = call_model(
                models[task.tier],
                view,
                node="spawn_subgraph",
                model_name=name,
                price=price,
                max_tokens=task.max_tokens,
            )
        except GraphBubbleUp:
            raise
        except Exception as error:  # the provider failed: merge falls back to the main session
            result = WorkerResult(
                task_id=task.task_id,
                index=task.index,
                text="",
                status="failed",
                error=f"{type(error).__name__}: {error}",
            )
            return {"worker_results": [result.model_dump()], "calls": []}
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
        return {"worker_results": [result.model_dump()], "calls": [call.model_dump()]}

    graph = StateGraph(WorkerState, input_schema=WorkerInput, output_schema=WorkerOutput)
    graph.add_node("call_worker", call_worker)
    graph.add_edge(START, "call_worker")
    graph.add_edge("call_worker", END)
    return graph.compile(name="spawn_subgraph")

"""Changes proposed for the orchestrator graph, patched in by ``long_thread.py`` so they
can be measured before anyone makes them in the package:

- ``delta-digests``, ``delta-prompts``: ``digests`` and ``prompts`` as ``DeltaChannel``s
  (now the package's own channels, ``state.DIGESTS`` and ``state.PROMPTS``: these
  proposals only swap in a channel without the per-turn update of ``classify``);
- ``fused-steps``: ``classify`` and ``cost_estimate`` one node, and ``record`` done
  inside ``main_session`` and ``merge``: two checkpoints fewer per turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.channels.delta import DeltaChannel
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

import orchestrator_graph.graph as graph_module
import orchestrator_graph.state as state_module
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.pricing import model_name_of
from orchestrator_graph.config import OrchestratorConfig, RunContext
from orchestrator_graph.conversation.transcript import TRANSCRIPT
from orchestrator_graph.nodes.classify import make_classify
from orchestrator_graph.nodes.cost_estimate import make_cost_estimate
from orchestrator_graph.nodes.main_session import make_main_session
from orchestrator_graph.nodes.merge import make_merge
from orchestrator_graph.nodes.record import make_record
from orchestrator_graph.nodes.spawn_subgraph import make_worker_node
from orchestrator_graph.routing.edge import route
from orchestrator_graph.state import OrchestratorInput, OrchestratorState, merge_dicts

PROPOSALS = ["delta-digests", "delta-prompts", "fused-steps"]
_chosen: set[str] = set()

Node = Callable[[dict[str, Any], Runtime[RunContext]], dict[str, Any]]


def merge_dicts_batch(state: dict[str, Any], writes: list[dict[str, Any]]) -> dict[str, Any]:
    """``state.merge_dicts`` folded over a batch: a ``DeltaChannel`` reducer."""
    merged = dict(state or {})
    for write in writes:
        merged = merge_dicts(merged, write)
    return merged


def propose(changes: list[str], snapshot_every: int | None) -> None:
    """Patch the proposed changes in; call before ``build_orchestrator``."""
    _chosen.update(changes)
    if snapshot_every:
        TRANSCRIPT.snapshot_frequency = snapshot_every
    # few turns write digests: a snapshot every 10 of them keeps the walk back short
    state_module._DELTA_DICT = DeltaChannel(merge_dicts_batch, dict, snapshot_frequency=10)
    for key in ("digests", "prompts"):
        if f"delta-{key}" in changes:
            OrchestratorState.__annotations__[key] = "Annotated[dict[str, Any], _DELTA_DICT]"


def _then_record(node: Node, record: Node) -> Node:
    def answer_and_record(state: dict[str, Any], runtime: Runtime[RunContext]) -> dict[str, Any]:
        update = node.invoke(state)
        after = {
            **state,
            "messages": [*state["messages"], *update["messages"]],
            "calls": [*(state.get("calls") or []), *(update.get("calls") or [])],
        }
        return {**update, **record(after, runtime)}

    return answer_and_record


def _fused(main: BaseChatModel, worker: BaseChatModel, settings: OrchestratorConfig) -> StateGraph:
    pricing = Pricing.resolve(model_name_of(main), model_name_of(worker), settings)
    classify = make_classify(worker, pricing, settings)
    estimate = make_cost_estimate(pricing, settings)
    record = make_record(pricing, settings)

    def classify_and_estimate(
        state: dict[str, Any], config: RunnableConfig, runtime: Runtime[RunContext]
    ) -> dict[str, Any]:
        update = classify.invoke(state, config)
        after = {**state, **update}
        return {**update, **estimate(after, runtime)}

    workers = make_worker_node({"main": main, "worker": worker}, pricing, settings)
    builder = StateGraph(
        OrchestratorState, context_schema=RunContext, input_schema=OrchestratorInput
    )
    builder.add_node("classify", classify_and_estimate)
    builder.add_node(
        "main_session", _then_record(make_main_session(main, pricing, settings), record)
    )
    builder.add_node("spawn_subgraph", workers)
    builder.add_node("merge", _then_record(make_merge(main, pricing, settings), record))
    builder.add_edge(START, "classify")
    builder.add_conditional_edges("classify", route, ["main_session", "spawn_subgraph"])
    builder.add_edge("main_session", END)
    builder.add_edge("spawn_subgraph", "merge")
    builder.add_edge("merge", END)
    return builder


def build_orchestrator(
    main: BaseChatModel, worker: BaseChatModel, config: OrchestratorConfig
) -> StateGraph:
    """``create_orchestrator``, or its fused variant when ``fused-steps`` was proposed."""
    if "fused-steps" in _chosen:
        return _fused(main, worker, config)
    return graph_module.create_orchestrator(main_model=main, worker_model=worker, config=config)

"""``create_orchestrator``: the nodes and edges, nothing more."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph

from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.estimate import Pricing
from orchestrator_graph.ledger import ledger_at
from orchestrator_graph.nodes.classify import make_classify
from orchestrator_graph.nodes.cost_estimate import make_cost_estimate, make_route
from orchestrator_graph.nodes.main_session import make_main_session
from orchestrator_graph.nodes.merge import make_merge
from orchestrator_graph.nodes.record import make_record
from orchestrator_graph.nodes.spawn_subgraph import build_worker_graph
from orchestrator_graph.pricing import model_name_of
from orchestrator_graph.state import OrchestratorInput, OrchestratorState


def create_orchestrator(
    *,
    main_model: BaseChatModel,
    worker_model: BaseChatModel,
    config: OrchestratorConfig | None = None,
) -> StateGraph:
    """Build the orchestrator graph (uncompiled, so it composes as a subgraph).

    Each turn is classified, every route is priced, and the turn is answered in
    the main session or by worker sessions whose results are merged back; the
    turn is then written to the cost ledger.

    Args:
        main_model: the strong model that holds the whole conversation.
        worker_model: the cheaper model for simple tasks sent to workers.
            Complex tasks sent to workers run on ``main_model`` in a fresh,
            minimal session.
        config: thresholds, prices, budgets and the ledger path;
            ``OrchestratorConfig()`` when omitted.

    Returns:
        A ``StateGraph`` whose state is ``MessagesState``-compatible. Compile it
        with the checkpointer of your choice.

    Raises:
        UnknownModelPriceError: a model has no known price; give one in
            ``OrchestratorConfig(prices=...)``.
        LedgerError: ``config.ledger_path`` is not a usable ledger (checked here,
            before any model call).

    Durability: invoke the compiled graph with ``durability="sync"``
    (``graph.invoke(value, thread, durability="sync")``). Each step's checkpoint
    and every finished worker's writes are then on disk before the next step, so
    after a crash mid fan-out ``invoke(None, thread)`` re-runs only the
    unfinished workers (``tests/test_crash.py``). ``"async"`` may lose writes in
    flight when the process dies (a finished worker is called and billed again);
    ``"exit"`` saves nothing until the run ends.

    Faults: ``calls.call_model`` is the one retry layer (``max_retries``,
    ``retry_backoff_s``, ``call_timeout_s``); build ``ChatOpenAI(max_retries=0)``.
    Budgets: see ``orchestrator_graph.budget``.

    Example:
        ```python
        from langchain_core.messages import HumanMessage
        from orchestrator_graph import OrchestratorConfig, create_orchestrator
        from orchestrator_graph.checkpoints import sqlite_checkpointer
        from orchestrator_graph.testing.simulated import SimulatedChatModel

        builder = create_orchestrator(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            config=OrchestratorConfig(ledger_path=None),
        )
        with sqlite_checkpointer("checkpoints/example.sqlite") as saver:
            graph = builder.compile(checkpointer=saver)
            thread = {"configurable": {"thread_id": "example"}}
            out = graph.invoke({"messages": [HumanMessage("What is 2 + 2?")]}, thread)
            print(out["decision"]["route"], out["messages"][-1].content)
        ```
    """
    config = config or OrchestratorConfig()
    pricing = Pricing.resolve(model_name_of(main_model), model_name_of(worker_model), config)
    if config.ledger_path is not None:  # a corrupted ledger fails here, before any call
        ledger_at(Path(config.ledger_path))
    builder = StateGraph(OrchestratorState, input_schema=OrchestratorInput)
    builder.add_node("classify", make_classify(worker_model, pricing, config))
    builder.add_node("cost_estimate", make_cost_estimate(pricing, config))
    builder.add_node("main_session", make_main_session(main_model, pricing, config))
    builder.add_node(
        "spawn_subgraph",
        build_worker_graph({"main": main_model, "worker": worker_model}, pricing, config),
    )
    builder.add_node("merge", make_merge(main_model, pricing, config))
    builder.add_node("record", make_record(pricing, config))
    builder.add_edge(START, "classify")
    builder.add_edge("classify", "cost_estimate")
    builder.add_conditional_edges(
        "cost_estimate", make_route(pricing, config), ["main_session", "spawn_subgraph"]
    )
    builder.add_edge("main_session", "record")
    builder.add_edge("spawn_subgraph", "merge")
    builder.add_edge("merge", "record")
    builder.add_edge("record", END)
    return builder

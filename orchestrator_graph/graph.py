"""``create_orchestrator``: the nodes and edges, nothing more.

Durability: invoke the compiled graph with ``durability="sync"``
(``graph.invoke(value, thread, durability="sync")``). Each step's checkpoint
and every finished worker's writes are then on disk before the next step, so
after a crash mid fan-out ``invoke(None, thread)`` re-runs only the unfinished
workers (``tests/graph/test_crash.py``). ``"async"`` may lose writes in flight when
the process dies (a finished worker is called and billed again); ``"exit"``
saves nothing until the run ends.

Faults: ``budget.guarded_call`` (``aguarded_call`` under ``ainvoke``) is the one
model call and retry layer (``max_retries``, ``retry_backoff_s``, ``call_timeout_s``);
build ``ChatOpenAI(max_retries=0)``.
Budgets: see ``orchestrator_graph.accounting.budget``.

Resources: the ledger, the budget book and the answer cache a graph uses are one
``resources.Resources`` holder, opened on first use, closed with the graph
(``create_orchestrator``'s docstring says who closes what).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.pricing import model_name_of
from orchestrator_graph.chat_models import chat_model, check_worker_cheaper
from orchestrator_graph.config import OrchestratorConfig, RunContext
from orchestrator_graph.errors import LedgerError
from orchestrator_graph.nodes.cache_answer import cache_answer
from orchestrator_graph.nodes.classify import make_classify
from orchestrator_graph.nodes.cost_estimate import make_cost_estimate
from orchestrator_graph.nodes.feedback import after_feedback, entry, make_feedback
from orchestrator_graph.nodes.input_check import InputCheck
from orchestrator_graph.nodes.main_session import make_main_session
from orchestrator_graph.nodes.merge import make_merge
from orchestrator_graph.nodes.record import make_record
from orchestrator_graph.nodes.spawn_subgraph import make_worker_node
from orchestrator_graph.quality import load_quality_model
from orchestrator_graph.quality.shadow import ShadowRunner
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.edge import route
from orchestrator_graph.routing.warmup import warm_up
from orchestrator_graph.state import OrchestratorInput, OrchestratorOutput, OrchestratorState
from orchestrator_graph.storage.closing import Closing
from orchestrator_graph.storage.schedule import CompactionSchedule


def create_orchestrator(
    *,
    main_model: BaseChatModel | str,
    worker_model: BaseChatModel | str,
    config: OrchestratorConfig | Mapping[str, Any] | None = None,
    resources: Resources | None = None,
) -> OrchestratorGraph:
    """Build the orchestrator graph (uncompiled, so it composes as a subgraph).

    Each turn is classified, every route is priced, and the turn is answered in
    the main session or by worker sessions whose results are merged back; the
    turn is then written to the cost ledger.

    Args:
        main_model: the strong model that holds the whole conversation: a LangChain
            chat model, or an OpenAI model name as ``init_chat_model`` reads it
            (``"gpt-4.1"``, ``"openai:gpt-4.1"``; built with ``max_retries=0``).
        worker_model: the cheaper model for simple tasks sent to workers (the same
            kinds). Complex tasks sent to workers run on ``main_model`` in a fresh,
            minimal session.
        config: thresholds, prices, budgets, the ledger path and the answer cache, an
            ``OrchestratorConfig`` or a dict of its shape (validated as one);
            ``OrchestratorConfig()`` when omitted (no ledger, no cache).
        resources: a ``Resources`` the caller opened and will close; None (the
            default): the graph opens and closes its own. See "Resources" below.

    Returns:
        A ``StateGraph`` whose state is ``MessagesState``-compatible. Compile it
        with the checkpointer of your choice. Callers receive ``messages``,
        ``profile``, ``decision`` and the costs (``OrchestratorOutput``); a run
        may change some options with ``context=RunContext(...)``.

    Raises:
        InvalidModelError: a model is neither a chat model nor a name built here, or
            the worker model costs more than the main model (swapped).
        pydantic.ValidationError: ``config`` as a dict is not a valid config.
        UnknownModelPriceError: a model has no known price; give one in
            ``OrchestratorConfig(prices=...)``.
        ValueError: ``config.quality.quality_model_path`` is not a quality model of this
            version (train one with ``orchestrator-graph quality train``), the
            answer cache has no file, or ``resources`` keep their files elsewhere.
        LedgerError: ``config.ledger_path`` is a file that is not a usable ledger
            (checked here, read-only, before any model call; nothing is written).
        InvalidTurnError: (from ``invoke``/``stream``) the request has no text; it is
            refused before it enters the thread, which stays as it was.
        ResourcesClosedError: (from ``invoke``/``stream``) the graph was closed.
        TypeError: (from ``compile``) ``config.storage.compact_every`` is set and the
            checkpointer is not a ``SqliteSaver`` or ``PostgresSaver``.

    Resources: the ledger (its SQLite file or Postgres database, one connection
    shared with the budget holds), the budget book and the answer cache are opened
    on the first turn that needs them, and owned as a checkpointer is:

    - by default the graph owns them: ``with create_orchestrator(...) as builder:``,
      or ``builder.close()``; its compiled graphs share them. A closed graph raises
      ``ResourcesClosedError``; one dropped unclosed is closed when it is
      garbage-collected, or at exit. Nothing is shared between graphs: two graphs
      on one ledger hold a connection each.
    - ``resources=Resources(config)`` (a context manager) is the caller's: several
      graphs, or a server that also reads the ledger, share its connections, and
      closing a graph leaves it open. It must keep its files where ``config`` does.

    Durability, faults and budgets: see the module docstring.

    Example:
        ```python
        from langchain_core.messages import HumanMessage
        from orchestrator_graph import OrchestratorConfig, create_orchestrator
        from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
        from orchestrator_graph.testing.simulated import SimulatedChatModel

        builder = create_orchestrator(
            main_model=SimulatedChatModel(model_name="gpt-4.1"),
            worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
            config=OrchestratorConfig(ledger_path="checkpoints/ledger.sqlite"),
        )
        with builder, sqlite_checkpointer("checkpoints/example.sqlite") as saver:
            graph = builder.compile(checkpointer=saver)  # the ledger closes with builder
            thread = {"configurable": {"thread_id": "example"}}
            out = graph.invoke({"messages": [HumanMessage("What is 2 + 2?")]}, thread)
            print(out["decision"].route, out["messages"][-1].content)
        ```
    """
    options = OrchestratorConfig.model_validate(config or {})
    main_model = chat_model(main_model, "main_model")
    worker_model = chat_model(worker_model, "worker_model")
    pricing = Pricing.resolve(model_name_of(main_model), model_name_of(worker_model), options)
    check_worker_cheaper((pricing.main_model, pricing.main), (pricing.worker_model, pricing.worker))
    if options.ledger_path is not None:
        check_ledger_file(Path(options.ledger_path))
    if options.quality.min_quality is not None:  # a missing or stale quality model fails here
        load_quality_model(options.quality.quality_model_path)
    if resources is not None and not resources.matches(options):
        raise ValueError(
            f"resources keep the ledger and cache at {resources.ledger_location} and "
            f"{resources.cache_location}, the config at {options.ledger_location} and "
            f"{options.cache_location()}: give both the same places"
        )
    owned = resources is None
    held = Resources(options) if resources is None else resources  # a cache needs a place
    # the first decision's loads (encoding, embedding session, ...) happen here, once
    warm_up(options, main_model=pricing.main_model, worker_model=pricing.worker_model)
    builder = OrchestratorGraph(options)
    builder.hold(held, owned=owned)
    builder.add_node("classify", make_classify(worker_model, pricing, options, held))
    builder.add_node("cost_estimate", make_cost_estimate(pricing, options, held, worker_model))
    builder.add_node("main_session", make_main_session(main_model, pricing, options, held))
    workers = {"main": main_model, "worker": worker_model}
    builder.add_node("spawn_subgraph", make_worker_node(workers, pricing, options, held))
    builder.add_node("merge", make_merge(main_model, pricing, options, held))
    shadow = ShadowRunner.of(main_model, worker_model, pricing, held)
    builder.add_node("record", make_record(pricing, options, held, shadow))
    routes = ["main_session", "spawn_subgraph"]
    if options.cache is not None:  # the answer cache's own route (no model call)
        builder.add_node("cache_answer", cache_answer)
        builder.add_edge("cache_answer", "record")
        routes.append("cache_answer")
    builder.add_node("feedback", make_feedback(options, held))
    builder.add_conditional_edges(START, entry, ["feedback", "classify"])
    builder.add_conditional_edges("feedback", after_feedback, ["classify", END])
    builder.add_edge("classify", "cost_estimate")
    builder.add_conditional_edges("cost_estimate", route, routes)
    builder.add_edge("main_session", "record")
    builder.add_edge("spawn_subgraph", "merge")
    builder.add_edge("merge", "record")
    builder.add_edge("record", END)
    return builder


def check_ledger_file(path: Path) -> None:
    """An existing ``path`` must be a SQLite database (read-only check: nothing is
    written, and a missing file is created on the first turn recorded)."""
    if not path.exists():
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            db.execute("SELECT name FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        raise LedgerError.unusable(path, "be opened as a cost ledger", exc) from exc


class OrchestratorGraph(
    StateGraph[OrchestratorState, RunContext, OrchestratorInput, OrchestratorOutput], Closing
):
    """``StateGraph`` whose compiled graph checks each run's input before LangGraph
    checkpoints it (``nodes.input_check.InputCheck``), holding the ``Resources`` its
    nodes use (``resources``): a context manager that closes them (``close``)."""

    resources: Resources
    _owned: bool = False

    def hold(self, resources: Resources, *, owned: bool) -> None:
        """Give the nodes ``resources``; ``owned``: this graph closes them (``close``,
        or when it is garbage-collected, or at exit)."""
        self.resources, self._owned = resources, owned
        if owned:
            weakref.finalize(self, resources.close)

    def close(self) -> None:
        """Close the resources this graph opened (a caller's ``resources=`` are the
        caller's to close); idempotent. Its compiled graphs share them."""
        if self._owned:
            self.resources.close()

    def __init__(self, options: OrchestratorConfig) -> None:
        super().__init__(
            OrchestratorState,
            context_schema=RunContext,
            input_schema=OrchestratorInput,
            output_schema=OrchestratorOutput,
        )
        self.options = options

    def compile(
        self, *args: Any, **kwargs: Any
    ) -> CompiledStateGraph[OrchestratorState, RunContext, OrchestratorInput, OrchestratorOutput]:
        """``StateGraph.compile``, with the run's input checked and, with
        ``storage.compact_every``, the thread compacted on schedule
        (``storage.schedule``; ``TypeError`` for a checkpointer it cannot compact)."""
        compiled = super().compile(*args, **kwargs)
        callbacks: list[BaseCallbackHandler] = [InputCheck(self.resources)]
        if every := self.options.storage.compact_every:
            callbacks.append(CompactionSchedule(compiled, every))
        return compiled.with_config(callbacks=callbacks)

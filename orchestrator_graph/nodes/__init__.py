"""The graph's nodes, one small module each: classify, cost_estimate, main_session,
spawn_subgraph, merge, record. Each is a function of the state (and the run's
``Runtime``) that returns a partial update; a node that calls a model has an async
form too (:func:`sync_and_async`)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda
from langgraph.constants import TAG_NOSTREAM
from langgraph.runtime import Runtime, get_runtime

from orchestrator_graph.config import OrchestratorConfig, RunContext
from orchestrator_graph.resources import Resources
from orchestrator_graph.state import ModelCall, OrchestratorState

Model = TypeVar("Model", bound=BaseChatModel)

Update = dict[str, Any]


def overhead_ms(started: float, calls: Iterable[ModelCall] = ()) -> float:
    """A node's own time since ``perf_counter()`` was ``started``, less its model calls:
    what the orchestrator adds to a turn (a person's time at an interrupt never
    counts: a node that pauses returns nothing and runs again when resumed)."""
    elapsed = (time.perf_counter() - started) * 1000
    return max(0.0, elapsed - sum(c.latency_ms for c in calls))


def unstreamed(model: Model) -> Model:
    """A copy of ``model`` whose tokens ``stream_mode="messages"`` does not emit
    (LangGraph's ``nostream`` tag): the parts of a joined answer, which ``merge``'s
    message carries whole, so that a consumer sees each answer once."""
    return model.model_copy(update={"tags": [*(model.tags or []), TAG_NOSTREAM]})


def so_far(
    state: OrchestratorState, calls: Sequence[ModelCall] = (), overhead: float = 0.0
) -> dict[str, Any]:
    """The turn's calls and overhead with a node's own added. ``classify`` starts them
    each turn; they are written whole (not through a reducer), so that each node's
    update in ``stream_mode="updates"`` is a plain list and number."""
    return {
        "calls": [*(state.get("calls") or []), *calls],
        "overhead_ms": (state.get("overhead_ms") or 0.0) + overhead,
    }


def keep_billed(
    resources: Resources,
    options: OrchestratorConfig,
    thread_id: str,
    turn: int,
    calls: Iterable[ModelCall],
) -> None:
    """The calls of a turn whose node raises were billed: keep them in the graph's ledger
    now (``CostLedger.record_calls``); the turn's record, if it completes, adds to them."""
    if (ledger := resources.ledger()) is not None:
        ledger.record_calls(thread_id, turn, list(calls), options.tenant)


def sync_and_async(
    func: Callable[[Any, Runtime[RunContext]], Update],
    afunc: Callable[[Any, Runtime[RunContext]], Awaitable[Update]],
) -> Runnable[Any, Update]:
    """A node LangGraph runs as ``func`` under ``invoke``/``stream`` and as ``afunc`` under
    ``ainvoke``/``astream`` and the LangGraph server (whose model calls are then the
    model's ``ainvoke``, cancelled at their deadline, not a thread per node).

    Both take the state and the run's ``Runtime`` (``get_runtime``; invoked outside a
    graph, a runtime without a context, so the configured options apply).
    """

    def run(state: Any) -> Update:
        return func(state, _runtime())

    async def arun(state: Any) -> Update:
        return await afunc(state, _runtime())

    return RunnableLambda(run, afunc=arun, name=func.__name__)


def _runtime() -> Runtime[Any]:
    outside: Runtime[Any] = Runtime(context=None)
    try:
        return get_runtime(RunContext) or outside
    except RuntimeError:  # no runnable config at all: not in a graph
        return outside

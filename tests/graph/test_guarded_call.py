"""The one guarded model call: every call (the classifier's cheap tier included) is
reserved, retried and timed out as configured, and every attempt is in the ledger;
under ``ainvoke`` an attempt past its deadline is cancelled, not left running."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from blockbuster import blockbuster_ctx
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.budget import BudgetBook
from orchestrator_graph.accounting.calls import ModelCallError
from orchestrator_graph.accounting.estimates import Pricing
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.errors import BudgetExceeded
from orchestrator_graph.resources import Resources
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.cheap_model import (
    ANSWER_TOKENS,
    ask_model,
    classification_prompt,
)
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

HISTORY = [
    HumanMessage("Draft a short email inviting the team to lunch on Friday."),
    AIMessage("Hi all, join us for lunch on Friday at noon!"),
    HumanMessage("Why did they decide that?"),  # unsure: the cheap tier is asked
]
NEEDS_EARLIER = '{"needs_earlier_turns": true, "turns": []}'


def _config(tmp_path: Path, **update: Any) -> OrchestratorConfig:
    fields: dict[str, Any] = {
        "ledger_path": tmp_path / "ledger.sqlite",
        "cheap_model_below": 0.7,
        "retry_backoff_s": 0.0,
        "budget": BudgetLimits(thread_usd=1.0),
    }
    return OrchestratorConfig().updated({**fields, **update})


async def _run(graph: Any, messages: list[BaseMessage], thread: dict, mode: str) -> dict:
    if mode == "ainvoke":
        return await graph.ainvoke({"messages": messages}, thread)
    return graph.invoke({"messages": messages}, thread)


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_the_cheap_tier_is_reserved_billed_and_recorded(tmp_path: Path, mode: str) -> None:
    config = _config(tmp_path)
    key = classification_prompt(HISTORY)[-1].content.strip()
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", answers={key: NEEDS_EARLIER})
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = {"configurable": {"thread_id": "cheap"}}
    state = await _run(graph, HISTORY, thread, mode)
    assert state["profile"].tier == "cheap_model"
    (asked,) = [c for c in CostLedger(config.ledger_path).calls("cheap") if c["node"] == "classify"]
    assert asked["status"] == "ok" and asked["cost_usd"] > 0  # billed, in the ledger
    holds = {json.loads(h["key"])[2]: h for h in BudgetBook(config.ledger_path).holds("cheap")}
    assert holds["classify"]["settled"] == 1  # reserved before the call, settled after
    assert holds["classify"]["usd"] == pytest.approx(asked["cost_usd"])
    assert worker.requests[0].messages == classification_prompt(HISTORY)


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_a_failing_cheap_model_is_retried_per_config_and_its_attempts_are_billed(
    tmp_path: Path, mode: str
) -> None:
    config = _config(tmp_path, max_retries=1)
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", faults=["server_error"] * 3)
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = {"configurable": {"thread_id": "flaky"}}
    state = await _run(graph, HISTORY, thread, mode)  # the turn is answered all the same
    assert [r.fault for r in worker.requests[:2]] == ["server_error", "server_error"]
    assert state["profile"].tier != "cheap_model"  # the rules' profile was kept
    assert "cheap model: ModelCallError, rules kept" in state["profile"].signals
    ledger = CostLedger(config.ledger_path)
    statuses = [c["status"] for c in ledger.calls("flaky") if c["node"] == "classify"]
    assert statuses == ["retry:SimulatedServerError", "failed:SimulatedServerError"]
    (turn,) = ledger.turns("flaky")
    assert [c.status for c in turn.calls if c.node == "classify"] == statuses


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_a_cheap_call_before_a_main_session_that_fails_stays_on_the_bill(
    tmp_path: Path, mode: str
) -> None:
    config = _config(tmp_path, max_retries=0, force_route="main_session")
    key = classification_prompt(HISTORY)[-1].content.strip()
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", answers={key: NEEDS_EARLIER})
    main = SimulatedChatModel(model_name="gpt-4.1", faults=["server_error"])
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile(
        checkpointer=InMemorySaver(serde=serializer())
    )
    with pytest.raises(ModelCallError):
        await _run(graph, HISTORY, _thread("raised"), mode)
    calls = CostLedger(config.ledger_path).calls("raised")
    assert sorted((c["node"], c["status"]) for c in calls) == [
        ("classify", "ok"),  # billed before main_session raised: kept
        ("main_session", "failed:SimulatedServerError"),
    ]
    resumed = graph.invoke(None, _thread("raised"))  # the turn completes: counted once
    assert resumed["messages"][-1].type == "ai"
    (turn,) = CostLedger(config.ledger_path).turns("raised")
    assert sorted(c.node for c in turn.calls) == ["classify", "main_session", "main_session"]


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
async def test_a_budget_that_cannot_afford_the_cheap_tier_is_not_passed(
    tmp_path: Path, mode: str
) -> None:
    config = _config(tmp_path, budget=BudgetLimits(thread_usd=1e-6))
    worker = SimulatedChatModel(model_name="gpt-4.1-mini")
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    with pytest.raises(BudgetExceeded):  # the turn itself does not fit either
        await _run(graph, HISTORY, _thread("poor"), mode)
    assert worker.requests == []  # the classifier did not call past the budget
    profile = graph.get_state(_thread("poor")).values["profile"]  # classify ran
    assert "cheap model: BudgetExceeded, rules kept" in profile.signals


class PeekingModel(SimulatedChatModel):
    """A model that reads, while it is called, what the budget holds for its thread."""

    held: list[float] = Field(default_factory=list)
    book: Any = None

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        self.held.append(self.book.used("peek")[0])
        return super()._generate(*args, **kwargs)


def test_the_cheap_tier_reserves_its_short_answer_not_the_output_limit(tmp_path: Path) -> None:
    config = _config(tmp_path)
    key = classification_prompt(HISTORY)[-1].content.strip()
    model = PeekingModel(model_name="gpt-4.1-mini", answers={key: NEEDS_EARLIER})
    model.book = BudgetBook(config.ledger_path)
    pricing = Pricing.resolve("gpt-4.1", "gpt-4.1-mini", config)
    with Resources(config) as resources:
        revised, (call,) = ask_model(
            model, HISTORY, classify_request(HISTORY), settings=config, resources=resources,
            thread_id="peek", model_name=pricing.worker_model, price=pricing.worker,
        )  # fmt: skip
    assert revised.tier == "cheap_model"
    assert model.held == [pytest.approx(pricing.worker.cost(call.input_tokens, ANSWER_TOKENS))]


CANCELLED: list[str] = []


class SlowModel(SimulatedChatModel):
    """A model slower than the deadline that notes when its coroutine is cancelled."""

    async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super()._agenerate(*args, **kwargs)
        except asyncio.CancelledError:
            CANCELLED.append(self.model_name)
            raise


async def test_a_timed_out_call_under_ainvoke_is_cancelled_and_each_attempt_billed(
    tmp_path: Path,
) -> None:
    CANCELLED.clear()
    config = _config(
        tmp_path, cheap_model_below=None, force_route="main_session", max_retries=1,
        call_timeout_s=0.2,
    )  # fmt: skip
    main = SlowModel(model_name="gpt-4.1", latency_s=0.6)
    graph = create_orchestrator(
        main_model=main, worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"), config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    with pytest.raises(ModelCallError, match="2 attempt"):
        await graph.ainvoke({"messages": [HumanMessage("What is 2 + 2?")]}, _thread("slow"))
    await asyncio.sleep(0.8)  # past the model's latency: a call left running would finish
    assert CANCELLED == ["gpt-4.1", "gpt-4.1"]  # each attempt's coroutine was cancelled
    assert main.requests == []  # and none finished
    statuses = [c["status"] for c in CostLedger(config.ledger_path).calls("slow")]
    assert statuses == ["billed_unknown:TimeoutError"] * 2  # at their worst case
    (hold,) = BudgetBook(config.ledger_path).holds("slow")
    assert hold["settled"] == 1 and hold["usd"] > 0  # what the attempts may have cost


def _thread(thread_id: str) -> dict:
    return {"configurable": {"thread_id": thread_id}}


NUMBERED = (
    "Answer these:\n1. What is the capital of Australia?\n"
    "2. Convert 72 degrees Fahrenheit to Celsius.\n"
    "3. Who wrote the novel 'The Left Hand of Darkness'?"
)


async def test_the_async_nodes_never_block_the_event_loop(tmp_path: Path) -> None:
    """What ``langgraph dev`` checks (blockbuster): the cheap tier, parallel workers and a
    fallback in merge under ``ainvoke``, with a SQLite ledger and a budget."""
    config = _config(tmp_path, strong_categories=frozenset(), min_quality=None)
    key = classification_prompt(HISTORY)[-1].content.strip()
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", answers={key: NEEDS_EARLIER})
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"), worker_model=worker, config=config
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = _thread("loop")
    await graph.ainvoke({"messages": HISTORY[:1]}, thread)  # files opened, models warm
    with blockbuster_ctx():
        asked = await graph.ainvoke({"messages": HISTORY[2:]}, thread)
        # the cheap tier is asked, then a worker answers empty (in place: the workers of a
        # fan-out run on a copy of the model, tagged not to stream, that shares the queue)
        worker.faults[:] = [None, "empty"]
        fanned = await graph.ainvoke({"messages": [HumanMessage(NUMBERED)]}, thread)
    assert asked["profile"].tier == "cheap_model"
    assert fanned["decision"].route == "parallel_workers"
    nodes = [c["node"] for c in CostLedger(config.ledger_path).calls("loop")]
    assert nodes.count("classify") == 2 and nodes.count("merge") == 1  # the fallback

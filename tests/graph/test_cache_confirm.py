"""The worker model's confirmation of a grey-zone cache candidate (``cache.confirm``) in
real graph runs over a SQLite ledger: a confirmed candidate is served and its call
billed to the turn; a refused one, or a failed call, is answered normally; off, no call.

The paraphrase's match-check score is about 0.997: at ``max_false_hit_rate=0.0005``
the plain threshold is 1.0 (a miss), and ``confirm_band=100`` puts every score in the
grey zone, so the confirmation decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from orchestrator_graph import OrchestratorConfig, RunContext, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cache.confirm import NODE
from orchestrator_graph.config import CacheConfig, RetryConfig
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

QUESTION = "Who wrote the novel Dune?"
PARAPHRASE = "Who is the author of the novel Dune?"


def make_graph(
    tmp_path: Path, worker: SimulatedChatModel, confirm_band: float | None = 100.0
) -> tuple[Any, OrchestratorConfig]:
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        cache=CacheConfig(max_false_hit_rate=0.0005, confirm_band=confirm_band),
        retries=RetryConfig(max_retries=0),
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config)
    return graph.compile(checkpointer=InMemorySaver(serde=serializer())), config


def ask(graph: Any, text: str, name: str) -> dict[str, Any]:
    run = RunContext(cache_scope="tenant-a")
    return graph.invoke(
        {"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": name}}, context=run
    )


def ledger_row(config: OrchestratorConfig, name: str) -> Any:
    with CostLedger(config.ledger_path) as ledger:  # type: ignore[arg-type]
        (row,) = ledger.turns(name)
    return row


def test_a_confirmed_grey_zone_candidate_is_served_and_its_call_billed(tmp_path: Path) -> None:
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": True}])
    graph, config = make_graph(tmp_path, worker)
    first = ask(graph, QUESTION, "first")
    second = ask(graph, PARAPHRASE, "second")
    decision = second["decision"]
    assert decision.route == "cache" and decision.cache is not None and decision.cache.hit
    assert second["messages"][-1].content == first["messages"][-1].content
    assert worker.structured == []  # the queued verdict was asked for
    row = ledger_row(config, "second")
    (call,) = row.calls
    assert call.node == NODE and call.model == "gpt-4.1-mini" and call.cost_usd > 0
    assert row.cost_usd == pytest.approx(call.cost_usd) and second["cost_usd"] > 0
    replaced = decision.estimate.option(decision.cache.replaced).call_usd
    assert row.saved_usd == pytest.approx(replaced - call.cost_usd)
    assert any("confirmed it" in r for r in decision.reasons)


def test_a_refused_candidate_is_not_served(tmp_path: Path) -> None:
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": False}])
    graph, config = make_graph(tmp_path, worker)
    ask(graph, QUESTION, "first")
    second = ask(graph, PARAPHRASE, "second")
    decision = second["decision"]
    assert decision.route != "cache" and decision.cache is not None and not decision.cache.hit
    assert any("asks something else" in r for r in decision.reasons)
    nodes = [c.node for c in ledger_row(config, "second").calls]
    assert nodes.count(NODE) == 1 and len(nodes) > 1  # billed, then answered anew


def test_a_failed_confirmation_is_not_served_and_the_turn_answers(tmp_path: Path) -> None:
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": True}])
    graph, config = make_graph(tmp_path, worker)
    ask(graph, QUESTION, "first")
    worker.faults = ["server_error"]  # the next call: the confirmation (no retry)
    second = ask(graph, PARAPHRASE, "second")
    decision = second["decision"]
    assert decision.route != "cache" and second["messages"][-1].content
    assert any("was not asked (ModelCallError)" in r for r in decision.reasons)
    assert worker.structured == [{"same": True}]  # no verdict was read
    assert [c.node for c in ledger_row(config, "second").calls].count(NODE) == 1  # billed once


def test_off_by_default_no_confirmation_is_asked(tmp_path: Path) -> None:
    assert CacheConfig().confirm_band is None
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": True}])
    graph, config = make_graph(tmp_path, worker, confirm_band=None)
    ask(graph, QUESTION, "first")
    second = ask(graph, PARAPHRASE, "second")
    assert second["decision"].route != "cache"  # under the plain threshold: a miss
    assert worker.structured == [{"same": True}]
    assert NODE not in [c.node for c in ledger_row(config, "second").calls]


async def test_the_confirmation_runs_under_ainvoke(tmp_path: Path) -> None:
    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": True}])
    graph, config = make_graph(tmp_path, worker)
    run, value = RunContext(cache_scope="tenant-a"), {"messages": [HumanMessage(QUESTION)]}
    await graph.ainvoke(value, {"configurable": {"thread_id": "a1"}}, context=run)
    value = {"messages": [HumanMessage(PARAPHRASE)]}
    out = await graph.ainvoke(value, {"configurable": {"thread_id": "a2"}}, context=run)
    assert out["decision"].route == "cache"
    assert [c.node for c in ledger_row(config, "a2").calls] == [NODE]


def test_a_turn_resumed_after_an_interrupt_keeps_both_confirmations_on_the_bill(
    tmp_path: Path,
) -> None:
    """A refused confirmation, then a person's interrupt: on resume ``cost_estimate``
    decides again and asks again. Both calls were made and held in the budget; the
    ledger kept only the second (the turn's state), so the first went unbilled."""
    from langgraph.types import Command

    from orchestrator_graph.config import RoutingConfig

    worker = SimulatedChatModel(model_name="gpt-4.1-mini", structured=[{"same": False}] * 2)
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        cache=CacheConfig(max_false_hit_rate=0.0005, confirm_band=100.0),
        retries=RetryConfig(max_retries=0),
        routing=RoutingConfig(interrupt_below=1.0),  # every decision asks a person
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
    graph = builder.compile(checkpointer=InMemorySaver(serde=serializer()))
    run = RunContext(cache_scope="tenant-a")
    first = {"configurable": {"thread_id": "first"}}
    paused = graph.invoke({"messages": [HumanMessage(QUESTION)]}, first, context=run)
    graph.invoke(Command(resume=paused["__interrupt__"][0].value["route"]), first, context=run)
    second = {"configurable": {"thread_id": "second"}}
    paused = graph.invoke({"messages": [HumanMessage(PARAPHRASE)]}, second, context=run)
    choice = paused["__interrupt__"][0].value["route"]
    graph.invoke(Command(resume=choice), second, context=run)
    assert worker.structured == []  # asked twice: before the pause and on resume
    nodes = [c.node for c in ledger_row(config, "second").calls]
    with CostLedger(config.ledger_path) as ledger:  # type: ignore[arg-type]
        billed = [c for c in ledger.calls("second") if c["node"] == NODE]
    assert len(billed) == 2 and nodes.count(NODE) == 2

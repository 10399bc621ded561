"""Defects a new user hit (issue 9): each test failed on the code before the fix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from orchestrator_graph import (
    InvalidTurnError,
    OrchestratorConfig,
    create_orchestrator,
    evaluate_task,
)
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import QualityConfig, RoutingConfig
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

MAIN, WORKER = "gpt-4.1", "gpt-4.1-mini"


def _builder(config: OrchestratorConfig):
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name=MAIN),
        worker_model=SimulatedChatModel(model_name=WORKER),
        config=config,
    )


def test_runs_without_a_thread_id_keep_their_own_ledger_rows(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    config = OrchestratorConfig(
        ledger_path=ledger, routing=RoutingConfig(force_route="main_session")
    )
    graph = _builder(config).compile()
    for question in ("Name a prime number.", "Name a colour.", "Name a river."):
        graph.invoke({"messages": [HumanMessage(question)]})
    with CostLedger(ledger) as book:
        turns, calls = book.turns(), book.calls()
    assert len(turns) == 3 and len({t.thread_id for t in turns}) == 3
    assert all(t.thread_id for t in turns)  # never the empty string
    assert len(calls) == 3


def test_building_the_graph_writes_no_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _builder(OrchestratorConfig())
    _builder(OrchestratorConfig(ledger_path=tmp_path / "chosen" / "ledger.sqlite"))
    assert list(tmp_path.iterdir()) == []


def test_the_ledger_opens_on_first_use_at_the_chosen_path(tmp_path: Path) -> None:
    ledger = tmp_path / "chosen" / "ledger.sqlite"
    graph = _builder(OrchestratorConfig(ledger_path=ledger)).compile()
    assert not ledger.exists()
    graph.invoke({"messages": [HumanMessage("Name a prime number.")]})
    with CostLedger(ledger) as book:
        assert len(book.turns()) == 1


def test_an_empty_first_message_leaves_no_checkpoint(tmp_path: Path) -> None:
    thread = {"configurable": {"thread_id": "empty"}}
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(
            OrchestratorConfig(routing=RoutingConfig(force_route="main_session"))
        ).compile(checkpointer=saver)
        with pytest.raises(InvalidTurnError, match="with text"):
            graph.invoke({"messages": [HumanMessage("   ")]}, thread)
        assert saver.get_tuple(thread) is None  # the thread was never started
        state = graph.invoke({"messages": [HumanMessage("Name a prime number.")]}, thread)
    assert [m.type for m in state["messages"]] == ["human", "ai"]


def test_an_empty_message_leaves_the_thread_usable(tmp_path: Path) -> None:
    thread = {"configurable": {"thread_id": "empty"}}
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(
            OrchestratorConfig(routing=RoutingConfig(force_route="main_session"))
        ).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage("Name a prime number.")]}, thread)
        with pytest.raises(InvalidTurnError, match="with text"):
            graph.invoke({"messages": [HumanMessage("   ")]}, thread)
        assert graph.get_state(thread).next == ()  # nothing pending
        resumed = graph.invoke(None, thread)  # the README's resume does not fail
        assert [m.type for m in resumed["messages"]] == ["human", "ai"]
        state = graph.invoke({"messages": [HumanMessage("And another one?")]}, thread)
    assert [m.type for m in state["messages"]] == ["human", "ai", "human", "ai"]


def test_context_threshold_moves_the_classifier_too() -> None:
    messages = [
        HumanMessage("Tell me about the Zappa band history."),
        AIMessage("The Mothers of Invention formed in 1964 in California, led by Frank Zappa."),
        HumanMessage("Which of their records sold best in Europe during the late sixties?"),
    ]
    default = classify_request(messages, config=OrchestratorConfig())
    assert default.context_dependency == 0.35  # dependent under the default threshold 0.3
    assert default.refers_to == [0]  # the task it continues
    raised = classify_request(
        messages, config=OrchestratorConfig(routing=RoutingConfig(context_threshold=0.5))
    )
    assert raised.context_dependency == default.context_dependency
    # under the raised threshold the same score is self-contained: no turn is assumed
    assert raised.refers_to == [] and raised.confidence > 0.5
    rules = OrchestratorConfig(
        routing=RoutingConfig(context_threshold=0.5), quality=QualityConfig(min_quality=None)
    )  # tiers by the rules
    decision = evaluate_task(messages, config=rules)
    assert decision.route != "main_session"


def test_overhead_excludes_the_time_a_person_took(tmp_path: Path, monkeypatch) -> None:
    ledger = tmp_path / "ledger.sqlite"
    config = OrchestratorConfig(ledger_path=ledger, routing=RoutingConfig(interrupt_below=0.7))
    thread = {"configurable": {"thread_id": "person"}}
    unsure = [
        HumanMessage("Tell me about the Zappa band history."),
        AIMessage("The Mothers of Invention..."),
        HumanMessage("Why did they break up?"),
    ]
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _builder(config).compile(checkpointer=saver)
        assert "__interrupt__" in graph.invoke({"messages": unsure}, thread)
        hour_later = time.time() + 3600
        monkeypatch.setattr(time, "time", lambda: hour_later)  # the person took an hour
        graph.invoke(Command(resume="main_session"), thread)
    with CostLedger(ledger) as book:
        (turn,) = book.turns("person")
    assert turn.overhead_ms < 60_000


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "user", "content": "What is the capital of Peru?"}],
        [("user", "What is the capital of Peru?")],
        ["What is the capital of Peru?"],
        [
            ("user", "Write a haiku about autumn."),
            {"role": "assistant", "content": "Crisp leaves drift and fall..."},
            "Now make it about winter instead.",
        ],
    ],
)
def test_evaluate_task_accepts_what_langchain_accepts(messages: list) -> None:
    decision = evaluate_task(messages)
    assert decision.route in {"main_session", "worker_session", "parallel_workers"}

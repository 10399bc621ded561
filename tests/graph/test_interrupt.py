"""A person picks the route: ``interrupt()`` in ``cost_estimate``, resumed under every
checkpointer, and through a SQLite file reopened as a new process would."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from orchestrator_graph import OrchestratorConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

UNSURE = [
    HumanMessage("Tell me about the Zappa band history."),
    AIMessage("The Mothers of Invention..."),
    HumanMessage("Why did they break up?"),
]


def build(tmp_path: Path):
    config = OrchestratorConfig(ledger_path=None, routing=RoutingConfig(interrupt_below=0.7))
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=config,
    )


ANSWERS = [("worker_session", "worker_session"), ({"route": "main_session"}, "main_session")]


@pytest.mark.parametrize(("answer", "route"), ANSWERS)
async def test_a_person_picks_the_route_under_every_checkpointer(
    checkpointer: Checkpointer, tmp_path: Path, answer, route
) -> None:
    thread = {"configurable": {"thread_id": f"person-{uuid.uuid4().hex}"}}
    graph = build(tmp_path).compile(checkpointer=checkpointer.saver)
    paused = await checkpointer.invoke(graph, {"messages": UNSURE}, thread)
    request = paused["__interrupt__"][0].value
    assert request["route"] in request["options"] and request["confidence"] < 0.7
    assert (await checkpointer.state(graph, thread)).next == ("cost_estimate",)
    final = await checkpointer.invoke(graph, Command(resume=answer), thread)
    assert final["decision"].route == route
    assert any("picked by a person" in r for r in final["decision"].reasons)
    assert final["messages"][-1].type == "ai"
    assert (await checkpointer.state(graph, thread)).next == ()


@pytest.mark.parametrize(("answer", "route"), ANSWERS)
def test_interrupt_round_trip_through_sqlite(tmp_path: Path, answer, route):
    path = tmp_path / "checkpoints.sqlite"
    thread = {"configurable": {"thread_id": "person"}}
    with sqlite_checkpointer(path) as saver:
        graph = build(tmp_path).compile(checkpointer=saver)
        paused = graph.invoke({"messages": UNSURE}, thread)
        request = paused["__interrupt__"][0].value
        assert request["route"] in request["options"] and request["confidence"] < 0.7
        assert "worker_session" in request["options"]
    with sqlite_checkpointer(path) as saver:  # a new process would resume the same way
        graph = build(tmp_path).compile(checkpointer=saver)
        assert graph.get_state(thread).next == ("cost_estimate",)
        final = graph.invoke(Command(resume=answer), thread)
    assert final["decision"].route == route
    assert any("picked by a person" in r for r in final["decision"].reasons)
    assert final["messages"][-1].type == "ai"


def test_confident_turns_do_not_pause(tmp_path: Path):
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        graph = build(tmp_path).compile(checkpointer=saver)
        out = graph.invoke(
            {"messages": [HumanMessage("What is the capital of Peru?")]},
            {"configurable": {"thread_id": "t"}},
        )
    assert "__interrupt__" not in out
    assert out["messages"][-1].type == "ai"


def test_a_bad_resume_value_is_an_error(tmp_path: Path):
    thread = {"configurable": {"thread_id": "bad"}}
    with sqlite_checkpointer(tmp_path / "b.sqlite") as saver:
        graph = build(tmp_path).compile(checkpointer=saver)
        graph.invoke({"messages": UNSURE}, thread)
        with pytest.raises(ValueError, match="resume with one of"):
            graph.invoke(Command(resume="somewhere"), thread)

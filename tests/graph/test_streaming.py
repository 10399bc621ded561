"""What a consumer of ``graph.stream`` sees: each answer once in ``messages`` mode, and
plain values (lists, numbers, models) in every node's update in ``updates`` mode."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph
from pydantic import BaseModel

from orchestrator_graph import OrchestratorConfig, RetryConfig, RunContext, create_orchestrator
from orchestrator_graph.state import serializer
from orchestrator_graph.testing.simulated import SimulatedChatModel

PAIR = "1. What is the capital of Peru?\n2. Convert 30 C to Fahrenheit."


def orchestrator() -> Any:
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
    ).compile(name="orchestrator")


def agent() -> Any:
    """The README's shape: the orchestrator as a node of a user's ``MessagesState`` graph."""
    graph = StateGraph(MessagesState)
    graph.add_node("orchestrator", orchestrator())
    graph.add_edge(START, "orchestrator")
    graph.add_edge("orchestrator", END)
    return graph.compile()


def streamed_ai_text(stream: Iterable[tuple[tuple[str, ...], tuple[BaseMessage, dict]]]) -> dict:
    """The AI text streamed in ``messages`` mode, joined per message id."""
    texts: dict[str, str] = {}
    for _namespace, (message, _meta) in stream:
        if isinstance(message, AIMessageChunk) or message.type == "ai":
            texts[str(message.id)] = texts.get(str(message.id), "") + message.text
    return texts


@pytest.mark.parametrize(
    ("request_text", "route"),
    [
        ("Write a haiku about tea.", "worker_session"),
        (PAIR, "parallel_workers"),
        ("Write a haiku about tea.", "main_session"),
    ],
)
def test_messages_mode_streams_each_answer_once(request_text: str, route: str) -> None:
    app = agent()
    value = {"messages": [HumanMessage(request_text)]}
    context = RunContext(force_route=route)
    texts = streamed_ai_text(
        app.stream(value, stream_mode="messages", subgraphs=True, context=context)
    )
    state = app.invoke(value, context=context)
    answer = state["messages"][-1]
    assert answer.text.strip()
    assert len(texts) == 1, f"{len(texts)} messages streamed for one answer: {texts}"
    (streamed,) = texts.values()
    assert streamed == answer.text  # the whole answer, once


def test_a_fallback_answer_is_streamed_once() -> None:
    """A worker that fails is answered again in merge: that answer, once, under its id."""
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini", faults=["server_error"]),
        config=OrchestratorConfig(retries=RetryConfig(max_retries=0)),
    ).compile()
    value = {"messages": [HumanMessage("Write a haiku about tea.")]}
    context = RunContext(force_route="worker_session")
    chunks = list(graph.stream(value, stream_mode=["messages", "values"], context=context))
    texts = streamed_ai_text(((), c) for mode, c in chunks if mode == "messages")
    final = [c for mode, c in chunks if mode == "values"][-1]
    answer = final["messages"][-1]
    assert [c.status for c in final["calls"]] == ["failed:SimulatedServerError", "fallback:failed"]
    assert texts == {answer.id: answer.text}


def plain(value: Any) -> None:
    """Raise unless ``value`` is what a user can read as is: no LangGraph wrapper."""
    if isinstance(value, list | tuple):
        for item in value:
            plain(item)
    elif isinstance(value, dict):
        for item in value.values():
            plain(item)
    else:
        assert value is None or isinstance(value, str | int | float | bytes | BaseModel), (
            f"{type(value).__name__} in an update: {value!r}"
        )


@pytest.mark.parametrize("route", ["worker_session", "parallel_workers", "main_session"])
def test_updates_mode_values_are_plain(route: str) -> None:
    graph = orchestrator()
    value = {"messages": [HumanMessage(PAIR)]}
    updates = list(
        graph.stream(value, stream_mode="updates", context=RunContext(force_route=route))
    )
    nodes = [node for update in updates for node in update]
    assert nodes[0] == "classify" and nodes[-1] == "record"
    for update in updates:
        for values in update.values():
            for key, item in (values or {}).items():
                plain(item)
                if key in {"calls", "worker_results", "messages"}:
                    list(iter(item))  # a list a user iterates
    classify = next(u["classify"] for u in updates if "classify" in u)
    assert classify["calls"] == [] and classify["worker_results"] == []


@pytest.mark.parametrize("route", ["worker_session", "parallel_workers"])
def test_per_turn_channels_start_over_each_turn(route: str) -> None:
    graph = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
    ).compile(checkpointer=InMemorySaver(serde=serializer()))
    thread = {"configurable": {"thread_id": "t"}}
    context = RunContext(force_route=route)
    first = graph.invoke({"messages": [HumanMessage(PAIR)]}, thread, context=context)
    second = graph.invoke({"messages": [HumanMessage(PAIR)]}, thread, context=context)
    assert len(second["calls"]) == len(first["calls"]) > 0
    assert {c.call_id for c in second["calls"]}.isdisjoint(c.call_id for c in first["calls"])
    assert second["cost_usd"] == pytest.approx(sum(c.cost_usd for c in second["calls"]))

"""The orchestrator as a subgraph of a user's own ``MessagesState`` agent."""

from __future__ import annotations

import operator
from pathlib import Path
from typing import Annotated, Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel


class AgentState(MessagesState):
    """The user's agent: the transcript plus keys of its own."""

    handled_by: Annotated[list[str], operator.add]
    local_answers: int
    cost_usd: Annotated[float, operator.add]  # shared name: the orchestrator's turn cost adds up


def triage(state: AgentState) -> dict[str, Any]:
    return {}


def pick(state: AgentState) -> str:
    """Slash commands are the agent's own; everything else goes to the orchestrator."""
    return "local" if state["messages"][-1].content.startswith("/") else "orchestrator"


def local(state: AgentState) -> dict[str, Any]:
    command = state["messages"][-1].content
    answer = AIMessage(f"ran {command} locally")
    return {
        "messages": [answer],
        "handled_by": ["local"],
        "local_answers": state.get("local_answers", 0) + 1,
    }


def note(state: AgentState) -> dict[str, Any]:
    return {"handled_by": ["orchestrator"]}


def agent(ledger: Path) -> StateGraph:
    orchestrator = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=ledger),
    ).compile(name="orchestrator")
    graph = StateGraph(AgentState)
    graph.add_node("triage", triage)
    graph.add_node("local", local)
    graph.add_node("orchestrator", orchestrator)
    graph.add_node("note", note)
    graph.add_edge(START, "triage")
    graph.add_conditional_edges("triage", pick, ["local", "orchestrator"])
    graph.add_edge("orchestrator", "note")
    graph.add_edge("note", END)
    graph.add_edge("local", END)
    return graph


def test_parent_keeps_its_keys_and_hands_turns_over(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    thread = {"configurable": {"thread_id": "agent-1"}}
    with sqlite_checkpointer(tmp_path / "agent.sqlite") as saver:
        app = agent(ledger).compile(checkpointer=saver)
        out = app.invoke({"messages": [HumanMessage("/status")], "local_answers": 0}, thread)
        assert out["handled_by"] == ["local"] and out["local_answers"] == 1
        out = app.invoke({"messages": [HumanMessage("Write a haiku about green tea.")]}, thread)
        out = app.invoke({"messages": [HumanMessage("/status")]}, thread)
    assert out["handled_by"] == ["local", "orchestrator", "local"]
    assert out["local_answers"] == 2
    assert [m.type for m in out["messages"]] == ["human", "ai"] * 3
    assert out["messages"][1].content == "ran /status locally"
    assert out["messages"][3].content.startswith("[simulated gpt-4.1")
    assert set(out) == {"messages", "handled_by", "local_answers", "cost_usd"}  # nothing leaks
    with CostLedger(ledger) as book:
        turns = book.turns("agent-1")
    assert len(turns) == 1  # only the handed-over turn is routed and accounted
    assert out["cost_usd"] == turns[0].cost_usd > 0


def test_stream_subgraphs_shows_each_node_and_worker_cost(tmp_path: Path) -> None:
    app = agent(tmp_path / "ledger.sqlite").compile()
    request = "1. What is the capital of Peru?\n2. Convert 30 C to Fahrenheit."
    chunks = list(
        app.stream({"messages": [HumanMessage(request)]}, stream_mode="updates", subgraphs=True)
    )
    by_namespace = [(ns[0].split(":")[0] if ns else "", *update) for ns, update in chunks]
    parent = [node for ns, node, *_ in by_namespace if ns == ""]
    assert parent == ["triage", "orchestrator", "note"]
    inner = [node for ns, node, *_ in by_namespace if ns == "orchestrator"]
    assert inner[:2] == ["classify", "cost_estimate"] and inner[-1] == "record"
    # each worker's update as it finishes, then the worker node's with all of them
    assert inner.count("worker") == 2 and inner.count("spawn_subgraph") == 1 and "merge" in inner
    each = [u["worker"]["calls"] for ns, u in chunks if len(ns) == 1 and "worker" in u]
    assert [len(calls) for calls in each] == [1, 1]

    # the workers' calls, priced, in the update of the orchestrator's worker node
    calls = [
        call
        for ns, update in chunks
        if len(ns) == 1
        for node, values in update.items()
        if node == "spawn_subgraph"
        for call in values["calls"]
    ]
    assert len(calls) == 2
    assert all(c.node == "spawn_subgraph" and c.model == "gpt-4.1-mini" for c in calls)
    assert all(c.cost_usd > 0 and c.input_tokens > 0 for c in calls)
    assert all(
        set(update) <= {"classify", "cost_estimate", "worker", "spawn_subgraph", "merge", "record"}
        for ns, update in chunks
        if len(ns) == 1
    )
    record = next(u["record"] for ns, u in chunks if "record" in u)
    assert record["cost_usd"] == pytest.approx(sum(c.cost_usd for c in calls))


@pytest.mark.parametrize("own_memory", [False, True])
def test_parent_cost_counts_each_turn_once(tmp_path: Path, own_memory: bool) -> None:
    """As a node with and without ``compile(checkpointer=True)``, the shared
    ``cost_usd`` adds each turn's cost once."""
    ledger = tmp_path / "ledger.sqlite"
    orchestrator = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=ledger),
    ).compile(name="orchestrator", checkpointer=True if own_memory else None)
    graph = StateGraph(AgentState)
    graph.add_node("orchestrator", orchestrator)
    graph.add_edge(START, "orchestrator")
    graph.add_edge("orchestrator", END)
    thread = {"configurable": {"thread_id": "twice"}}
    with sqlite_checkpointer(tmp_path / "agent.sqlite") as saver:
        app = graph.compile(checkpointer=saver)
        for text in ("Write a haiku about green tea.", "Name a prime number.", "Name a river."):
            out = app.invoke({"messages": [HumanMessage(text)]}, thread)
    with CostLedger(ledger) as book:
        turns = book.turns("twice")
    assert len(turns) == 3
    assert out["cost_usd"] == pytest.approx(sum(t.cost_usd for t in turns))

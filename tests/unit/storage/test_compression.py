"""Checkpoint values stored compressed by the SQLite checkpointers, and files written
without compression still read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from orchestrator_graph.state import serializer
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.storage.compression import COMPRESS_FROM, CompressedSerializer

THREAD = {"configurable": {"thread_id": "t"}}
LONG = "The quarterly report covers revenue, costs and the outlook. " * 40


def echo(state: MessagesState) -> dict[str, list[AIMessage]]:
    return {"messages": [AIMessage(f"you said {len(state['messages'][-1].text)} characters")]}


def graph(saver: BaseCheckpointSaver) -> CompiledStateGraph:
    """A one-node graph on ``saver``."""
    builder = StateGraph(MessagesState)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    return builder.compile(checkpointer=saver)


def test_large_values_round_trip_compressed_and_small_ones_as_they_are() -> None:
    serde = CompressedSerializer(serializer())
    big = {"text": LONG}
    type_, data = serde.dumps_typed(big)
    plain_type, plain = serializer().dumps_typed(big)
    assert type_ == plain_type + "+zlib" and len(data) < len(plain) / 5
    assert serde.loads_typed((type_, data)) == big
    small = {"n": 1}
    assert serde.dumps_typed(small) == serializer().dumps_typed(small)
    assert len(serializer().dumps_typed(small)[1]) < COMPRESS_FROM


def test_the_sqlite_checkpointer_writes_compressed_values_that_read_back(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    with sqlite_checkpointer(path) as saver:
        graph(saver).invoke({"messages": [HumanMessage(LONG)]}, THREAD)
    with sqlite3.connect(path) as db:
        types = {t for (t,) in db.execute("SELECT type FROM writes WHERE channel = 'messages'")}
        stored = db.execute("SELECT max(length(value)) FROM writes").fetchone()[0]
    assert "msgpack+zlib" in types and stored < len(LONG) / 5
    with sqlite_checkpointer(path) as saver:  # a new process's view of the thread
        state = graph(saver).get_state(THREAD)
    assert [m.text for m in state.values["messages"]] == [LONG, f"you said {len(LONG)} characters"]


def test_a_file_written_without_compression_resumes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite_checkpointer(path, serde=serializer()) as saver:  # as before compression
        graph(saver).invoke({"messages": [HumanMessage(LONG)]}, THREAD)
    with sqlite3.connect(path) as db:
        assert not db.execute("SELECT 1 FROM writes WHERE type LIKE '%+zlib'").fetchall()
    with sqlite_checkpointer(path) as saver:
        out = graph(saver).invoke({"messages": [HumanMessage("And now?")]}, THREAD)
    assert [m.type for m in out["messages"]] == ["human", "ai", "human", "ai"]
    assert out["messages"][0].text == LONG

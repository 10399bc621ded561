"""The SQLite checkpointers with a small real LangGraph graph."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import START, MessagesState, StateGraph

from orchestrator_graph.storage.checkpoints import (
    CheckpointFileError,
    async_sqlite_checkpointer,
    sqlite_checkpointer,
)

CONFIG = {"configurable": {"thread_id": "thread-1"}}


def count_node(state: MessagesState) -> dict[str, list[AIMessage]]:
    """Answer with the number of messages seen so far."""
    return {"messages": [AIMessage(content=f"seen {len(state['messages'])}")]}


def builder() -> StateGraph:
    graph = StateGraph(MessagesState)
    graph.add_node("count", count_node)
    graph.add_edge(START, "count")
    return graph


def journal_mode(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def test_sync_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "graph.sqlite"
    with sqlite_checkpointer(path) as saver:
        assert isinstance(saver, SqliteSaver)
        out = builder().compile(checkpointer=saver).invoke({"messages": [("user", "hi")]}, CONFIG)
        assert out["messages"][-1].content == "seen 1"
    assert journal_mode(path) == "wal"
    with sqlite_checkpointer(path) as saver:
        graph = builder().compile(checkpointer=saver)
        assert len(graph.get_state(CONFIG).values["messages"]) == 2
        out = graph.invoke({"messages": [("user", "again")]}, CONFIG)
        assert [m.content for m in out["messages"]] == ["hi", "seen 1", "again", "seen 3"]


def test_sync_connection_closed_on_exit(tmp_path: Path) -> None:
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        conn = saver.conn
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    path.write_bytes(b"garbage" * 200)
    with pytest.raises(CheckpointFileError, match="move it away"), sqlite_checkpointer(path):
        pass
    assert path.read_bytes() == b"garbage" * 200


async def test_async_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "graph.sqlite"
    async with async_sqlite_checkpointer(path) as saver:
        assert isinstance(saver, AsyncSqliteSaver)
        graph = builder().compile(checkpointer=saver)
        out = await graph.ainvoke({"messages": [("user", "hi")]}, CONFIG)
        assert out["messages"][-1].content == "seen 1"
    assert journal_mode(path) == "wal"
    async with async_sqlite_checkpointer(path) as saver:
        graph = builder().compile(checkpointer=saver)
        assert len((await graph.aget_state(CONFIG)).values["messages"]) == 2
        out = await graph.ainvoke({"messages": [("user", "again")]}, CONFIG)
        assert [m.content for m in out["messages"]] == ["hi", "seen 1", "again", "seen 3"]
    # the async file reads back with the sync saver too
    with sqlite_checkpointer(path) as saver:
        assert len(builder().compile(checkpointer=saver).get_state(CONFIG).values["messages"]) == 4


async def test_async_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "cp.sqlite"
    path.write_bytes(b"garbage" * 200)
    with pytest.raises(CheckpointFileError, match=str(path)):
        async with async_sqlite_checkpointer(path):
            pass
    assert path.read_bytes() == b"garbage" * 200

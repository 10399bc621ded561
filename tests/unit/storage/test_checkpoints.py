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
    CHECKPOINT_PATH_ENV,
    DEFAULT_CHECKPOINT_PATH,
    CheckpointFileError,
    async_sqlite_checkpointer,
    default_checkpoint_path,
    sqlite_checkpointer,
    studio_checkpointer,
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


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CHECKPOINT_PATH_ENV, raising=False)
    assert default_checkpoint_path() == DEFAULT_CHECKPOINT_PATH
    assert Path("checkpoints") / "orchestrator.sqlite" == DEFAULT_CHECKPOINT_PATH
    monkeypatch.setenv(CHECKPOINT_PATH_ENV, str(tmp_path / "x.sqlite"))
    assert default_checkpoint_path() == tmp_path / "x.sqlite"


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


def test_sync_default_path_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "env" / "cp.sqlite"
    monkeypatch.setenv(CHECKPOINT_PATH_ENV, str(path))
    with sqlite_checkpointer() as saver:
        builder().compile(checkpointer=saver).invoke({"messages": [("user", "hi")]}, CONFIG)
    assert path.exists()


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


async def test_studio_checkpointer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The server calls the factory and enters the async context manager it returns."""
    path = tmp_path / "studio.sqlite"
    monkeypatch.setenv(CHECKPOINT_PATH_ENV, str(path))
    factory = studio_checkpointer()
    assert hasattr(factory, "__aenter__") and hasattr(factory, "__aexit__")
    async with factory as saver:
        assert isinstance(saver, AsyncSqliteSaver)
        await builder().compile(checkpointer=saver).ainvoke({"messages": [("user", "x")]}, CONFIG)
    assert journal_mode(path) == "wal"

"""The transcript channel: per-step writes on disk, the same state read back."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.channels.delta import DeltaChannel
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph.message import add_messages

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.conversation.transcript import TRANSCRIPT, add_messages_batch
from orchestrator_graph.storage.checkpoints import async_sqlite_checkpointer, sqlite_checkpointer
from orchestrator_graph.storage.delta_sqlite import AsyncDeltaSqliteSaver, DeltaSqliteSaver
from orchestrator_graph.testing.simulated import SimulatedChatModel

THREAD = {"configurable": {"thread_id": "t"}}


def shown(messages) -> list[tuple[str, str, str]]:
    return [(m.id, m.type, m.text) for m in messages]


def random_writes(seed: int) -> list[list]:
    """Writes of new, edited, empty and removed messages that ``add_messages`` accepts."""
    rng = random.Random(seed)
    writes, ids = [], []
    for _ in range(rng.randint(1, 8)):
        write = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.2 and ids:
                write = [RemoveMessage(id=ids.pop(rng.randrange(len(ids))))]
                break
            if kind < 0.4 and ids:
                write.append(HumanMessage(rng.choice(["", "edited"]), id=rng.choice(ids)))
            elif kind < 0.7:
                write.append(HumanMessage(rng.choice(["", " ", "ask"]), id=f"h{rng.random()}"))
            else:
                write.append(AIMessage("answer", id=f"a{rng.random()}"))
        fold = add_messages([], [m for w in [*writes, write] for m in w])
        writes.append(write)
        ids = [m.id for m in fold]
    return writes


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 8))
def test_one_batch_equals_the_fold_of_add_messages(seed: int, cut: int) -> None:
    writes = random_writes(seed)
    fold: list = []
    for write in writes:
        fold = add_messages(fold, [m.model_copy() for m in write])
    copies = [[m.model_copy() for m in w] for w in writes]
    assert shown(add_messages_batch([], copies)) == shown(fold)
    cut = min(cut, len(writes))
    head = add_messages_batch([], [[m.model_copy() for m in w] for w in writes[:cut]])
    tail = [[m.model_copy() for m in w] for w in writes[cut:]]
    assert shown(add_messages_batch(head, tail)) == shown(fold)


def test_messages_without_ids_get_the_same_ids_on_every_replay() -> None:
    writes = [[("user", "hi")], [("ai", "hello")], [("user", "   ")]]
    first = add_messages_batch([], writes)
    again = add_messages_batch([], writes)
    assert [m.type for m in first] == ["human", "ai", "human"]
    assert [m.id for m in first] == [m.id for m in again] and all(m.id for m in first)


def test_checkpoints_store_writes_and_time_travel_still_works(tmp_path: Path) -> None:
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        for ask in ["What is the capital of Peru?", "Write a haiku about rain.", "Shorter?"]:
            graph.invoke({"messages": [HumanMessage(ask)]}, THREAD, durability="sync")
        root = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
        stored = [t.checkpoint["channel_values"] for t in saver.list(root)]
        assert not any("messages" in values for values in stored)  # no snapshot yet
        history = list(graph.get_state_history(THREAD))
        assert len(history[0].values["messages"]) == 6
        after_first = next(s for s in history if len(s.values.get("messages", [])) == 2)
        forked = graph.invoke({"messages": [HumanMessage("And of Chile?")]}, after_first.config)
        assert [m.text for m in forked["messages"][:3]] == [
            "What is the capital of Peru?",
            history[0].values["messages"][1].text,
            "And of Chile?",
        ]
        assert len(graph.get_state(THREAD).values["messages"]) == 4  # the fork is the head


def test_the_metadata_walk_reads_what_langgraph_walk_reads(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        assert isinstance(saver, DeltaSqliteSaver)
        graph = builder.compile(checkpointer=saver)
        deltas = [n for n, c in graph.channels.items() if isinstance(c, DeltaChannel)]
        assert len(deltas) > 1  # the query of their writes reads several at once

        def same_as_langgraph(config) -> None:
            ours = saver.get_delta_channel_history(config=config, channels=deltas)
            theirs = SqliteSaver.get_delta_channel_history(saver, config=config, channels=deltas)
            assert ours.keys() == theirs.keys()
            for channel, history in theirs.items():
                assert ("seed" in ours[channel]) == ("seed" in history)
                assert repr(ours[channel].get("seed")) == repr(history.get("seed"))
                assert repr(ours[channel]["writes"]) == repr(history["writes"])

        for n in range(8):
            ask = ["What is the capital of Peru?", "Write a haiku about rain.", "Shorter?"][n % 3]
            graph.invoke({"messages": [HumanMessage(f"{ask} ({n})")]}, THREAD, durability="sync")
            same_as_langgraph(THREAD)  # the chain read last turn, joined to the new part
        configs = [t.config for t in saver.list(THREAD)]
        assert any("messages" in t.checkpoint["channel_values"] for t in saver.list(THREAD))
        for config in configs:  # newest first: every other chain, with what is decoded
            same_as_langgraph(config)


async def test_the_async_metadata_walk_reads_what_langgraph_walk_reads(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    async with async_sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        assert isinstance(saver, AsyncDeltaSqliteSaver)
        graph = builder.compile(checkpointer=saver)
        for n in range(6):
            ask = HumanMessage(f"Write a haiku about rain, number {n}.")
            await graph.ainvoke({"messages": [ask]}, THREAD, durability="sync")
        configs = [t.config async for t in saver.alist(THREAD)]
        for config in configs:
            ours = await saver.aget_delta_channel_history(config=config, channels=["messages"])
            theirs = await AsyncSqliteSaver.aget_delta_channel_history(
                saver, config=config, channels=["messages"]
            )
            assert repr(ours) == repr(theirs)
        latest = (await graph.aget_state(THREAD)).values["messages"]
        assert len(latest) == 12


def test_the_chains_writes_are_read_with_one_query_text_whatever_their_lengths(
    tmp_path: Path, monkeypatch
) -> None:
    """``sqlite3`` keeps a prepared statement per query text: one text per chain length
    held megabytes of them in a long thread."""
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 6)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    executed: list[str] = []
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        saver.conn.set_trace_callback(executed.append)
        for n in range(8):
            graph.invoke({"messages": [HumanMessage(f"Capital of Peru? ({n})")]}, THREAD)
    literal = re.compile(r"'(?:[^']|'')*'|\b\d+\b")  # the trace shows bound values inline
    reads = {literal.sub("?", sql) for sql in executed if "FROM writes WHERE" in sql}
    chain_reads = [sql for sql in reads if "channel = " in sql and "checkpoint_id IN" in sql]
    assert chain_reads  # the walk ran
    # one text per number of channels read, none per chain length
    assert len(chain_reads) == len({sql.count("UNION ALL") for sql in chain_reads})


def test_a_turn_reads_only_the_writes_it_has_not_decoded_before(
    tmp_path: Path, monkeypatch
) -> None:
    """The saver keeps each checkpoint's decoded writes: a turn of a long thread reads the
    checkpoints made since its last turn, not the whole chain back to the snapshot."""
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 100)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    path = tmp_path / "checkpoints.sqlite"
    executed: list[str] = []
    with sqlite_checkpointer(path) as saver:
        graph = builder.compile(checkpointer=saver)
        for n in range(8):
            graph.invoke({"messages": [HumanMessage(f"Capital of Peru? ({n})")]}, THREAD)
        chain = len(list(saver.list(THREAD)))
        saver.conn.set_trace_callback(executed.append)
        graph.invoke({"messages": [HumanMessage("And of Chile?")]}, THREAD)
        saver.conn.set_trace_callback(None)
        cached = graph.get_state(THREAD).values["messages"]
    arrays = [re.findall(r"json_each\('(\[[^']*\])'\)", sql) for sql in executed]
    read = [len(json.loads(ids)) for found in arrays for ids in found]
    assert read and max(read) <= 8 < chain  # one turn's checkpoints, not the chain
    with sqlite_checkpointer(path) as fresh:  # nothing decoded: the whole chain, same state
        assert builder.compile(checkpointer=fresh).get_state(THREAD).values["messages"] == cached
    assert cached[-2].text == "And of Chile?" and len(cached) == 18


def test_a_read_only_file_from_before_task_path_is_read_as_langgraph_reads_it(
    tmp_path: Path, monkeypatch
) -> None:
    """A file whose writes table has no ``task_path`` (LangGraph adds it in ``setup``,
    which a read-only file refuses): the saver sees that from the file and reads the
    chain's writes without it, as LangGraph does."""
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)
    path = tmp_path / "checkpoints.sqlite"
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    with sqlite_checkpointer(path) as saver:
        graph = builder.compile(checkpointer=saver)
        for n in range(5):
            graph.invoke({"messages": [HumanMessage(f"Write a haiku ({n})")]}, THREAD)
        deltas = [n for n, c in graph.channels.items() if isinstance(c, DeltaChannel)]
        saver.conn.execute("ALTER TABLE writes DROP COLUMN task_path")
        saver.conn.commit()
        serde = saver.serde
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        old = DeltaSqliteSaver(conn, serde=serde)
        ours = old.get_delta_channel_history(config=THREAD, channels=deltas)
        theirs = SqliteSaver.get_delta_channel_history(old, config=THREAD, channels=deltas)
        assert old.task_path is False
        assert repr(ours) == repr(theirs)
        assert ours["messages"]["writes"]  # the chain's writes were read
    finally:
        conn.close()

"""Compaction on a schedule (``StorageConfig.compact_every``): a long thread keeps a
bounded number of checkpoints with no caller's help, keeps time travel since its last
compaction, and resumes after an interrupt and after a crash as without the setting;
a checkpointer it cannot compact is refused when the graph is compiled."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from orchestrator_graph import (
    OrchestratorConfig,
    RetryConfig,
    RoutingConfig,
    StorageConfig,
    create_orchestrator,
)
from orchestrator_graph.errors import ModelCallError
from orchestrator_graph.storage import prune, schedule
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel
from tests.conftest import Checkpointer

ASKS = ["What is the capital of Peru?", "Translate 'good morning' into French.", "2 + 2?"]
UNSURE = [
    HumanMessage("Tell me about the Zappa band history."),
    AIMessage("The Mothers of Invention..."),
    HumanMessage("Why did they break up?"),
]


def build(every: int, main: SimulatedChatModel | None = None, **sections: Any):
    return create_orchestrator(
        main_model=main or SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(
            ledger_path=None, storage=StorageConfig(compact_every=every), **sections
        ),
    )


def ask(n: int) -> dict[str, Any]:
    return {"messages": [HumanMessage(f"{ASKS[n % len(ASKS)]} (turn {n})")]}


def texts(messages) -> list[tuple[str, str]]:
    return [(m.type, m.text) for m in messages]


def sources(graph, thread) -> list[str]:
    """The thread's checkpoints' sources, oldest first."""
    return [s.metadata["source"] for s in graph.get_state_history(thread)][::-1]


@pytest.mark.parametrize(
    "checkpointer", ["sqlite", pytest.param("postgres", marks=pytest.mark.slow)], indirect=True
)
def test_a_long_thread_keeps_few_checkpoints_and_time_travel_since_its_last_compaction(
    checkpointer: Checkpointer,
) -> None:
    every, turns = 4, 16
    thread = {"configurable": {"thread_id": f"scheduled-{uuid.uuid4().hex}"}}
    graph = build(every).compile(checkpointer=checkpointer.saver)
    counts = []
    for n in range(turns):
        out = graph.invoke(ask(n), thread)
        counts.append(len(list(checkpointer.saver.list(thread))))
    per_turn = counts[0]
    assert max(counts) <= every * per_turn + 1  # never more than `every` turns kept
    assert counts[-1] == every * per_turn + 1  # compacted at the start of turns 5, 9 and 13
    assert len(out["messages"]) == 2 * turns  # the whole transcript, as without the setting
    assert texts(graph.get_state(thread).values["messages"]) == texts(out["messages"])
    history = list(graph.get_state_history(thread))
    assert sources(graph, thread)[0] == "update" and sources(graph, thread).count("input") == every
    for state in history:  # every kept state rebuilds its whole transcript
        kept = texts(state.values["messages"])
        assert kept == texts(out["messages"])[: len(kept)] and len(kept) >= 2 * 12
    # time travel: a fork from the state before the last turn; the thread is due, yet
    # nothing is compacted (the fork's parent stays)
    before_last = next(s for s in history if len(s.values["messages"]) == 2 * (turns - 1))
    fork = graph.invoke(ask(99), before_last.config)
    assert texts(fork["messages"]) == [*texts(out["messages"])[:-2], *texts(fork["messages"])[-2:]]
    assert graph.get_state(before_last.config).values["messages"] == before_last.values["messages"]
    assert len(list(checkpointer.saver.list(thread))) > counts[-1]


def test_the_pages_a_compaction_frees_go_back_to_the_disk(tmp_path: Path) -> None:
    path, thread = tmp_path / "c.sqlite", {"configurable": {"thread_id": "pages"}}

    def pages() -> int:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute("PRAGMA page_count").fetchone()[0]

    with sqlite_checkpointer(path) as saver:
        graph = build(4).compile(checkpointer=saver)
        for n in range(4):
            graph.invoke(ask(n), thread)
        before = pages()
        graph.invoke(ask(4), thread)  # compacts first: four turns' checkpoints go
        assert pages() < before
        assert saver.conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental


def test_a_turn_waiting_at_an_interrupt_resumes_and_the_next_turn_compacts(
    tmp_path: Path,
) -> None:
    thread = {"configurable": {"thread_id": "interrupted"}}
    routing = RoutingConfig(interrupt_below=0.7)
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        graph = build(2, routing=routing).compile(checkpointer=saver)
        graph.invoke(ask(0), thread)
        paused = graph.invoke({"messages": UNSURE}, thread)  # due from here on
        assert "__interrupt__" in paused
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:  # resumed as a new process would
        graph = build(2, routing=routing).compile(checkpointer=saver)
        before = sources(graph, thread)
        final = graph.invoke(Command(resume="main_session"), thread)
        assert final["decision"].route == "main_session" and graph.get_state(thread).next == ()
        assert sources(graph, thread)[: len(before)] == before  # the resume compacted nothing
        out = graph.invoke(ask(2), thread)
        assert sources(graph, thread)[0] == "update"  # the next turn did
    assert texts(out["messages"])[:-2] == texts(final["messages"])
    assert len(out["messages"]) == 2 + len(UNSURE) + 1 + 2


@pytest.mark.parametrize("then", ["resume", "new turn"])
def test_a_turn_cut_by_a_crash_resumes_as_without_the_setting(tmp_path: Path, then: str) -> None:
    thread = {"configurable": {"thread_id": "crashed"}}
    sections = {
        "routing": RoutingConfig(force_route="main_session"),
        "retries": RetryConfig(max_retries=0),
    }
    main = SimulatedChatModel(model_name="gpt-4.1")
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        graph = build(2, main, **sections).compile(checkpointer=saver)
        graph.invoke(ask(0), thread)
        main.faults.append("server_error")
        with pytest.raises(ModelCallError):
            graph.invoke(ask(1), thread)  # due from here on, with a turn in progress
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:  # a new process
        graph = build(2, **sections).compile(checkpointer=saver)
        before = sources(graph, thread)
        assert graph.get_state(thread).next == ("main_session",)
        out = graph.invoke(None if then == "resume" else ask(2), thread)
        assert sources(graph, thread)[: len(before)] == before  # nothing compacted
        assert graph.get_state(thread).next == ()
        after = graph.invoke(ask(3), thread)
        assert sources(graph, thread)[0] == "update"
    asked = [text for kind, text in texts(out["messages"]) if kind == "human"]
    done = [ask(n)["messages"][0].text for n in ((0, 1) if then == "resume" else (0, 1, 2))]
    assert asked == done and out["messages"][-1].type == "ai"
    assert texts(after["messages"])[:-2] == texts(out["messages"])


def test_a_compaction_cut_after_writing_the_state_is_logged_and_done_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def cut(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")  # the state was written whole, nothing was deleted

    thread = {"configurable": {"thread_id": "cut"}}
    with sqlite_checkpointer(tmp_path / "c.sqlite") as saver:
        graph = build(2).compile(checkpointer=saver)
        for n in range(2):
            graph.invoke(ask(n), thread)
        with monkeypatch.context() as patch, caplog.at_level(logging.WARNING, schedule.__name__):
            patch.setattr(prune, "prune_sqlite", cut)
            out = graph.invoke(ask(2), thread)
        assert "scheduled compaction of thread 'cut' failed" in caplog.text
        assert len(out["messages"]) == 6 and "update" in sources(graph, thread)[1:]
        out = graph.invoke(ask(3), thread)  # still due: compacted now
        assert sources(graph, thread)[0] == "update" and sources(graph, thread).count("input") == 1
    assert [t for t, _ in texts(out["messages"])] == ["human", "ai"] * 4


@pytest.mark.parametrize("checkpointer", ["memory", "async_sqlite"], indirect=True)
def test_a_checkpointer_it_cannot_compact_is_refused_at_compile(
    checkpointer: Checkpointer,
) -> None:
    with pytest.raises(TypeError, match=r"compact_every needs .* SqliteSaver or a PostgresSaver"):
        build(8).compile(checkpointer=checkpointer.saver)
    with pytest.raises(TypeError, match="compact_every needs"):
        build(8).compile()  # no checkpointer: nothing to compact

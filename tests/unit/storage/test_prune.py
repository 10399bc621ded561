"""Pruning a thread's old checkpoints keeps it resumable; history is read in pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Command

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.cli import main
from orchestrator_graph.conversation.transcript import TRANSCRIPT
from orchestrator_graph.state import DIGESTS, PROMPTS
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.storage.prune import (
    checkpoint_pages,
    compact_thread,
    kept_chain,
    prune_thread,
    state_pages,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel

THREAD = {"configurable": {"thread_id": "long"}}
ASKS = [
    "What is the capital of Peru?",
    "Write a Python function that reverses a string.",
    "Now add a docstring to it.",
    "Convert 30 C to F.",
]


@pytest.fixture
def snapshot_every_4(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots of the transcript every 4 updates (2 turns), and of the digests and
    prompts every 2 (they are updated once or twice a turn), so pruning has some to use."""
    monkeypatch.setattr(TRANSCRIPT, "snapshot_frequency", 4)
    for channel in (DIGESTS, PROMPTS):
        monkeypatch.setattr(channel, "snapshot_frequency", 2)


def build(**options):
    return create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig().updated({"ledger_path": None, **options}),
    )


def run_turns(graph, turns: int) -> None:
    for n in range(turns):
        ask = HumanMessage(f"{ASKS[n % len(ASKS)]} (turn {n})")
        graph.invoke({"messages": [ask]}, THREAD, durability="sync")


def count(saver, table: str) -> int:
    return saver.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def one_node_graph() -> StateGraph:
    """A plain ``MessagesState`` graph of one node, ``answer``."""

    def answer(state: MessagesState) -> dict:
        return {"messages": [AIMessage(f"answer {len(state['messages'])}")]}

    builder = StateGraph(MessagesState)
    builder.add_node("answer", answer)
    builder.add_edge(START, "answer")
    return builder


def on_disk(path: Path) -> int:
    """The database's bytes with its write-ahead log."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def shown(messages) -> list[tuple[str, str, str]]:
    return [(m.id, m.type, m.text) for m in messages]


def link(cid: str, stored: set[str], counted: dict[str, list[int]] | None = None):
    """One checkpoint of a chain as ``kept_chain`` reads it: versions of the transcript
    and of ``digests``, values of ``stored``."""
    versions = {"messages": 1, "digests": 1, "route": 1}
    checkpoint = {"channel_values": dict.fromkeys(stored, 0), "channel_versions": versions}
    return cid, checkpoint, {"counters_since_delta_snapshot": counted or {}}


def test_the_kept_chain_reaches_back_to_every_snapshot_the_latest_needs() -> None:
    chain = [
        link("c5", {"route"}, {"messages": [3, 3], "digests": [1, 1]}),
        link("c4", {"route"}),
        link("c3", {"route", "digests"}),  # the digests' snapshot
        link("c2", {"route"}),
        link("c1", {"route", "messages"}),  # the transcript's snapshot
        link("c0", {"route", "messages", "digests"}),
    ]
    assert kept_chain(iter(chain), (), keep=1) == ["c5", "c4", "c3", "c2", "c1"]
    assert kept_chain(iter(chain), (), keep=6) == ["c5", "c4", "c3", "c2", "c1", "c0"]
    stored_whole = [link("c9", {"route", "messages", "digests"}), *chain]
    assert kept_chain(iter(stored_whole), (), keep=1) == ["c9"]
    assert kept_chain(iter(stored_whole), (), keep=2) == ["c9", "c5"]
    not_counted = [link("c5", {"route", "messages"}), *chain[1:]]  # no counters
    assert kept_chain(iter(not_counted), (), keep=1) == ["c5"]
    # digests named: back to their snapshot, and on to a checkpoint storing the transcript
    assert kept_chain(iter(not_counted), ["digests"], keep=1) == ["c5", "c4", "c3", "c2", "c1"]
    assert kept_chain(iter([]), (), keep=1) == []


def test_prune_keeps_the_thread_whole_and_resumable(tmp_path: Path, snapshot_every_4) -> None:
    path = tmp_path / "checkpoints.sqlite"
    with sqlite_checkpointer(path) as saver:
        graph = build().compile(checkpointer=saver)
        run_turns(graph, 12)
        before = graph.get_state(THREAD).values["messages"]
        stored = count(saver, "checkpoints")
        report = prune_thread(saver, "long")
        assert report.deleted_checkpoints > 0 and report.deleted_writes > 0
        assert count(saver, "checkpoints") == report.kept_checkpoints < stored
        assert report.kept_checkpoints <= 4 * 7  # back to a snapshot at most 4 updates ago
    with sqlite_checkpointer(path) as saver:  # as a new process would
        graph = build().compile(checkpointer=saver)
        assert shown(graph.get_state(THREAD).values["messages"]) == shown(before)
        graph.invoke({"messages": [HumanMessage("And one more: 2 + 2?")]}, THREAD)
        after = graph.get_state(THREAD).values["messages"]
        assert shown(after[: len(before)]) == shown(before) and len(after) == len(before) + 2
        history = list(graph.get_state_history(THREAD))
        assert history[-1].values["messages"]  # the oldest kept state still rebuilds


def test_keep_holds_more_of_the_chain(tmp_path: Path, snapshot_every_4) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = build().compile(checkpointer=saver)
        run_turns(graph, 6)
        assert prune_thread(saver, "long", keep=30).kept_checkpoints == 30
        assert prune_thread(saver, "long").kept_checkpoints <= 30


def test_an_interrupted_turn_resumes_after_pruning(tmp_path: Path, snapshot_every_4) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = build(interrupt_below=0.7).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage("Tell me about the Zappa band history.")]}, THREAD)
        if graph.get_state(THREAD).next:
            graph.invoke(Command(resume="main_session"), THREAD)
        paused = graph.invoke({"messages": [HumanMessage("Why did they break up?")]}, THREAD)
        assert paused.get("__interrupt__")
        prune_thread(saver, "long")
        assert graph.get_state(THREAD).next == ("cost_estimate",)
        final = graph.invoke(Command(resume="worker_session"), THREAD)
        assert final["decision"].route == "worker_session"
        assert final["messages"][-1].type == "ai"


def test_compacting_keeps_one_checkpoint_holding_the_whole_state(tmp_path: Path) -> None:
    """Without compaction the chain back to the transcript's snapshot stays (here the
    whole thread: no snapshot yet); compacted, one checkpoint, the same state, resumable."""
    path = tmp_path / "checkpoints.sqlite"
    with sqlite_checkpointer(path) as saver:
        graph = build().compile(checkpointer=saver)
        run_turns(graph, 8)
        before = graph.get_state(THREAD)
        assert prune_thread(saver, "long").deleted_checkpoints == 0  # all needed
        size = on_disk(path)
        report = compact_thread(graph, THREAD, vacuum=True)
        assert report.kept_checkpoints == count(saver, "checkpoints") == 1
        assert on_disk(path) < size / 5
    with sqlite_checkpointer(path) as saver:  # as a new process would
        graph = build().compile(checkpointer=saver)
        after = graph.get_state(THREAD)
        assert after.next == () and after.values == before.values
        assert shown(after.values["messages"]) == shown(before.values["messages"])
        out = graph.invoke({"messages": [HumanMessage("And one more: 2 + 2?")]}, THREAD)
        assert len(out["messages"]) == len(before.values["messages"]) + 2
        assert out["thread_cost_usd"] > before.values["thread_cost_usd"]


def test_a_turn_waiting_at_an_interrupt_is_not_compacted(tmp_path: Path) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = build(interrupt_below=1.0).compile(checkpointer=saver)
        paused = graph.invoke({"messages": [HumanMessage("Tell me about Zappa.")]}, THREAD)
        assert paused.get("__interrupt__")
        stored = count(saver, "checkpoints")
        with pytest.raises(ValueError, match="turn in progress"):
            compact_thread(graph, THREAD)
        assert count(saver, "checkpoints") == stored
        assert graph.invoke(Command(resume="main_session"), THREAD)["messages"][-1].type == "ai"


def test_a_thread_of_another_graph_is_not_compacted(tmp_path: Path) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        plain = one_node_graph().compile(checkpointer=saver)
        plain.invoke({"messages": [HumanMessage("q0")]}, THREAD)
        stored = count(saver, "checkpoints")
        with pytest.raises(ValueError, match=r"written by another graph.*answer"):
            compact_thread(build().compile(checkpointer=saver), THREAD)
        assert count(saver, "checkpoints") == stored
        assert len(plain.invoke({"messages": [HumanMessage("q1")]}, THREAD)["messages"]) == 4


def test_a_plain_messages_graph_keeps_only_its_latest(tmp_path: Path) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = one_node_graph().compile(checkpointer=saver)
        for n in range(5):
            graph.invoke({"messages": [HumanMessage(f"q{n}")]}, THREAD)
        assert prune_thread(saver, "long").kept_checkpoints == 1
        out = graph.invoke({"messages": [HumanMessage("q5")]}, THREAD)
        assert len(out["messages"]) == 12


def test_history_in_pages(tmp_path: Path) -> None:
    with sqlite_checkpointer(tmp_path / "checkpoints.sqlite") as saver:
        graph = build().compile(checkpointer=saver)
        run_turns(graph, 4)
        whole = [t.config["configurable"]["checkpoint_id"] for t in saver.list(THREAD)]
        pages = list(checkpoint_pages(saver, THREAD, page_size=7))
        assert all(len(p) == 7 for p in pages[:-1]) and 0 < len(pages[-1]) <= 7
        paged = [t.config["configurable"]["checkpoint_id"] for p in pages for t in p]
        assert paged == whole
        states = [s for page in state_pages(graph, THREAD, page_size=5) for s in page]
        root = {"configurable": {"thread_id": "long", "checkpoint_ns": ""}}
        roots = [t.config["configurable"]["checkpoint_id"] for t in saver.list(root)]
        assert roots == whole  # the workers store no checkpoints of their own
        assert [s.config["configurable"]["checkpoint_id"] for s in states] == roots
        assert states[0].values["messages"] == graph.get_state(THREAD).values["messages"]


def test_the_prune_command(tmp_path: Path, capsys) -> None:
    path = tmp_path / "checkpoints.sqlite"
    with sqlite_checkpointer(path) as saver:
        run_turns(build().compile(checkpointer=saver), 3)
    assert main(["prune", "long", "--db", str(path), "--vacuum"]) == 0
    printed = capsys.readouterr().out
    assert "long: kept" in printed and "MB ->" in printed
    assert main(["prune", "long", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert "no checkpoint file" in capsys.readouterr().err


def test_the_prune_command_compacts(tmp_path: Path, capsys) -> None:
    path = tmp_path / "checkpoints.sqlite"
    with sqlite_checkpointer(path) as saver:
        graph = build().compile(checkpointer=saver)
        run_turns(graph, 3)
        before = graph.get_state(THREAD).values
        one_node_graph().compile(checkpointer=saver).invoke(
            {"messages": [HumanMessage("q0")]}, {"configurable": {"thread_id": "plain"}}
        )
    assert main(["prune", "long", "--db", str(path), "--compact", "--vacuum"]) == 0
    assert "long: kept 1 checkpoints" in capsys.readouterr().out
    with sqlite_checkpointer(path) as saver:
        graph = build().compile(checkpointer=saver)
        assert graph.get_state(THREAD).values == before
        assert len(list(saver.list(THREAD))) == 1
    assert main(["prune", "plain", "--db", str(path), "--compact"]) == 2
    assert re.search(r"plain: not compacted: .*another graph", capsys.readouterr().err)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_prune_refuses_a_file_without_checkpoint_tables(tmp_path: Path, capsys) -> None:
    from orchestrator_graph.accounting.ledger import CostLedger

    ledger = tmp_path / "ledger.sqlite"
    with CostLedger(ledger):
        pass
    before = _bytes(tmp_path)
    assert main(["prune", "--db", str(ledger), "t"]) == 2
    assert f"{ledger} is a cost ledger, not a checkpoint file" in capsys.readouterr().err
    assert _bytes(tmp_path) == before  # no checkpoint tables added, no file created


def test_prune_of_a_thread_without_checkpoints_is_an_error_pruning_nothing(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "cp.sqlite"
    with sqlite_checkpointer(path) as saver:
        run_turns(build().compile(checkpointer=saver), 2)
        kept = count(saver, "checkpoints")
    assert main(["prune", "--db", str(path), "long", "no-such-thread"]) == 2
    assert "no checkpoint of thread no-such-thread" in capsys.readouterr().err
    with sqlite_checkpointer(path) as saver:
        assert count(saver, "checkpoints") == kept  # "long" was not pruned either


@pytest.mark.parametrize("keep", ["0", "-1"])
def test_prune_refuses_keeping_no_checkpoint(tmp_path: Path, capsys, keep: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["prune", "--db", str(tmp_path / "cp.sqlite"), "t", "--keep", keep])
    assert exited.value.code == 2
    assert f"argument --keep: {keep} is below the minimum, 1" in capsys.readouterr().err

"""Several processes (sync and async) x many turns on one checkpoint file and one ledger."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_graph import OrchestratorConfig, create_orchestrator
from orchestrator_graph.accounting.budget import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = pytest.mark.slow  # starts processes

PROCESSES, TURNS = 4, 50

CHILD = r"""
import asyncio, json, sys
from langchain_core.messages import HumanMessage
from orchestrator_graph import OrchestratorConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.storage.checkpoints import async_sqlite_checkpointer, sqlite_checkpointer
from orchestrator_graph.config import BudgetLimits
from orchestrator_graph.testing.simulated import SimulatedChatModel

db, ledger, thread_id, mode, turns = sys.argv[1:6]
config = OrchestratorConfig(
    ledger_path=ledger,
    budget=BudgetLimits(thread_usd=100),
    routing=RoutingConfig(force_route="main_session"),
)
builder = create_orchestrator(
    main_model=SimulatedChatModel(model_name="gpt-4.1", answers={}, max_tokens=20),
    worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
    config=config,
)
thread = {"configurable": {"thread_id": thread_id}}
asks = [HumanMessage(f"Question {n} of {thread_id}: what is {n} + {n}?") for n in range(int(turns))]
if mode == "sync":
    with sqlite_checkpointer(db) as saver:
        graph = builder.compile(checkpointer=saver)
        for ask in asks:
            graph.invoke({"messages": [ask]}, thread, durability="sync")
else:
    async def main():
        async with async_sqlite_checkpointer(db) as saver:
            graph = builder.compile(checkpointer=saver)
            for ask in asks:
                await graph.ainvoke({"messages": [ask]}, thread, durability="sync")
    asyncio.run(main())
print(json.dumps({"thread": thread_id}))
"""


def test_processes_share_one_checkpoint_file_and_one_ledger(tmp_path: Path) -> None:
    db, ledger = tmp_path / "cp.sqlite", tmp_path / "ledger.sqlite"
    threads = [f"p{n}-{'sync' if n % 2 else 'async'}" for n in range(PROCESSES)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(ledger), t, t.split("-")[1], str(TURNS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in threads
    ]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err[-2000:]
        assert "locked" not in err
    with CostLedger(ledger) as book:
        for thread in threads:
            assert [t.turn for t in book.turns(thread)] == list(range(TURNS))
            calls = book.calls(thread)
            assert [c["turn"] for c in calls] == list(range(TURNS))  # one call per turn, no loss
            assert all(c["status"] == "ok" for c in calls)
        assert book.totals().turns == PROCESSES * TURNS
    holds = BudgetBook(ledger).holds()
    assert len(holds) == PROCESSES * TURNS and all(h["settled"] for h in holds)
    builder = create_orchestrator(
        main_model=SimulatedChatModel(model_name="gpt-4.1"),
        worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"),
        config=OrchestratorConfig(ledger_path=None),
    )
    with sqlite_checkpointer(db) as saver:
        graph = builder.compile(checkpointer=saver)  # the transcript is rebuilt from its writes
        for thread in threads:
            messages = graph.get_state({"configurable": {"thread_id": thread}}).values["messages"]
            assert [m.type for m in messages] == ["human", "ai"] * TURNS
            assert messages[-2].content.startswith(f"Question {TURNS - 1} of {thread}")
    print(json.dumps({"processes": PROCESSES, "turns_each": TURNS}))

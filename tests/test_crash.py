"""A process killed (``os._exit``) in the middle of a fan-out, resumed in a new process.

The orchestrator runs with LangGraph durability ``"sync"``: each finished
worker's writes are in the SQLite checkpoint before the step goes on, so the
resumed run takes them from the pending writes and calls only the unfinished
worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator_graph.accounting.ledger import CostLedger

pytestmark = pytest.mark.slow  # starts processes

QUESTIONS = [
    "What is the capital of Peru?",
    "Who wrote 'The Left Hand of Darkness'?",
    "What is the boiling point of water in Fahrenheit?",
]
CRASH_ON = QUESTIONS[1]

CHILD = r'''
import json, os, sqlite3, sys, time
from langchain_core.messages import HumanMessage
from orchestrator_graph import OrchestratorConfig, create_orchestrator, QualityConfig, RoutingConfig
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

db, ledger, log, request = sys.argv[1:5]
thread = {"configurable": {"thread_id": "crash"}}


def finished_workers() -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(
            "SELECT count(DISTINCT task_id) FROM writes WHERE thread_id = 'crash'"
            " AND checkpoint_ns = '' AND channel = '__return__'"  # a worker task's result
        ).fetchone()[0]


class LoggedModel(SimulatedChatModel):
    """Logs each answered request to a file; dies mid-call on the CRASH_ON request."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        brief = messages[-1].content
        if os.environ.get("CRASH_ON") == brief:
            deadline = time.time() + 60
            while finished_workers() < 2 and time.time() < deadline:
                time.sleep(0.02)  # the other workers' results are checkpointed first
            os._exit(17)
        result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        with open(log, "a") as f:
            entry = {"pid": os.getpid(), "model": self.model_name, "brief": brief}
            f.write(json.dumps(entry) + "\n")
        return result


config = OrchestratorConfig(
    ledger_path=ledger,
    routing=RoutingConfig(force_route="parallel_workers", max_parallel_workers=3),
    # every worker on the worker model by these rules, whatever the quality model,
    quality=QualityConfig(
        strong_categories=frozenset(), strong_worker_complexity=6, min_quality=None
    ),
)
builder = create_orchestrator(
    main_model=LoggedModel(model_name="gpt-4.1"),
    worker_model=LoggedModel(model_name="gpt-4.1-mini"),
    config=config,
)
with sqlite_checkpointer(db) as saver:
    graph = builder.compile(checkpointer=saver)
    value = {"messages": [HumanMessage(request)]} if request else None
    state = graph.invoke(value, thread, durability="sync")
    pending = list(graph.get_state(thread).next)
    print(json.dumps({"answer": state["messages"][-1].text, "next": pending}))
'''


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_crash_mid_fan_out_resumes_only_unfinished_workers(tmp_path: Path) -> None:
    import os

    db, ledger, log = tmp_path / "cp.sqlite", tmp_path / "ledger.sqlite", tmp_path / "calls.jsonl"
    request = "\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1))
    paths = [str(db), str(ledger), str(log)]

    crashed = _run([*paths, request], env={**os.environ, "CRASH_ON": CRASH_ON})
    assert crashed.returncode == 17, crashed.stderr[-2000:]
    first = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(c["brief"] for c in first) == sorted(q for q in QUESTIONS if q != CRASH_ON)
    assert CostLedger(ledger).turns("crash") == []  # nothing billed before the turn ends

    resumed = _run([*paths, ""], env={k: v for k, v in os.environ.items() if k != "CRASH_ON"})
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    out = json.loads(resumed.stdout.strip().splitlines()[-1])
    second = [json.loads(line) for line in log.read_text().splitlines()][len(first) :]
    # only the unfinished worker ran again, once; no fallback to the main model
    assert [(c["brief"], c["model"]) for c in second] == [(CRASH_ON, "gpt-4.1-mini")]
    assert {c["pid"] for c in second}.isdisjoint({c["pid"] for c in first})
    assert out["next"] == []
    # the merged answer is complete: one part per subtask, in order
    assert out["answer"].count("[simulated gpt-4.1-mini]") == 3

    with CostLedger(ledger) as book:
        (turn,) = book.turns("crash")
        calls = book.calls("crash")
    assert turn.worker_results == 3 and turn.workers_accepted == 3 and turn.fallbacks == 0
    assert len(calls) == 3 and len({c["call_id"] for c in calls}) == 3  # each billed once
    assert {c["node"] for c in calls} == {"spawn_subgraph"}
    assert turn.cost_usd == sum(c["cost_usd"] for c in calls)

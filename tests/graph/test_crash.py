"""A process killed (``os._exit``) in the middle of a fan-out, resumed in a new process.

The orchestrator runs with LangGraph durability ``"sync"``: each finished
worker's writes are in the checkpoint before the step goes on, so the resumed run
takes them from the pending writes and calls only the unfinished worker. Run under
every checkpointer that outlives a process (SQLite, async SQLite, PostgreSQL: the
in-memory saver dies with it), and resumed under ``invoke`` or ``ainvoke`` (whose
worker tasks are coroutines of the same name: the finished workers' results are reused).
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
import asyncio, json, os, sys, time
from langchain_core.messages import HumanMessage
from orchestrator_graph import OrchestratorConfig, QualityConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.storage.checkpoints import (
    async_sqlite_checkpointer, postgres_checkpointer, sqlite_checkpointer,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel

kind, db, ledger, log, request, mode = sys.argv[1:7]
thread = {"configurable": {"thread_id": "crash"}}
SAVERS = []  # the run's checkpointer, read by a dying worker


def finished_workers() -> int:
    """Workers whose result (a task's ``__return__`` write) is in the checkpoint."""
    if mode == "ainvoke":  # the async saver refuses sync reads on the loop: a reader of its own
        with sqlite_checkpointer(db) as saver:
            found = saver.get_tuple(thread)
    else:
        found = SAVERS[0].get_tuple(thread)
    writes = found.pending_writes if found is not None else []
    return len({task for task, channel, _ in writes if channel == "__return__"})


class LoggedModel(SimulatedChatModel):
    """Logs each answered request to a file; dies mid-call on the CRASH_ON request."""

    def _before(self, messages):
        if os.environ.get("CRASH_ON") == messages[-1].content:
            deadline = time.time() + 60
            while finished_workers() < 2 and time.time() < deadline:
                time.sleep(0.02)  # the other workers' results are checkpointed first
            os._exit(17)

    async def _abefore(self, messages):  # the other workers run on this event loop
        if os.environ.get("CRASH_ON") == messages[-1].content:
            deadline = time.time() + 60
            while await asyncio.to_thread(finished_workers) < 2 and time.time() < deadline:
                await asyncio.sleep(0.02)
            os._exit(17)

    def _after(self, messages):
        with open(log, "a") as f:
            entry = {"pid": os.getpid(), "model": self.model_name, "brief": messages[-1].content}
            f.write(json.dumps(entry) + "\n")

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self._before(messages)
        result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        self._after(messages)
        return result

    async def _agenerate(self, messages, stop=None, run_manager=None, **kwargs):
        await self._abefore(messages)
        result = await super()._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)
        self._after(messages)
        return result


config = OrchestratorConfig(
    ledger_path=ledger,
    routing=RoutingConfig(force_route="parallel_workers", max_parallel_workers=3),
    quality=QualityConfig(
        strong_categories=frozenset(), strong_worker_complexity=6, min_quality=None
    ),
)
builder = create_orchestrator(
    main_model=LoggedModel(model_name="gpt-4.1"),
    worker_model=LoggedModel(model_name="gpt-4.1-mini"),
    config=config,
)
value = {"messages": [HumanMessage(request)]} if request else None


async def run_async():
    async with async_sqlite_checkpointer(db) as saver:
        graph = builder.compile(checkpointer=saver)
        state = await graph.ainvoke(value, thread, durability="sync")
        return state, list((await graph.aget_state(thread)).next)


if mode == "ainvoke":
    state, pending = asyncio.run(run_async())
else:
    opened = postgres_checkpointer(db) if kind == "postgres" else sqlite_checkpointer(db)
    with opened as saver:
        SAVERS.append(saver)
        graph = builder.compile(checkpointer=saver)
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


@pytest.mark.parametrize(
    ("kind", "crash", "resume"),
    [
        ("sqlite", "invoke", "invoke"),
        ("sqlite", "invoke", "ainvoke"),  # a sync fan-out resumed by the async graph
        ("sqlite", "ainvoke", "ainvoke"),  # AsyncSqliteSaver throughout
        ("postgres", "invoke", "invoke"),
    ],
)
def test_crash_mid_fan_out_resumes_only_unfinished_workers(
    kind: str, crash: str, resume: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import os

    ledger, log = tmp_path / "ledger.sqlite", tmp_path / "calls.jsonl"
    if kind == "postgres":  # a database of its own: the thread id is fixed
        db = request.getfixturevalue("pg_database")
    else:
        db = str(tmp_path / "cp.sqlite")
    request_text = "\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1))
    paths = [kind, db, str(ledger), str(log)]

    crashed = _run([*paths, request_text, crash], env={**os.environ, "CRASH_ON": CRASH_ON})
    assert crashed.returncode == 17, crashed.stderr[-2000:]
    first = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(c["brief"] for c in first) == sorted(q for q in QUESTIONS if q != CRASH_ON)
    assert CostLedger(ledger).turns("crash") == []  # nothing billed before the turn ends

    env = {k: v for k, v in os.environ.items() if k != "CRASH_ON"}
    resumed = _run([*paths, "", resume], env=env)
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

"""A session checkpointed in SQLite or PostgreSQL continues in a second process, state intact
(the in-memory saver does not outlive its process)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from orchestrator_graph import OrchestratorConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.storage.checkpoints import postgres_checkpointer, sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

QUESTIONS = [
    "What is the capital of Australia?",
    "Convert 72 degrees Fahrenheit to Celsius.",
    "Who wrote the novel 'The Left Hand of Darkness'?",
]
NUMBERED = "\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, 1))

# The second process: open the same file, finish the interrupted turn, add one more.
SECOND_PROCESS = """
import json, sys
from langchain_core.messages import HumanMessage
from orchestrator_graph import OrchestratorConfig, RoutingConfig, create_orchestrator
from orchestrator_graph.storage.checkpoints import postgres_checkpointer, sqlite_checkpointer
from orchestrator_graph.testing.simulated import SimulatedChatModel

kind, db, ledger = sys.argv[1], sys.argv[2], sys.argv[3]
main = SimulatedChatModel(model_name="gpt-4.1")
worker = SimulatedChatModel(model_name="gpt-4.1-mini")
config = OrchestratorConfig(ledger_path=ledger, routing=RoutingConfig(force_route="main_session"))
builder = create_orchestrator(main_model=main, worker_model=worker, config=config)
thread = {"configurable": {"thread_id": sys.argv[4]}}
with (postgres_checkpointer(db) if kind == "postgres" else sqlite_checkpointer(db)) as saver:
    graph = builder.compile(checkpointer=saver)
    before = graph.get_state(thread)
    report = {
        "next": list(before.next),
        "messages": [m.text for m in before.values["messages"]],
        "worker_results": len(before.values["worker_results"]),
    }
    finished = graph.invoke(None, thread)
    report["merged"] = finished["messages"][-1].text
    state = graph.invoke({"messages": [HumanMessage("Thanks! Anything else?")]}, thread)
    report["route"] = state["decision"].route
    report["sent"] = [len(r.messages) for r in main.requests]
    report["worker_calls"] = len(worker.requests)
print(json.dumps(report))
"""


def _saver(kind: str, db: str):
    return postgres_checkpointer(db) if kind == "postgres" else sqlite_checkpointer(db)


@pytest.mark.slow  # a second process
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_second_process_continues_the_thread(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = request.getfixturevalue("pg_url") if kind == "postgres" else str(tmp_path / "cp.sqlite")
    ledger = tmp_path / "ledger.sqlite"
    model = SimulatedChatModel(model_name="gpt-4.1")  # both tiers: every call in one log
    models = {"main_model": model, "worker_model": model}
    thread_id = f"resume-{uuid.uuid4().hex}"
    thread = {"configurable": {"thread_id": thread_id}}
    with _saver(kind, db) as saver:
        config = OrchestratorConfig(
            ledger_path=ledger, routing=RoutingConfig(force_route="worker_session")
        )
        graph = create_orchestrator(**models, config=config).compile(checkpointer=saver)
        graph.invoke({"messages": [HumanMessage("Explain what a bowline knot is.")]}, thread)
        fan_out = OrchestratorConfig(
            ledger_path=ledger, routing=RoutingConfig(force_route="parallel_workers")
        )
        stopped = create_orchestrator(**models, config=fan_out).compile(
            checkpointer=saver, interrupt_before=["merge"]
        )
        stopped.invoke({"messages": [HumanMessage(NUMBERED)]}, thread)
        first = stopped.get_state(thread)
    assert first.next == ("merge",)  # the process "stops" between the workers and merge
    transcript = [m.text for m in first.values["messages"]]
    worker_texts = {r.messages[-1].text: r.text.strip() for r in model.requests[1:]}
    assert sorted(worker_texts) == sorted(QUESTIONS)

    done = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, kind, db, str(ledger), thread_id],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["next"] == ["merge"]
    assert report["messages"] == transcript and report["worker_results"] == 3
    # merge used the first process's worker results: no worker was called again
    assert report["merged"] == "\n\n".join(worker_texts[q] for q in QUESTIONS)
    assert report["worker_calls"] == 0
    assert report["route"] == "main_session"
    assert report["sent"] == [5]  # the main view of four earlier messages and the new request

    with _saver(kind, db) as saver:
        graph = create_orchestrator(**models, config=config).compile(checkpointer=saver)
        final = graph.get_state(thread).values
    assert [m.text for m in final["messages"][:3]] == transcript
    assert len(final["messages"]) == 6
    turns = CostLedger(ledger).turns(thread_id)
    assert [(t.turn, t.route) for t in turns] == [
        (0, "worker_session"),
        (1, "parallel_workers"),
        (2, "main_session"),
    ]
    assert final["thread_cost_usd"] == sum(t.cost_usd for t in turns)

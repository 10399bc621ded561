"""``langgraph dev`` serves ``langgraph.json`` offline; the ``langgraph_sdk`` client drives it.

Each server runs as a subprocess from a temporary folder (the in-memory runtime
writes ``.langgraph_api/`` into its working directory, and ``langgraph.json``'s
checkpointer path is resolved from there too, so the package is linked into it);
its SQLite checkpoints, ledger and log stay in that folder too.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from orchestrator_graph import create_orchestrator
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.server.environment import config_from_env
from orchestrator_graph.storage.location import StateLocation
from orchestrator_graph.testing.simulated import SimulatedChatModel

pytestmark = [pytest.mark.slow, pytest.mark.integration]  # starts `langgraph dev`

ROOT = Path(__file__).resolve().parents[2]
LANGGRAPH = Path(sys.executable).with_name("langgraph")
GRAPH = "orchestrator"
STARTUP_S = 60.0
SERVE = ["--no-browser", "--no-reload", "--host", "127.0.0.1"]


@dataclass
class StudioServer:
    url: str
    folder: Path
    process: subprocess.Popen

    @property
    def client(self) -> SyncLangGraphClient:
        return get_sync_client(url=self.url)

    def log(self) -> str:
        return (self.folder / "server.log").read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(folder: Path, **env: str) -> StudioServer:
    folder.mkdir(parents=True)
    (folder / "orchestrator_graph").symlink_to(ROOT / "orchestrator_graph")
    port = free_port()
    environ = {
        **os.environ,
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "1",
        "LANGSMITH_TRACING": "false",
        "ORCHESTRATOR_STATE": str(folder / "state"),
        **env,
    }
    environ.pop("OPENAI_API_KEY", None)  # offline: simulated models
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [LANGGRAPH, "dev", "--config", ROOT / "langgraph.json", *SERVE, "--port", str(port)],
            cwd=folder,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return StudioServer(f"http://127.0.0.1:{port}", folder, process)


def wait_ready(server: StudioServer) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"langgraph dev exited ({server.process.returncode}):\n{server.log()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/ok", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"langgraph dev did not answer within {STARTUP_S:.0f} s:\n{server.log()[-3000:]}")


def stop(server: StudioServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=5)


@contextmanager
def serving(started: dict[str, StudioServer]) -> Iterator[dict[str, StudioServer]]:
    """Servers ``start``ed side by side, once each answers; all stopped at the end."""
    try:
        for server in started.values():
            wait_ready(server)
        yield started
    finally:
        for server in started.values():
            stop(server)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StudioServer]]:
    """Two servers started side by side: plain, and pausing every turn for a person."""
    base = tmp_path_factory.mktemp("studio")
    with serving(
        {
            "plain": start(base / "plain"),
            "interrupt": start(base / "interrupt", ORCHESTRATOR_INTERRUPT_BELOW="1.0"),
        }
    ) as started:
        yield started


def user(text: str) -> dict:
    return {"messages": [{"role": "user", "content": text}]}


def test_turns_stream_state_and_history(servers: dict[str, StudioServer]) -> None:
    server = servers["plain"]
    client = server.client
    assert [a["graph_id"] for a in client.assistants.search()] == [GRAPH]
    thread_id = client.threads.create()["thread_id"]

    first = client.runs.wait(thread_id, GRAPH, input=user("1. Capital of Peru?\n2. 30 C in F?"))
    assert first["decision"]["route"] == "parallel_workers"
    assert first["cost_usd"] > 0 and "worker_results" not in first  # the output schema
    internal = client.threads.get_state(thread_id)["values"]
    assert len(internal["worker_results"]) == 2
    second = client.runs.wait(thread_id, GRAPH, input=user("Write a haiku about green tea."))
    assert len(second["messages"]) == 4

    parts = list(
        client.runs.stream(
            thread_id,
            GRAPH,
            input=user("1. Name three rivers in Asia.\n2. What is 12 times 12?"),
            stream_mode="updates",
            stream_subgraphs=True,
        )
    )
    errors = [p.data for p in parts if p.event == "error"]
    assert not errors, f"{errors}\n{server.log()[-3000:]}"
    nodes = [node for p in parts if p.event.startswith("updates") for node in p.data]
    assert nodes[:2] == ["classify", "cost_estimate"] and nodes[-1] == "record"
    # each worker's update as it finishes, then the worker node's with their calls, priced
    assert [node for node in nodes if node in {"worker", "spawn_subgraph"}] == [
        "worker",
        "worker",
        "spawn_subgraph",
    ]
    (workers,) = [p.data["spawn_subgraph"] for p in parts if "spawn_subgraph" in (p.data or {})]
    worker_calls = workers["calls"]
    assert len(worker_calls) == 2
    assert all(c["node"] == "spawn_subgraph" and c["cost_usd"] > 0 for c in worker_calls)

    state = client.threads.get_state(thread_id)
    values = state["values"]
    assert state["next"] == []
    assert [m["type"] for m in values["messages"]] == ["human", "ai"] * 3
    assert values["decision"]["route"] == "parallel_workers"
    assert values["baseline_cost_usd"] > 0
    history = client.threads.get_history(thread_id, limit=100)
    assert len(history) >= 3 * 5  # input, classify, cost_estimate, ..., record per turn
    counts = [len(h["values"].get("messages", [])) for h in history]
    assert counts == sorted(counts, reverse=True)  # newest first

    # the server used langgraph.json's factory (ORCHESTRATOR_STATE: a folder), record the ledger
    with sqlite3.connect(server.folder / "state" / "orchestrator.sqlite") as conn:
        stored = conn.execute(
            "SELECT COUNT(*) FROM checkpoints WHERE thread_id = ?", (thread_id,)
        ).fetchone()[0]
    assert stored >= len(history)
    with CostLedger(server.folder / "state" / "ledger.sqlite") as ledger:
        turns = ledger.turns(thread_id)
    assert len(turns) == 3 and turns[0].route == turns[2].route == "parallel_workers"
    assert sum(t.cost_usd for t in turns) == pytest.approx(values["thread_cost_usd"])
    assert turns[-1].cost_usd == pytest.approx(values["cost_usd"])
    assert "Blocking call" not in server.log()


def test_interrupt_and_resume(servers: dict[str, StudioServer]) -> None:
    """ORCHESTRATOR_INTERRUPT_BELOW=1.0: every turn pauses in cost_estimate for a person."""
    client = servers["interrupt"].client
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, GRAPH, input=user("1. Capital of Peru?\n2. 30 C in F?"))
    state = client.threads.get_state(thread_id)
    assert state["next"] == ["cost_estimate"]
    (pending,) = [i for task in state["tasks"] for i in task["interrupts"]]
    question = pending["value"]
    assert question["route"] == "parallel_workers" and question["confidence"] < 1.0
    assert {"main_session", "parallel_workers"} <= set(question["options"])
    assert len(state["values"]["messages"]) == 1  # nothing answered yet

    done = client.runs.wait(thread_id, GRAPH, command={"resume": "main_session"})
    assert done["decision"]["route"] == "main_session"
    assert done["decision"]["reasons"][-1] == "route picked by a person: main_session"
    assert [m["type"] for m in done["messages"]] == ["human", "ai"]
    assert client.threads.get_state(thread_id)["next"] == []


def test_config_from_env() -> None:
    config = config_from_env({"ORCHESTRATOR_STATE": "srv", "ORCHESTRATOR_INTERRUPT_BELOW": "0.5"})
    assert config.ledger_path == Path("srv/ledger.sqlite") and config.routing.interrupt_below == 0.5
    assert config_from_env({}).ledger_path == Path("checkpoints/ledger.sqlite")  # the default
    with pytest.raises(ValueError, match="ORCHESTRATOR_INTERRUPT_BELOW must be a number"):
        config_from_env({"ORCHESTRATOR_INTERRUPT_BELOW": "sometimes"})
    with pytest.raises(ValueError, match="interrupt_below"):
        config_from_env({"ORCHESTRATOR_INTERRUPT_BELOW": "2"})


def post(server: StudioServer, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def get(server: StudioServer, path: str) -> dict:
    with urllib.request.urlopen(f"{server.url}{path}", timeout=30) as response:
        return json.load(response)


def test_service_routes_over_http(servers: dict[str, StudioServer]) -> None:
    """The three calls of ``http_api`` served by the same `langgraph dev` as the graph: a turn
    decided, run by two workers and merged into a thread that the graph then continues."""
    server = servers["plain"]
    client = server.client
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, GRAPH, input=user("Write a haiku about green tea."))

    request = "1. Capital of Peru?\n2. 30 C in F?"
    evaluation = post(server, "/orchestrator/evaluate", {"task_request": request})
    assert evaluation["route"] == "parallel_workers" and evaluation["estimated_cost_usd"] > 0
    workers = [
        post(server, "/orchestrator/workers", {"task": task, "minimal_context": view})
        for task, view in zip(evaluation["workers"], evaluation["minimal_context"], strict=True)
    ]
    stored = [get(server, f"/orchestrator/workers/{w['worker_id']}") for w in workers]
    assert stored == workers and all(w["result"]["status"] == "ok" for w in stored)
    with sqlite3.connect(server.folder / "state" / "orchestrator.sqlite") as conn:  # the server
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM checkpoints WHERE thread_id = ?", (workers[0]["worker_id"],)
        ).fetchone()
    assert count > 0

    body = {
        "worker_results": [w["worker_id"] for w in workers],
        "main_session_id": thread_id,
        "request": request,
    }
    summary = post(server, "/orchestrator/integrate", body)
    assert summary["statuses"] == ["ok", "ok"] and summary["messages"] == 4
    values = client.threads.get_state(thread_id)["values"]
    assert [m["type"] for m in values["messages"]] == ["human", "ai"] * 2
    assert values["messages"][-1]["content"] == summary["answer"]
    third = client.runs.wait(thread_id, GRAPH, input=user("Translate the first answer to French."))
    assert len(third["messages"]) == 6

    paths = get(server, "/openapi.json")["paths"]
    assert {"/orchestrator/evaluate", "/orchestrator/workers", "/orchestrator/integrate"} <= set(
        paths
    )
    try:
        post(server, "/orchestrator/evaluate", {"task_request": "hi", "worker_model": "x-llm"})
    except urllib.error.HTTPError as error:
        assert error.code == 400 and "prices" in json.load(error)["detail"]
    else:
        pytest.fail("an unknown model price must be a 400")
    assert "Blocking call" not in server.log()


def test_refused_input_leaves_the_servers_thread_as_it_was(
    servers: dict[str, StudioServer],
) -> None:
    """The compiled graph's input check (``nodes.input_check``) holds on the server's copy
    of the graph: a request with no text and feedback on an unknown turn fail the run
    and leave the thread's state and history unchanged."""
    client = servers["plain"].client
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, GRAPH, input=user("Name a prime number."))
    before = client.threads.get_state(thread_id)
    history = len(client.threads.get_history(thread_id, limit=100))
    for refused in (user("   "), {"feedback": [{"turn": 99, "thumbs": "down"}]}):
        run = client.runs.create(thread_id, GRAPH, input=refused)
        client.runs.join(thread_id, run["run_id"])
        assert client.runs.get(thread_id, run["run_id"])["status"] == "error"
        after = client.threads.get_state(thread_id)
        assert after["checkpoint"] == before["checkpoint"] and after["next"] == []
        assert len(client.threads.get_history(thread_id, limit=100)) == history


def test_the_graph_checkpoints_in_the_postgres_of_the_setting(
    pg_ledger: str, tmp_path: Path
) -> None:
    """ORCHESTRATOR_STATE=postgresql://... (as a deployment's DATABASE_URI is read when it
    is unset): the server's threads are in that database, the transcript kept as deltas,
    and a process that shares it (our own graph, no server) reads them whole."""
    texts = ["1. Capital of Peru?\n2. 30 C in F?", "Write a haiku about tea.", "Thanks!"]
    with serving({"pg": start(tmp_path / "pg", ORCHESTRATOR_STATE=pg_ledger)}) as started:
        client = started["pg"].client
        thread_id = client.threads.create()["thread_id"]
        for text in texts:
            client.runs.wait(thread_id, GRAPH, input=user(text))
        served = client.threads.get_state(thread_id)["values"]
        history = client.threads.get_history(thread_id, limit=200)
    assert [m["content"] for m in served["messages"][::2]] == texts
    assert not list((tmp_path / "pg").glob("**/*.sqlite"))  # no file of the server's own

    config = {"configurable": {"thread_id": thread_id}}
    models = [SimulatedChatModel(model_name=name) for name in ("gpt-4.1", "gpt-4.1-mini")]
    builder = create_orchestrator(main_model=models[0], worker_model=models[1])
    with builder, StateLocation.parse(pg_ledger).checkpointer() as saver:
        assert isinstance(saver, PostgresSaver)
        stored = list(saver.list(config))
        read = builder.compile(checkpointer=saver).get_state(config).values["messages"]
    assert len(stored) == len(history) >= 3 * 5
    # delta channels: no checkpoint holds the transcript whole, yet it is rebuilt whole
    assert all(not s.checkpoint["channel_values"].get("messages") for s in stored)
    assert [m.text for m in read] == [m["content"] for m in served["messages"]]
    with CostLedger(pg_ledger, read_only=True) as ledger:  # the ledger beside them
        assert [t.turn for t in ledger.turns(thread_id)] == [0, 1, 2]

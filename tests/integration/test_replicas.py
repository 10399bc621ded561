"""The shipped HTTP app behind a load balancer: two uvicorn processes of
``orchestrator_graph.server.http_api:app`` on one PostgreSQL, configured by
``ORCHESTRATOR_STATE`` alone, serve any request on any replica. A worker spawned on A is
read and integrated on B, feedback on that turn is taken by A, and integrating the same
worker again (on A) is refused and billed once. A wrong URL stops a replica at start-up
with a message naming the setting."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator_graph.accounting.ledger import CostLedger

pytestmark = [pytest.mark.slow, pytest.mark.integration]  # servers and a PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
APP = "orchestrator_graph.server.http_api:app"
STARTUP_S = 60.0
TWO_PARTS = "1. What is the capital of Peru?\n2. Convert 30 C to Fahrenheit."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(state: str) -> dict[str, str]:
    """The replica's environment: the setting, offline models, nothing else of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRATOR_")}
    env.pop("OPENAI_API_KEY", None)
    return env | {"ORCHESTRATOR_STATE": state, "PYTHONPATH": str(ROOT)}


def start(state: str, folder: Path, name: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """One replica on a free port (its working folder and log apart); its process and URL."""
    port = free_port()
    work = folder / name
    work.mkdir()
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", APP, "--host", "127.0.0.1", "--port", str(port)],
            cwd=work,
            env=environment(state),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}", log


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the replica exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the replica did not answer within {STARTUP_S:.0f} s:\n{log.read_text()[-3000:]}")


def call(url: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """``POST`` ``body`` (``GET`` without one); the status and the JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/orchestrator{path}", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def replicas(pg_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two replicas on one fresh database; their base URLs."""
    started = [start(pg_database, tmp_path, name) for name in ("a", "b")]
    try:
        for process, url, log in started:
            wait_ready(process, url, log)
        yield started[0][1], started[1][1]
    finally:
        for process, _, _ in started:
            process.terminate()
            process.wait(timeout=30)


def test_any_request_on_any_replica(replicas: tuple[str, str], pg_database: str) -> None:
    a, b = replicas
    status, evaluation = call(a, "/evaluate", {"task_request": TWO_PARTS})
    assert status == 200 and len(evaluation["workers"]) == 2
    spawned = [
        call(a, "/workers", {"task": task, "minimal_context": view})
        for task, view in zip(evaluation["workers"], evaluation["minimal_context"], strict=True)
    ]
    assert [status for status, _ in spawned] == [201, 201]
    ids = [worker["worker_id"] for _, worker in spawned]

    for (_, on_a), worker_id in zip(spawned, ids, strict=True):  # read on B as spawned on A
        status, on_b = call(b, f"/workers/{worker_id}")
        assert status == 200 and on_b == on_a

    integrate = {"worker_results": ids, "main_session_id": "main-lb", "request": TWO_PARTS}
    status, merged = call(b, "/integrate", integrate)
    assert status == 200 and merged["statuses"] == ["ok", "ok"] and merged["messages"] == 2

    status, outcome = call(a, "/feedback", {"thread_id": "main-lb", "thumbs": "up"})
    assert status == 200 and (outcome["thread_id"], outcome["turn"]) == ("main-lb", 0)

    status, refused = call(a, "/integrate", integrate)
    assert status == 409 and "already integrated into 'main-lb'" in refused["detail"]

    worker_cost = sum(worker["cost_usd"] for _, worker in spawned)
    with CostLedger(pg_database, read_only=True) as ledger:
        (turn,) = ledger.turns("main-lb")  # one turn: integrated once
        calls = ledger.calls()
        (feedback,) = ledger.feedback("main-lb")
    assert turn.route == "parallel_workers"
    assert turn.cost_usd == pytest.approx(worker_cost) == pytest.approx(merged["cost_usd"])
    assert {c["thread_id"] for c in calls} == {"main-lb"}  # moved from the worker ids
    assert len(calls) == sum(len(worker["calls"]) for _, worker in spawned)  # billed once
    assert sum(c["cost_usd"] for c in calls) == pytest.approx(worker_cost)
    assert (feedback.turn, feedback.quality) == (0, 1.0)


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("postgresql://app:s3cret@127.0.0.1:1/app?connect_timeout=3", "Connection refused"),
        ("no-such-role", 'role "no_such_role" does not exist'),
        ("mysql://app:s3cret@127.0.0.1/app", "only postgresql://"),
    ],
)
def test_a_wrong_url_stops_the_replica_at_start_up(
    state: str, reason: str, pg_url: str, tmp_path: Path
) -> None:
    if state == "no-such-role":  # the server is there; the credentials are not
        state = pg_url.replace("postgresql://postgres@", "postgresql://no_such_role@", 1)
    process, _, log = start(state, tmp_path, "wrong")
    try:
        process.wait(timeout=STARTUP_S)
    finally:  # a replica that started anyway is stopped, not left behind
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode not in (0, -9)
    text = log.read_text()
    assert "ORCHESTRATOR_STATE=" in text and reason in text
    assert "Application startup failed" in text and "s3cret" not in text

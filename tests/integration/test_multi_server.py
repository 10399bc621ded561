"""Two servers, four clients, one Postgres: one thread budget and one tenant budget hold.

Each server is a real process serving turns over HTTP (stdlib ``ThreadingHTTPServer``,
the orchestrator on simulated models with some latency, checkpoints, ledger and budget
holds all in the Postgres server of ``pg_url``). Four clients of one tenant send their
turns at once, each turn to the other server than the one before, until refused: a
thread's spend is never split between the servers' books, and the tenant's spend is
held across all its threads. Skipped without a server outside CI, as test_postgres.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator_graph.accounting.budget import BudgetBook
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.config import BudgetLimits

pytestmark = [pytest.mark.slow, pytest.mark.integration]  # servers and a PostgreSQL server

ROOT = Path(__file__).resolve().parents[2]
LIMITS = BudgetLimits(
    thread_usd=0.005, tenant_usd=0.014, tenant_period="day", max_output_tokens=400
)
MAX_TURNS = 40  # a client stops at its first refusal; this only bounds a broken budget
LIGHT = [
    "1. What is the capital of Peru?\n2. Convert 30 C to Fahrenheit.",
    "Write a haiku about tea.",
    "What is the boiling point of water in Fahrenheit?",
    "Who wrote 'The Left Hand of Darkness'?",
]
HEAVY = [  # about ten times a light turn: this thread reaches its own limit first
    "Write a detailed design document for a distributed rate limiter in Go, with code.",
    "Explain your previous answer line by line.",
    "Now rewrite it to use Redis, and explain every change you made in the code above.",
]

SERVER = textwrap.dedent(
    """
    import json, os, sys, traceback
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from langchain_core.messages import HumanMessage
    from orchestrator_graph import OrchestratorConfig, QualityConfig, create_orchestrator
    from orchestrator_graph.accounting.budget import BudgetExceeded
    from orchestrator_graph.storage.checkpoints import postgres_checkpointer
    from orchestrator_graph.config import BudgetLimits, RunContext
    from orchestrator_graph.testing.simulated import SimulatedChatModel

    url, limits = sys.argv[1], BudgetLimits.model_validate_json(sys.argv[2])
    models = [SimulatedChatModel(model_name=name, latency_s=0.05)
              for name in ("gpt-4.1", "gpt-4.1-mini")]
    config = OrchestratorConfig(
        ledger_url=url, budget=limits, quality=QualityConfig(min_quality=None)
    )
    builder = create_orchestrator(main_model=models[0], worker_model=models[1], config=config)


    class Turns(BaseHTTPRequestHandler):
        def do_POST(self):  # one turn: {"thread_id", "tenant", "text"}
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            thread = {"configurable": {"thread_id": body["thread_id"]}}
            try:
                out = graph.invoke({"messages": [HumanMessage(body["text"])]}, thread,
                                   context=RunContext(tenant=body["tenant"]))
                status, reply = 200, {"route": out["decision"].route, "cost_usd": out["cost_usd"]}
            except BudgetExceeded as error:
                status, reply = 402, error.as_dict()
            except Exception:  # reported to the client, so a failing test names it
                status, reply = 500, {"error": traceback.format_exc()}
            self.send(status, {**reply, "pid": os.getpid()})

        def do_GET(self):  # the model calls this process made
            self.send(200, {"calls": sum(len(m.requests) for m in models)})

        def send(self, status, reply):
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass


    with postgres_checkpointer(url) as saver:
        graph = builder.compile(checkpointer=saver)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Turns)
        print(server.server_address[1], flush=True)
        server.serve_forever()
    """
)


@pytest.fixture
def servers(pg_ledger: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two server processes on one database; their base URLs."""
    procs, logs = [], []
    try:
        for n in range(2):
            log = (tmp_path / f"server-{n}.log").open("w")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", SERVER, pg_ledger, LIMITS.model_dump_json()],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            )
        ports = [proc.stdout.readline().strip() for proc in procs]  # type: ignore[union-attr]
        assert all(ports), [p.read_text() for p in tmp_path.glob("server-*.log")]
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        for log in logs:
            log.close()


def _post(base: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{base}/turn", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _client(
    servers: list[str], n: int, thread_id: str, tenant: str, log: list[tuple[int, dict[str, Any]]]
) -> None:
    """Turns until the first refusal; turn ``i`` goes to server ``(n + i) % 2``."""
    texts = HEAVY if n == 0 else LIGHT
    for i in range(MAX_TURNS):
        status, reply = _post(
            servers[(n + i) % 2],
            {"thread_id": thread_id, "tenant": tenant, "text": f"{texts[i % len(texts)]} ({i})"},
        )
        log.append((status, reply))
        if status != 200:
            return


def test_two_servers_four_clients_one_thread_budget_and_one_tenant_budget(
    servers: list[str], pg_ledger: str
) -> None:
    run = uuid.uuid4().hex[:8]
    tenant = f"acme-{run}"
    threads = [f"mt-{run}-{n}" for n in range(4)]
    logs: list[list[tuple[int, dict[str, Any]]]] = [[] for _ in threads]
    clients = [
        threading.Thread(target=_client, args=(servers, n, threads[n], tenant, logs[n]))
        for n in range(4)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=300)

    # refused cleanly: every client ends with a 402 naming the limit; nothing else failed
    for log in logs:
        statuses = [status for status, _ in log]
        assert statuses[:-1] == [200] * (len(log) - 1) and statuses[-1] == 402, log[-1]
        assert len(log) < MAX_TURNS
    assert logs[0][-1][1]["scope"] == "thread"  # the heavy thread hit its own limit
    light = [log[-1][1]["scope"] for log in logs[1:]]
    assert "tenant" in light and set(light) <= {"tenant", "thread"}  # the tenant's limit held
    assert len({reply["pid"] for log in logs for _, reply in log}) == 2  # both servers served

    with CostLedger(pg_ledger) as ledger:
        calls = [c for t in threads for c in ledger.calls(t)]
        turns = [t for thread_id in threads for t in ledger.turns(thread_id)]
        by_thread = {r["thread"]: r for r in ledger.spend_by("thread") if r["thread"] in threads}
        (by_tenant,) = [r for r in ledger.spend_by("tenant") if r["tenant"] == tenant]
    book = BudgetBook(pg_ledger)
    holds = [h for t in threads for h in book.holds(t)]
    book.close()

    # no overspend: each thread within its limit, the tenant within its own
    spent = {t: sum(c["cost_usd"] for c in calls if c["thread_id"] == t) for t in threads}
    assert all(usd <= LIMITS.thread_usd + 1e-12 for usd in spent.values()), spent
    assert sum(spent.values()) <= LIMITS.tenant_usd + 1e-12
    assert sum(spent.values()) > LIMITS.tenant_usd * 0.8  # the budget was used, not dodged
    # every call of both processes is in the one ledger, settled in the one book
    made = sum(json.loads(urllib.request.urlopen(base).read())["calls"] for base in servers)
    assert len(calls) == made
    assert {c["tenant"] for c in calls} == {tenant}
    assert all(h["settled"] for h in holds)
    assert sum(h["usd"] for h in holds) == pytest.approx(sum(spent.values()))
    # one recorded turn per answered request, none for a refused one
    answered = [sum(status == 200 for status, _ in log) for log in logs]
    assert [sum(t.thread_id == thread_id for t in turns) for thread_id in threads] == answered

    # the report reads it per thread and per tenant, as the CLI prints it
    for t in threads:
        assert by_thread[t]["calls"] == sum(c["thread_id"] == t for c in calls)
        assert by_thread[t]["billed_usd"] == pytest.approx(spent[t])
    assert by_tenant["calls"] == len(calls) and by_tenant["turns"] == len(turns)
    assert by_tenant["billed_usd"] == pytest.approx(sum(spent.values()))
    printed = subprocess.run(
        [sys.executable, "-m", "orchestrator_graph.cli", "report", "--ledger", pg_ledger,
         "--by", "tenant", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    assert [r for r in json.loads(printed) if r["tenant"] == tenant] == [by_tenant]

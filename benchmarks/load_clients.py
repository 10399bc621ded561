"""The load test's clients: C asyncio tasks that each loop over a mixed workload for T
seconds and log every turn they try (``Attempt``) and every request's status.

A client's step is one of:

- a **graph turn** (``langgraph dev``, LangGraph's server API through ``langgraph_sdk``):
  a new thread or the next turn of the client's current one, streamed
  (``messages-tuple`` tokens and ``updates``), under a tenant with budgets near their
  limits (``BUDGETS``): a refused turn ends its thread;
- a **service turn** (the shipped app): ``evaluate`` the request against the main
  conversation so far, ``spawn`` a worker per task (the fan-out, concurrently; one
  worker on the main model when the route is the main session), ``integrate`` them
  with the request into the conversation; sometimes ``feedback`` on it after.

Requests are the turns of ``benchmarks/workloads/*.jsonl`` in order (a thread is a
session; it starts over with another session when done or, at random, earlier);
one turn in ``FAN_OUT_SHARE`` is two self-contained requests as a numbered list.
A request that finds its server gone (connection refused or reset) is sent again,
unchanged, to another live server (run (c)): an ``integrate`` that then answers 409
(its workers integrated before) counts as accepted, and the checks say whether it was;
one that answers 409 "being integrated" (claimed by the dead process, not merged: the
claim lapses after ``CLAIM_LEASE_S``) ends the turn unaccepted.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from langgraph_sdk import get_client
from load_servers import Server  # type: ignore[import-not-found]

from orchestrator_graph.server.identity import owned_thread

WORKLOADS = Path(__file__).resolve().parent / "workloads"
GRAPH = "orchestrator"
FAN_OUT_SHARE = 0.15
NEW_THREAD_SHARE = 0.15
FEEDBACK_SHARE = 0.15
REQUEST_TIMEOUT_S = 120.0
RETRIES = 3
# the graph runs' tenants: each has a tenant budget and a per-thread budget that the
# run reaches (sized by ``--budget-usd``: the tenant's share of the expected spend)
THREAD_SHARE = 10  # a graph thread may spend a tenth of its tenant's budget
# a service turn the orchestrator keeps in the main session: one worker on the main model
MAIN_TASK = {"task_id": "main", "turn": 0, "tier": "main", "model": "gpt-4.1", "max_tokens": 2048}
TENANTS = ("tenant-a", "tenant-b", "tenant-c")
SERVICE_TENANT = "service"
# a key per tenant, sent with every request: servers that authenticate callers
# (``ORCHESTRATOR_API_KEYS``, ``environment``) take the tenant from it; others ignore it
API_KEYS = {t: f"load-test-key-of-{t}" for t in (*TENANTS, SERVICE_TENANT)}


def api_keys_setting() -> str:
    """``ORCHESTRATOR_API_KEYS`` for the servers: each key names its tenant."""
    return ", ".join(f"{key}={tenant}" for tenant, key in API_KEYS.items())


@dataclass
class Attempt:
    """One turn a client tried. ``outcome``: ``ok`` (accepted), ``refused`` (a budget
    said no: nothing spent), ``error`` (any other failure) or ``cancelled`` (cut at
    the hard stop: unknown)."""

    kind: str  # "graph" or "service"
    server: str
    thread_id: str
    text: str
    outcome: str
    status: str
    wall_ms: float
    model_ms: float | None = None  # service: its workers' calls; graph: the ledger's
    overhead_ms: float | None = None  # graph: the ledger's (the graph's own time)
    first_token_ms: float | None = None
    cost_usd: float | None = None
    tenant: str | None = None
    retried: bool = False
    workers: list[str] = field(default_factory=list)


@dataclass
class Thread:
    """A client's current conversation: its session's turns and where it is in them."""

    kind: str
    turns: list[str]
    server: Server
    thread_id: str = ""
    next: int = 0
    history: list[dict[str, str]] = field(default_factory=list)  # service: the messages
    tenant: str | None = None

    @property
    def checked_id(self) -> str:
        """The id its turns are checked under: the service keeps a caller's conversation
        under the caller's tenant (``owned_thread``); a graph thread is the server's."""
        if self.kind == "service":
            return owned_thread(SERVICE_TENANT, self.thread_id)
        return self.thread_id


def load_sessions(folder: Path = WORKLOADS) -> tuple[list[list[str]], list[str]]:
    """The workloads' sessions as lists of requests, and their self-contained openers."""
    sessions, openers = [], []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                turns = json.loads(line)["turns"]
                sessions.append([t["user"] for t in turns])
                openers += [t["user"] for t in turns if t.get("depends_on") == []]
    return sessions, openers


@dataclass
class Settings:
    seconds: float
    max_turns: int
    graph_share: float
    budget_usd: float  # a tenant's budget; a graph thread's is THREAD_SHARE times less
    spread: str  # "request": any live app server per request; "thread": its own
    seed: int = 0


class Clients:
    """The clients of one run, their log and the request statuses."""

    def __init__(
        self, apps: Sequence[Server], graphs: Sequence[Server], settings: Settings
    ) -> None:
        self.apps, self.graphs, self.settings = list(apps), list(graphs), settings
        self.sessions, self.openers = load_sessions()
        self.attempts: list[Attempt] = []
        self.statuses: Counter[tuple[str, str]] = Counter()  # (request, status)
        self.samples: dict[tuple[str, str], str] = {}  # an error answer of each kind, as sent
        self.in_flight: Counter[tuple[str, str]] = Counter()  # (server, request) being sent
        self.started_turns = 0
        self.deadline = 0.0
        self.notes: list[str] = []  # what happened to the servers, for the report
        self.http = httpx.AsyncClient(
            timeout=REQUEST_TIMEOUT_S,
            limits=httpx.Limits(max_connections=256),
            headers={"X-Api-Key": API_KEYS[SERVICE_TENANT]},
        )
        self.sdk = {
            (s.name, tenant): get_client(url=s.url, timeout=REQUEST_TIMEOUT_S, api_key=key)
            for s in graphs
            for tenant, key in API_KEYS.items()
        }

    def budget(self, tenant: str) -> dict[str, Any]:
        """The context of a graph run under ``tenant``: its budgets, the same every run."""
        usd = self.settings.budget_usd
        return {"tenant": tenant, "budget": {"tenant_usd": usd, "thread_usd": usd / THREAD_SHARE}}

    async def run(self, clients: int) -> float:
        """Run ``clients`` clients until the time or turn limit; the seconds it took."""
        started = time.monotonic()
        self.deadline = started + self.settings.seconds
        await asyncio.gather(*(self._client(i) for i in range(clients)))
        return time.monotonic() - started

    def _more(self) -> bool:
        if time.monotonic() >= self.deadline or self.started_turns >= self.settings.max_turns:
            return False
        self.started_turns += 1
        return True

    async def _client(self, index: int) -> None:
        rng = random.Random(self.settings.seed * 1000 + index)
        current: dict[str, Thread | None] = {"graph": None, "service": None}
        while self._more():
            kind = (
                "graph" if self.graphs and rng.random() < self.settings.graph_share else "service"
            )
            if kind == "service" and not self.apps:
                kind = "graph"
            thread = current[kind]
            if (
                thread is None
                or thread.next >= len(thread.turns)
                or rng.random() < NEW_THREAD_SHARE
            ):
                thread = self._new_thread(kind, rng, index)
            text = thread.turns[thread.next]
            if rng.random() < FAN_OUT_SHARE:
                text = f"1. {rng.choice(self.openers)}\n2. {rng.choice(self.openers)}"
            turn = self._graph_turn if kind == "graph" else self._service_turn
            try:
                attempt = await turn(thread, text, rng)
            except asyncio.CancelledError:  # the hard stop: its outcome is unknown
                server, tid = thread.server.name, thread.checked_id
                self.attempts.append(Attempt(kind, server, tid, text, "cancelled", "cut", 0.0))
                raise
            self.attempts.append(attempt)
            thread.next += 1
            current[kind] = thread if attempt.status == "200" else None  # else a new one

    def _new_thread(self, kind: str, rng: random.Random, index: int) -> Thread:
        servers = self.graphs if kind == "graph" else self.apps
        live = [s for s in servers if s.alive] or servers
        thread = Thread(kind, rng.choice(self.sessions), live[index % len(live)])
        if kind == "service":
            thread.thread_id = f"main-{uuid.uuid4()}"
        else:
            thread.tenant = TENANTS[index % len(TENANTS)]
        return thread

    # -- a service turn: evaluate, spawn the workers, integrate ----------------------

    def _app_for(self, thread: Thread, exclude: set[str]) -> Server:
        if self.settings.spread == "thread" and thread.server.alive:
            return thread.server
        live = [s for s in self.apps if s.alive and s.name not in exclude]
        return random.choice(live or [thread.server])

    async def _post(
        self, thread: Thread, path: str, body: dict[str, Any], key: str | None = None
    ) -> tuple[httpx.Response | None, bool]:
        """POST ``body`` (with the idempotency ``key``, if any); sent again to another live
        server when the server is gone. The response (None when no server answered) and
        whether it was sent again."""
        headers = {"Idempotency-Key": key} if key else {}
        tried: set[str] = set()
        for _ in range(RETRIES):
            server = self._app_for(thread, tried)
            self.in_flight[server.name, path] += 1
            try:
                response = await self.http.post(
                    f"{server.url}/orchestrator/{path}", json=body, headers=headers
                )
            except httpx.TransportError as error:
                self.statuses[path, f"conn:{type(error).__name__}"] += 1
                tried.add(server.name)
                continue
            finally:
                self.in_flight[server.name, path] -= 1
            self.statuses[path, str(response.status_code)] += 1
            if response.status_code >= 400:
                self.samples.setdefault((path, str(response.status_code)), response.text[:400])
            return response, bool(tried)
        return None, True

    async def _service_turn(self, thread: Thread, text: str, rng: random.Random) -> Attempt:
        started = time.perf_counter()
        attempt = Attempt("service", thread.server.name, thread.checked_id, text, "error", "", 0.0)
        body = {"task_request": text, "main_session_context": thread.history}
        evaluated, retried = await self._post(thread, "evaluate", body)
        if evaluated is None or evaluated.status_code != 200:
            return self._ended(attempt, evaluated, started)
        evaluation = evaluated.json()
        tasks = evaluation["workers"] or [MAIN_TASK | {"brief": text}]
        views = evaluation["minimal_context"] or [thread.history]
        spawned = await asyncio.gather(
            *(
                self._post(
                    thread,
                    "workers",
                    {"task": task, "minimal_context": view},
                    key=str(uuid.uuid4()),  # a retry gets the same worker, billed once
                )
                for task, view in zip(tasks, views, strict=True)
            )
        )
        retried |= any(again for _, again in spawned)
        if any(r is None or r.status_code != 201 for r, _ in spawned):
            bad = next(r for r, _ in spawned if r is None or r.status_code != 201)
            return self._ended(attempt, bad, started)
        workers = [r.json() for r, _ in spawned if r is not None]
        attempt.workers = [w["worker_id"] for w in workers]
        attempt.model_ms = max(sum(c["latency_ms"] for c in w["calls"]) for w in workers)
        body = {"worker_results": attempt.workers, "main_session_id": thread.thread_id}
        integrated, again = await self._post(thread, "integrate", body | {"request": text})
        attempt.retried = retried or again
        if integrated is not None and integrated.status_code == 409 and again:
            if "being integrated" in integrated.text:  # claimed by the dead process: not
                return self._ended(attempt, integrated, started, "409-in-progress")  # merged
            attempt.outcome, attempt.status = "ok", "409-after-retry"
            attempt.wall_ms = (time.perf_counter() - started) * 1000
            return attempt  # its answer is unknown here: the thread ends
        if integrated is None or integrated.status_code != 200:
            return self._ended(attempt, integrated, started)
        merged = integrated.json()
        attempt.outcome, attempt.status, attempt.cost_usd = "ok", "200", merged["cost_usd"]
        attempt.wall_ms = (time.perf_counter() - started) * 1000
        thread.history += [
            {"role": "user", "content": text},
            {"role": "assistant", "content": merged["answer"]},
        ]
        if rng.random() < FEEDBACK_SHARE:
            feedback = {"thread_id": thread.thread_id, "quality": round(rng.random(), 2)}
            await self._post(thread, "feedback", feedback)
        return attempt

    @staticmethod
    def _ended(
        attempt: Attempt, response: httpx.Response | None, started: float, status: str = ""
    ) -> Attempt:
        attempt.status = status or ("no server" if response is None else str(response.status_code))
        attempt.wall_ms = (time.perf_counter() - started) * 1000
        return attempt

    # -- a graph turn: one streamed run on the thread's langgraph dev ----------------

    async def _graph_turn(self, thread: Thread, text: str, rng: random.Random) -> Attempt:
        client = self.sdk[thread.server.name, thread.tenant or TENANTS[0]]
        started = time.perf_counter()
        attempt = Attempt("graph", thread.server.name, thread.thread_id, text, "error", "", 0.0)
        attempt.tenant = thread.tenant
        try:
            if not thread.thread_id:
                thread.thread_id = attempt.thread_id = (await client.threads.create())["thread_id"]
                self.statuses["threads.create", "200"] += 1
            error = await self._stream(client, thread, text, attempt, started)
        except httpx.HTTPStatusError as failure:
            error = {"status": str(failure.response.status_code)}
        except httpx.TransportError as failure:
            error = {"status": f"conn:{type(failure).__name__}"}
        attempt.wall_ms = (time.perf_counter() - started) * 1000
        if error is None:
            attempt.outcome, attempt.status = "ok", "200"
        elif error.get("error") == "BudgetExceeded":
            attempt.outcome, attempt.status = "refused", "budget"
        else:
            attempt.status = error.get("status") or f"run error: {error.get('error')}"
            self.samples.setdefault(("runs.stream", attempt.status), str(error)[:400])
        self.statuses["runs.stream", attempt.status] += 1
        return attempt

    async def _stream(
        self, client: Any, thread: Thread, text: str, attempt: Attempt, started: float
    ) -> dict[str, Any] | None:
        """Stream one run; the error event's data, None when it ended well."""
        async for part in client.runs.stream(
            thread.thread_id,
            GRAPH,
            input={"messages": [{"role": "user", "content": text}]},
            stream_mode=["messages-tuple", "updates"],
            context=self.budget(thread.tenant or TENANTS[0]),
        ):
            if part.event == "error":
                return dict(part.data or {})
            if part.event.startswith("messages") and attempt.first_token_ms is None:
                attempt.first_token_ms = (time.perf_counter() - started) * 1000
            if part.event.startswith("updates") and "record" in (part.data or {}):
                attempt.cost_usd = part.data["record"]["cost_usd"]
        return None

    async def close(self) -> None:
        await self.http.aclose()
        for sdk in self.sdk.values():
            await sdk.aclose()

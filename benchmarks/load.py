"""Load test: real server processes on loopback, C concurrent clients for T seconds, then
every accepted turn checked against its thread's transcript and the cost ledger.

Servers: the shipped app (``uvicorn orchestrator_graph.server.http_api:app``: evaluate,
workers, integrate, feedback) and the graph under ``langgraph dev`` (threads and streamed
runs through ``langgraph_sdk``), offline on simulated models at the pace ``--pace``
sets (first-token ms, ms per output token). The workload is ``load_clients``'s; the
checks ``load_checks``'s.

Runs (``--run``):
    sqlite    (a) one app process and one ``langgraph dev``, SQLite files
    postgres  (b) ``--servers`` app processes and ``--graph-servers`` ``langgraph dev`` on
              one PostgreSQL database of their own (``--postgres-url``'s server), the
              service requests spread over the live app processes, the graph threads
              over the ``langgraph dev`` (a thread stays on the one that made it)
    kill      (c) as (b), app process 1 SIGKILLed halfway: its clients send their
              requests again to another
    all       the three

Bounded: no new turn after ``--seconds`` or ``--max-turns``; a turn in flight then has
``DRAIN_S`` to end (then it is cancelled); the servers are stopped at the end whatever
happens. Example: ``python benchmarks/load.py --run sqlite --clients 32 --seconds 25``;
the service alone on one process, then two (throughput): ``--run postgres --graph-share 0
--servers 1``, then ``--servers 2``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_servers as servers
from load_checks import Findings, check_ledger, check_threads
from load_clients import TENANTS, THREAD_SHARE, Clients, Settings, api_keys_setting
from load_report import print_report
from load_state import graph_transcripts, service_transcripts

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.storage.location import STATE_ENV, StateLocation

DRAIN_S = 60.0
KILL_JITTER_S = 0.05  # the kill lands this long (at random) after an integrate was sent
KEYS_ENV = "ORCHESTRATOR_API_KEYS"  # read by servers that authenticate callers
TEST_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"  # a local server's default


@dataclass
class Outcome:
    """One run's figures: its clients' log, the checks, the CPU seconds per process."""

    name: str
    clients: Clients
    seconds: float
    findings: Findings
    cpu_s: dict[str, float] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # load average (1 min) before and after
    notes: list[str] = field(default_factory=list)
    pace: tuple[float, float] = (0.0, 0.0)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", choices=["sqlite", "postgres", "kill", "all"], default="all")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--max-turns", type=int, default=20_000)
    parser.add_argument("--servers", type=int, default=2, help="app processes in (b) and (c)")
    parser.add_argument(
        "--graph-servers",
        type=int,
        default=2,
        help="langgraph dev processes in (b) and (c) (each keeps its own threads: its "
        "runtime's thread registry is in memory; the checkpoints, ledger and budget "
        "holds are shared)",
    )
    parser.add_argument(
        "--pace",
        default="0,0",
        help="the simulated models' first-token ms and ms per output token in (a) and (b): "
        "0,0 leaves the orchestrator's own work as the bottleneck (throughput)",
    )
    parser.add_argument(
        "--kill-pace",
        default="300,5",
        help="the same in (c): a provider's pace, so that the killed process has turns "
        "in flight in every step (evaluate, workers, integrate)",
    )
    parser.add_argument("--graph-share", type=float, default=0.5)
    parser.add_argument(
        "--budget-usd", type=float, default=0.1, help="a tenant's budget (a thread's: a tenth)"
    )
    parser.add_argument("--spread", choices=["request", "thread"], default="request")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "ORCHESTRATOR_TEST_POSTGRES_URL", TEST_POSTGRES))  # fmt: skip
    parser.add_argument("--database", default="load_test", help="created, dropped first")
    parser.add_argument("--folder", type=Path, default=None, help="kept; default a temp dir")
    parser.add_argument(
        "--durable",
        action="store_true",
        help="SQLite files on disk (default: in /dev/shm) and PostgreSQL commits that wait "
        "for the disk (default: synchronous_commit off): the disk's fsync then bounds "
        "the throughput, not the orchestrator",
    )
    args = parser.parse_args(argv)
    args.pace, args.kill_pace = _pace(args.pace), _pace(args.kill_pace)
    return args


def _pace(text: str) -> tuple[float, float]:
    first, _, per_token = text.partition(",")
    return float(first), float(per_token or 0)


def _stores(args: argparse.Namespace, name: str, folder: Path) -> StateLocation:
    """Where run ``name`` keeps the shared state (``ORCHESTRATOR_STATE`` of every server):
    a folder of SQLite files in (a), a database of its own in (b) and (c)."""
    if name == "sqlite":
        return StateLocation(folder=(folder / "state").resolve())
    database = f"{args.database}_{name}"
    return StateLocation(
        url=servers.fresh_database(args.postgres_url, database, durable=args.durable)
    )


def _start(args: argparse.Namespace, name: str, folder: Path, state: StateLocation) -> tuple:
    count = 1 if name == "sqlite" else args.servers
    graphs_count = 1 if name == "sqlite" else args.graph_servers
    graphs_count = graphs_count if args.graph_share > 0 else 0
    started = []
    for kind, n in (("app", count), ("graph", graphs_count)):
        for i in range(n):
            own = folder / f"{kind}{i}"
            env = servers.base_env(
                args.kill_pace if name == "kill" else args.pace,
                {STATE_ENV: state.url or str(state.folder), KEYS_ENV: api_keys_setting()},
            )
            jobs = max(10, args.clients)  # runs at once: as many as clients
            started.append(servers.start(kind, f"{kind}{i}", own, env, jobs))
    for server in started:
        servers.wait_ready(server)
    return [s for s in started if s.kind == "app"], [s for s in started if s.kind == "graph"]


async def _drive(clients: Clients, args: argparse.Namespace, victim: Any) -> float:
    """Run the clients (and the kill at half time); the seconds they ran."""

    async def killer() -> None:
        """At half time, once an ``integrate`` is in flight to the victim (for up to a
        quarter of the run), SIGKILL it: the claim-then-merge window is the one to hit."""
        await asyncio.sleep(args.seconds / 2)
        waited = time.monotonic() + args.seconds / 4
        while clients.in_flight[victim.name, "integrate"] == 0 and time.monotonic() < waited:
            await asyncio.sleep(0.001)
        await asyncio.sleep(random.uniform(0, KILL_JITTER_S))
        cut = {path: n for (name, path), n in clients.in_flight.items() if name == victim.name}
        servers.kill(victim)
        clients.notes.append(
            f"SIGKILL {victim.name} at {time.monotonic() - started:.1f} s, requests to it in "
            f"flight: {', '.join(f'{p} {n}' for p, n in sorted(cut.items()) if n) or 'none'}"
        )

    tasks = [asyncio.ensure_future(clients.run(args.clients))]
    if victim is not None:
        tasks.append(asyncio.ensure_future(killer()))
    started = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), args.seconds + DRAIN_S)
    except TimeoutError:
        clients.notes.append(f"turns still running {DRAIN_S:.0f} s after the end were cancelled")
    finally:
        await clients.close()
    return time.monotonic() - started


def run_one(args: argparse.Namespace, name: str, folder: Path) -> Outcome:
    """One run: servers up, clients for ``--seconds``, the checks, the servers down."""
    folder.mkdir(parents=True, exist_ok=True)
    state = _stores(args, name, folder)
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        apps, graphs = _start(args, name, folder, state)
        for server in (*apps, *graphs):
            stack.callback(servers.stop, server)
        pg = None
        if state.url:
            pg = servers.PostgresCpu(args.postgres_url, state.url.rsplit("/", 1)[1])
            pg.start()
        settings = Settings(
            args.seconds, args.max_turns, args.graph_share, args.budget_usd, args.spread
        )
        clients = Clients(apps, graphs, settings)
        own_cpu = _self_cpu()
        victim = apps[-1] if name == "kill" else None
        seconds = asyncio.run(_drive(clients, args, victim))
        cpu = {"load generator": _self_cpu() - own_cpu}
        cpu |= {s.name: s.cpu_s() for s in (*apps, *graphs)}
        if pg is not None:
            pg.sample()
            cpu["postgres (our database)"] = pg.cpu_s()
        load_after = os.getloadavg()[0]
        transcripts = asyncio.run(graph_transcripts(graphs, clients.attempts))
        for app in apps:
            servers.stop(app)  # its checkpoints are read below, quiet
        transcripts |= service_transcripts(state, clients.attempts)
    findings = Findings()
    with CostLedger(state.ledger_location) as ledger:
        limits = {"tenant": args.budget_usd, "thread": args.budget_usd / THREAD_SHARE}
        limits["tenants"] = TENANTS  # the budgeted ones (the service's has no budget)
        turns = check_ledger(ledger, clients.attempts, limits, findings)
    check_threads(clients.attempts, transcripts, turns, findings)
    pace = args.kill_pace if name == "kill" else args.pace
    return Outcome(name, clients, seconds, findings, cpu, (load_before, load_after), pace=pace)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    names = ["sqlite", "postgres", "kill"] if args.run == "all" else [args.run]
    with ExitStack() as stack:
        memory = "/dev/shm" if Path("/dev/shm").is_dir() and not args.durable else None
        temporary = tempfile.TemporaryDirectory(prefix="load-", dir=memory)
        folder = args.folder or Path(stack.enter_context(temporary))
        outcomes = []
        for name in names:
            outcome = run_one(args, name, folder / name)
            print_report(outcome, args)
            outcomes.append(outcome)
    bad = [o.name for o in outcomes if o.findings.problems]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``orchestrator-graph demo``: a scripted ten-turn session, checkpointed in SQLite.

Offline it runs on simulated models; with ``--live`` (and ``OPENAI_API_KEY``) on
``ChatOpenAI``. Run again with the same ``--thread`` it resumes the checkpointed
session where it stopped instead of starting over, and shows the turns already
done (from the ledger) before the new ones.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord
from orchestrator_graph.accounting.ledger.rows import is_postgres_url
from orchestrator_graph.cli import UsageError
from orchestrator_graph.config import DEFAULT_MAIN_MODEL
from orchestrator_graph.conversation.views import turns_of
from orchestrator_graph.graph import create_orchestrator
from orchestrator_graph.server.chat_models import default_models
from orchestrator_graph.storage.checkpoints import sqlite_checkpointer
from orchestrator_graph.storage.location import state_location

MEMO = """\
To: Platform engineering
From: Infrastructure cost review group
Subject: Q3 cloud spend review and proposed actions

Over the third quarter our cloud bill rose 23% against the second quarter, from \
$412,000 to $507,000, while request volume grew only 9%. Three causes account for \
most of the gap. First, the analytics cluster was resized in July for a one-off \
backfill and never scaled back: it ran at 18% average CPU for ten weeks and cost \
$61,000 more than its usual footprint. Second, object storage grew by 140 TB, of \
which 95 TB are uncompressed debug logs kept under the default retention of 400 \
days; nobody has read a log older than 30 days in the past year. Third, egress \
charges doubled after the image service moved to a region without a peering \
agreement with our CDN, adding about $19,000.

Some spend rose for good reasons. The search team's new ranking model needs GPU \
inference, about $22,000 a quarter, and it lifted conversion by 4%, which pays for \
it many times over. The move to managed Postgres added $8,000 but removed two \
on-call rotations.

We propose five actions. (1) Return the analytics cluster to its baseline size and \
add an autoscaling policy with a ceiling, owned by the data team. (2) Set log \
retention to 30 days for debug logs and 180 days for audit logs, and compress both; \
expected saving $9,000 a month. (3) Move the image service back to a peered region \
or negotiate peering in the new one; expected saving $6,000 a month. (4) Tag every \
resource with an owner and a cost centre by the end of October, so that no spend \
is unowned. (5) Review the bill monthly in the platform meeting, with each owner \
explaining any line that grew more than 10%.

Taken together, these actions should bring the fourth-quarter bill to about \
$430,000 without slowing any product work. We ask for approval of actions 1 to 3 \
this week; actions 4 and 5 need agreement from the engineering managers.
"""

SCRIPT: list[str] = [
    "Write a Python function `top_k_frequent(words, k)` that returns the k most frequent "
    "words, ties broken alphabetically, with type hints and a docstring.",
    "Now add pytest unit tests for that function, including the tie-breaking case.",
    f"Summarize this memo in five bullet points for an executive audience:\n\n{MEMO}",
    "1. What is the capital of Australia?\n2. Convert 72 degrees Fahrenheit to Celsius.\n"
    "3. Who wrote 'The Left Hand of Darkness'?",
    "Which of the actions in the summary saves the most money per month?",
    "Explain the difference between a process and a thread in two short paragraphs.",
    "Draft a short, friendly email inviting the team to a Friday lunch at noon.",
    "Make the email more formal and add that attendance is optional.",
    "What is the time complexity of the top_k_frequent function you wrote, and why?",
    "Translate into French: 'The meeting has been moved to Thursday at 3 pm.'",
]


def _models(live: bool) -> tuple[BaseChatModel, BaseChatModel]:
    if live and not os.environ.get("OPENAI_API_KEY"):
        raise UsageError("--live needs OPENAI_API_KEY (and optionally OPENAI_BASE_URL)")
    return default_models(live=live)


HEADER = f"{'turn':>4}  {'route':<17} {'models':<22} {'cost $':>9} {'baseline $':>10}"


def _row(turn: int, route: str, workers: set[str], cost: float, baseline: float) -> str:
    """One line of the table: the worker models, or the main model when none ran."""
    models = ",".join(sorted(workers)) or DEFAULT_MAIN_MODEL
    return f"{turn:>4}  {route:<17} {models:<22} {cost:>9.5f} {baseline:>10.5f}"


def _recorded_turns(ledger: str | Path, thread_id: str, done: int) -> list[TurnRecord]:
    """The thread's first ``done`` turns as the ledger billed them (none without a ledger)."""
    if not done or (not is_postgres_url(ledger) and not Path(ledger).exists()):
        return []
    with CostLedger(ledger) as book:
        return [r for r in book.turns(thread_id) if r.turn < done]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--thread", default="demo", help="thread id (resumes if it exists)")
    parser.add_argument(
        "--db", type=Path, default=None, help="checkpoint file (default: $ORCHESTRATOR_STATE's)"
    )
    parser.add_argument(
        "--ledger", type=Path, default=None, help="ledger file (default: $ORCHESTRATOR_STATE's)"
    )
    parser.add_argument("--live", action="store_true", help="use ChatOpenAI (OPENAI_API_KEY)")


def run(args: argparse.Namespace) -> int:
    for file in (args.db, args.ledger):
        if file is not None and file.is_dir():
            raise UsageError(f"{file} is a directory: give a file (new or existing)")
    location = state_location()
    path = args.db or location
    saver = sqlite_checkpointer(args.db) if args.db else location.checkpointer()
    ledger = args.ledger or location.ledger_location
    main_model, worker_model = _models(args.live)
    config = location.config()
    if args.ledger is not None:
        config = config.updated({"ledger_path": args.ledger, "ledger_url": None})
    builder = create_orchestrator(main_model=main_model, worker_model=worker_model, config=config)
    thread: RunnableConfig = {"configurable": {"thread_id": args.thread}}
    with builder, saver as opened:  # builder: closes the ledger
        graph = builder.compile(checkpointer=opened)
        snapshot = graph.get_state(thread)
        if snapshot.next:  # a turn was interrupted mid-way: finish it first
            print(f"resuming an unfinished turn of thread {args.thread!r}")
            graph.invoke(None, thread, durability="sync")
            snapshot = graph.get_state(thread)
        done = len(turns_of(snapshot.values.get("messages", [])))
        if done:
            print(f"thread {args.thread!r} has {done} checkpointed turns in {path}: resuming")
        print(HEADER)
        for record in _recorded_turns(ledger, args.thread, done):
            workers = {c.model for c in record.calls if c.node == "spawn_subgraph"}
            print(_row(record.turn, record.route, workers, record.cost_usd, record.baseline_usd))
        for index, request in enumerate(SCRIPT[done:], start=done):
            state = graph.invoke({"messages": [HumanMessage(request)]}, thread, durability="sync")
            decision = state["decision"]
            cost, baseline = state["cost_usd"], state["baseline_cost_usd"]  # this turn's
            print(_row(index, decision.route, set(decision.worker_models), cost, baseline))
            for reason in decision.reasons:
                print(f"      - {reason}")
        final = graph.get_state(thread).values
    cost = final.get("thread_cost_usd", 0.0)
    baseline = final.get("thread_baseline_cost_usd", 0.0)
    savings = 1 - cost / baseline if baseline else 0.0
    print(f"\nsession {args.thread!r}: {len(turns_of(final.get('messages', [])))} turns")
    print(f"baseline (main session only): ${baseline:.5f}")
    print(f"orchestrated:                 ${cost:.5f}")
    print(f"savings:                      {savings:.1%}")
    return 0

"""The load test's checks: every turn a client tried, against its thread's transcript
(as the server stored it) and the cost ledger.

- **lost**: an accepted turn whose request is not in its thread's transcript, or has
  no answer after it, or no turn in the ledger;
- **doubled**: a request in the transcript more often than it was sent, or more
  ledger turns in a thread than accepted turns;
- **over budget**: a tenant's or a graph thread's spend (its calls in the ledger)
  above its limit;
- **ledger sums**: each turn's cost against the sum of its calls, and against the
  cost the client was told; the workers of every accepted service turn have their calls
  moved to its turn (none left under the worker's id: the turn was recorded); all calls
  = the turns' calls + the calls of workers never merged (their turn failed, or was
  claimed by a process killed before it merged: the claim lapses after the lease).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from load_clients import Attempt  # type: ignore[import-not-found]

from orchestrator_graph.accounting.ledger import CostLedger, TurnRecord

TOLERANCE_USD = 1e-9


@dataclass
class Transcript:
    """A thread as stored: its human requests and whether each has an answer after it."""

    requests: list[str] = field(default_factory=list)
    answered: list[bool] = field(default_factory=list)


def transcript_of(messages: Iterable[Any]) -> Transcript:
    """The requests of ``messages`` (LangChain messages or their JSON dicts)."""
    found = Transcript()
    for message in messages:
        kind = message["type"] if isinstance(message, dict) else message.type
        if kind == "human":
            content = message["content"] if isinstance(message, dict) else message.content
            found.requests.append(content if isinstance(content, str) else str(content))
            found.answered.append(False)
        elif kind == "ai" and found.answered:
            found.answered[-1] = True
    return found


@dataclass
class Findings:
    """What the checks found, summed over threads (``problems`` names each)."""

    accepted: int = 0
    lost: int = 0
    doubled: int = 0
    unanswered: int = 0
    ledger_missing: int = 0
    ledger_extra: int = 0
    cost_mismatch: int = 0
    calls_mismatch: int = 0
    workers_unrecorded: int = 0
    over_budget: int = 0
    max_budget_use: float = 0.0  # the highest spend / limit of any budget
    orphan_worker_usd: float = 0.0
    claimed_unmerged: int = 0  # calls of workers claimed by an integration that never merged
    turns_usd: float = 0.0
    calls_usd: float = 0.0
    unaccounted_usd: float = 0.0
    problems: list[str] = field(default_factory=list)

    def note(self, counter: str, problem: str, amount: int = 1) -> None:
        setattr(self, counter, getattr(self, counter) + amount)
        if len(self.problems) < 40:
            self.problems.append(problem)


def check_threads(
    attempts: Sequence[Attempt],
    transcripts: Mapping[str, Transcript],
    turns: Mapping[str, list[TurnRecord]],
    found: Findings,
) -> None:
    """Each thread's tried turns against its transcript and its ledger turns."""
    by_thread: defaultdict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if attempt.thread_id:
            by_thread[attempt.thread_id].append(attempt)
    for thread_id, tried in by_thread.items():
        stored = transcripts.get(thread_id, Transcript())
        accepted = [a for a in tried if a.outcome == "ok"]
        found.accepted += len(accepted)
        sent, kept = Counter(a.text for a in tried), Counter(stored.requests)
        for text, times in sent.items():
            ok = sum(a.text == text for a in accepted)
            if kept[text] < ok:
                found.note("lost", f"lost: {thread_id} {text[:50]!r}", ok - kept[text])
            if kept[text] > times:
                found.note("doubled", f"doubled: {thread_id} {text[:50]!r}", kept[text] - times)
        for position, text in enumerate(stored.requests):
            if not stored.answered[position] and any(a.text == text for a in accepted):
                found.note("unanswered", f"accepted, no answer: {thread_id} turn {position}")
        recorded = turns.get(thread_id, [])
        if len(recorded) < len(accepted):
            found.note("ledger_missing", f"ledger: {thread_id} has {len(recorded)} turns "
                       f"for {len(accepted)} accepted", len(accepted) - len(recorded))  # fmt: skip
        if len(recorded) > len(accepted):
            found.note("ledger_extra", f"ledger: {thread_id} has {len(recorded)} turns "
                       f"for {len(accepted)} accepted", len(recorded) - len(accepted))  # fmt: skip
        for attempt, record in zip(accepted, recorded, strict=False):
            told = attempt.cost_usd
            if told is not None and abs(told - record.cost_usd) > TOLERANCE_USD:
                found.note("cost_mismatch", f"cost: {thread_id} turn {record.turn} told "
                           f"{told:.6g}, ledger {record.cost_usd:.6g}")  # fmt: skip
            if attempt.kind == "graph":
                attempt.model_ms, attempt.overhead_ms = record.model_ms, record.overhead_ms


def check_ledger(
    ledger: CostLedger,
    attempts: Sequence[Attempt],
    limits: Mapping[str, Any],
    found: Findings,
) -> dict[str, list[TurnRecord]]:
    """The ledger's sums and budgets; its turns by thread (for ``check_threads``).

    ``limits``: ``tenant`` and ``thread`` budget in USD of the graph runs, and the
    ``tenants`` under them."""
    records = ledger.turns()
    calls = ledger.calls()
    with ledger.rows.transaction(write=False) as tx:
        integrated = {r["worker_id"] for r in tx.query("SELECT worker_id FROM integrations")}
    accepted = {w for a in attempts if a.outcome == "ok" for w in a.workers}
    turns: defaultdict[str, list[TurnRecord]] = defaultdict(list)
    for record in records:
        turns[record.thread_id].append(record)
        billed = sum(c.cost_usd for c in record.calls)
        if abs(billed - record.cost_usd) > TOLERANCE_USD:
            found.note("calls_mismatch", f"turn {record.thread_id}/{record.turn}: cost "
                       f"{record.cost_usd:.6g}, its calls {billed:.6g}")  # fmt: skip
    turn_calls = {(r.thread_id, r.turn) for r in records}
    found.turns_usd = sum(r.cost_usd for r in records)
    found.calls_usd = sum(c["cost_usd"] for c in calls)
    by_tenant: Counter[str] = Counter()
    by_thread: Counter[str] = Counter()
    for call in calls:
        by_tenant[call["tenant"] or ""] += call["cost_usd"]
        by_thread[call["thread_id"]] += call["cost_usd"]
        if call["thread_id"] in accepted:
            found.note("workers_unrecorded", f"worker {call['thread_id']}: a call left under "
                       "its id, its turn accepted (the turn is not recorded)")  # fmt: skip
        elif (call["thread_id"], call["turn"]) not in turn_calls:
            if call["thread_id"].startswith("worker-"):
                found.orphan_worker_usd += call["cost_usd"]
                found.claimed_unmerged += call["thread_id"] in integrated
            else:
                found.unaccounted_usd += call["cost_usd"]
    graph_threads = {a.thread_id for a in attempts if a.kind == "graph"}
    spends = [
        (f"tenant {t}", usd, limits["tenant"])
        for t, usd in by_tenant.items()
        if t in limits["tenants"]
    ]
    spends += [(f"thread {t}", by_thread[t], limits["thread"]) for t in graph_threads]
    for scope, usd, limit in spends:
        found.max_budget_use = max(found.max_budget_use, usd / limit)
        if usd > limit + TOLERANCE_USD:
            found.note("over_budget", f"{scope} spent {usd:.6g} of {limit:.6g} USD")
    return dict(turns)

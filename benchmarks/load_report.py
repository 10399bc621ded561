"""The load test's tables: throughput and time per turn, statuses, checks, CPU."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

from load_clients import Attempt  # type: ignore[import-not-found]

from orchestrator_graph.accounting.ledger import percentile


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(c) for c in header], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                               enumerate(zip(row, widths, strict=True))))  # fmt: skip
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _ms(values: list[float], q: float) -> float | None:
    return percentile(values, q) if values else None


def _timing_rows(attempts: Sequence[Attempt], seconds: float) -> list[list[Any]]:
    rows = []
    for kind in ("graph", "service", "all"):
        ok = [a for a in attempts if a.outcome == "ok" and kind in ("all", a.kind)]
        walls = [a.wall_ms for a in ok]
        own = [a.wall_ms - a.model_ms for a in ok if a.model_ms is not None]
        graph_own = [a.overhead_ms for a in ok if a.overhead_ms is not None]
        firsts = [a.first_token_ms for a in ok if a.first_token_ms is not None]
        rows.append([
            kind, len(ok), len(ok) / seconds if seconds else None,
            _ms(walls, 50), _ms(walls, 99), _ms(own, 50), _ms(own, 99),
            _ms(graph_own, 50), _ms(graph_own, 99), _ms(firsts, 50),
        ])  # fmt: skip
    return rows


def _check_rows(found: Any) -> list[list[Any]]:
    return [
        ["accepted turns checked", found.accepted],
        ["lost turns", found.lost],
        ["doubled turns", found.doubled],
        ["accepted, no answer in the transcript", found.unanswered],
        ["ledger: turns missing / extra", f"{found.ledger_missing} / {found.ledger_extra}"],
        ["ledger: turn cost != cost the client was told", found.cost_mismatch],
        ["ledger: turn cost != sum of its calls", found.calls_mismatch],
        ["ledger: accepted turn's worker calls left under the worker", found.workers_unrecorded],
        ["over-budget scopes (tenants, graph threads)", found.over_budget],
        ["highest spend / limit of a budget", round(found.max_budget_use, 3)],
        ["spend: all calls USD", round(found.calls_usd, 6)],
        ["spend: in recorded turns USD", round(found.turns_usd, 6)],
        ["spend: workers never merged USD", round(found.orphan_worker_usd, 6)],
        ["  of them calls of workers claimed, not merged", found.claimed_unmerged],
        ["spend: calls of no recorded turn (failed turns) USD", round(found.unaccounted_usd, 6)],
    ]


def print_report(outcome: Any, args: Any) -> None:
    """Print one run's tables."""
    attempts: list[Attempt] = outcome.clients.attempts
    print(f"\n=== run {outcome.name}: {args.clients} clients, {outcome.seconds:.1f} s, "
          f"model pace {outcome.pace[0]:g} ms first token + {outcome.pace[1]:g} ms/token; "
          f"load average {outcome.load[0]:.2f} -> {outcome.load[1]:.2f} "
          f"on {os.cpu_count()} cores ===")  # fmt: skip
    _table(
        "turns (ms; own = server time - model time as the client saw it; graph own = the "
        "graph's overhead_ms in the ledger)",
        ["kind", "turns", "turns/s", "wall p50", "wall p99", "own p50", "own p99",
         "graph own p50", "graph own p99", "1st token p50"],
        _timing_rows(attempts, outcome.seconds),
    )  # fmt: skip
    outcomes = Counter((a.kind, a.outcome, a.status, a.retried) for a in attempts)
    _table("turns by outcome", ["kind", "outcome", "status", "sent again", "count"],
           [[*key, n] for key, n in sorted(outcomes.items())])  # fmt: skip
    statuses = sorted(outcome.clients.statuses.items())
    _table("requests by status", ["request", "status", "count"], [[*k, n] for k, n in statuses])
    _table("checks", ["check", "value"], _check_rows(outcome.findings))
    _cpu_table(outcome)
    for (request, status), text in sorted(outcome.clients.samples.items()):
        print(f"  an answer {request} {status}: {text}")
    for note in [*outcome.notes, *outcome.clients.notes]:
        print(f"  note: {note}")
    for problem in outcome.findings.problems:
        print(f"  PROBLEM {problem}")


def _cpu_table(outcome: Any) -> None:
    """CPU seconds per process, its share of the machine over the run, and per turn of
    its kind (a server's per turn of its kind, tried; the others' per turn tried)."""
    cores = os.cpu_count() or 1
    tried = Counter(a.kind for a in outcome.clients.attempts if a.outcome in ("ok", "refused"))
    kinds = {"app": "service", "graph": "graph"}
    rows = []
    for name, seconds in outcome.cpu_s.items():
        kind = kinds.get(name.rstrip("0123456789"))
        turns = tried[kind] if kind else sum(tried.values())
        per_turn = seconds * 1000 / turns if turns else None
        rows.append([name, seconds, seconds / (outcome.seconds * cores), per_turn])
    total = sum(outcome.cpu_s.values())
    rows.append(["total", total, total / (outcome.seconds * cores), None])
    _table(
        f"CPU seconds (share: of {cores} cores over the run; ms/turn: over all turns of "
        "its kind, so a kind's processes add up)",
        ["process", "cpu s", "share", "ms/turn"],
        rows,
    )

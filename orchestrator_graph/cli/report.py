"""``orchestrator-graph report``: the KPIs of the cost ledger.

Routing counts, savings against the main-session-only baseline, integration
success rate (worker results accepted by ``merge`` / worker results), fallback
count, decision and overhead latencies, per model and per category; with ``--ab``
the A/B arms compared (``ledger.arms``); with ``--by thread`` or ``--by tenant``, the
spend of each thread or tenant. ``--ledger`` is the SQLite file or the Postgres URL
(default: where ``ORCHESTRATOR_STATE`` keeps it);
a file is only read (SQLite ``mode=ro``), never created or changed, and one that is
not a cost ledger (a checkpoint file, an empty file) is refused with what it is.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import Any

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.accounting.ledger.arms import ab_report, format_ab
from orchestrator_graph.accounting.ledger.rows import is_postgres_url
from orchestrator_graph.cli import UsageError
from orchestrator_graph.cli.arguments import ledger_location
from orchestrator_graph.storage.location import state_location


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_report(kpis: dict[str, Any]) -> str:
    """The KPIs as text for the terminal."""
    routes = ", ".join(f"{route} {count}" for route, count in kpis["routes"].items())
    lines = [
        f"turns {kpis['turns']}: {routes or 'none'}",
        f"cost ${kpis['cost_usd']:.5f}, baseline ${kpis['baseline_usd']:.5f}, "
        f"savings {_fmt(kpis['savings'], '.1%')}",
        f"integration success {_fmt(kpis['integration_success_rate'], '.1%')} of "
        f"{kpis['worker_results']} worker results; fallbacks {kpis['fallbacks']}",
        f"answer cache: {kpis['routes'].get('cache', 0)} turns, saved "
        f"${kpis['cache_saved_usd']:.5f} against the routes they replaced",
        f"decision ms p50 {_fmt(kpis['decision_ms_p50'], '.2f')}, "
        f"p99 {_fmt(kpis['decision_ms_p99'], '.2f')}; overhead ms p50 "
        f"{_fmt(kpis['overhead_ms_p50'], '.2f')}, p99 {_fmt(kpis['overhead_ms_p99'], '.2f')}",
        "",
        f"{'model':<24} {'calls':>6} {'input':>9} {'cached':>9} {'output':>8} {'cost $':>10}",
    ]
    for model, m in kpis["per_model"].items():
        lines.append(
            f"{model[:24]:<24} {m['calls']:>6} {m['input_tokens']:>9} "
            f"{m['cached_input_tokens']:>9} {m['output_tokens']:>8} {m['cost_usd']:>10.5f}"
        )
    lines += ["", f"{'category':<18} {'turns':>5} {'cost $':>10} {'baseline $':>10} {'savings':>8}"]
    for category, c in kpis["per_category"].items():
        lines.append(
            f"{category[:18]:<18} {c['turns']:>5} {c['cost_usd']:>10.5f} "
            f"{c['baseline_usd']:>10.5f} {_fmt(c['savings'], '>8.1%')}"
        )
    return "\n".join(lines)


def format_spend(rows: list[dict[str, Any]], by: str) -> str:
    """The spend per thread or tenant as text for the terminal."""
    lines = [
        f"{by:<28} {'turns':>5} {'calls':>6} {'billed $':>10} {'baseline $':>10} {'savings':>8}"
    ]
    for r in rows:
        name = "-" if r[by] is None else str(r[by])
        lines.append(
            f"{name[:28]:<28} {r['turns']:>5} {r['calls']:>6} {r['billed_usd']:>10.5f} "
            f"{r['baseline_usd']:>10.5f} {_fmt(r['savings'], '>8.1%')}"
        )
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ledger",
        default=None,
        type=ledger_location,
        help="cost ledger: a SQLite file (only read) or a postgresql:// URL (default: "
        "$ORCHESTRATOR_STATE's)",
    )
    parser.add_argument("--thread", default=None, help="only this thread id")
    parser.add_argument(
        "--by", choices=("thread", "tenant"), default=None, help="the spend per thread or tenant"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--ab",
        action="store_true",
        help="compare the A/B arms: cost, savings, quality (feedback), fallbacks, with CIs",
    )


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    location = str(args.ledger or state_location().ledger_location)
    if not is_postgres_url(location) and not os.path.exists(location):
        raise UsageError(f"{location}: no cost ledger there (run the graph or the demo first)")
    with CostLedger(location, read_only=True) as ledger:
        if args.ab:
            report = ab_report(ledger)
            out(json.dumps(report, indent=2) if args.json else format_ab(report))
            return 0
        if args.by is not None:
            rows = ledger.spend_by(args.by)
            out(json.dumps(rows, indent=2) if args.json else format_spend(rows, args.by))
            return 0
        kpis = ledger.kpis(args.thread)
        where = ledger.location
    if args.thread is not None and not kpis["turns"]:
        raise UsageError(f"{where} has no turns of thread {args.thread!r}")
    out(json.dumps(kpis, indent=2) if args.json else format_report(kpis))
    return 0

"""``bench --sweep``: the quality router's threshold swept over scored workloads, next to
what the current routing does on the same turns.

Nothing is replayed: every scored turn is predicted once and the threshold swept
(``quality.sweep``). The current routing's point comes from ``evaluate_task``'s
decision of each scored turn (the roles that would answer it), priced like the
curve: each role's price times the request's tokens and its own recorded answer.
With a saved model, the strong share per category at each target is reported for
every turn, scored or not.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from orchestrator_graph.config import OrchestratorConfig, load_config
from orchestrator_graph.lab.quality.dataset import Prices, examples_of
from orchestrator_graph.lab.quality.metrics import RunSummary
from orchestrator_graph.lab.quality.runs import format_quality, quality_report, scored_turn
from orchestrator_graph.lab.quality.sweep import (
    Sweep,
    format_shares,
    format_sweep,
    run_sweep,
    strong_shares,
    sweep_json,
)
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.quality import load_quality_model
from orchestrator_graph.quality.roles import decision_roles
from orchestrator_graph.routing.evaluate import evaluate_task


def routing_quality(
    sessions: Sequence[Session], prices: Prices, config: OrchestratorConfig, models: tuple[str, str]
) -> dict[str, Any] | None:
    """The current routing's quality on the scored turns (``quality.runs`` figures), each
    turn decided by ``evaluate_task`` with the (main, worker) ``models``."""
    turns, roles = [], []
    for session in sessions:
        for index in range(len(session.turns)):
            turn = scored_turn(session, index, prices=prices)
            if turn is None:
                continue
            main, worker = models
            messages = session.transcript(index)
            decision = evaluate_task(
                messages, config=config, main_model=main, worker_model=worker, thread_id=session.id
            )
            turns.append(turn)
            roles.append(decision_roles(decision))
    return quality_report(turns, roles)


def _routing_points(routing: dict[str, Any] | None) -> dict[str, RunSummary]:
    """The current routing per source as points for the plot."""
    points = {}
    for source, f in (routing or {}).get("sources", {}).items():
        points[source] = RunSummary(
            quality=float("nan"),
            quality_retained=f["quality_retained"],
            pgr=f["pgr"] if f["pgr"] is not None else float("nan"),
            strong_share=f["strong_share"],
            savings=f["savings"],
        )
    return points


def _plot(args: argparse.Namespace, result: Sweep, routing: dict[str, Any] | None) -> str:
    from orchestrator_graph.lab.quality.plot import plot_curves

    label = "quality router (CV)" if args.cv else "quality router"
    reports = [s.report for s in result.sources]
    path = plot_curves(reports, args.plot, label=label, routing=_routing_points(routing))
    return f"plot: {path}"


def run_sweep_command(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    """Sweep, report and draw (see the module docstring)."""
    sessions = read_workloads(args.workload)
    model = load_quality_model(args.quality_model)
    report: dict[str, Any] = {}
    if not args.cv:
        report["strong_share_by_category"] = strong_shares(sessions, model)
        out(format_shares(report["strong_share_by_category"]) + "\n")
    if not any(turn.scored for session in sessions for turn in session.turns):
        out("no turn carries scores for both roles: no cost-quality curve")
    else:
        prices = Prices.of(args.main_model, args.worker_model)
        result = run_sweep(examples_of(sessions, prices), model, cv=args.cv, target=args.target)
        config = load_config(args.config).updated({"ledger_path": None, "ledger_url": None})
        models = (args.main_model, args.worker_model)
        routing = routing_quality(sessions, prices, config, models)
        out(f"prices {args.main_model} (strong) / {args.worker_model} (weak)")
        out(format_sweep(result))
        out("\nthe current routing on the same turns and prices\n" + format_quality(routing))
        report.update(sweep_json(result), current_routing=routing)
        if args.plot is not None:
            out(_plot(args, result, routing))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
        out(f"JSON report: {args.json}")
    return 0

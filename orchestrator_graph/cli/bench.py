"""``orchestrator-graph bench``: replay workloads, baseline and orchestrated, side by side;
the measures are ``lab.bench``'s (its docstring says what each means)."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from orchestrator_graph.cli import UsageError
from orchestrator_graph.cli.arguments import number_in
from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    load_config,
)
from orchestrator_graph.lab.bench import run_bench
from orchestrator_graph.lab.quality.runs import format_quality
from orchestrator_graph.lab.replay import (
    BenchSettings,
)


def format_arms(reports: Mapping[str, dict[str, Any]]) -> str:
    """Arms side by side on their one baseline: cost, savings, strong share and routes,
    then the savings of each category per arm."""
    first = next(iter(reports.values()))
    lines = [
        f"{first['sessions']} sessions, {first['turn_count']} turns; one baseline (main "
        f"session only, {first['main_model']}): ${first['baseline_cost_usd']:.4f}",
        f"{'arm':<22} {'worker model':<14} {'cost $':>9} {'savings':>8} {'strong':>7}  routes",
    ]
    for name, report in reports.items():
        strong = sum("strong" in t["roles"] for t in report["turns"]) / report["turn_count"]
        routes = ", ".join(f"{k.split('_')[0]} {v}" for k, v in report["routes"].items())
        lines.append(
            f"{name[:22]:<22} {report['worker_model']:<14} "
            f"{report['orchestrated_cost_usd']:>9.4f} {_fmt(report['savings'], '>8.1%')} "
            f"{strong:>7.1%}  {routes}"
        )
    width = max(10, *(len(n) for n in reports))
    lines += ["", f"{'savings by category':<22} " + " ".join(f"{n:>{width}}" for n in reports)]
    for category in first["per_category"]:
        cells = [
            _fmt(r["per_category"][category]["savings"], f">{width}.1%") for r in reports.values()
        ]
        lines.append(f"{category[:22]:<22} " + " ".join(cells))
    return "\n".join(lines)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(report: dict[str, Any]) -> str:
    """The report as the terminal table."""
    lines = [
        f"{report['sessions']} sessions, {report['turn_count']} turns; main model "
        f"{report['main_model']}, worker model {report['worker_model']}",
        "",
        f"{'':<22} {'turns':>5} {'baseline $':>11} {'orchestr. $':>11} {'savings':>8}  routes",
    ]

    def row(name: str, costs: dict[str, Any]) -> str:
        routes = ", ".join(f"{k.split('_')[0]} {v}" for k, v in costs["routes"].items())
        return (
            f"{name[:22]:<22} {costs['turns']:>5} {costs['baseline_cost_usd']:>11.4f} "
            f"{costs['orchestrated_cost_usd']:>11.4f} {_fmt(costs['savings'], '>8.1%')}  {routes}"
        )

    lines.append(row("all", {**report, "turns": report["turn_count"]}))
    for title in ("per_file", "per_category"):
        lines.append(f"-- {title.replace('_', ' ')}")
        lines.extend(row(name, costs) for name, costs in report[title].items())
    speedup = ", ".join(f"N={n}: {s:.2f}" for n, s in report["parallel_speedup"].items())
    if report["quality"] is not None:
        scored = report["quality"]["overall"]["turns"]
        lines += ["", format_quality(report["quality"])]
        if scored != report["turn_count"]:
            lines.append(f"  ({scored} of {report['turn_count']} turns carry scores)")
    lines += [
        "",
        f"{'savings':<24} {_fmt(report['savings'], '.1%'):>10}   goal >= 75%",
        f"{'context_recall':<24} {_fmt(report['context_recall'], '.3f'):>10}   "
        f"over {report['labelled_turns']} labelled turns",
        f"{'starved_rate':<24} {_fmt(report['starved_rate'], '.3f'):>10}   goal <= 0.01",
        f"{'estimate_error_median':<24} {_fmt(report['estimate_error_median'], '.3f'):>10}"
        "   goal <= 0.10",
        f"{'decision_ms p50 / p99':<24} {_fmt(report['decision_ms_p50'], '.2f'):>10} / "
        f"{_fmt(report['decision_ms_p99'], '.2f')}",
        f"{'overhead_ms p50 / p99':<24} {_fmt(report['overhead_ms_p50'], '.2f'):>10} / "
        f"{_fmt(report['overhead_ms_p99'], '.2f')}   one-node graph p50 "
        f"{_fmt(report['reference_overhead_ms_p50'], '.2f')}",
        f"{'overhead_ratio':<24} {_fmt(report['overhead_ratio'], '.2f'):>10}   goal <= 2.0",
        f"{'cold start':<24} warm-up {report['cold_start']['warm_up_s']:.2f} s (once per "
        f"process, at graph build); first turn: decision "
        f"{_fmt(report['cold_start']['first_decision_ms'], '.2f')} ms, overhead "
        f"{_fmt(report['cold_start']['first_overhead_ms'], '.2f')} ms (not in the percentiles)",
        f"{'parallel_speedup':<24} {speedup or '-'}   goal >= 0.9 N "
        f"(latency {report['parallel_latency_s']} s per call)",
        f"{'invented answers':<24} {report['invented_answers']:>10}   fallbacks "
        f"{report['fallbacks']}; answer splits exact {report['answer_splits']['exact']}, "
        f"approximate {report['answer_splits']['approximate']}",
    ]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workload", nargs="+", required=True, type=Path, help="workload JSON Lines files"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the report as JSON here")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the ledgers and checkpoints here (default: a temporary folder)",
    )
    parser.add_argument(
        "--no-speedup", action="store_true", help="skip the parallel-speedup measurement"
    )
    parser.add_argument("--main-model", default=DEFAULT_MAIN_MODEL, help="priced as this model")
    parser.add_argument("--worker-model", default=DEFAULT_WORKER_MODEL, help="the cheap model")
    parser.add_argument(
        "--config", type=Path, default=None, help="an OrchestratorConfig as a JSON file"
    )
    sweep = parser.add_argument_group("the quality threshold sweep (scored workloads)")
    sweep.add_argument(
        "--sweep",
        action="store_true",
        help="sweep the quality router's threshold instead of replaying: the cost-quality "
        "curve, CPT(50%%), CPT(80%%), APGR and the baselines per source",
    )
    sweep.add_argument(
        "--quality-model", type=Path, default=None, help="a quality model (default: the shipped)"
    )
    sweep.add_argument(
        "--cv",
        action="store_true",
        help="predict each turn out of fold (5 folds by session) with the model's features",
    )
    sweep.add_argument(
        "--target",
        type=number_in(0.0, 1.0, low_open=True),
        default=0.95,
        help="min_quality of the plot, in (0, 1]",
    )
    sweep.add_argument("--plot", type=Path, default=None, help="draw the curve as a PNG here")


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    if args.sweep:
        from orchestrator_graph.cli.sweep import run_sweep_command

        return run_sweep_command(args, out=out)

    def bench(workdir: Path) -> dict[str, Any]:
        settings = BenchSettings(args.main_model, args.worker_model, load_config(args.config))
        return run_bench(
            args.workload, workdir=workdir, speedup=not args.no_speedup, settings=settings
        )

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if any(args.workdir.glob("*.sqlite")):
            raise UsageError(f"{args.workdir} already holds bench files: give an empty folder")
        report = bench(args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="orchestrator-bench-") as tmp:
            report = bench(Path(tmp))
    out(format_table(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
        out(f"\nJSON report: {args.json}")
    return 0

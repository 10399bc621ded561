"""``orchestrator-graph eval``: the routing measured on labelled workloads; the measures
are ``lab.evaluation``'s (its docstring says what each means)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from orchestrator_graph.config import (
    load_config,
)
from orchestrator_graph.lab.evaluation import evaluate_files
from orchestrator_graph.lab.quality.runs import format_quality

COLUMNS = (
    "turns",
    "dependent_turns",
    "self_contained_turns",
    "starved_rate",
    "offload_rate_self_contained",
    "offload_rate_dependent",
    "offload_rate_self_contained_later",
    "decision_ms_p50",
    "decision_ms_p99",
)


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table, one row per file and one overall."""
    rows = [*report["files"].items(), ("overall", report["overall"])]
    lines = [
        "| file | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for name, figures in rows:
        cells = ["-" if figures[c] is None else str(figures[c]) for c in COLUMNS]
        lines.append(f"| {Path(name).name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workload", nargs="+", required=True, type=Path, help="JSONL files")
    parser.add_argument("--json", type=Path, default=None, help="write the report here")
    parser.add_argument(
        "--config", type=Path, default=None, help="an OrchestratorConfig as a JSON file"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="a trained classifier (from `train`)"
    )
    parser.add_argument(
        "--part",
        choices=["all", "train", "test"],
        default="all",
        help="sessions of one part of the split by hash of session id (70%% train)",
    )


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config).updated({"ledger_path": None, "ledger_url": None})
    if args.model is not None:
        config = config.updated({"classifier_model_path": args.model})
    report = evaluate_files(args.workload, config=config, part=args.part)
    print(table(report))
    print(f"\ncold start: {report['cold_start_s']:.2f} s (warm-up, not in the percentiles)")
    if report["overall"]["quality"] is not None:
        print("\n" + format_quality(report["overall"]["quality"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"report written to {args.json}", file=sys.stderr)
    return 0

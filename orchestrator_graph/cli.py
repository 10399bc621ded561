"""``orchestrator-graph``: the command line. Each command lives in its own module,
which gives ``add_arguments(parser)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("orchestrator_graph.demo", "run a scripted ten-turn session offline"),
    "eval": ("orchestrator_graph.evaluation", "measure the routing on labelled workloads"),
    "train": ("orchestrator_graph.training", "train the classifier's trained tier"),
    "bench": ("orchestrator_graph.bench", "replay workloads: baseline vs orchestrated"),
    "report": ("orchestrator_graph.report", "KPIs from the cost ledger"),
    "prune": ("orchestrator_graph.prune_cli", "delete old checkpoints, keep threads resumable"),
    "workloads": ("orchestrator_graph.joining_cli", "workload files: join sessions into threads"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="orchestrator-graph", description="Route LLM requests to the cheapest safe session."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(commands.add_parser(name, help=help_text, description=help_text))
        modules[name] = module
    args = parser.parse_args(argv)
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())

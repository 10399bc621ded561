"""``orchestrator-graph``: the command line. Each command lives in its own module,
which gives ``add_arguments(parser)`` and ``run(args) -> int``.

A bad input (a config, model or workload file, a ledger) ends the command with
one line on stderr that names the file and the problem, and exit status 2; a
traceback means a bug."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from orchestrator_graph.errors import OrchestratorError

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("orchestrator_graph.cli.demo", "run a scripted ten-turn session offline"),
    "eval": ("orchestrator_graph.cli.eval", "measure the routing on labelled workloads"),
    "train": ("orchestrator_graph.cli.train", "train the classifier's trained tier"),
    "bench": ("orchestrator_graph.cli.bench", "replay workloads: baseline vs orchestrated"),
    "report": ("orchestrator_graph.cli.report", "KPIs from the cost ledger"),
    "workloads": (
        "orchestrator_graph.cli.workloads",
        "join labelled sessions into long threads (workloads join)",
    ),
    "prune": (
        "orchestrator_graph.cli.prune",
        "remove a thread's old checkpoints, keeping it resumable",
    ),
    "quality": (
        "orchestrator_graph.cli.quality",
        "train the quality model; its cross-validated cost-quality curve",
    ),
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
    try:
        return modules[args.command].run(args)
    except (OrchestratorError, ValidationError, ValueError, OSError) as error:
        print(f"orchestrator-graph {args.command}: error: {one_line(error)}", file=sys.stderr)
        return 2


def one_line(error: BaseException) -> str:
    """The error's message on one line (pydantic lists each problem on its own line)."""
    return " ".join(str(error).split())

"""``orchestrator-graph``: the command line. Each command lives in its own module,
which gives ``add_arguments(parser)`` and ``run(args) -> int``; only the module of
the command given is imported, so ``--help``, ``demo``, ``report`` and ``prune``
never import the lab (``orchestrator_graph.lab``) or its extra dependencies. A lab
command run without them says which extra to install.

Exit status: 0 done; 2 bad input (an argument out of range, a config, model,
workload, ledger or checkpoint file that is missing, of another kind or malformed,
an unknown thread), with one line on stderr that names the file or argument and
the problem; 1 when the output pipe closes early (``report --json | head``), ended
quietly as Python's documentation advises. A traceback means a bug.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

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


LAB_EXTRA = frozenset({"tqdm", "matplotlib"})  # pyproject.toml's ``lab`` extra


class UsageError(OrchestratorError, ValueError):
    """The command cannot run on what it was given; the message says what to change."""


def _version() -> str:
    try:
        return version("orchestrator-graph")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="orchestrator-graph", description="Route LLM requests to the cheapest safe session."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    # the top-level parser has no option but --help: the first word is the command
    chosen = next((word for word in argv if not word.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                return _missing_extra(name, error)
            module.add_arguments(sub)
    args = parser.parse_args(argv)
    assert module is not None, "argparse accepts only the commands above"
    try:
        code: int = module.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except ModuleNotFoundError as error:
        return _missing_extra(args.command, error)
    except BrokenPipeError:
        # the reader stopped (``| head``): send what is still buffered nowhere, say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (OrchestratorError, ValidationError, ValueError, OSError) as error:
        print(f"orchestrator-graph {args.command}: error: {one_line(error)}", file=sys.stderr)
        return 2


def _missing_extra(command: str, error: ModuleNotFoundError) -> int:
    """Exit status 2 with the extra to install, for a lab dependency missing; other
    missing modules are bugs (raised again)."""
    if (error.name or "").split(".")[0] not in LAB_EXTRA:
        raise error
    print(
        f"orchestrator-graph {command}: error: needs the lab extra ({error.name} is not "
        "installed): pip install 'orchestrator-graph[lab]'",
        file=sys.stderr,
    )
    return 2


def one_line(error: BaseException) -> str:
    """The error's message on one line (pydantic lists each problem on its own line)."""
    return " ".join(str(error).split())

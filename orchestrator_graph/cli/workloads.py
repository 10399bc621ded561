"""``orchestrator-graph workloads join IN... --out F``: labelled sessions joined into
long threads (``orchestrator_graph.lab.joining``), written as a workload file."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from orchestrator_graph.cli.arguments import int_at_least
from orchestrator_graph.lab.joining import join_sessions, session_tokens
from orchestrator_graph.lab.workloads import Session, read_workloads

JOIN_HELP = """Join labelled sessions into long threads. Each thread takes whole
sessions, drawn in an order set by --seed (every session is used before one
repeats), until it has at least --min-turns turns and --min-tokens tokens; the
depends_on labels are renumbered to the thread's turns and a session's standing
instructions become a turn of the thread. The same inputs and seed give the same
file."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    join = actions.add_parser(
        "join",
        help="join sessions into long threads",
        description=JOIN_HELP,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    join.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="workload files")
    join.add_argument(
        "--out",
        type=Path,
        required=True,
        default=argparse.SUPPRESS,  # required: no default to show
        help="the JSON Lines file to write",
    )
    join.add_argument("--seed", type=int, default=0, help="order of the sessions")
    join.add_argument("--threads", type=int_at_least(1), default=6, help="threads to write")
    join.add_argument(
        "--min-turns", type=int_at_least(1), default=150, help="turns per thread at least"
    )
    join.add_argument(
        "--min-tokens", type=int_at_least(0), default=40_000, help="tokens per thread at least"
    )


def write_sessions(sessions: Sequence[Session], path: Path) -> None:
    """``sessions`` as a workload file (one JSON object a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for session in sessions:
            row = session.model_dump(mode="json", exclude_defaults=True)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace, *, out: Callable[[str], None] = print) -> int:
    threads = join_sessions(
        read_workloads(args.inputs),
        seed=args.seed,
        threads=args.threads,
        min_turns=args.min_turns,
        min_tokens=args.min_tokens,
    )
    write_sessions(threads, args.out)
    for thread in threads:
        out(f"{thread.id}: {len(thread.turns)} turns, {session_tokens(thread)} tokens")
    out(f"wrote {len(threads)} threads to {args.out}")
    return 0

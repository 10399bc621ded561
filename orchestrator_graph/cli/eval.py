"""``orchestrator-graph eval``: the routing measured on labelled workloads.

Every labelled turn of every session is decided by ``evaluate_task`` with the
recorded transcript as its history. A turn is *sent to workers* when its route
is ``worker_session`` or ``parallel_workers``; a dependent turn sent to workers
is *starved* when some worker's view lacks one of its ``depends_on`` turns (a
turn kept in the main session is never starved). Definitions as in
``docs/workloads.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    OrchestratorConfig,
    load_config,
)
from orchestrator_graph.conversation.views import instruction_positions, turns_of
from orchestrator_graph.lab.quality.dataset import Prices
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.runs import format_quality, quality_report, scored_turn
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.routing.evaluate import evaluate_task
from orchestrator_graph.routing.warmup import warm_up
from orchestrator_graph.state import RoutingDecision

Part = Literal["all", "train", "test"]
TRAIN_SHARE = 0.7  # sessions whose id hashes below this share form the training part
ROUTES = ("main_session", "worker_session", "parallel_workers")


def session_part(session_id: str) -> Literal["train", "test"]:
    """The stable split of a session by the hash of its id (70% train, 30% test)."""
    bucket = int(hashlib.sha1(session_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if bucket < TRAIN_SHARE else "test"


def select(sessions: Iterable[Session], part: Part) -> list[Session]:
    """The sessions of one part of the split (``all`` keeps every session)."""
    return [s for s in sessions if part == "all" or session_part(s.id) == part]


def starved(session: Session, index: int, decision: RoutingDecision) -> bool:
    """Whether some worker's view lacks a turn (or the instructions) this turn needs."""
    if decision.route == "main_session":
        return False
    turn = session.turns[index]
    messages = session.transcript(index)
    by_turn = {t.index: set(t.positions) for t in turns_of(messages[:-1])}
    needed = [by_turn[d] for d in turn.depends_on or []]
    if turn.needs_instructions:
        needed.append(set(instruction_positions(messages)))
    return any(not need <= set(view) for view in decision.worker_context for need in needed)


def answering_roles(decision: RoutingDecision) -> list[str]:
    """The model roles that would answer: the main session and workers on the main
    tier are the strong model, workers on the worker tier the weak one."""
    if decision.route == "main_session":
        return ["strong"]
    return sorted({"strong" if tier == "main" else "weak" for tier in decision.worker_tiers})


def _percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def evaluate_sessions(
    sessions: Iterable[Session], *, config: OrchestratorConfig | None = None
) -> dict[str, Any]:
    """The routing measures of ``sessions`` (keys as in ``docs/workloads.md``); the
    decision times are warm (``warm_up`` first: the process's cold start is apart)."""
    config = config or OrchestratorConfig(ledger_path=None)
    warm_up(config)
    confusion = {k: dict.fromkeys(ROUTES, 0) for k in ("dependent", "self_contained")}
    dependent = self_contained = starved_turns = later = later_offloaded = 0
    offloaded = {"dependent": 0, "self_contained": 0}
    timings: list[float] = []
    scored: list[tuple[ScoredTurn, list[str]]] = []
    prices = Prices.of(DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL)  # evaluate_task's models
    for session in sessions:
        for index, turn in enumerate(session.turns):
            if not turn.labelled and not turn.scored:
                continue
            decision = evaluate_task(session.transcript(index), config=config)
            timings.append(decision.decision_ms)
            quality = scored_turn(session, index, prices=prices)
            if quality is not None:
                scored.append((quality, answering_roles(decision)))
            if not turn.labelled:
                continue
            kind = "dependent" if turn.dependent else "self_contained"
            confusion[kind][decision.route] += 1
            sent = decision.route != "main_session"
            offloaded[kind] += sent
            if turn.dependent:
                dependent += 1
                starved_turns += starved(session, index, decision)
            else:
                self_contained += 1
                later += index > 0
                later_offloaded += index > 0 and sent
    return {
        "turns": dependent + self_contained,
        "dependent_turns": dependent,
        "self_contained_turns": self_contained,
        "starved_turns": starved_turns,
        "starved_rate": _rate(starved_turns, dependent),
        "offload_rate_self_contained": _rate(offloaded["self_contained"], self_contained),
        "offload_rate_dependent": _rate(offloaded["dependent"], dependent),
        "later_self_contained_turns": later,
        "offload_rate_self_contained_later": _rate(later_offloaded, later),
        "confusion": confusion,
        "decision_ms_p50": round(_percentile(timings, 0.5), 4),
        "decision_ms_p99": round(_percentile(timings, 0.99), 4),
        "quality": quality_report([t for t, _ in scored], [r for _, r in scored]),
    }


def evaluate_files(
    paths: Sequence[str | Path], *, config: OrchestratorConfig | None = None, part: Part = "all"
) -> dict[str, Any]:
    """Per file and overall measures: ``{"files": {path: {...}}, "overall": {...}}``."""
    per_file: dict[str, list[Session]] = {str(p): select(read_workloads([p]), part) for p in paths}
    cold_start_s = warm_up(config)  # the loads of the first decision, out of the percentiles
    return {
        "part": part,
        "cold_start_s": cold_start_s,
        "files": {p: evaluate_sessions(s, config=config) for p, s in per_file.items()},
        "overall": evaluate_sessions(
            [s for group in per_file.values() for s in group], config=config
        ),
    }


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
    for name, measures in rows:
        cells = [str(measures[c]) for c in COLUMNS]
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

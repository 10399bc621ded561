"""The bench: replay workloads, baseline and orchestrated, side by side (``orchestrator-graph
bench`` prints it).

Every session is replayed twice through the compiled graph with a SQLite
checkpointer, on simulated models that replay the recorded answers: once with
routing forced to the main session (the baseline), once orchestrated. Both runs
use the same models, prices, recorded answers and prompt-cache rules; costs are
the sums of the ledger's calls.

When the orchestrator splits a turn into subtasks, each worker is sent a brief,
not the whole turn. The recorded answer is then split into one part per subtask
(its numbered or bulleted items when their count matches, else its paragraphs
in balanced contiguous runs) and each part is registered as the answer to the
brief of its subtask, and the parts of consecutive subtasks to a brief that
groups them; the merged answer is the recorded one, up to the blank lines
between parts. A request that still has no recorded answer gets an invented
one: ``invented_answers`` counts them.

``context_recall`` and ``starved_rate`` come from the simulated models' request
logs: a ``depends_on`` turn is present when every message of it (question and
answer, in full, not a digest) is in every request made to answer the turn.
``overhead_ms`` is graph time per turn minus model time; ``overhead_ratio``
divides its p50 by that of a one-node ``MessagesState`` graph on the same
SQLite saver with LangGraph's own serializer (uncompressed, as a user has it),
measured in the same run. The percentiles leave out each run's
first turn; ``cold_start`` shows it apart, with the warm-up of the process (the loads
of the first decision, done once when the graph is built: ``warmup.warm_up``).
``parallel_speedup`` fans N
independent questions out on models with a fixed latency and divides the sum
of the worker calls' times by the wall time of the fan-out.

Each role replays its own recorded answer: the main model (the strong role, also
when a worker runs on the main tier) ``answers["strong"]``, the worker model
``answers["weak"]``, ``answer`` when a role has none; so lengths and costs are each
model's own, and the baseline replays the strong answers. Where turns carry
``scores``, the report adds ``quality`` (``quality.runs``): quality retained, PGR
and strong share per source next to the savings of those turns, a turn scoring
the role whose calls answered it. ``--sweep`` replays nothing: it sweeps the
quality router's threshold over the scored turns (``quality.sweep``).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from statistics import median
from typing import Any

from tqdm import tqdm

from orchestrator_graph.accounting.ledger import percentile
from orchestrator_graph.config import (
    OrchestratorConfig,
)
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.runs import quality_report, scored_turn
from orchestrator_graph.lab.replay import (
    LATENCY_S,
    BenchSettings,
    RunResult,
    TurnOutcome,
    parallel_speedups,
    reference_overheads,
    replay,
)
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.routing.warmup import warm_up

TURN_KEYS = (
    "session",
    "turn",
    "route",
    "models",
    "roles",
    "cost_usd",
    "baseline_cost_usd",
    "context_recall",
    "category",
    "source",
    "estimated_usd",
    "decision_ms",
)  # what the report keeps of each turn


def _savings(baseline: float, orchestrated: float) -> float | None:
    return 1 - orchestrated / baseline if baseline else None


def _costs(outcomes: Sequence[TurnOutcome]) -> dict[str, Any]:
    baseline = sum(o.baseline_cost_usd for o in outcomes)
    orchestrated = sum(o.cost_usd for o in outcomes)
    return {
        "turns": len(outcomes),
        "baseline_cost_usd": baseline,
        "orchestrated_cost_usd": orchestrated,
        "savings": _savings(baseline, orchestrated),
        "routes": dict(sorted(Counter(o.route for o in outcomes).items())),
    }


def _quality(
    sessions: Sequence[tuple[str, Session]], outcomes: Sequence[TurnOutcome]
) -> dict[str, Any] | None:
    """The quality figures of the scored turns (``quality.runs``), savings per source
    from the ledger's costs of those turns."""
    by_key = {(file, session.id): session for file, session in sessions}
    scored: list[tuple[TurnOutcome, ScoredTurn]] = []
    for outcome in outcomes:
        session = by_key[outcome.file, outcome.session]
        turn = scored_turn(session, outcome.turn, outcome.category)
        if turn is not None:
            scored.append((outcome, turn))
    by_source: defaultdict[str, list[TurnOutcome]] = defaultdict(list)
    for outcome, turn in scored:
        by_source[turn.source].append(outcome)
    return quality_report(
        [t for _, t in scored],
        [o.roles for o, _ in scored],
        savings={s: _costs(o)["savings"] for s, o in by_source.items()},
        overall_savings=_costs([o for o, _ in scored])["savings"],
    )


def _costs_by(outcomes: Sequence[TurnOutcome], key: str) -> dict[str, dict[str, Any]]:
    """The costs of the turns grouped by one of their fields, in name order."""
    groups: defaultdict[str, list[TurnOutcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[getattr(outcome, key)].append(outcome)
    return {name: _costs(group) for name, group in sorted(groups.items())}


def _measures(
    outcomes: Sequence[TurnOutcome], orchestrated: RunResult, ref: Sequence[float]
) -> dict[str, Any]:
    """Context recall, estimate error, decision time and overhead of the run; the times
    leave out the run's first turn (its cold start, reported apart)."""
    recalls = [o.context_recall for o in outcomes if o.context_recall is not None]
    errors = [abs(o.estimated_usd - o.cost_usd) / o.cost_usd for o in outcomes if o.cost_usd > 0]
    warm = outcomes[1:]
    overheads = orchestrated.overhead_ms[1:]
    overhead_p50 = percentile(overheads, 50)
    ref_p50 = percentile(list(ref[1:]), 50)
    return {
        "context_recall": sum(recalls) / len(recalls) if recalls else None,
        "starved_rate": sum(r < 1 for r in recalls) / len(recalls) if recalls else None,
        "labelled_turns": len(recalls),
        "estimate_error_median": median(errors) if errors else None,
        "decision_ms_p50": percentile([o.decision_ms for o in warm], 50),
        "decision_ms_p99": percentile([o.decision_ms for o in warm], 99),
        "overhead_ms_p50": overhead_p50,
        "overhead_ms_p99": percentile(overheads, 99),
        "reference_overhead_ms_p50": ref_p50,
        "overhead_ratio": overhead_p50 / ref_p50 if overhead_p50 is not None and ref_p50 else None,
    }


def _outcomes(
    sessions: Sequence[tuple[str, Session]], baseline: RunResult, orchestrated: RunResult
) -> list[TurnOutcome]:
    """Every turn's orchestrated result beside its baseline."""
    outcomes: list[TurnOutcome] = []
    for file, session in sessions:
        for index, turn in enumerate(session.turns):
            done = orchestrated.turns[file, session.id, index]
            base = baseline.turns[file, session.id, index]
            record = done["record"]
            outcomes.append(
                TurnOutcome(
                    session=session.id,
                    file=file,
                    turn=index,
                    category=turn.category or record.category,
                    route=record.route,
                    models=done["models"],
                    cost_usd=done["cost_usd"],
                    baseline_cost_usd=base["cost_usd"],
                    estimated_usd=record.estimated_usd,
                    context_recall=done["recall"],
                    decision_ms=record.decision_ms,
                    overhead_ms=done["overhead_ms"],
                    fallbacks=record.fallbacks,
                    source=session.source,
                    roles=done["roles"],
                )
            )
    return outcomes


def run_bench(
    paths: Sequence[str | Path],
    *,
    workdir: Path,
    speedup: bool = True,
    reference: bool = True,
    settings: BenchSettings | None = None,
) -> dict[str, Any]:
    """Replay the workloads at ``paths`` and return the report (the JSON of ``--json``)."""
    arms = {"": settings or BenchSettings()}
    return run_arms(paths, arms, workdir=workdir, speedup=speedup, reference=reference)[""]


def run_arms(
    paths: Sequence[str | Path],
    arms: Mapping[str, BenchSettings],
    *,
    workdir: Path,
    speedup: bool = False,
    reference: bool = False,
) -> dict[str, dict[str, Any]]:
    """An A/B (or more) on one baseline: the sessions are replayed once in the main
    session alone, then once orchestrated per arm (its models and config), so every
    arm's savings divide by the same baseline cost. One report per arm, as
    :func:`run_bench` returns; the arms must share the main model (the baseline's).
    With several arms, each one's ledger and checkpoints are in ``workdir/arm-<i>``."""
    if len({s.main_model for s in arms.values()}) != 1:
        raise ValueError("the arms of one baseline need the same main model")
    warm = {
        name: warm_up(s.config, main_model=s.main_model, worker_model=s.worker_model)
        for name, s in arms.items()
    }
    sessions = [(Path(p).stem, s) for p in paths for s in read_workloads([p])]
    total_turns = sum(len(s.turns) for _, s in sessions)
    progress = tqdm(
        total=total_turns * (1 + len(arms) + reference),
        desc="bench",
        unit="turn",
        disable=not sys.stderr.isatty(),  # a bar only on a terminal, never in logs
    )
    runs: dict[str, RunResult] = {}
    try:
        first = next(iter(arms.values()))
        baseline = replay(
            sessions, mode="baseline", workdir=workdir, progress=progress, settings=first
        )
        for index, (name, settings) in enumerate(arms.items()):
            folder = workdir if len(arms) == 1 else workdir / f"arm-{index}"
            folder.mkdir(parents=True, exist_ok=True)
            runs[name] = replay(
                sessions, mode="orchestrated", workdir=folder, progress=progress, settings=settings
            )
        ref = reference_overheads(sessions, workdir=workdir, progress=progress) if reference else []
    finally:
        progress.close()
    max_workers = OrchestratorConfig().routing.max_parallel_workers
    speedups = parallel_speedups(workdir=workdir, max_workers=max_workers) if speedup else {}
    return {
        name: _report(sessions, baseline, runs[name], ref, speedups, arms[name], warm[name])
        for name in arms
    }


def _report(
    sessions: Sequence[tuple[str, Session]],
    baseline: RunResult,
    orchestrated: RunResult,
    ref: Sequence[float],
    speedups: Mapping[int, float],
    settings: BenchSettings,
    warm_up_s: float,
) -> dict[str, Any]:
    """The report of one orchestrated run beside the baseline."""
    outcomes = _outcomes(sessions, baseline, orchestrated)
    totals = _costs(outcomes)
    return {
        "quality": _quality(sessions, outcomes),
        "main_model": settings.main_model,
        "worker_model": settings.worker_model,
        "sessions": len(sessions),
        "turn_count": len(outcomes),
        "baseline_cost_usd": totals["baseline_cost_usd"],
        "orchestrated_cost_usd": totals["orchestrated_cost_usd"],
        "savings": totals["savings"],
        "routes": totals["routes"],
        "per_file": _costs_by(outcomes, "file"),
        "per_category": _costs_by(outcomes, "category"),
        **_measures(outcomes, orchestrated, ref),
        "cold_start": {
            "warm_up_s": warm_up_s,  # 0 when the process had warmed these settings already
            "first_decision_ms": outcomes[0].decision_ms if outcomes else None,
            "first_overhead_ms": orchestrated.overhead_ms[0] if outcomes else None,
        },
        "parallel_speedup": {str(n): s for n, s in speedups.items()},
        "parallel_latency_s": LATENCY_S,
        "invented_answers": baseline.invented + orchestrated.invented,
        "fallbacks": sum(o.fallbacks for o in outcomes),
        "answer_splits": {
            "exact": orchestrated.exact_splits,
            "approximate": orchestrated.approximate_splits,
        },
        "turns": [{k: v for k, v in asdict(o).items() if k in TURN_KEYS} for o in outcomes],
    }

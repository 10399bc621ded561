"""The routing measured on labelled workloads (``orchestrator-graph eval`` prints it).

Every labelled turn of every session is decided by ``evaluate_task`` with the
recorded transcript as its history. A turn is *sent to workers* when its route
is ``worker_session`` or ``parallel_workers``; a dependent turn sent to workers
is *starved* when some worker's view lacks one of its ``depends_on`` turns (a
turn kept in the main session is never starved). Definitions as in
``docs/workloads.md``.

The overall row adds up the files' runs (each turn is decided once, so its times
are as cold as the files'). A rate over no turns (no dependent turn in a file,
say) is undefined: ``null`` in the JSON and ``-`` in the table, as in ``bench``;
a workload file with no session is refused (``read_workloads``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from orchestrator_graph.config import (
    DEFAULT_MAIN_MODEL,
    DEFAULT_WORKER_MODEL,
    OrchestratorConfig,
)
from orchestrator_graph.conversation.views import instruction_positions, turns_of
from orchestrator_graph.lab.quality.dataset import Prices
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.runs import quality_report, scored_turn
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.quality.roles import decision_roles
from orchestrator_graph.routing.evaluate import evaluate_task
from orchestrator_graph.routing.warmup import warm_up
from orchestrator_graph.state import RoutingDecision

Part = Literal["all", "train", "test"]
TRAIN_SHARE = 0.7  # sessions whose id hashes below this share form the training part
ROUTES = ("main_session", "worker_session", "parallel_workers")
KINDS = ("dependent", "self_contained")


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


def _percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 4)


def _rate(part: int, whole: int) -> float | None:
    """``part / whole``; None (undefined, ``-`` in the table) when there is no whole."""
    return round(part / whole, 4) if whole else None


@dataclass
class Tally:
    """What the measures are computed from: counts and per-turn samples, which add up
    over files, so the overall row aggregates the files' runs (nothing decided twice).

    ``counts`` keys: ``dependent``, ``self_contained``, ``starved``, ``later``,
    ``later_offloaded``, ``offloaded:<kind>`` and ``<kind>:<route>`` (the confusion).
    """

    counts: Counter[str] = field(default_factory=Counter)
    decision_ms: list[float] = field(default_factory=list)
    scored: list[tuple[ScoredTurn, list[str]]] = field(default_factory=list)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.counts + other.counts,
            self.decision_ms + other.decision_ms,
            self.scored + other.scored,
        )


def tally_sessions(sessions: Iterable[Session], *, config: OrchestratorConfig) -> Tally:
    """Decide every labelled or scored turn of ``sessions`` once and count."""
    tally = Tally()
    counts = tally.counts
    prices = Prices.of(DEFAULT_MAIN_MODEL, DEFAULT_WORKER_MODEL)  # evaluate_task's models
    for session in sessions:
        for index, turn in enumerate(session.turns):
            if not turn.labelled and not turn.scored:
                continue
            decision = evaluate_task(session.transcript(index), config=config, thread_id=session.id)
            tally.decision_ms.append(decision.decision_ms)
            quality = scored_turn(session, index, prices=prices)
            if quality is not None:
                tally.scored.append((quality, decision_roles(decision)))
            if not turn.labelled:
                continue
            kind = "dependent" if turn.dependent else "self_contained"
            sent = decision.route != "main_session"
            counts[kind] += 1
            counts[f"{kind}:{decision.route}"] += 1
            counts[f"offloaded:{kind}"] += sent
            if turn.dependent:
                counts["starved"] += starved(session, index, decision)
            else:
                counts["later"] += index > 0
                counts["later_offloaded"] += index > 0 and sent
    return tally


def measures(tally: Tally) -> dict[str, Any]:
    """The routing measures of a tally (keys as in ``docs/workloads.md``)."""
    c = tally.counts
    dependent, self_contained = c["dependent"], c["self_contained"]
    return {
        "turns": dependent + self_contained,
        "dependent_turns": dependent,
        "self_contained_turns": self_contained,
        "starved_turns": c["starved"],
        "starved_rate": _rate(c["starved"], dependent),
        "offload_rate_self_contained": _rate(c["offloaded:self_contained"], self_contained),
        "offload_rate_dependent": _rate(c["offloaded:dependent"], dependent),
        "later_self_contained_turns": c["later"],
        "offload_rate_self_contained_later": _rate(c["later_offloaded"], c["later"]),
        "confusion": {k: {r: c[f"{k}:{r}"] for r in ROUTES} for k in KINDS},
        "decision_ms_p50": _percentile(tally.decision_ms, 0.5),
        "decision_ms_p99": _percentile(tally.decision_ms, 0.99),
        "quality": quality_report([t for t, _ in tally.scored], [r for _, r in tally.scored]),
    }


def evaluate_sessions(
    sessions: Iterable[Session], *, config: OrchestratorConfig | None = None
) -> dict[str, Any]:
    """The routing measures of ``sessions`` (keys as in ``docs/workloads.md``); the
    decision times are warm (``warm_up`` first: the process's cold start is apart)."""
    config = config or OrchestratorConfig(ledger_path=None)
    warm_up(config)
    return measures(tally_sessions(sessions, config=config))


def evaluate_files(
    paths: Sequence[str | Path], *, config: OrchestratorConfig | None = None, part: Part = "all"
) -> dict[str, Any]:
    """Per file and overall measures: ``{"files": {path: {...}}, "overall": {...}}``.
    Each turn is decided once, in its file's run; the overall row adds up those runs."""
    config = config or OrchestratorConfig(ledger_path=None)
    per_file: dict[str, list[Session]] = {str(p): select(read_workloads([p]), part) for p in paths}
    cold_start_s = warm_up(config)  # the loads of the first decision, out of the percentiles
    tallies = {p: tally_sessions(s, config=config) for p, s in per_file.items()}
    return {
        "part": part,
        "cold_start_s": cold_start_s,
        "files": {p: measures(t) for p, t in tallies.items()},
        "overall": measures(sum(tallies.values(), Tally())),
    }

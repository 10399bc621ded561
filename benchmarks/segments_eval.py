"""Task segments on long joined threads: starved rate and offload of self-contained
turns, rules vs the learned tier (session-grouped cross-validation).

Labelled sessions are joined into long threads (``joined_threads.py``). Each later
turn is classified, then given the worker context that ``segments.segment_context``
plans (the routing rule proposed for the lead: a new task gets the instructions
and the turns it names, plus a small previous segment; a follow-up gets its task
segment when that fits the worker window; anything else stays in the main
session). A dependent turn is *starved* when it is offloaded without one of its
``depends_on`` turns. The learned tier is trained on the turns of the other folds,
folds grouped by the session a turn came from. Data are read by path.

    .venv/bin/python benchmarks/segments_eval.py --threads 6 [--routing]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from joined_threads import JoinedThread, join_sessions

from orchestrator_graph.cli.train import fit
from orchestrator_graph.config import OrchestratorConfig
from orchestrator_graph.conversation.tokens import shared_counter
from orchestrator_graph.conversation.views import turns_of
from orchestrator_graph.lab.evaluation import evaluate_sessions
from orchestrator_graph.lab.workloads import read_workloads
from orchestrator_graph.routing.classify import classify_request
from orchestrator_graph.routing.classify.rules import rule_signals
from orchestrator_graph.routing.classify.segments import segment_context
from orchestrator_graph.routing.classify.trained import TrainedClassifier, features_of

FILES = ("structflowbench.jsonl", "mt_bench_101.jsonl", "canard_dev.jsonl", "sparc_dev.jsonl")
Turn = tuple[JoinedThread, int]


def labelled_turns(threads: Iterable[JoinedThread]) -> list[Turn]:
    return [
        (t, i) for t in threads for i, turn in enumerate(t.session.turns) if i and turn.labelled
    ]


def fold_of(session_id: str, folds: int) -> int:
    return int(hashlib.sha1(session_id.encode()).hexdigest()[:8], 16) % folds


def measure(
    turns: list[Turn],
    config: OrchestratorConfig,
    insurance: int,
    model: TrainedClassifier | None = None,
) -> dict[str, float]:
    """Starved rate, offload rates and classifier accuracy of ``turns`` (``model``:
    a learned classifier that decides alone whether a turn needs earlier ones)."""
    counter = shared_counter()
    counts = dict.fromkeys(("dep", "sc", "starved", "off_sc", "off_dep", "said_sc", "sc_ok"), 0)
    sent = history = 0  # tokens of earlier messages: offloaded views, whole histories
    for thread, index in turns:
        turn = thread.session.turns[index]
        messages = thread.session.transcript(index)
        profile = classify_request(messages, config=config)
        dependent = profile.context_dependency >= config.routing.context_threshold
        if model is not None:
            p = model.probability(features_of(messages, rule_signals(messages)))
            dependent = p >= model.self_contained_below
        plan = segment_context(
            messages,
            profile.refers_to,
            dependent=dependent,
            count=counter.count_message,
            limit=config.sessions.worker_context_tokens,
            insurance=insurance,
        )
        kind = "dep" if turn.dependent else "sc"
        counts[kind] += 1
        counts["said_sc"] += not dependent
        counts["sc_ok"] += not dependent and not turn.dependent
        history += sum(counter.count_message(m) for m in messages[:-1])
        if plan is None:
            sent += sum(counter.count_message(m) for m in messages[:-1])
            continue
        sent += sum(counter.count_message(messages[p]) for p in plan.positions)
        counts[f"off_{kind}"] += 1
        by_turn = {t.index: set(t.positions) for t in turns_of(messages[:-1])}
        needed = set().union(*(by_turn[d] for d in turn.depends_on or []))
        counts["starved"] += not needed <= set(plan.positions)
    return {
        "turns": counts["dep"] + counts["sc"],
        "starved_rate": round(counts["starved"] / max(1, counts["dep"]), 4),
        "offload_rate_self_contained": round(counts["off_sc"] / max(1, counts["sc"]), 4),
        "offload_rate_dependent": round(counts["off_dep"] / max(1, counts["dep"]), 4),
        "self_contained_precision": round(counts["sc_ok"] / max(1, counts["said_sc"]), 4),
        "self_contained_recall": round(counts["sc_ok"] / max(1, counts["sc"]), 4),
        "context_tokens_share": round(sent / max(1, history), 4),
    }


def cross_validated(
    turns: list[Turn],
    config: OrchestratorConfig,
    folds: int,
    insurance: int,
    max_missed: float,
    *,
    alone: bool = False,
) -> dict[str, float]:
    """``measure`` of the learned tier, each fold trained on the others' sessions
    (``alone``: the learned classifier decides every turn, not only where the rules
    are unsure)."""
    rows = []
    for thread, index in turns:
        messages = thread.session.transcript(index)
        rows.append(features_of(messages, rule_signals(messages)))
    x = np.array(rows)
    y = np.array([1.0 if t.session.turns[i].dependent else 0.0 for t, i in turns])
    fold = np.array([fold_of(t.origin[i], folds) for t, i in turns])
    totals: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for k in range(folds):
            model = fit(x[fold != k], y[fold != k], max_missed=max_missed)
            path = Path(folder) / f"fold{k}.json"
            model.save(path)
            tested = [turn for turn, f in zip(turns, fold, strict=True) if f == k]
            if alone:
                result = measure(tested, config, insurance, model)
            else:
                trained = config.updated({"classifier_model_path": path})
                result = measure(tested, trained, insurance)
            for key, value in result.items():
                weight = result["turns"] if key != "turns" else 1
                totals[key] = totals.get(key, 0.0) + value * weight
    n = totals.pop("turns")
    return {"turns": int(n), **{k: round(v / n, 4) for k, v in totals.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--insurance", type=int, default=3000)
    parser.add_argument("--max-missed", type=float, default=0.02)
    parser.add_argument("--routing", action="store_true", help="also the current routing")
    args = parser.parse_args()
    sessions = read_workloads([args.data / name for name in FILES])
    threads = join_sessions(
        sessions, seed=args.seed, min_turns=150, count=args.threads, long_answers=True
    )
    config = OrchestratorConfig(ledger_path=None)
    turns = labelled_turns(threads)
    report = {
        "rules": measure(turns, config, args.insurance),
        "rules_profile_cover_only": measure(turns, config, 0),
        "learned_tier_cv": cross_validated(
            turns, config, args.folds, args.insurance, args.max_missed
        ),
        "learned_alone_cv": cross_validated(
            turns, config, args.folds, args.insurance, args.max_missed, alone=True
        ),
    }
    if args.routing:
        routed = evaluate_sessions([t.session for t in threads], config=config)
        routed.pop("confusion")
        report["current_routing"] = routed
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

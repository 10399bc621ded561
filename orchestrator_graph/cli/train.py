"""``orchestrator-graph train``: fit the classifier's trained tier on labelled
workloads, on the feedback stored in cost ledgers, or on both.

Workloads (``--workload``): every labelled turn after the first is an example
(the first turn of a session has nothing to depend on); its label is whether
``depends_on`` is non-empty.

Ledgers (``--ledger``): the graph stores each turn's feature vector (numbers, no
request text) and its layout version; feedback says whether a turn needed earlier
turns (``CostLedger.record_feedback``, or a person's route at the interrupt:
``main_session`` yes, a worker route no). Each later turn with feedback is one
example labelled by its latest feedback; rows whose turn has no stored features,
or features of another layout (``FEATURES_VERSION``), are skipped.

The model is a logistic regression (numpy, gradient descent, L2) on the rules'
signals; the probability below which a turn counts as self-contained is the
highest one that keeps at most ``max_missed`` of the training dependents under it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.cli import UsageError
from orchestrator_graph.cli.arguments import number_in
from orchestrator_graph.lab.evaluation import Part, select
from orchestrator_graph.lab.workloads import Session, read_workloads
from orchestrator_graph.routing.classify.rules import rule_signals
from orchestrator_graph.routing.classify.trained import (
    FEATURES,
    FEATURES_VERSION,
    TrainedClassifier,
    features_of,
)

DEPENDENT_ABOVE = 0.9  # P above which a turn the rules would offload stays in the main session
MAX_MISSED = 0.005  # share of training dependents allowed below the self-contained threshold


def examples(sessions: Iterable[Session]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of every labelled later turn."""
    rows, labels = [], []
    for session in sessions:
        for index, turn in enumerate(session.turns):
            if index == 0 or not turn.labelled:
                continue
            messages = session.transcript(index)
            rows.append(features_of(messages, rule_signals(messages)))
            labels.append(1.0 if turn.dependent else 0.0)
    return np.array(rows, dtype=float), np.array(labels, dtype=float)


def ledger_examples(ledger: CostLedger) -> tuple[np.ndarray, np.ndarray, int]:
    """Features and labels from the ledger's feedback, and how many rows were skipped
    (first turns, features missing or of another layout)."""
    latest: dict[tuple[str, int], tuple[list[float], float]] = {}
    skipped = 0
    for row in ledger.feedback():  # oldest first: a later row on the same turn wins
        if row.needed_earlier_turns is None:  # a quality score alone: nothing to learn here
            continue
        usable = row.features is not None and row.features_version == FEATURES_VERSION
        if row.turn == 0 or not usable or len(row.features or ()) != len(FEATURES):
            skipped += 1
            continue
        latest[row.thread_id, row.turn] = (row.features or [], float(row.needed_earlier_turns))
    rows = [features for features, _ in latest.values()]
    labels = [label for _, label in latest.values()]
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels), skipped


def fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 1e-3,
    steps: int = 800,
    rate: float = 0.5,
    max_missed: float = MAX_MISSED,
    dependent_above: float = DEPENDENT_ABOVE,
) -> TrainedClassifier:
    """Logistic regression by full-batch gradient descent on standardised features."""
    if len(y) == 0 or y.min() == y.max():
        raise ValueError("training needs labelled later turns of both kinds (dependent or not)")
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    z = (x - mean) / scale
    weights, bias = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ weights + bias)))
        error = p - y
        weights -= rate * (z.T @ error / len(y) + l2 * weights)
        bias -= rate * error.mean()
    p = 1 / (1 + np.exp(-(z @ weights + bias)))
    dependent_p = np.sort(p[y == 1])
    below = float(dependent_p[int(max_missed * len(dependent_p))]) if len(dependent_p) else 0.5
    accuracy = float(((p >= 0.5) == (y == 1)).mean())
    return TrainedClassifier(
        weights=[round(float(w), 6) for w in weights],
        bias=round(float(bias), 6),
        mean=[round(float(m), 6) for m in mean],
        scale=[round(float(s), 6) for s in scale],
        self_contained_below=round(below, 6),
        dependent_above=max(dependent_above, round(below, 6)),
        trained_on={
            "examples": float(len(y)),
            "dependent_share": round(float(y.mean()), 4),
            "accuracy_at_0.5": round(accuracy, 4),
            "self_contained_share_below": round(float((p < below).mean()), 4),
        },
    )


def train(
    sessions: Iterable[Session] = (),
    *,
    ledgers: Iterable[CostLedger] = (),
    max_missed: float = MAX_MISSED,
) -> TrainedClassifier:
    """A trained tier fitted on ``sessions`` and the feedback of ``ledgers``.

    Raises ``ValueError`` when there is nothing to train on, or only one kind of label.
    """
    x, y = examples(sessions)
    parts, skipped = [(x.reshape(-1, len(FEATURES)), y)], 0
    for ledger in ledgers:
        lx, ly, ls = ledger_examples(ledger)
        parts.append((lx, ly))
        skipped += ls
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    if len(y) == 0:
        raise ValueError(
            "nothing to train on: no labelled later turns in the workloads and no feedback "
            f"on later turns with stored features of this layout in the ledgers ({skipped} "
            "feedback rows skipped); record feedback with CostLedger.record_feedback"
        )
    return fit(x, y, max_missed=max_missed)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workload", nargs="+", default=[], type=Path, help="JSONL files")
    parser.add_argument(
        "--ledger", nargs="+", default=[], type=Path, help="cost ledgers whose feedback to learn"
    )
    parser.add_argument("--out", required=True, type=Path, help="where to write the model JSON")
    parser.add_argument(
        "--part",
        choices=["all", "train", "test"],
        default="all",
        help="train on one part of the workloads, split by hash of session id (70%% train)",
    )
    parser.add_argument(
        "--max-missed",
        type=number_in(0.0, 1.0),
        default=MAX_MISSED,
        help="share of training dependents allowed below the self-contained threshold",
    )


def run(args: argparse.Namespace) -> int:
    if not args.workload and not args.ledger:
        raise UsageError("give --workload FILE..., --ledger PATH..., or both")
    missing = [str(p) for p in args.ledger if not p.is_file()]
    if missing:
        raise UsageError(f"no cost ledger at {', '.join(missing)}")
    part: Part = args.part
    sessions = select(read_workloads(args.workload), part) if args.workload else []
    with ExitStack() as opened:
        ledgers = [opened.enter_context(CostLedger(p, read_only=True)) for p in args.ledger]
        model = train(sessions, ledgers=ledgers, max_missed=args.max_missed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    stats = ", ".join(f"{k}={v:g}" for k, v in model.trained_on.items())
    sources = " and ".join(
        f"{n} {kind}" for n, kind in ((len(sessions), "sessions"), (len(ledgers), "ledgers")) if n
    )
    print(f"trained on {sources} ({stats}); written to {args.out}")
    return 0

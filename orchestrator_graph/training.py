"""``orchestrator-graph train``: fit the classifier's trained tier on labelled workloads.

Every labelled turn after the first is an example (the first turn of a session
has nothing to depend on); its label is whether ``depends_on`` is non-empty.
The model is a logistic regression (numpy, gradient descent, L2) on the rules'
signals; the probability below which a turn counts as self-contained is the
highest one that keeps at most ``max_missed`` of the training dependents under it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from orchestrator_graph.classifier.rules import rule_signals
from orchestrator_graph.classifier.trained import TrainedClassifier, features_of
from orchestrator_graph.evaluation import Part, select
from orchestrator_graph.workloads import Session, read_workloads

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


def train(sessions: Iterable[Session], *, max_missed: float = MAX_MISSED) -> TrainedClassifier:
    """A trained tier fitted on ``sessions``."""
    x, y = examples(sessions)
    return fit(x, y, max_missed=max_missed)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workload", nargs="+", required=True, type=Path, help="JSONL files")
    parser.add_argument("--out", required=True, type=Path, help="where to write the model JSON")
    parser.add_argument(
        "--part",
        choices=["all", "train", "test"],
        default="all",
        help="train on one part of the split by hash of session id (70%% train)",
    )
    parser.add_argument(
        "--max-missed",
        type=float,
        default=MAX_MISSED,
        help="share of training dependents allowed below the self-contained threshold",
    )


def run(args: argparse.Namespace) -> int:
    part: Part = args.part
    sessions = select(read_workloads(args.workload), part)
    model = train(sessions, max_missed=args.max_missed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    stats = ", ".join(f"{k}={v:g}" for k, v in model.trained_on.items())
    print(f"trained on {len(sessions)} sessions ({stats}); written to {args.out}")
    return 0

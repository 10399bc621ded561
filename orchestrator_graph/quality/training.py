"""Fitting the quality model on scored workloads, measured honestly.

Label: the weak answer scored at least the strong one. A logistic regression
(L2, Newton steps in numpy) is fitted on standardised features. K-fold
cross-validation groups turns by session (a session is never in both the
training and the test part of a fold); its out-of-fold predictions give the
cost-quality curve and the calibration (threshold per quality target) that the
saved model carries. The final weights are fitted on all the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestrator_graph.quality.dataset import Example
from orchestrator_graph.quality.embedding import DIMENSIONS, Embedder
from orchestrator_graph.quality.features import feature_matrix
from orchestrator_graph.quality.metrics import ScoredTurn
from orchestrator_graph.quality.model import Calibration, QualityModel, sigmoid, training_domain

DEFAULT_L2 = 1000.0  # ridge penalty on standardised features (chosen by CV on quality_dev)
FOLDS = 5


@dataclass(frozen=True)
class Fit:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        return sigmoid(((matrix - self.mean) / self.scale) @ self.weights + self.bias)


@dataclass(frozen=True)
class TrainingResult:
    """The fitted model, the out-of-fold predictions and the fold of every example."""

    model: QualityModel
    out_of_fold: np.ndarray
    folds: np.ndarray


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, l2: float = DEFAULT_L2) -> Fit:
    """L2-penalised logistic regression by Newton's method (the bias is not penalised)."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = np.hstack([(matrix - mean) / scale, np.ones((len(matrix), 1))])
    y = labels.astype(np.float64)
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        p = sigmoid(x @ beta)
        gradient = x.T @ (p - y) + penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return Fit(weights=beta[:-1], bias=float(beta[-1]), mean=mean, scale=scale)


def grouped_folds(groups: Sequence[str], k: int = FOLDS, seed: int = 0) -> np.ndarray:
    """The fold (0..k-1) of every row; all rows of a group share one fold, and the
    groups are shuffled then dealt out so folds hold about as many rows each."""
    unique = sorted(set(groups))
    if len(unique) < k:
        raise ValueError(f"{len(unique)} sessions cannot make {k} folds")
    sizes: dict[str, int] = defaultdict(int)
    for group in groups:
        sizes[group] += 1
    order = np.random.default_rng(seed).permutation(len(unique))
    load = np.zeros(k)
    fold_of: dict[str, int] = {}
    for index in sorted(order, key=lambda i: -sizes[unique[i]]):  # largest groups first
        fold = int(np.argmin(load))
        fold_of[unique[index]] = fold
        load[fold] += sizes[unique[index]]
    return np.array([fold_of[g] for g in groups])


def out_of_fold(
    matrix: np.ndarray, labels: np.ndarray, folds: np.ndarray, l2: float = DEFAULT_L2
) -> np.ndarray:
    """Each row predicted by the model fitted on the other folds."""
    predictions = np.zeros(len(labels))
    for fold in np.unique(folds):
        test = folds == fold
        predictions[test] = fit_logistic(matrix[~test], labels[~test], l2).predict(matrix[test])
    return predictions


def calibrate(turns: Sequence[ScoredTurn], p_weak_ok: np.ndarray) -> Calibration:
    """Quality retained, PGR, strong share and savings at each threshold, each the mean
    over sources of its per-source figure; quality retained is then made non-decreasing
    in the threshold (the lowest measured at or above it), so targets map monotonically."""
    grid = np.unique(
        np.concatenate([np.linspace(0, 1, 101), np.quantile(p_weak_ok, np.linspace(0, 1, 201))])
    )
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, turn in enumerate(turns):
        by_source[turn.source].append(i)
    figures = np.zeros((4, len(by_source), grid.size))
    for s, rows in enumerate(by_source.values()):
        strong = np.array([turns[i].strong for i in rows])
        weak = np.array([turns[i].weak for i in rows])
        cost_s = np.array([turns[i].strong_cost for i in rows])
        cost_w = np.array([turns[i].weak_cost for i in rows])
        to_strong = p_weak_ok[rows][None, :] <= grid[:, None]  # threshold x turn
        quality = np.where(to_strong, strong, weak).mean(axis=1)
        cost = np.where(to_strong, cost_s, cost_w).sum(axis=1)
        gap = strong.mean() - weak.mean()
        figures[0, s] = quality / strong.mean() if strong.mean() else np.nan
        figures[1, s] = (quality - weak.mean()) / gap if gap else np.nan
        figures[2, s] = to_strong.mean(axis=1)
        figures[3, s] = 1 - cost / cost_s.sum() if cost_s.sum() else np.nan
    retained, pgr, share, savings = np.nanmean(figures, axis=1)
    envelope = np.minimum.accumulate(retained[::-1])[::-1]
    return Calibration(grid, envelope, pgr, share, savings)


def train(
    examples: Sequence[Example],
    feature_set: str = "embedding",
    *,
    l2: float = DEFAULT_L2,
    folds: int = FOLDS,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> TrainingResult:
    """Cross-validate by session, calibrate on the out-of-fold predictions, fit on all."""
    matrix = feature_matrix([e.messages for e in examples], feature_set, embedder=embedder)
    labels = np.array([e.weak_ok for e in examples])
    fold_of = grouped_folds([e.turn.session for e in examples], folds, seed)
    oof = out_of_fold(matrix, labels, fold_of, l2)
    turns = [e.turn for e in examples]
    fit = fit_logistic(matrix, labels, l2)
    sources = sorted({t.source for t in turns})
    centroid: np.ndarray | None = None
    min_similarity: float | None = None
    if "embedding" in feature_set:  # the embedding is the last columns of the matrix
        centroid, min_similarity = training_domain(matrix[:, -DIMENSIONS:])
    model = QualityModel(
        feature_set=feature_set,
        weights=fit.weights,
        bias=fit.bias,
        mean=fit.mean,
        scale=fit.scale,
        calibration=calibrate(turns, oof),
        trained_on={"sources": sources, "turns": len(examples), "l2": l2, "folds": folds},
        centroid=centroid,
        min_similarity=min_similarity,
    )
    return TrainingResult(model=model, out_of_fold=oof, folds=fold_of)

"""Fitting the quality model on scored workloads, measured honestly.

Two labels, two logistic regressions (L2, Newton steps in numpy) on the same
standardised features: the weak answer scored at least the strong one ("as
good"), and it scored more ("better"). The model's ``p_weak_ok`` is their mean,
the cheap model's expected win rate against the strong one with a tie counting
half: with win/lose scores it orders requests by the expected quality gap
(P(strong better) - P(weak better)), which is what a cost-quality curve rewards,
where "as good" alone counts a request the weak model wins like a tie. The
embedding's many correlated columns get a stronger penalty than the rules' and
lexical ones. K-fold
cross-validation groups turns by session (a session is never in both the
training and the test part of a fold); its out-of-fold predictions give the
cost-quality curve and the calibration (threshold per quality target) that the
saved model carries. The final weights are fitted on all the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from orchestrator_graph.lab.quality.dataset import Example
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.quality.embedding import DIMENSIONS, Embedder
from orchestrator_graph.quality.features import feature_matrix, feature_names
from orchestrator_graph.quality.model import (
    Calibration,
    QualityModel,
    apply_platt,
    heads_mean,
    sigmoid,
    training_domain,
)

# ridge penalties on standardised features: rules and lexical columns, embedding columns.
# Chosen by nested CV on quality_dev (routellm_gsm8k: an inner 5-fold CV on each outer
# fold's training part picked (300, 3000) from six pairs most often), then fixed.
DEFAULT_L2 = 300.0
DEFAULT_L2_EMBEDDING = 3000.0
FOLDS = 5


@dataclass(frozen=True)
class Fit:
    """The two heads over one standardisation: "as good" and "better" (optional)."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    better_weights: np.ndarray | None = None
    better_bias: float = 0.0

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """P(weak ok): the mean of the heads' probabilities (the "as good" head alone
        without a "better" head)."""
        x = (matrix - self.mean) / self.scale
        return heads_mean(x, self.weights, self.bias, self.better_weights, self.better_bias)


@dataclass(frozen=True)
class TrainingResult:
    """The fitted model, the out-of-fold predictions and the fold of every example."""

    model: QualityModel
    out_of_fold: np.ndarray
    folds: np.ndarray


def penalties(
    feature_set: str, l2: float = DEFAULT_L2, l2_embedding: float = DEFAULT_L2_EMBEDDING
) -> np.ndarray:
    """The ridge penalty of each column of a feature set: ``l2_embedding`` on the
    embedding's columns, ``l2`` on the others."""
    names = feature_names(feature_set)
    return np.array([l2_embedding if n.startswith("embedding_") else l2 for n in names])


def fit_logistic(
    matrix: np.ndarray, labels: np.ndarray, l2: float | np.ndarray = DEFAULT_L2
) -> Fit:
    """L2-penalised logistic regression by Newton's method (the bias is not penalised);
    ``l2``: one penalty for all columns, or one per column."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = _newton((matrix - mean) / scale, labels, l2)
    return Fit(weights=weights, bias=bias, mean=mean, scale=scale)


def fit_quality(
    matrix: np.ndarray, as_good: np.ndarray, better: np.ndarray, l2: float | np.ndarray
) -> Fit:
    """Both heads on one standardisation: P(weak >= strong) and P(weak > strong)."""
    single = fit_logistic(matrix, as_good, l2)
    weights, bias = _newton((matrix - single.mean) / single.scale, better, l2)
    return replace(single, better_weights=weights, better_bias=bias)


def fit_platt(p: np.ndarray, labels: np.ndarray) -> tuple[float, float] | None:
    """The (slope, bias) of a logistic regression of ``labels`` on ``logit(p)``
    (``model.apply_platt`` applies it): maps scores to probabilities of the label
    without changing their order (None when the slope is not positive, or the labels
    are of one class)."""
    y = labels.astype(np.float64)
    if y.size == 0 or y.min() == y.max():
        return None
    clipped = np.clip(p, 1e-9, 1 - 1e-9)
    weights, bias = _newton(np.log(clipped / (1 - clipped))[:, None], y, 0.0)
    return (float(weights[0]), bias) if weights[0] > 0 else None


def _newton(
    x_std: np.ndarray, labels: np.ndarray, l2: float | np.ndarray
) -> tuple[np.ndarray, float]:
    y = labels.astype(np.float64)
    if y.size == 0 or y.min() == y.max():  # one class only: its smoothed rate, no weights
        rate = (y.sum() + 0.5) / (y.size + 1)
        return np.zeros(x_std.shape[1]), float(np.log(rate / (1 - rate)))
    x = np.hstack([x_std, np.ones((len(x_std), 1))])
    penalty = np.append(np.broadcast_to(np.asarray(l2, dtype=np.float64), x_std.shape[1]), 0.0)
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        p = sigmoid(x @ beta)
        gradient = x.T @ (p - y) + penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return beta[:-1], float(beta[-1])


def labels_of(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    """Each example's labels: the weak answer as good as the strong one, and better."""
    return (
        np.array([e.weak_ok for e in examples]),
        np.array([e.turn.weak > e.turn.strong for e in examples]),
    )


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
    matrix: np.ndarray,
    as_good: np.ndarray,
    better: np.ndarray,
    folds: np.ndarray,
    l2: float | np.ndarray = DEFAULT_L2,
) -> np.ndarray:
    """Each row predicted by the model (both heads) fitted on the other folds: the
    heads' mean, before any map to P(as good) (``fit_platt``)."""
    predictions = np.zeros(len(as_good))
    for fold in np.unique(folds):
        test = folds == fold
        fit = fit_quality(matrix[~test], as_good[~test], better[~test], l2)
        predictions[test] = fit.predict(matrix[test])
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
    l2_embedding: float = DEFAULT_L2_EMBEDDING,
    folds: int = FOLDS,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> TrainingResult:
    """Cross-validate by session, calibrate on the out-of-fold predictions, fit on all."""
    matrix = feature_matrix([e.messages for e in examples], feature_set, embedder=embedder)
    as_good, better = labels_of(examples)
    penalty = penalties(feature_set, l2, l2_embedding)
    fold_of = grouped_folds([e.turn.session for e in examples], folds, seed)
    scores = out_of_fold(matrix, as_good, better, fold_of, penalty)
    platt = fit_platt(scores, as_good)
    oof = apply_platt(scores, platt)
    turns = [e.turn for e in examples]
    fit = fit_quality(matrix, as_good, better, penalty)
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
        trained_on={
            "sources": sources,
            "turns": len(examples),
            "l2": l2,
            "l2_embedding": l2_embedding,
            "folds": folds,
        },
        centroid=centroid,
        min_similarity=min_similarity,
        better_weights=fit.better_weights,
        better_bias=fit.better_bias,
        platt=platt,
    )
    return TrainingResult(model=model, out_of_fold=oof, folds=fold_of)

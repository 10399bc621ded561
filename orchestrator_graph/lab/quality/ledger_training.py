"""The quality model refitted on the ledger's labels: the user's own traffic and pair.

The labels are the shadow judge's (``quality.shadow``; ledger table ``labels``): per
turn, the request's text and the share of the judge's two orders in which the cheap
answer was not worse (``score``) and better (``better``). A label becomes a scored
turn with ``weak = score`` and ``strong = 1 - better`` (the share of orders the strong
answer was not worse), so "as good" is ``weak >= strong`` and "better" ``weak >
strong``; each answer's cost is the one the ledger billed.

The fit starts from a prior, the shipped model by default: both heads are penalised
towards its weights (on its standardisation) instead of towards zero, so a few labels
move it a little and many move it far. Cross-validation by thread gives the
out-of-fold predictions that calibrate the thresholds on the user's own traffic.
Labels are not weighted by their sampling probability (the sampler favours turns near
the threshold): the ranking is fitted where it matters, the calibration is not
unbiased for the whole traffic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from langchain_core.messages import HumanMessage

from orchestrator_graph.accounting.ledger import Label
from orchestrator_graph.lab.quality.dataset import Example
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.training import (
    DEFAULT_L2,
    DEFAULT_L2_EMBEDDING,
    FOLDS,
    Fit,
    TrainingResult,
    calibrate,
    fit_platt,
    grouped_folds,
    labels_of,
    penalties,
)
from orchestrator_graph.quality.embedding import DIMENSIONS, Embedder
from orchestrator_graph.quality.features import feature_matrix
from orchestrator_graph.quality.logistic import map_logistic
from orchestrator_graph.quality.model import QualityModel, apply_platt, training_domain


def examples_of_labels(labels: Sequence[Label]) -> list[Example]:
    """Each label as a scored example (its thread is its session)."""
    if not labels:
        raise ValueError("the ledger holds no labels (turn the shadow judge on: ShadowConfig)")
    return [
        Example(
            [HumanMessage(label.request)],
            label.score >= 1 - label.better,
            ScoredTurn(
                source=f"ledger:{label.tenant or '-'}",
                session=label.thread_id,
                strong=1 - label.better,
                weak=label.score,
                strong_cost=label.strong_usd,
                weak_cost=label.cheap_usd,
                category=label.category,
            ),
        )
        for label in labels
    ]


def fit_towards(
    prior: QualityModel,
    matrix: np.ndarray,
    as_good: np.ndarray,
    better: np.ndarray,
    l2: np.ndarray,
) -> Fit:
    """Both heads on the prior's standardisation, each penalised towards its weights."""
    x = (matrix - prior.mean) / prior.scale
    weights, bias = _towards(x, as_good, l2, prior.weights, prior.bias)
    better_prior = prior.better_weights
    if better_prior is None:
        better_prior = np.zeros_like(prior.weights)
    better_weights, better_bias = _towards(x, better, l2, better_prior, prior.better_bias)
    return Fit(weights, bias, prior.mean, prior.scale, better_weights, better_bias)


def _towards(
    x: np.ndarray, labels: np.ndarray, l2: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[np.ndarray, float]:
    """One head pulled to ``weights`` by ``l2``, its bias free."""
    return map_logistic(
        x, labels.astype(np.float64), mean=np.append(weights, bias),
        penalty=np.append(l2, 0.0), jitter=1e-6,
    )  # fmt: skip


def train_on_labels(
    labels: Sequence[Label],
    prior: QualityModel,
    *,
    l2: float = DEFAULT_L2,
    l2_embedding: float = DEFAULT_L2_EMBEDDING,
    folds: int = FOLDS,
    seed: int = 0,
    embedder: Embedder | None = None,
) -> TrainingResult:
    """Refit ``prior`` on ``labels``: cross-validated by thread, calibrated on the
    out-of-fold predictions, fitted on all; the domain is the labels' requests."""
    examples = examples_of_labels(labels)
    matrix = feature_matrix([e.messages for e in examples], prior.feature_set, embedder=embedder)
    as_good, better = labels_of(examples)
    penalty = penalties(prior.feature_set, l2, l2_embedding)
    fold_of = grouped_folds([e.turn.session for e in examples], folds, seed)
    scores = np.zeros(len(examples))
    for fold in np.unique(fold_of):
        test = fold_of == fold
        fitted = fit_towards(prior, matrix[~test], as_good[~test], better[~test], penalty)
        scores[test] = fitted.predict(matrix[test])
    platt = fit_platt(scores, as_good)
    turns = [e.turn for e in examples]
    fit = fit_towards(prior, matrix, as_good, better, penalty)
    centroid, min_similarity = prior.centroid, prior.min_similarity
    if "embedding" in prior.feature_set:
        centroid, min_similarity = training_domain(matrix[:, -DIMENSIONS:])
    model = replace(
        prior,
        weights=fit.weights,
        bias=fit.bias,
        better_weights=fit.better_weights,
        better_bias=fit.better_bias,
        calibration=calibrate(turns, apply_platt(scores, platt)),
        trained_on={
            "sources": sorted({t.source for t in turns}),
            "turns": len(examples),
            "prior": prior.trained_on,
            "l2": l2,
            "l2_embedding": l2_embedding,
            "folds": folds,
        },
        centroid=centroid,
        min_similarity=min_similarity,
        platt=platt,
    )
    return TrainingResult(model=model, out_of_fold=apply_platt(scores, platt), folds=fold_of)

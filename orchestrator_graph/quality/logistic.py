"""Logistic regression under a Gaussian prior on its weights, by Newton's method: the one
fitter of a request model pulled towards a prior (the tenant learner online,
``quality.adaptive.learner``; ``quality train --ledger`` offline,
``lab.quality.ledger_training``)."""

from __future__ import annotations

import numpy as np

from orchestrator_graph.quality.model import sigmoid


def map_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    mean: np.ndarray,
    penalty: np.ndarray,
    start: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    jitter: float = 0.0,
    steps: int = 50,
    tolerance: float = 1e-7,
) -> tuple[np.ndarray, float]:
    """The weights and bias of the MAP fit of labels ``y`` (0-1) on rows ``x``, under
    N(``mean``, 1 / ``penalty``) on ``[weights, bias]`` (one entry per column of ``x``,
    then the bias's), each row weighing ``weights`` (default 1); from ``start`` (default
    ``mean``), at most ``steps`` Newton steps, until none moves by ``tolerance``.
    ``jitter`` is added to the Hessian's diagonal only (a bias with no penalty)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    rows = np.ones(len(x)) if weights is None else weights
    beta = np.array(mean if start is None else start, dtype=np.float64)
    for _ in range(steps):
        p = sigmoid(design @ beta)
        gradient = design.T @ (rows * (p - y)) + penalty * (beta - mean)
        step = newton_step(design, rows * p * (1 - p), penalty + jitter, gradient)
        beta -= step
        if np.max(np.abs(step)) < tolerance:
            break
    return beta[:-1], float(beta[-1])


def newton_step(
    design: np.ndarray, w: np.ndarray, diagonal: np.ndarray, gradient: np.ndarray
) -> np.ndarray:
    """``(design' diag(w) design + diag(diagonal))^-1 gradient``; with fewer rows than
    columns (a few hundred labels, an embedding's columns) by Woodbury's identity, an
    n x n solve instead of a d x d one."""
    if design.shape[0] >= design.shape[1]:
        hessian = (design * w[:, None]).T @ design + np.diag(diagonal)
        return np.linalg.solve(hessian, gradient)
    inverse = 1 / diagonal
    rows = np.sqrt(w)[:, None] * design
    scaled = rows * inverse
    inner = np.eye(len(rows)) + scaled @ rows.T
    return inverse * gradient - inverse * (rows.T @ np.linalg.solve(inner, scaled @ gradient))

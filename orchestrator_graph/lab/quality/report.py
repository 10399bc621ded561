"""The cross-validated cost-quality report of the quality router, per source.

:func:`evaluate` cross-validates the model by session (fitted per source or on
all sources pooled), and :func:`source_report` gathers what a reader compares:
the router's curve and RouteLLM's summary figures (CPT(50%), CPT(80%), APGR),
the all-strong, all-weak, random and oracle points, the best "whole categories
to the strong model" rules, and the operating point of a quality target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.dataset import Example
from orchestrator_graph.lab.quality.metrics import Curve, RunSummary, ScoredTurn
from orchestrator_graph.lab.quality.training import (
    DEFAULT_L2,
    calibrate,
    fit_platt,
    labels_of,
    out_of_fold,
)
from orchestrator_graph.quality.model import apply_platt


@dataclass(frozen=True)
class SourceReport:
    """Every figure of one source (see the module docstring)."""

    source: str
    turns: int
    curve: Curve
    oracle_curve: Curve
    cpt50: float
    cpt80: float
    apgr: float
    all_weak: RunSummary
    oracle: RunSummary
    oracle_cpt50: float
    categories: list[tuple[frozenset[str], RunSummary]]  # the rules on the upper hull
    target: float
    threshold: float
    operating: RunSummary
    hull_margin: float  # quality retained above the best category rules at the same cost
    rules_cv_margin: float  # the same against rules chosen on the other folds (honest)


def evaluate(
    examples: Sequence[Example],
    matrix: np.ndarray,
    *,
    per_source: bool = True,
    l2: float | np.ndarray = DEFAULT_L2,
    folds: np.ndarray,
) -> np.ndarray:
    """Out-of-fold P(weak ok) of every example, from models fitted per source (the
    default: each source's traffic gets its own model) or on all sources pooled;
    ``l2``: one penalty, or one per column (``training.penalties``). Each model's
    predictions are mapped to P(as good) by the monotone fit that ``train`` makes on
    them (``training.fit_platt``): no curve, CPT or threshold's quality changes by it."""
    as_good, better = labels_of(examples)
    if not per_source:
        scores = out_of_fold(matrix, as_good, better, folds, l2)
        return apply_platt(scores, fit_platt(scores, as_good))
    sources = np.array([e.turn.source for e in examples])
    predictions = np.zeros(len(examples))
    for source in np.unique(sources):
        rows = sources == source
        scores = out_of_fold(matrix[rows], as_good[rows], better[rows], folds[rows], l2)
        predictions[rows] = apply_platt(scores, fit_platt(scores, as_good[rows]))
    return predictions


def source_report(
    turns: Sequence[ScoredTurn],
    p_weak_ok: np.ndarray,
    target: float,
    folds: np.ndarray | None,
    *,
    threshold: float | None = None,
) -> SourceReport:
    """The report of one source's turns and their out-of-fold predictions; the
    operating point uses ``threshold`` when given (a model's own calibration), else
    the threshold that the calibration of these predictions gives for ``target`` (a
    share of all-strong quality). ``folds``: each turn's fold, to choose the category
    rules on the other folds as the router was (None, or a single fold: not measured)."""
    curve = metrics.cost_quality_curve(turns, p_weak_ok)
    best = metrics.oracle_curve(turns)
    if threshold is None:
        calibration = calibrate(turns, p_weak_ok)
        threshold = float(calibration.thresholds[calibration.index_for(target)])
    operating = metrics.summarize(turns, [p <= threshold for p in p_weak_ok])
    policies = metrics.category_policies(turns)
    points = [(1 - run.savings, run.quality_retained) for _, run in policies]
    hull = set(metrics.upper_hull(points))
    categories = [item for item, point in zip(policies, points, strict=True) if point in hull]
    rules_cv = math.nan
    if folds is not None and np.unique(folds).size > 1:
        rules_cv, _ = metrics.category_rules_cv(turns, folds, 1 - operating.savings)
    return SourceReport(
        source=turns[0].source,
        turns=len(turns),
        curve=curve,
        oracle_curve=best,
        cpt50=metrics.cpt(curve, 0.5),
        cpt80=metrics.cpt(curve, 0.8),
        apgr=metrics.apgr(curve),
        all_weak=metrics.summarize(turns, [False] * len(turns)),
        oracle=metrics.oracle(turns),
        oracle_cpt50=metrics.cpt(best, 0.5),
        categories=categories,
        target=target,
        threshold=threshold,
        operating=operating,
        hull_margin=operating.quality_retained
        - metrics.upper_hull_at(points, 1 - operating.savings),
        rules_cv_margin=operating.quality_retained - rules_cv,
    )


def reports_by_source(
    turns: Sequence[ScoredTurn], p_weak_ok: np.ndarray, target: float, folds: np.ndarray
) -> list[SourceReport]:
    """One report per source, in name order."""
    sources = np.array([t.source for t in turns])
    reports = []
    for source in sorted(set(sources)):
        rows = np.flatnonzero(sources == source)
        chosen = [turns[i] for i in rows.tolist()]
        reports.append(source_report(chosen, p_weak_ok[rows], target, folds[rows]))
    return reports


def _run(name: str, run: RunSummary) -> str:
    return (
        f"  {name:<28} strong {run.strong_share:6.1%}  savings {run.savings:6.1%}  "
        f"quality retained {run.quality_retained:6.1%}  PGR {run.pgr:6.3f}"
    )


def _margin(value: float) -> str:
    return "not measured" if math.isnan(value) else f"{value:+.1%}"


def format_report(report: SourceReport) -> str:
    """A plain-text block for one source."""
    lines = [
        f"{report.source} ({report.turns} turns)",
        f"  CPT(50%) {report.cpt50:.3f}   CPT(80%) {report.cpt80:.3f}   APGR {report.apgr:.3f}"
        f"   (random 0.500 / 0.800 / 0.500; oracle CPT(50%) {report.oracle_cpt50:.3f})",
        _run("all-strong", RunSummary(1.0, 1.0, 1.0, 1.0, 0.0)),
        _run("all-weak", report.all_weak),
        _run("oracle", report.oracle),
    ]
    for chosen, run in report.categories:
        if chosen:
            lines.append(_run("categories " + ",".join(sorted(chosen)), run))
    lines.append(_run(f"router @ min_quality {report.target:.2f}", report.operating))
    lines.append(
        f"  threshold {report.threshold:.3f}; quality retained vs the best category rules at "
        f"the same cost: {_margin(report.hull_margin)} (rules chosen on these turns), "
        f"{_margin(report.rules_cv_margin)} (chosen on the other folds)"
    )
    return "\n".join(lines)


def format_summary(reports: Sequence[SourceReport]) -> str:
    """The mean over sources of the summary figures."""
    mean = metrics.mean_over_sources
    return (
        f"mean over {len(reports)} sources: "
        f"CPT(50%) {mean({r.source: r.cpt50 for r in reports}):.3f}  "
        f"CPT(80%) {mean({r.source: r.cpt80 for r in reports}):.3f}  "
        f"APGR {mean({r.source: r.apgr for r in reports}):.3f}  "
        f"PGR @ target {mean({r.source: r.operating.pgr for r in reports}):.3f}"
    )

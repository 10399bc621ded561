"""``bench --sweep``: the quality router's threshold swept over scored workloads.

A turn's prediction does not depend on the threshold, so every turn is predicted
once (by a saved model, or out of fold with ``cv``: each turn by a model fitted on
the other folds' sessions, as ``quality curve`` does) and the threshold is swept
over the predictions (``metrics.cost_quality_curve``). Per source: the curve at
thresholds spread over the predictions (all-weak, then their deciles), CPT(50%),
CPT(80%), APGR, the all-strong, all-weak, random and oracle points, the best
"whole categories to strong" rules, and the operating point of each quality
target (the threshold of the saved model's calibration; with ``cv``, that of the
out-of-fold predictions, measured on these turns). Costs: each role's price
times the request's tokens and its own recorded answer (``dataset.examples_of``),
without the context growth of a replay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.dataset import Example
from orchestrator_graph.lab.quality.metrics import RunSummary, ScoredTurn
from orchestrator_graph.lab.quality.report import (
    SourceReport,
    evaluate,
    format_report,
    format_summary,
    source_report,
)
from orchestrator_graph.lab.quality.training import (
    DEFAULT_L2,
    FOLDS,
    calibrate,
    grouped_folds,
    penalties,
)
from orchestrator_graph.lab.workloads import Session
from orchestrator_graph.quality.features import feature_matrix
from orchestrator_graph.quality.model import QualityModel
from orchestrator_graph.routing.classify import classify_request

TARGETS = (0.90, 0.95, 0.98)  # the min_quality targets whose operating points are shown
DECILES = np.linspace(0.1, 1.0, 10)  # the printed curve: thresholds at these quantiles of p


@dataclass(frozen=True)
class SourceSweep:
    """One source: its report (curve, summary figures, baselines), the curve at
    thresholds spread over the predictions, and each target's (threshold, run)."""

    report: SourceReport
    grid: list[tuple[float, RunSummary]]
    targets: dict[float, tuple[float, RunSummary]]


@dataclass(frozen=True)
class Sweep:
    """Every source's sweep and how its predictions were made."""

    sources: list[SourceSweep]
    predicted_by: str


def predict(
    examples: Sequence[Example], model: QualityModel, *, cv: bool, folds: np.ndarray | None
) -> np.ndarray:
    """P(weak ok) of every turn: by ``model``, or with ``cv`` out of fold from models of
    the same features and penalty fitted per source on the other folds."""
    if not cv:
        return model.predict_many([e.messages for e in examples])
    if folds is None:
        raise ValueError(f"cross-validation needs at least {FOLDS} sessions")
    matrix = feature_matrix([e.messages for e in examples], model.feature_set)
    l2 = float(model.trained_on.get("l2", DEFAULT_L2))
    l2_embedding = float(model.trained_on.get("l2_embedding", l2))  # older files: one penalty
    penalty = penalties(model.feature_set, l2, l2_embedding)
    return evaluate(examples, matrix, per_source=True, l2=penalty, folds=folds)


def _folds(examples: Sequence[Example], seed: int) -> np.ndarray | None:
    sessions = [e.turn.session for e in examples]
    return grouped_folds(sessions, FOLDS, seed) if len(set(sessions)) >= FOLDS else None


def _thresholds(
    model: QualityModel,
    turns: Sequence[ScoredTurn],
    p_weak_ok: np.ndarray,
    targets: Sequence[float],
    cv: bool,
) -> dict[float, float]:
    """The threshold of each target: the model's own calibration, or with ``cv`` that of
    the out-of-fold predictions of these turns (one source: one model's predictions)."""
    if not cv:
        return {q: model.threshold_for(q) for q in targets}
    calibration = calibrate(turns, p_weak_ok)
    return {q: float(calibration.thresholds[calibration.index_for(q)]) for q in targets}


def _at(turns: Sequence[ScoredTurn], p_weak_ok: np.ndarray, threshold: float) -> RunSummary:
    return metrics.summarize(turns, p_weak_ok <= threshold)


def _grid(p_weak_ok: np.ndarray) -> list[float]:
    """All-weak (below every prediction), then the deciles of the predictions."""
    return [float(p_weak_ok.min()) - 1e-9, *np.quantile(p_weak_ok, DECILES).tolist()]


def run_sweep(
    examples: Sequence[Example],
    model: QualityModel,
    *,
    cv: bool = False,
    target: float = 0.95,
    targets: Sequence[float] = TARGETS,
    seed: int = 0,
) -> Sweep:
    """Predict once, then sweep the threshold per source (see the module docstring)."""
    folds = _folds(examples, seed)
    p_weak_ok = predict(examples, model, cv=cv, folds=folds)
    turns = [e.turn for e in examples]
    wanted = sorted({*targets, target})
    sources = np.array([t.source for t in turns])
    swept = []
    for source in sorted(set(sources)):
        rows = np.flatnonzero(sources == source)
        chosen, p = [turns[i] for i in rows], p_weak_ok[rows]
        thresholds = _thresholds(model, chosen, p, wanted, cv)
        report = source_report(
            chosen, p, target, None if folds is None else folds[rows], threshold=thresholds[target]
        )
        swept.append(
            SourceSweep(
                report=report,
                grid=[(t, _at(chosen, p, t)) for t in _grid(p)],
                targets={q: (thresholds[q], _at(chosen, p, thresholds[q])) for q in wanted},
            )
        )
    how = f"{FOLDS}-fold CV by session, one model per source" if cv else "the saved model"
    return Sweep(sources=swept, predicted_by=how)


def _point(run: RunSummary) -> dict[str, float]:
    return {
        "strong_share": run.strong_share,
        "savings": run.savings,
        "pgr": run.pgr,
        "quality_retained": run.quality_retained,
    }


def sweep_json(sweep: Sweep) -> dict[str, object]:
    """The sweep as JSON-ready data."""
    sources = {}
    for item in sweep.sources:
        r = item.report
        sources[r.source] = {
            "turns": r.turns,
            "cpt50": r.cpt50,
            "cpt80": r.cpt80,
            "apgr": r.apgr,
            "random": {"cpt50": 0.5, "cpt80": 0.8, "apgr": 0.5},
            "oracle": {**_point(r.oracle), "cpt50": r.oracle_cpt50},
            "all_weak": _point(r.all_weak),
            "all_strong": _point(RunSummary(1.0, 1.0, 1.0, 1.0, 0.0)),
            "deciles": [{"threshold": t, **_point(run)} for t, run in item.grid],
            "curve": {
                name: getattr(r.curve, name).tolist()
                for name in ("threshold", "strong_share", "savings", "pgr", "quality_retained")
            },
            "targets": {
                str(q): {"threshold": t, **_point(run)} for q, (t, run) in item.targets.items()
            },
        }
    return {"predicted_by": sweep.predicted_by, "sources": sources}


def format_sweep(sweep: Sweep) -> str:
    """The per-source blocks (summary figures and baselines), the threshold table and
    the operating points of the targets."""
    lines = [f"quality threshold sweep; predictions: {sweep.predicted_by}", ""]
    for item in sweep.sources:
        lines.append(format_report(item.report))
        lines.append(f"  {'threshold':>9} {'strong':>7} {'savings':>8} {'PGR':>7} {'retained':>9}")
        for threshold, run in item.grid:
            lines.append(
                f"  {threshold:>9.3f} {run.strong_share:>7.1%} {run.savings:>8.1%} "
                f"{run.pgr:>7.3f} {run.quality_retained:>9.1%}"
            )
        for q, (threshold, run) in item.targets.items():
            lines.append(
                f"  min_quality {q:.2f}: threshold {threshold:.3f}  strong {run.strong_share:.1%}"
                f"  savings {run.savings:.1%}  PGR {run.pgr:.3f}  retained "
                f"{run.quality_retained:.1%}"
            )
        lines.append("")
    lines.append(format_summary([item.report for item in sweep.sources]))
    return "\n".join(lines)


def strong_shares(
    sessions: Sequence[Session], model: QualityModel, targets: Sequence[float] = TARGETS
) -> dict[str, dict[str, float]]:
    """What a saved model would send to the strong model, scores or not: per category
    (the turn's own, else the rules') and over all turns, the share of turns whose
    ``p_weak_ok`` is at or below the threshold of each target, and the turn count."""
    requests = [s.transcript(i) for s in sessions for i in range(len(s.turns))]
    categories = [
        turn.category or classify_request(request).category
        for turn, request in zip((t for s in sessions for t in s.turns), requests, strict=True)
    ]
    p_weak_ok = model.predict_many(requests)
    thresholds = {f"{q:.2f}": model.threshold_for(q) for q in targets}
    groups = {"all": np.ones(len(requests), dtype=bool)}
    for category in sorted(set(categories)):
        groups[category] = np.array([c == category for c in categories])
    return {
        name: {
            "turns": float(rows.sum()),
            **{q: float((p_weak_ok[rows] <= t).mean()) for q, t in thresholds.items()},
        }
        for name, rows in groups.items()
    }


def format_shares(shares: dict[str, dict[str, float]]) -> str:
    """The strong share per category at each target, as a table."""
    targets = [k for k in next(iter(shares.values())) if k != "turns"]
    lines = [
        "strong share at min_quality (the saved model's thresholds)",
        f"  {'category':<20} {'turns':>6} " + " ".join(f"{q:>7}" for q in targets),
    ]
    for name, row in shares.items():
        cells = " ".join(f"{row[q]:>7.1%}" for q in targets)
        lines.append(f"  {name[:20]:<20} {int(row['turns']):>6} {cells}")
    return "\n".join(lines)

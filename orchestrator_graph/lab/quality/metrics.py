"""Quality and cost of a routing run, and the cost-quality curve of a router.

Definitions follow ``docs/workloads.md``: a turn scores what the role that answered
it scored (a turn split over several workers takes the lowest of their roles'
scores); quality retained = run / all-strong; PGR (RouteLLM's performance gap
recovered) = (run - all-weak) / (all-strong - all-weak); strong share = share
of turns any strong call answered; savings = 1 - run cost / all-strong cost.
Scales differ between sources: every function here takes the turns of one
source, and :func:`mean_over_sources` averages the per-source figures.

Threshold convention (shared with the quality model): a turn goes to the cheap
model when its predicted ``p_weak_ok`` is strictly above the threshold.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class ScoredTurn:
    """One turn with both roles' judge scores and what each role's call costs (USD)."""

    source: str
    session: str
    strong: float
    weak: float
    strong_cost: float = 0.0
    weak_cost: float = 0.0
    category: str = "qa"


@dataclass(frozen=True)
class RunSummary:
    """The figures of one run over the turns of one source."""

    quality: float
    quality_retained: float
    pgr: float
    strong_share: float
    savings: float


@dataclass(frozen=True)
class Curve:
    """A router's cost-quality curve, one point per threshold, strong share ascending."""

    threshold: np.ndarray
    strong_share: np.ndarray
    pgr: np.ndarray
    quality_retained: np.ndarray
    savings: np.ndarray


def turn_quality(scores: Mapping[str, float], roles: Iterable[str]) -> float:
    """What a turn scores when ``roles`` answered it (the lowest, for a split turn)."""
    answered = list(roles)
    if not answered:
        raise ValueError("a turn needs at least one role that answered it")
    return min(scores[role] for role in answered)


def pgr(quality: float, all_strong: float, all_weak: float) -> float:
    """Performance gap recovered; NaN when the two models score the same (no gap)."""
    gap = all_strong - all_weak
    return (quality - all_weak) / gap if gap else math.nan


def _arrays(turns: Sequence[ScoredTurn]) -> tuple[np.ndarray, ...]:
    if not turns:
        raise ValueError("no scored turns")
    strong = np.array([t.strong for t in turns], dtype=float)
    weak = np.array([t.weak for t in turns], dtype=float)
    strong_cost = np.array([t.strong_cost for t in turns], dtype=float)
    weak_cost = np.array([t.weak_cost for t in turns], dtype=float)
    return strong, weak, strong_cost, weak_cost


def summarize(turns: Sequence[ScoredTurn], to_strong: npt.ArrayLike) -> RunSummary:
    """The run that sends turn ``i`` to the strong model when ``to_strong[i]``."""
    strong, weak, _, _ = _arrays(turns)
    mask = np.asarray(to_strong, dtype=bool)
    if mask.shape != strong.shape:
        raise ValueError(f"{mask.size} routing choices for {strong.size} turns")
    return _summary(turns, float(np.where(mask, strong, weak).mean()), mask)


def summarize_answered(
    turns: Sequence[ScoredTurn], answered_by: Sequence[Collection[str]]
) -> RunSummary:
    """The run in which ``answered_by[i]`` (roles) answered turn ``i``: a split turn
    scores its lowest role and costs the strong call's price when a strong role took
    part; a turn counts as strong when any strong call answered it."""
    if len(answered_by) != len(turns):
        raise ValueError(f"{len(answered_by)} answering roles for {len(turns)} turns")
    scores = [{"strong": t.strong, "weak": t.weak} for t in turns]
    quality = float(np.mean([turn_quality(s, r) for s, r in zip(scores, answered_by, strict=True)]))
    mask = np.array(["strong" in roles for roles in answered_by], dtype=bool)
    return _summary(turns, quality, mask)


def _summary(turns: Sequence[ScoredTurn], quality: float, mask: np.ndarray) -> RunSummary:
    """The figures of a run of ``quality`` whose turns ``mask`` the strong model answered."""
    strong, weak, strong_cost, weak_cost = _arrays(turns)
    best, worst = float(strong.mean()), float(weak.mean())
    baseline_cost = float(strong_cost.sum())
    cost = float(np.where(mask, strong_cost, weak_cost).sum())
    return RunSummary(
        quality=quality,
        quality_retained=quality / best if best else math.nan,
        pgr=pgr(quality, best, worst),
        strong_share=float(mask.mean()),
        savings=1 - cost / baseline_cost if baseline_cost else math.nan,
    )


def cost_quality_curve(turns: Sequence[ScoredTurn], p_weak_ok: npt.ArrayLike) -> Curve:
    """Sweep the threshold over every distinct prediction: from all-weak to all-strong.

    Turns with equal predictions move together, so every point is reachable by a
    threshold (``threshold[k]``: cheap model when ``p > threshold[k]``).
    """
    strong, weak, strong_cost, weak_cost = _arrays(turns)
    p = np.asarray(p_weak_ok, dtype=float)
    if p.shape != strong.shape:
        raise ValueError(f"{p.size} predictions for {strong.size} turns")
    order = np.argsort(p, kind="stable")
    cuts = np.flatnonzero(np.diff(p[order])) + 1  # the end of each group of equal p
    ends = np.concatenate([[0], cuts, [p.size]])
    gain = np.concatenate([[0.0], np.cumsum((strong - weak)[order])])[ends]
    extra = np.concatenate([[0.0], np.cumsum((strong_cost - weak_cost)[order])])[ends]
    best, worst = float(strong.mean()), float(weak.mean())
    quality = worst + gain / p.size
    baseline_cost = float(strong_cost.sum())
    cost = float(weak_cost.sum()) + extra
    threshold = np.concatenate([[min(0.0, float(p.min()) - 1e-9)], p[order][ends[1:] - 1]])
    gap = best - worst
    return Curve(
        threshold=threshold,
        strong_share=ends / p.size,
        pgr=(quality - worst) / gap if gap else np.full(ends.size, math.nan),
        quality_retained=quality / best if best else np.full(ends.size, math.nan),
        savings=1 - cost / baseline_cost if baseline_cost else np.full(ends.size, math.nan),
    )


def cpt(curve: Curve, target: float) -> float:
    """Call-performance threshold: the strong share at which PGR first reaches
    ``target`` (e.g. 0.5 for CPT(50%)), interpolated between the curve's points."""
    reached = np.flatnonzero(curve.pgr >= target)
    if reached.size == 0:
        return math.nan
    k = int(reached[0])
    if k == 0:
        return float(curve.strong_share[0])
    x0, x1 = curve.strong_share[k - 1], curve.strong_share[k]
    y0, y1 = curve.pgr[k - 1], curve.pgr[k]
    return float(x0 + (target - y0) / (y1 - y0) * (x1 - x0))


def apgr(curve: Curve) -> float:
    """Average PGR: the area under PGR over strong share (0 to 1)."""
    return float(np.trapezoid(curve.pgr, curve.strong_share))


def oracle_curve(turns: Sequence[ScoredTurn]) -> Curve:
    """The curve of a router that knows the scores: strong first where it gains most."""
    return cost_quality_curve(turns, [t.weak - t.strong for t in turns])


def oracle(turns: Sequence[ScoredTurn]) -> RunSummary:
    """Strong only where the weak answer scored below the strong one."""
    return summarize(turns, [t.weak < t.strong for t in turns])


def random_router(turns: Sequence[ScoredTurn], strong_share: float) -> RunSummary:
    """The expected run of a router that sends a random ``strong_share`` to strong."""
    every, none = summarize(turns, [True] * len(turns)), summarize(turns, [False] * len(turns))
    mix = strong_share
    quality = none.quality + mix * (every.quality - none.quality)
    return RunSummary(
        quality=quality,
        quality_retained=none.quality_retained + mix * (1 - none.quality_retained),
        pgr=mix,
        strong_share=mix,
        savings=none.savings * (1 - mix),
    )


def category_policies(turns: Sequence[ScoredTurn]) -> list[tuple[frozenset[str], RunSummary]]:
    """The best "these whole categories go to the strong model" rules: every subset of
    the categories seen, kept when no other subset saves more at no lower quality."""
    categories = sorted({t.category for t in turns})
    if len(categories) > 16:
        raise ValueError(f"{len(categories)} categories: too many subsets to enumerate")
    runs = []
    for size in range(len(categories) + 1):
        for subset in itertools.combinations(categories, size):
            chosen = frozenset(subset)
            runs.append((chosen, summarize(turns, [t.category in chosen for t in turns])))
    frontier: list[tuple[frozenset[str], RunSummary]] = []
    for chosen, run in sorted(runs, key=lambda item: (-item[1].savings, -item[1].quality)):
        if not frontier or run.quality > frontier[-1][1].quality:
            frontier.append((chosen, run))  # saves less, so it must score more to count
    return frontier


def upper_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points on the upper concave envelope, by ascending x: the policies that no
    mix of two others beats at their cost."""
    hull: list[tuple[float, float]] = []
    for point in sorted(set(points)):
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], point) >= 0:
            hull.pop()
        hull.append(point)
    return hull


def upper_hull_at(points: Iterable[tuple[float, float]], x: float) -> float:
    """The upper concave envelope of ``points`` at ``x``: the best quality any mix of
    those policies reaches at that cost (NaN outside their range)."""
    xs, ys = zip(*upper_hull(points), strict=True)
    if not xs[0] <= x <= xs[-1]:
        return math.nan
    return float(np.interp(x, xs, ys))


def category_rules_cv(
    turns: Sequence[ScoredTurn], folds: npt.ArrayLike, cost_share: float
) -> tuple[float, float]:
    """The honest rule of thumb: in each fold, the best mix of two "whole categories to
    strong" rules at ``cost_share`` of the all-strong cost, chosen on the other folds and
    applied to this one. Returns its (quality retained, cost share) over all folds."""
    fold_of = np.asarray(folds)
    quality = cost = 0.0
    for fold in np.unique(fold_of):
        train = [t for t, f in zip(turns, fold_of, strict=True) if f != fold]
        test = [t for t, f in zip(turns, fold_of, strict=True) if f == fold]
        for weight, chosen in _mix_at(category_policies(train), cost_share):
            for t in test:
                strong = t.category in chosen
                quality += weight * (t.strong if strong else t.weak)
                cost += weight * (t.strong_cost if strong else t.weak_cost)
    return quality / sum(t.strong for t in turns), cost / sum(t.strong_cost for t in turns)


def _mix_at(
    policies: Sequence[tuple[frozenset[str], RunSummary]], cost_share: float
) -> list[tuple[float, frozenset[str]]]:
    """The two rules on the upper hull around ``cost_share`` and the weight of each."""
    by_point = {(1 - run.savings, run.quality_retained): chosen for chosen, run in policies}
    hull = upper_hull(by_point)
    xs = [x for x, _ in hull]
    k = int(np.searchsorted(xs, cost_share))
    if k == 0 or k == len(hull):
        return [(1.0, by_point[hull[min(k, len(hull) - 1)]])]
    (x0, _), (x1, _) = hull[k - 1], hull[k]
    mix = (cost_share - x0) / (x1 - x0)
    return [(1 - mix, by_point[hull[k - 1]]), (mix, by_point[hull[k]])]


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def mean_over_sources(by_source: Mapping[str, float]) -> float:
    """The average of per-source figures (each source weighs the same)."""
    values = [v for v in by_source.values() if not math.isnan(v)]
    return statistics.fmean(values) if values else math.nan

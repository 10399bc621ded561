"""The stream replay: a source's scored turns as one tenant's traffic, in shuffled
order, routed by the learner as it learns from shadow-judge verdicts.

Each turn: the router decides (the static default until the learner is ready, then
the learner's model and threshold); the shadow sampler (``quality.sampling``, what
the runtime runs) says whether the turn gets a shadow answer (the other model's
recorded answer) and a judge verdict (the recorded labels, flipped at random for
``flip`` of the verdicts), within a budget of ``budget_share`` of the all-strong cost
of the turns seen; the verdict is learned at once (``TenantLearner.observe``). Every
shadow and judge call is priced (``data.judge_costs``).

At each checkpoint, measured on the turns not yet seen: the static default's point
(quality retained, savings), and at its savings the quality retained of the
learner's ranking, of the in-domain 5-fold router (the ceiling) and of the best
category rules chosen on other folds (``rules_line``); the learner's own operating
point. Over the whole stream: quality retained, savings, shadow cost share.

``pair_change``: from that turn on, the cheap model is another (its recorded grade
per turn: ``weak_after``), as when a user switches models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.stream.data import SourceStream
from orchestrator_graph.quality.adaptive.learner import TenantLearner
from orchestrator_graph.quality.model import QualityModel
from orchestrator_graph.quality.sampling import WeightMean, shadow_probability, uncertainty_weight

CHECKPOINTS = (50, 100, 150, 200, 300, 400, 600)


@dataclass(frozen=True)
class StreamSettings:
    """What one replay varies."""

    seed: int = 1
    flip: float = 0.0
    min_quality: float = 0.95
    rate: float = 0.5  # the sampler's mean rate on strong-answered turns
    strong_share: float = 0.1  # cheap-answered turns sampled at rate x this
    budget_share: float = 0.05  # shadow + judge spend <= this x all-strong cost so far
    pair_change: int | None = None
    turns: int = 600  # the stream's length at most (the rest stays unseen)
    checkpoints: tuple[int, ...] = CHECKPOINTS


@dataclass(frozen=True)
class Checkpoint:
    """The figures on the turns not yet seen after ``turn`` turns."""

    turn: int
    labels: int
    static: tuple[float, float]  # (quality retained, savings)
    learned: float  # quality retained at the static default's savings
    ceiling: float
    rules: float
    operating: tuple[float, float]  # the learner's own (quality retained, savings)
    savings_at_target: tuple[float, float]  # learned, ceiling: most savings at min_quality
    # all-weak (kept, savings); random and oracle: kept at the static default's savings
    baselines: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def gap_closed(self) -> float:
        """(learned - static) / (ceiling - static); NaN when the ceiling is not above."""
        gap = self.ceiling - self.static[0]
        return (self.learned - self.static[0]) / gap if gap > 0.005 else float("nan")


@dataclass
class StreamRun:
    """One replay's per-turn record and its checkpoints."""

    source: str
    settings: StreamSettings
    cheap: np.ndarray
    quality: np.ndarray  # the score of the answer given
    strong: np.ndarray  # the strong score of each turn, in stream order
    cost: np.ndarray
    strong_cost: np.ndarray
    shadow_cost: np.ndarray
    labelled: np.ndarray
    static_cheap: np.ndarray
    checkpoints: list[Checkpoint] = field(default_factory=list)
    drift_fired: int = 0
    learner_ready_at: int | None = None

    def retained(self, start: int = 0, stop: int | None = None) -> float:
        """Quality retained over the stream's turns ``start:stop``."""
        return float(self.quality[start:stop].sum() / self.strong[start:stop].sum())

    def savings(self) -> float:
        return float(1 - self.cost.sum() / self.strong_cost.sum())

    def shadow_share(self) -> float:
        return float(self.shadow_cost.sum() / self.strong_cost.sum())


def at_savings(turns: Sequence[ScoredTurn], p: np.ndarray, savings: float) -> float:
    """The quality retained of routing by ``p`` at ``savings`` (on its curve)."""
    curve = metrics.cost_quality_curve(turns, p)
    return float(np.interp(savings, curve.savings[::-1], curve.quality_retained[::-1]))


def savings_at(turns: Sequence[ScoredTurn], p: np.ndarray, quality: float) -> float:
    """The most savings of routing by ``p`` that keeps ``quality`` retained."""
    curve = metrics.cost_quality_curve(turns, p)
    kept = curve.savings[curve.quality_retained >= quality - 1e-12]
    return float(kept.max()) if kept.size else 0.0


def rules_line(stream: SourceStream, grid: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """The best category rules chosen on other folds (``metrics.category_rules_cv``) at
    cost shares spread over 0-1: (cost shares, quality retained)."""
    shares = np.linspace(0, 1, grid)
    quality = [metrics.category_rules_cv(stream.turns, stream.folds, c)[0] for c in shares]
    return shares, np.array(quality)


def _checkpoint(
    stream: SourceStream,
    learner: TenantLearner,
    unseen: np.ndarray,
    turn: int,
    rules: tuple[np.ndarray, np.ndarray],
    min_quality: float,
) -> Checkpoint:
    turns = [stream.turns[i] for i in unseen]
    static = metrics.summarize(turns, stream.static_strong[unseen])
    if learner.ready:
        p = learner.predict(stream.inputs[unseen])
        learned = at_savings(turns, p, static.savings)
        own = metrics.summarize(turns, p <= learner.threshold)
        saved = savings_at(turns, p, min_quality)
    else:
        learned, own, saved = static.quality_retained, static, math.nan
    return Checkpoint(
        turn=turn,
        labels=len(learner.verdicts),
        static=(static.quality_retained, static.savings),
        learned=learned,
        ceiling=at_savings(turns, stream.ceiling_p[unseen], static.savings),
        rules=float(np.interp(1 - static.savings, *rules)),
        operating=(own.quality_retained, own.savings),
        savings_at_target=(saved, savings_at(turns, stream.ceiling_p[unseen], min_quality)),
        baselines=baselines(turns, static.savings),
    )


def baselines(turns: Sequence[ScoredTurn], savings: float) -> tuple[float, float, float, float]:
    """All-weak (quality retained, savings); a random router's and the oracle's quality
    retained at ``savings`` (all-strong is 100% at no savings)."""
    weak = metrics.summarize(turns, np.zeros(len(turns), dtype=bool))
    strong_share = 1 - savings / weak.savings if weak.savings else 1.0
    random = weak.quality_retained + strong_share * (1 - weak.quality_retained)
    oracle = at_savings(turns, np.array([t.weak - t.strong for t in turns]), savings)
    return weak.quality_retained, weak.savings, random, oracle


def replay(
    stream: SourceStream,
    model: QualityModel,
    settings: StreamSettings,
    *,
    rules: tuple[np.ndarray, np.ndarray],
    weak_after: np.ndarray | None = None,
) -> StreamRun:
    """Replay ``stream`` once (see the module docstring); ``rules``: ``rules_line``."""
    s = settings
    rng = np.random.default_rng([s.seed, int(s.flip * 1000)])
    shuffled = np.random.default_rng(s.seed).permutation(len(stream.turns))
    order = shuffled[: s.turns]
    strong, weak = stream.strong[order], stream.weak[order]
    weak_ok = stream.weak_ok[order]
    if s.pair_change is not None and weak_after is not None:
        later = np.arange(len(order)) >= s.pair_change
        weak = np.where(later, weak_after[order], weak)
        weak_ok = np.where(later, weak >= strong, weak_ok)
    cost_s, cost_w = stream.strong_cost[order], stream.weak_cost[order]
    learner = TenantLearner.prior(model)
    weights = WeightMean()
    run = StreamRun(
        source=stream.source, settings=s, cheap=np.zeros(len(order), dtype=bool),
        quality=np.zeros(len(order)), strong=strong, cost=np.zeros(len(order)),
        strong_cost=cost_s, shadow_cost=np.zeros(len(order)),
        labelled=np.zeros(len(order), dtype=bool), static_cheap=~stream.static_strong[order],
    )  # fmt: skip
    spent = 0.0
    for t, i in enumerate(order):
        x = stream.inputs[i : i + 1]
        cheap, learned_p = learner.decide(x, not stream.static_strong[i], stream.in_domain[i])
        cheap = cheap and not stream.pinned_strong[i]  # as ``routing.tiers.choose_tier``
        if learner.ready:
            p: float | None = learned_p
            threshold = learner.threshold
            run.learner_ready_at = t if run.learner_ready_at is None else run.learner_ready_at
        else:
            p = float(stream.prior_p[i]) if stream.in_domain[i] else None
            threshold = stream.static_threshold
        chance = shadow_probability(
            p, threshold, cheap_answered=cheap, rate=s.rate, strong_share=s.strong_share,
            mean_weight=weights.mean,
        )  # fmt: skip
        weights.add(uncertainty_weight(p, threshold))
        run.cheap[t] = cheap
        run.quality[t] = weak[t] if cheap else strong[t]
        run.cost[t] = cost_w[t] if cheap else cost_s[t]
        price = (cost_s[t] if cheap else cost_w[t]) + stream.judge_cost[i]
        within = spent + price <= s.budget_share * float(cost_s[: t + 1].sum())
        if within and rng.random() < chance:
            spent += price
            run.shadow_cost[t] = price
            run.labelled[t] = True
            verdict = float(weak_ok[t]) if rng.random() >= s.flip else 1.0 - float(weak_ok[t])
            learner.observe(x, verdict, chance, model, s.min_quality)
        if t + 1 in s.checkpoints and t + 1 < len(shuffled):
            unseen = shuffled[t + 1 :]
            run.checkpoints.append(
                _checkpoint(stream, learner, unseen, t + 1, rules, s.min_quality)
            )
    run.drift_fired = learner.drift_fired
    return run

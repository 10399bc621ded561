"""The drift simulation: a scored stream whose cheap model degrades in one category.

The stream is a workload's scored turns (``quality.dataset.examples_of``) in a shuffled
order. Its first ``offline_share`` stands for the offline data: the quality model's
threshold for the target is calibrated there (``training.calibrate``) and is the fixed
default. The rest is live traffic: from its midpoint on, the cheap model's score in
``drift_category`` drops to 0 with probability ``drop``. Every live turn is decided by
the adaptive router (``thompson.ArmState`` per category, the calibrated verdict where
a category has no feedback yet) and its answer's score is fed back at once (1 when the
answering role scored at least ``good_at``, else 0: thumbs).

Reported, on the live turns, next to the baselines (all-strong, all-weak, the fixed
calibrated threshold, the oracle that knows both scores, and the best fixed threshold
in hindsight: the cheapest single threshold whose quality over the live stream keeps
the target): cost, savings, quality retained; the turns of the drifted category until
the guard closed its cheap route; the quality retained on that category after the
drift (all of it, and past the first ``settle`` turns); the regret of the adaptive
router's cost against the best fixed threshold (as a share of its cost).
Figures follow ``docs/workloads.md``: one source, quality retained = run / all-strong.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.quality.training import calibrate
from orchestrator_graph.quality.adaptive.thompson import ArmState
from orchestrator_graph.quality.model import cheap_model_ok


@dataclass(frozen=True)
class DriftSettings:
    """What the simulation varies."""

    drift_category: str = "qa"
    drop: float = 0.5
    min_quality: float = 0.95
    offline_share: float = 0.3
    good_at: float = 1.0
    settle: int = 50
    seed: int = 1


@dataclass(frozen=True)
class Policy:
    """One router's run over the live turns: cost and quality, per turn."""

    name: str
    to_strong: np.ndarray
    cost: float
    savings: float
    retained: float
    drift_retained: float  # the drifted category after the drift
    settled_retained: float  # the same, past the first ``settle`` of its turns


@dataclass
class DriftRun:
    """Every policy's figures and the adaptive router's adaptation."""

    settings: DriftSettings
    threshold: float
    live_turns: int
    drift_turns: int
    policies: dict[str, Policy] = field(default_factory=dict)
    turns_to_adapt: int | None = None
    guard_fired: int = 0
    # the adaptive router's cheap share in the drifted category: before the drift, its
    # first ``settle`` turns after it, the rest
    cheap_shares: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def regret(self) -> float:
        """(adaptive cost - best fixed threshold's cost) / best fixed threshold's cost."""
        best = self.policies["best fixed (hindsight)"].cost
        return (self.policies["adaptive"].cost - best) / best


def _compared(
    policy: Callable[[str, np.ndarray], Policy],
    p: np.ndarray,
    oracle: np.ndarray,
    threshold: float,
    adaptive: np.ndarray,
    settings: DriftSettings,
) -> list[tuple[str, np.ndarray]]:
    """The routings compared, each as its strong-or-not per live turn: all-strong,
    all-weak, the calibrated threshold, the best fixed threshold in hindsight, the
    oracle (cheap wherever it loses nothing) and the adaptive router."""
    candidates = [policy("", p <= t) for t in np.unique(np.concatenate([[-1.0], p]))]
    keeping = [c for c in candidates if c.retained >= settings.min_quality]
    best = min(keeping, key=lambda c: c.cost)
    return [
        ("all-strong", np.ones(len(p), dtype=bool)),
        ("all-weak", np.zeros(len(p), dtype=bool)),
        ("fixed calibrated threshold", np.array([not cheap_model_ok(x, threshold) for x in p])),
        ("best fixed (hindsight)", best.to_strong),
        ("oracle", oracle),
        ("adaptive", adaptive),
    ]


def simulate(
    turns: Sequence[ScoredTurn],
    p_weak_ok: np.ndarray,
    categories: Sequence[str],
    settings: DriftSettings = DriftSettings(),
) -> DriftRun:
    """Shuffle, calibrate on the offline part, drift and route the live part."""
    s = settings
    rng = np.random.default_rng(s.seed)
    order = rng.permutation(len(turns))
    cut = int(len(order) * s.offline_share)
    offline, live = order[:cut], order[cut:]
    calibration = calibrate([turns[i] for i in offline], p_weak_ok[offline])
    threshold = float(calibration.thresholds[calibration.index_for(s.min_quality)])

    strong = np.array([turns[i].strong for i in live], dtype=float)
    weak = np.array([turns[i].weak for i in live], dtype=float)
    cost_s = np.array([turns[i].strong_cost for i in live])
    cost_w = np.array([turns[i].weak_cost for i in live])
    p = p_weak_ok[live]
    category = np.array([categories[i] for i in live])
    midpoint = len(live) // 2
    drifted = (np.arange(len(live)) >= midpoint) & (category == s.drift_category)
    weak = np.where(drifted & (rng.random(len(live)) < s.drop), 0.0, weak)
    drift_rows = np.flatnonzero(drifted)
    settled_rows = drift_rows[s.settle :]

    def policy(name: str, to_strong: np.ndarray) -> Policy:
        answered = np.where(to_strong, strong, weak)
        cost = float(np.where(to_strong, cost_s, cost_w).sum())

        def kept(rows: np.ndarray) -> float:
            return float(answered[rows].sum() / strong[rows].sum()) if rows.size else np.nan

        return Policy(
            name,
            to_strong,
            cost,
            1 - cost / float(cost_s.sum()),
            kept(np.arange(len(live))),
            kept(drift_rows),
            kept(settled_rows),
        )

    run = DriftRun(s, threshold, len(live), int(drift_rows.size))
    adaptive, fired_at, fired = _route(p, category, strong, weak, threshold, s)
    run.guard_fired = fired
    before = np.flatnonzero((np.arange(len(live)) < midpoint) & (category == s.drift_category))
    run.cheap_shares = tuple(  # type: ignore[assignment]
        float(1 - adaptive[rows].mean()) if rows.size else np.nan
        for rows in (before, drift_rows[: s.settle], settled_rows)
    )
    if fired_at is not None:
        run.turns_to_adapt = int(np.searchsorted(drift_rows, fired_at)) + 1
    for name, to_strong in _compared(policy, p, weak < strong, threshold, adaptive, s):
        run.policies[name] = policy(name, to_strong)
    return run


def _route(
    p: np.ndarray,
    category: np.ndarray,
    strong: np.ndarray,
    weak: np.ndarray,
    threshold: float,
    s: DriftSettings,
) -> tuple[np.ndarray, int | None, int]:
    """The adaptive router over the live turns, each scored turn fed back at once: its
    choices, the first live turn after the midpoint at which the guard fired in the
    drifted category, and how often the guard fired."""
    states: dict[str, ArmState] = {}
    to_strong = np.zeros(len(p), dtype=bool)
    fired_at: int | None = None
    fired = 0
    midpoint = len(p) // 2
    for i in range(len(p)):
        key = str(category[i])
        state = states.get(key)
        if state is None:  # no feedback yet: the calibrated verdict
            cheap = cheap_model_ok(float(p[i]), threshold)
        else:
            draw = random.Random(f"{s.seed}:{i}:{key}")
            cheap, _ = state.decide(float(p[i]), s.min_quality, draw)
        to_strong[i] = not cheap
        score = weak[i] if cheap else strong[i]
        state = states.setdefault(key, ArmState.prior(threshold, s.min_quality))
        if state.observe(float(p[i]), cheap, float(score >= s.good_at), s.min_quality):
            fired += 1
            if fired_at is None and i >= midpoint and key == s.drift_category:
                fired_at = i
    return to_strong, fired_at, fired


def format_drift(runs: Sequence[DriftRun]) -> str:
    """Per policy, the mean over the runs (seeds); then the adaptation figures per run
    and against the goals."""
    first = runs[0]
    s = first.settings
    lines = [
        f"adaptive routing under drift: {len(runs)} seeds, {first.live_turns} live turns each "
        f"(after {s.offline_share:.0%} offline for the calibrated threshold); from the "
        f"midpoint, the cheap model's score in '{s.drift_category}' drops to 0 with "
        f"probability {s.drop:.0%}; min_quality {s.min_quality:.2f}",
        "",
        f"{'policy (mean over seeds)':<28} {'cost $':>9} {'savings':>8} {'retained':>9} "
        f"{'drift cat.':>10} {'settled':>8}",
    ]
    for name in first.policies:
        rows = [r.policies[name] for r in runs]
        lines.append(
            f"{name:<28} {np.mean([r.cost for r in rows]):>9.4f} "
            f"{np.mean([r.savings for r in rows]):>8.1%} "
            f"{np.mean([r.retained for r in rows]):>9.1%} "
            f"{np.mean([r.drift_retained for r in rows]):>10.1%} "
            f"{np.mean([r.settled_retained for r in rows]):>8.1%}"
        )
    lines += [
        f"  drift cat.: retained on '{s.drift_category}' after the drift; settled: past its "
        f"first {s.settle} turns there",
        "",
        f"{'seed':>4} {'drift turns':>11} {'guard after':>11} {'guard fired':>11} "
        f"{'cheap share: before / first / rest':>35} {'settled kept':>12} {'regret':>8}",
    ]
    for r in runs:
        adaptive = r.policies["adaptive"]
        lines.append(
            f"{r.settings.seed:>4} {r.drift_turns:>11} "
            f"{'-' if r.turns_to_adapt is None else r.turns_to_adapt:>11} {r.guard_fired:>11} "
            f"{' / '.join(format(x, '.1%') for x in r.cheap_shares):>35} "
            f"{adaptive.settled_retained:>12.1%} {r.regret:>8.1%}"
        )
    adapted = [r.turns_to_adapt for r in runs]
    worst = max((a for a in adapted if a is not None), default=None)
    settled = min(r.policies["adaptive"].settled_retained for r in runs)
    regret = max(r.regret for r in runs)
    lines += [
        "",
        f"guard after: the drifted category's turns after the drift until its guard fired "
        f"(worst seed: {'never' if None in adapted else worst}); the sampler cuts the cheap "
        "share before (first / rest)",
        f"quality kept on it from its {s.settle}th turn after the drift (worst seed)  "
        f"{settled:.1%}   goal >= {s.min_quality:.0%}",
        f"regret vs best fixed threshold (worst seed)  {regret:.1%}   goal <= 10%",
    ]
    return "\n".join(lines)

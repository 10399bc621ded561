"""The stream replay's measures on a tiny synthetic stream (``lab.stream``): the shadow
spend stays within its budget, the checkpoints measure the unseen turns, the learner
helps where its labels teach it, and the printout names the goals."""

from __future__ import annotations

import dataclasses

import numpy as np

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.metrics import ScoredTurn
from orchestrator_graph.lab.stream.data import SourceStream
from orchestrator_graph.lab.stream.replay import (
    Checkpoint,
    StreamSettings,
    at_savings,
    replay,
    rules_line,
    savings_at,
)
from orchestrator_graph.lab.stream.report import format_stream
from orchestrator_graph.quality.adaptive.learner import TenantLearner
from orchestrator_graph.quality.features import feature_names
from orchestrator_graph.quality.model import Calibration, QualityModel

GRID = np.linspace(0, 1, 11)


def _stream(n: int = 240) -> tuple[SourceStream, QualityModel]:
    """The cheap answer is as good with a chance logistic in the first feature; the prior
    knows nothing of it; the static default sends every other turn (one category) to the
    strong model."""
    columns = len(feature_names("lexical"))
    calibration = Calibration(GRID, 0.9 + 0.1 * GRID, GRID, 1 - GRID, 1 - GRID)
    model = QualityModel(
        feature_set="lexical", weights=np.zeros(columns), bias=0.0, mean=np.zeros(columns),
        scale=np.ones(columns), calibration=calibration,
    )  # fmt: skip
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(n, columns))
    good = rng.random(n) < 1 / (1 + np.exp(-3 * matrix[:, 0]))
    turns = [
        ScoredTurn("synthetic", f"s{i}", 1.0, float(good[i]), 1.0, 0.1, ("qa", "math")[i % 2])
        for i in range(n)
    ]
    stream = SourceStream(
        source="synthetic", turns=turns, weak_ok=good, judge_cost=np.full(n, 0.05),
        inputs=TenantLearner.prior(model).inputs(model, matrix), prior_p=np.full(n, 0.5),
        in_domain=np.ones(n, dtype=bool), static_strong=np.arange(n) % 2 == 0,
        pinned_strong=np.zeros(n, dtype=bool), static_threshold=0.4, ceiling_p=matrix[:, 0],
        folds=np.arange(n) % 5,
    )  # fmt: skip
    return stream, model


def test_the_curve_reads_quality_at_savings_and_savings_at_quality() -> None:
    turns = [ScoredTurn("s", f"{i}", 1.0, float(i % 2), 1.0, 0.0) for i in range(4)]
    p = np.array([0.0, 1.0, 0.0, 1.0])  # the oracle's order
    assert at_savings(turns, p, 0.5) == 1.0  # the two weak-good turns go cheap
    assert savings_at(turns, p, 1.0) == 0.5
    assert at_savings(turns, p, 1.0) == 0.5  # all cheap: half the turns lost


def test_the_shadow_spend_never_exceeds_its_budget() -> None:
    stream, model = _stream()
    settings = StreamSettings(seed=1, rate=1.0, budget_share=0.05, checkpoints=())
    run = replay(stream, model, settings, rules=rules_line(stream, grid=3))
    assert run.labelled.sum() >= 10
    assert (np.cumsum(run.shadow_cost) <= 0.05 * np.cumsum(run.strong_cost) + 1e-9).all()


def test_the_replay_measures_the_unseen_turns() -> None:
    stream, model = _stream(1000)
    rules = rules_line(stream, grid=5)
    settings = StreamSettings(seed=1, rate=1.0, budget_share=1.0, checkpoints=(40, 300))
    run = replay(stream, model, settings, rules=rules)
    assert len(run.cheap) == 600 and run.labelled.sum() >= 100
    first, last = run.checkpoints
    assert (first.turn, last.turn) == (40, 300)
    order = np.random.default_rng(1).permutation(1000)
    unseen = [stream.turns[i] for i in order[300:]]
    static = metrics.summarize(unseen, order[300:] % 2 == 0)
    assert last.static == (static.quality_retained, static.savings)
    assert last.ceiling > last.static[0]  # the ceiling ranks by the feature that decides
    weak_q, weak_s, random, oracle = last.baselines
    assert weak_q < random and weak_s == 0.9 and random < last.ceiling <= oracle <= 1.0
    # the learner is learning the feature: part of the gap is closed
    assert last.gap_closed > 0.25 and last.learned > first.learned
    assert run.retained() > static.quality_retained  # strong while it learned, then routed


def test_a_turn_the_rules_pin_to_the_strong_model_is_never_routed_cheap() -> None:
    """As at runtime (``choose_tier``: ``strong_categories``), whatever the learner says."""
    stream, model = _stream(1000)
    pinned = np.arange(1000) % 3 == 0
    settings = StreamSettings(seed=1, rate=1.0, budget_share=1.0, checkpoints=())
    free = replay(stream, model, settings, rules=rules_line(stream, grid=3))
    stream = dataclasses.replace(stream, pinned_strong=pinned)
    run = replay(stream, model, settings, rules=rules_line(stream, grid=3))
    order = np.random.default_rng(1).permutation(1000)[:600]
    assert free.cheap[pinned[order]].sum() > 5  # unpinned, the learner sends some cheap
    assert not run.cheap[pinned[order]].any()
    assert run.cheap[~pinned[order]].any()


def test_a_checkpoint_without_a_gap_closes_nothing() -> None:
    point = Checkpoint(10, 5, (0.9, 0.5), 0.92, 0.9, 0.8, (0.9, 0.5), (0.1, 0.2))
    assert np.isnan(point.gap_closed)
    assert Checkpoint(10, 5, (0.8, 0.5), 0.9, 1.0, 0.8, (0.9, 0.5), (0.1, 0.2)).gap_closed == 0.5


def test_the_printout_states_the_goals() -> None:
    stream, model = _stream(120)
    rules = rules_line(stream, grid=3)
    runs = [
        replay(stream, model, StreamSettings(seed=s, flip=f, checkpoints=(60,)), rules=rules)
        for s in (1, 2)
        for f in (0.0, 0.15)
    ]
    text = format_stream(runs, 0.95)
    assert "synthetic, judge verdicts flipped 15% (2 seeds)" in text
    assert "shadow + judge cost <= 5% of all-strong" in text
    assert "gap to the 5-fold router closed" in text and "below the category rules" in text
    assert "all-strong 100%/0%, all-weak" in text and "oracle" in text

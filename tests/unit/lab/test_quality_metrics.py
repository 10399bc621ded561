"""Quality metrics on small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from orchestrator_graph.lab.quality import metrics
from orchestrator_graph.lab.quality.metrics import ScoredTurn


def _turns() -> list[ScoredTurn]:
    # all-strong quality 0.75, all-weak 0.25: the gap is 0.5; A and C need the strong model
    rows = [("A", 1, 0, "math"), ("B", 1, 1, "qa"), ("C", 1, 0, "math"), ("D", 0, 0, "qa")]
    return [
        ScoredTurn("src", name, strong, weak, strong_cost=10, weak_cost=1, category=category)
        for name, strong, weak, category in rows
    ]


def test_turn_quality_takes_the_role_that_answered_and_the_lowest_of_a_split() -> None:
    scores = {"strong": 9.0, "weak": 7.5}
    assert metrics.turn_quality(scores, ["strong"]) == 9.0
    assert metrics.turn_quality(scores, ["weak"]) == 7.5
    assert metrics.turn_quality(scores, ["strong", "weak"]) == 7.5
    with pytest.raises(ValueError, match="at least one role"):
        metrics.turn_quality(scores, [])


def test_summary_of_a_run() -> None:
    run = metrics.summarize(_turns(), [True, False, False, False])
    assert run.quality == pytest.approx(0.5)
    assert run.quality_retained == pytest.approx(0.5 / 0.75)
    assert run.pgr == pytest.approx(0.5)
    assert run.strong_share == pytest.approx(0.25)
    assert run.savings == pytest.approx(1 - 13 / 40)
    assert math.isnan(metrics.pgr(0.4, 0.5, 0.5))  # no gap: PGR is undefined


def test_curve_cpt_and_apgr_of_a_good_router() -> None:
    curve = metrics.cost_quality_curve(_turns(), [0.1, 0.8, 0.2, 0.9])
    assert list(curve.strong_share) == [0, 0.25, 0.5, 0.75, 1]
    assert list(curve.pgr) == pytest.approx([0, 0.5, 1, 1, 1])
    assert metrics.cpt(curve, 0.5) == pytest.approx(0.25)
    assert metrics.cpt(curve, 0.8) == pytest.approx(0.25 + 0.3 / 0.5 * 0.25)  # interpolated
    assert metrics.apgr(curve) == pytest.approx(0.0625 + 0.1875 + 0.25 + 0.25)
    assert curve.threshold[2] == pytest.approx(0.2)  # strong when p <= 0.2: A and C


def test_a_reversed_router_is_worse_and_ties_move_together() -> None:
    reversed_curve = metrics.cost_quality_curve(_turns(), [0.9, 0.2, 0.8, 0.1])
    assert metrics.cpt(reversed_curve, 0.5) == pytest.approx(0.75)
    flat = metrics.cost_quality_curve(_turns(), [0.5] * 4)
    assert list(flat.strong_share) == [0, 1]  # one threshold cannot split equal predictions
    assert metrics.apgr(flat) == pytest.approx(0.5)  # as a random router
    assert metrics.cpt(flat, 0.5) == pytest.approx(0.5)


def test_oracle_random_and_categories() -> None:
    turns = _turns()
    oracle = metrics.oracle(turns)
    assert oracle.strong_share == pytest.approx(0.5)
    assert oracle.pgr == pytest.approx(1)
    assert oracle.savings == pytest.approx(1 - 22 / 40)
    assert metrics.cpt(metrics.oracle_curve(turns), 0.5) == pytest.approx(0.25)
    coin = metrics.random_router(turns, 0.5)
    assert coin.pgr == pytest.approx(0.5)
    assert coin.savings == pytest.approx(0.9 * 0.5)
    frontier = metrics.category_policies(turns)
    assert [chosen for chosen, _ in frontier] == [frozenset(), frozenset({"math"})]


def test_upper_hull_and_mean_over_sources() -> None:
    assert metrics.upper_hull_at([(0, 0), (1, 1), (0.5, 0.2)], 0.5) == pytest.approx(0.5)
    assert metrics.upper_hull_at([(0, 0), (0.5, 0.8), (1, 1)], 0.25) == pytest.approx(0.4)
    assert math.isnan(metrics.upper_hull_at([(0.2, 0), (1, 1)], 0.1))
    assert metrics.mean_over_sources({"a": 0.2, "b": 0.6}) == pytest.approx(0.4)


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError, match="2 predictions for 4 turns"):
        metrics.cost_quality_curve(_turns(), [0.1, 0.2])
    with pytest.raises(ValueError, match="no scored turns"):
        metrics.summarize([], [])


def test_category_rules_are_chosen_on_the_other_folds() -> None:
    # each fold's training half has one math turn the weak model fails: {math} is chosen
    # at 55% of the cost, and applied to the held-out half
    retained, cost_share = metrics.category_rules_cv(_turns(), [0, 0, 1, 1], 0.55)
    assert retained == pytest.approx(1.0)
    assert cost_share == pytest.approx(22 / 40)
    cheapest, _ = metrics.category_rules_cv(_turns(), [0, 0, 1, 1], 0.0)  # below every rule
    assert cheapest == pytest.approx(1 / 3)  # all-weak: quality 1 of the strong 3

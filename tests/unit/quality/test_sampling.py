"""The shadow judge's sampling: labels go where the router is unsure, the mean rate holds."""

from __future__ import annotations

import random

import pytest

from orchestrator_graph.quality.sampling import (
    FLOOR,
    WeightMean,
    sampled,
    shadow_probability,
    uncertainty_weight,
)


def test_weight_is_highest_at_the_threshold_and_for_untrusted_predictions() -> None:
    assert uncertainty_weight(0.62, 0.62) == pytest.approx(1.0)
    assert uncertainty_weight(None, 0.62) == 1.0
    assert uncertainty_weight(0.70, 0.62) > uncertainty_weight(0.80, 0.62) > FLOOR
    assert uncertainty_weight(0.0, 0.62) == pytest.approx(FLOOR, abs=1e-6)


@pytest.mark.parametrize("spread", [0.05, 0.15, 0.3])
def test_the_mean_sampling_rate_is_the_rate_whatever_the_spread(spread: float) -> None:
    rng = random.Random(7)
    means = WeightMean()
    probabilities = []
    for _ in range(20_000):
        p = min(1.0, max(0.0, rng.gauss(0.65, spread)))
        probabilities.append(
            shadow_probability(
                p, 0.62, cheap_answered=False, rate=0.05, strong_share=0.2, mean_weight=means.mean
            )
        )
        means.add(uncertainty_weight(p, 0.62))
    assert sum(probabilities) / len(probabilities) == pytest.approx(0.05, rel=0.05)


def test_cheap_answered_turns_are_sampled_at_the_strong_share_and_never_above_one() -> None:
    strong = shadow_probability(0.6, 0.6, cheap_answered=False, rate=0.1, strong_share=0.2)
    cheap = shadow_probability(0.6, 0.6, cheap_answered=True, rate=0.1, strong_share=0.2)
    assert cheap == pytest.approx(strong * 0.2)
    assert shadow_probability(0.6, 0.6, cheap_answered=False, rate=1.0, strong_share=1) == 1.0
    assert shadow_probability(0.6, 0.6, cheap_answered=False, rate=0.0, strong_share=1) == 0.0


def test_a_turn_draws_the_same_each_time_and_draws_at_its_probability() -> None:
    assert sampled(0.3, "t/1") == sampled(0.3, "t/1")
    share = sum(sampled(0.3, f"t/{i}") for i in range(10_000)) / 10_000
    assert share == pytest.approx(0.3, abs=0.02)
    assert not sampled(0.0, "t/1") and sampled(1.0, "t/1")

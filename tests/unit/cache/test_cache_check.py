"""The learned match check: it loads from the package, scores a pair from its features,
and separates obvious paraphrases from obvious near misses at the default bound."""

from __future__ import annotations

import numpy as np
import pytest

from orchestrator_graph.cache.check import (
    FEATURES,
    match_check_from_json,
    pair_features,
    shipped_check,
    threshold_for,
)
from orchestrator_graph.cache.confirm import grey_zone
from orchestrator_graph.config import CacheConfig
from orchestrator_graph.quality.embedding import shared_embedder


def score(first: str, second: str) -> float:
    vectors = shared_embedder().embed([first, second])
    return shipped_check().score(first, second, float(vectors[0] @ vectors[1]))


def test_the_shipped_check_loads_with_its_calibration() -> None:
    check = shipped_check()
    assert check.weights.shape == check.mean.shape == (len(FEATURES),)
    assert check.calibration.negatives >= 1000  # enough to certify a 1% bound
    assert 0.0 < threshold_for(0.01) < 1.0
    assert threshold_for(0.005) >= threshold_for(0.01) >= threshold_for(0.05)
    again = match_check_from_json(check.to_json())
    assert again.threshold_for(0.01) == pytest.approx(check.threshold_for(0.01))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Who wrote the novel Dune?", "Who is the author of the novel Dune?"),
        ("How do I reverse a list in Python?", "How can I reverse a list in Python?"),
        ("What is the boiling point of water?", "At what temperature does water boil?"),
    ],
)
def test_obvious_paraphrases_score_above_the_threshold(first: str, second: str) -> None:
    assert score(first, second) >= threshold_for(0.01)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("How long should I boil an egg?", "How long should I fry an egg?"),
        ("Play some gothic rock music", "Play some art punk music"),
        ("What do koalas eat?", "What do pandas eat?"),
    ],
)
def test_obvious_near_misses_score_below_the_threshold(first: str, second: str) -> None:
    assert score(first, second) < threshold_for(0.01)


def test_the_features_are_symmetric_and_see_one_swapped_word() -> None:
    first, second = "How long should I boil an egg?", "How long should I fry an egg?"
    forward, backward = pair_features(first, second, 0.9), pair_features(second, first, 0.9)
    assert np.allclose(forward, backward)
    named = dict(zip(FEATURES, forward, strict=True))
    assert named["one_word_swapped"] == 1.0 and named["added_words"] == 0.0
    assert named["order_agreement"] == 1.0


def test_a_long_request_whose_tail_changes_what_it_asks_scores_below_the_threshold() -> None:
    head = (
        "I have been having trouble sleeping for the past few weeks, I wake up several times "
        "every night and feel tired during the day, I have tried cutting out coffee and going "
        "to bed earlier but nothing seems to help, "
    )
    first = head + "could my thyroid be the cause of this?"
    second = head + "could my blood pressure pills be the cause of this?"
    assert len(second.split()) > 40  # past what the embedding reads
    assert score(first, second) < threshold_for(0.01)


def test_the_grey_zone_spans_the_thresholds_of_the_bound_times_and_over_the_band() -> None:
    cache = CacheConfig(max_false_hit_rate=0.01, confirm_band=2.0)
    lower, upper = grey_zone(cache)
    assert (lower, upper) == (threshold_for(0.02), threshold_for(0.005))
    assert lower < threshold_for(0.01) < upper

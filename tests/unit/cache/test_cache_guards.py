"""The answer cache's near-miss guards: pure functions of two requests."""

from __future__ import annotations

import pytest

from orchestrator_graph.cache.bound import NearMissCalibration, raised
from orchestrator_graph.cache.check import shipped_check, threshold_for
from orchestrator_graph.cache.guards import mismatch, signature, time_sensitive
from orchestrator_graph.quality.embedding import shared_embedder


def test_swapped_temperature_units_are_stopped_although_the_embedding_sees_one_question() -> None:
    first, second = "Convert 30 C to F", "Convert 30 F to C"
    vectors = shared_embedder().embed([first, second])
    # the embedding and the word-level check alone would reuse the answer
    cosine = float(vectors[0] @ vectors[1])
    assert cosine > 0.9
    assert shipped_check().score(second, first, cosine) >= threshold_for(0.01)
    assert mismatch(second, first) == "units"
    assert signature(first).units == ("celsius", "fahrenheit")
    assert signature(second).units == ("fahrenheit", "celsius")


@pytest.mark.parametrize(
    ("cached", "request_", "guard"),
    [
        ("What does HTTP 429 mean?", "What does HTTP 404 mean?", "numbers"),
        ("What is 23 minus 32?", "What is 32 minus 23?", "numbers"),
        ("Write a 150-word invitation.", "Write a 400-word invitation.", "numbers"),
        ("Convert 10 miles to km", "Convert 10 km to miles", "units"),
        ("Is a tomato a fruit?", "Is a tomato not a fruit?", "negation"),
        ("Why do cats purr?", "Why don't cats purr?", "negation"),
        (
            "Which medicines are safe in pregnancy?",
            "Which medicines are unsafe in pregnancy?",
            "negation",
        ),
        ("What is the capital of Australia?", "What is the capital of Austria?", "entities"),
        ("How do I read a CSV file in Python?", "How do I read a CSV file in Rust?", "entities"),
        ("Translate 'ciao' to 'hello'", "Translate 'ciao' to 'bye'", "quoted"),
        ("How do I encrypt a file with gpg?", "How do I decrypt a file with gpg?", "direction"),
        ("Sort the list in ascending order", "Sort the list in descending order", "direction"),
        (
            "Translate 'good night' from English to German.",
            "Translate 'good night' from German to English.",
            "direction",
        ),
        ("What is 7 times 8?", "What is 7 divided by 8?", "direction"),
    ],
)
def test_each_near_miss_is_stopped_by_its_guard(cached: str, request_: str, guard: str) -> None:
    assert mismatch(request_, cached) == guard
    assert mismatch(cached, cached) is None  # the same request passes every guard


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("Convert 30 C to F", "What is 30 C in F?"),
        ("Convert 30 degrees Celsius to Fahrenheit.", "Convert 30 °C to °F"),
        ("What is the capital of France?", "What's France's capital city?"),
        ("Don't use pandas for this", "Do not use pandas for this"),
        ("What is 2 plus 2?", "what is two plus two"),
        (
            "Translate 'thank you' from English to Spanish.",
            "Please translate 'thank you' from English into Spanish.",
        ),
    ],
)
def test_paraphrases_pass_the_guards(cached: str, request_: str) -> None:
    assert mismatch(request_, cached) is None


def test_requests_about_the_day_are_time_sensitive() -> None:
    assert time_sensitive("What's the weather in Oslo today?")
    assert time_sensitive("What is the latest Python version?")
    assert not time_sensitive("What is the capital of Norway?")


def test_the_conformal_threshold_keeps_the_bound() -> None:
    calibration = NearMissCalibration(negatives=199, scores=(0.9, 0.85, 0.8))
    # (k + 1) / 200 <= 0.01 allows one false hit: just above the second score
    assert calibration.threshold_for(0.01) == pytest.approx(0.85 + 1e-6)
    assert calibration.false_hit_bound(0.85 + 1e-6) == pytest.approx(2 / 200)
    # (k + 1) / 200 <= 0.005: none allowed, above the highest
    assert calibration.threshold_for(0.005) == pytest.approx(0.9 + 1e-6)
    # too few near misses to certify the bound: exact matches only
    assert NearMissCalibration(negatives=50, scores=(0.9,)).threshold_for(0.01) == 1.0
    assert raised(0.85, 0.9) == pytest.approx(0.91)
    assert raised(0.95, 0.9) == 0.95

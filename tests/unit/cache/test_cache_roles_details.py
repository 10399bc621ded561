"""The guards on roles (terms trading sides of a relating word) and on small details
(times, ordinals, comparatives and superlatives, qualifiers, letters of a name)."""

from __future__ import annotations

import pytest

from orchestrator_graph.cache.guards import mismatch, roles_swapped, signature


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("What did Hemingway think of Fitzgerald?", "What did Fitzgerald think of Hemingway?"),
        ("How does stress affect sleep?", "How does sleep affect stress?"),
        ("Did the dog bite the man?", "Did the man bite the dog?"),
        ("How do mothers influence their daughters?", "How do daughters influence their mothers?"),
        (
            "Can a landlord evict a tenant without notice?",
            "Can a tenant evict a landlord without notice?",
        ),
        ("Why do predators chase prey?", "Why do prey chase predators?"),
    ],
)
def test_terms_trading_sides_of_a_relating_word_are_another_request(
    cached: str, request_: str
) -> None:
    assert mismatch(request_, cached) == "roles"
    assert mismatch(cached, cached) is None


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        # a moved phrase keeps its words on one side of the others
        (
            "What is the boiling point of water at sea level?",
            "At sea level, what is the boiling point of water?",
        ),
        # terms joined by a symmetric word may come in either order
        (
            "Which ocean lies between Africa and Australia?",
            "What ocean is between Australia and Africa?",
        ),
        ("Can I take ibuprofen with paracetamol?", "Can I take paracetamol with ibuprofen?"),
        ("Who wrote the novel Dune?", "Who is the author of Dune?"),
    ],
)
def test_reworded_requests_keep_their_roles(cached: str, request_: str) -> None:
    assert not roles_swapped(signature(request_).tokens, signature(cached).tokens)
    assert mismatch(request_, cached) is None


@pytest.mark.parametrize(
    ("cached", "request_", "detail"),
    [
        (
            "Which museums open on weekdays in Rome?",
            "Which museums open on weekends in Rome?",
            "time:weekend",
        ),
        (
            "Should I take iron in the morning?",
            "Should I take iron in the evening?",
            "time:evening",
        ),
        ("Is it cold in Oslo in winter?", "Is it cold in Oslo in summer?", "time:summer"),
        ("What is the fastest land animal?", "What is a fast land animal?", "degree:fast:est"),
        (
            "Name a river longer than the Rhine",
            "Name a river as long as the Rhine",
            "degree:long:er",
        ),
        ("Who was the first king of Norway?", "Who was the third king of Norway?", "ordinal:third"),
        ("Which is the only even prime?", "Which is an even prime?", "qualifier:only"),
        (
            "What is the average salary of a nurse?",
            "What is the salary of a nurse?",
            "qualifier:average",
        ),
        ("Which is the happiest country?", "Which is a happy country?", "degree:happy:est"),
    ],
)
def test_a_changed_detail_is_another_request(cached: str, request_: str, detail: str) -> None:
    assert mismatch(request_, cached) in {"details", "direction"}  # opposed words go first
    assert detail in signature(cached).details ^ signature(request_).details


def test_a_degree_differing_by_adjective_or_degree_is_stopped_by_details() -> None:
    assert mismatch("What is the deepest lake?", "What is the widest lake?") == "details"
    assert mismatch("Which of the lakes is deeper?", "Which of the lakes is deepest?") == "details"


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("Is hepatitis A contagious?", "Is hepatitis B contagious?"),
        ("Is vitamin C good for colds?", "Is vitamin K good for colds?"),
        ("What causes type 1 diabetes?", "What causes type 2 diabetes?"),
        ("Is vitamin B12 water soluble?", "Is vitamin B6 water soluble?"),
    ],
)
def test_letters_and_numbers_that_belong_to_a_name_must_agree(cached: str, request_: str) -> None:
    assert mismatch(request_, cached) in {"entities", "numbers"}


def test_a_letter_read_as_a_unit_is_not_a_name() -> None:
    assert mismatch("What is 30 C in F?", "Convert 30 C to F") is None
    assert "c" not in signature("Convert 30 °C to °F").entities
    assert "c" in signature("Is vitamin C good for colds?").entities


def test_the_meaning_of_a_word_is_not_the_mean() -> None:
    assert mismatch("What is the meaning of HTTP 429?", "What does HTTP 429 mean?") is None

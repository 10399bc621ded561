"""Context views: turns, digests, the main view and a worker's minimal view."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from orchestrator_graph import InvalidTurnError
from orchestrator_graph.context import (
    instruction_positions,
    latest_request,
    main_view,
    make_digest,
    turns_of,
    worker_positions,
    worker_view,
)
from orchestrator_graph.tokens import count_text

LONG = " ".join(f"Sentence {i} of a long pasted report about storage costs." for i in range(60))


def transcript() -> list:
    return [
        SystemMessage("Answer in English.", id="s"),
        HumanMessage("First question?", id="h0"),
        AIMessage("First answer.", id="a0"),
        HumanMessage(LONG, id="h1"),
        AIMessage(LONG.upper(), id="a1"),
        HumanMessage("Third question?", id="h2"),
    ]


def test_turns_and_instructions() -> None:
    messages = transcript()
    turns = turns_of(messages)
    assert [(t.index, t.start, t.end) for t in turns] == [(0, 1, 3), (1, 3, 5), (2, 5, 6)]
    assert list(turns[1].positions) == [3, 4]
    assert instruction_positions(messages) == [0]
    assert turns_of([SystemMessage("x")]) == []


def test_digest_is_short_stable_and_labelled() -> None:
    assert make_digest("short text", 48, label="turn 0 answer") == "short text"
    digest = make_digest(LONG, 48, label="turn 1 request")
    assert digest == make_digest(LONG, 48, label="turn 1 request")
    assert digest.startswith(f"[turn 1 request; digest of {count_text(LONG)} tokens")
    assert count_text(digest) < count_text(LONG) / 4
    assert "Sentence 0 of a long pasted report" in digest


def test_main_view_digests_unless_expanded() -> None:
    messages = transcript()
    digests = {"h1": "[digest of h1]", "a1": "[digest of a1]"}
    assert main_view(messages, {}) == messages
    view = main_view(messages, digests)
    assert [m.content for m in view[3:5]] == ["[digest of h1]", "[digest of a1]"]
    assert [m.id for m in view] == [m.id for m in messages]
    assert messages[3].content == LONG  # the transcript itself is untouched
    expanded = main_view(messages, digests, expand=[1])
    assert expanded == messages


def test_worker_view_is_minimal() -> None:
    messages = transcript()
    assert worker_positions(messages[:5], []) == [0]
    assert worker_positions(messages[:5], [1]) == [0, 3, 4]
    assert worker_positions(messages[:5], [0], instructions=False) == [1, 2]
    view = worker_view(messages, [0, 1, 2], "Third question?")
    assert [m.content for m in view] == [
        "Answer in English.",
        "First question?",
        "First answer.",
        "Third question?",
    ]
    assert isinstance(view[-1], HumanMessage)


def test_latest_request() -> None:
    assert latest_request(transcript()) == (5, "Third question?")
    with pytest.raises(InvalidTurnError, match="HumanMessage"):
        latest_request(transcript()[:5])
    with pytest.raises(InvalidTurnError, match="empty"):
        latest_request([HumanMessage("   ")])
    with pytest.raises(InvalidTurnError):
        latest_request([])

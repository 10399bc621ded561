"""The transcript's running figures equal a walk over the transcript, as it grows, is
cut, edited, or another transcript opens the same way."""

from __future__ import annotations

import random

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from orchestrator_graph.accounting.estimates import cached_input_tokens, request_tokens
from orchestrator_graph.accounting.pricing import cacheable
from orchestrator_graph.config import OrchestratorConfig, RoutingConfig
from orchestrator_graph.conversation.tokens import (
    REPLY_PRIMING,
    count_messages,
    packed_fingerprints,
    shared_counter,
    shared_messages,
)
from orchestrator_graph.conversation.transcript_index import transcript_index
from orchestrator_graph.conversation.views import (
    last_turn,
    main_view,
    main_view_tokens,
    turns_of,
    worker_positions,
)


def thread(turns: int, seed: int = 0) -> list[BaseMessage]:
    rng = random.Random(seed)
    messages: list[BaseMessage] = [SystemMessage("Be brief.", id="sys")]
    for n in range(turns):
        messages.append(HumanMessage(f"question {n} " * rng.randint(1, 30), id=f"h{n}"))
        for k in range(rng.randint(1, 2)):
            messages.append(AIMessage(f"answer {n}.{k} " * rng.randint(1, 60), id=f"a{n}.{k}"))
    return messages


def check(messages: list[BaseMessage]) -> None:
    index, end = transcript_index(messages), len(messages)
    turns = turns_of(messages)
    assert index.turn_count(end) == len(turns)
    assert [index.turn(t.index, end) for t in turns] == turns
    assert index.tokens_before(end) == count_messages(messages) - REPLY_PRIMING
    assert index.chars_before(end) == sum(len(m.text) for m in messages)
    assert request_tokens(messages) == count_messages(messages) - REPLY_PRIMING
    if turns:
        assert last_turn(messages) == turns[-1]


def test_figures_follow_the_transcript_as_it_grows_is_cut_and_edited() -> None:
    messages = thread(30)
    for end in (5, 20, len(messages), 12, len(messages)):  # grows, shorter, grows again
        check(messages[:end])
    edited = [*messages[:9], AIMessage("an edited answer", id=messages[9].id), *messages[10:]]
    check(edited)
    check(messages)
    copies = [m.model_copy() for m in messages]  # as a checkpoint reload gives them
    check(copies)
    check(thread(25, seed=1))  # another thread that opens with the same system message
    check(messages)


def test_an_index_held_by_one_thread_is_not_cut_by_another_transcript() -> None:
    """Two threads opening with the same message share an index; deciding one must not
    cut the index the other is still reading (the two-server test's IndexError)."""
    held_messages = thread(20)
    held = transcript_index(held_messages)
    tokens = held.tokens_before(len(held_messages))
    other = thread(12, seed=3)  # opens with the same system message, then differs
    check(other)
    assert held.tokens_before(len(held_messages)) == tokens
    assert held.turn_count(len(held_messages)) == len(turns_of(held_messages))
    check(held_messages)


def test_main_view_tokens_equal_the_built_view() -> None:
    no_minimum = OrchestratorConfig(
        ledger_path=None, routing=RoutingConfig(prompt_cache_min_tokens=0)
    )
    messages = thread(12)
    counter = shared_counter()
    digests = {m.id: f"[digest of {m.id}]" for m in messages[3:15] if m.id}
    for expand in ([], [2], list(range(12))):
        view = main_view(messages, digests, expand=expand)
        previous = [counter.fingerprint(m) for m in view[:-3]]
        total, shared = main_view_tokens(messages, digests, expand, previous)
        assert total == count_messages(view)
        assert cacheable(shared, 0) == cached_input_tokens(view, previous, no_minimum)
        packed = packed_fingerprints(view[:-3])  # as main_session stores it
        assert main_view_tokens(messages, digests, expand, packed) == (total, shared)
        assert shared_messages(packed_fingerprints(view), packed) == len(view) - 3
    assert worker_positions(messages, [1, 3, 99]) == [
        0,
        *turns_of(messages)[1].positions,
        *turns_of(messages)[3].positions,
    ]

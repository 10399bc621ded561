"""SimulatedChatModel: honest usage, prompt-cache model, replay, faults, streaming, threads."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from orchestrator_graph.conversation.tokens import count_messages, count_text, shared_counter
from orchestrator_graph.testing.invented import LENGTH_RANGES, guess_category
from orchestrator_graph.testing.simulated import (
    REFUSAL_TEXT,
    SimulatedChatModel,
    SimulatedProviderError,
    SimulatedRateLimitError,
    SimulatedServerError,
    SimulatedTimeoutError,
)

LONG_SYSTEM = "You are a meticulous assistant. " + " ".join(
    f"Rule {i}: answer precisely, cite the relevant section and keep units consistent."
    for i in range(120)
)


def tokens_of(messages: list[BaseMessage]) -> list[int]:
    return [shared_counter().count_message(m) for m in messages]


def expected_cache(prefix_tokens: int) -> int:
    """OpenAI's rule, written out independently: >= 1024, then whole 128-token blocks."""
    if prefix_tokens < 1024:
        return 0
    return prefix_tokens - (prefix_tokens - 1024) % 128


def merged(chunks: list) -> AIMessage:
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def test_usage_is_tiktoken_count_of_what_was_sent() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1")
    messages = [SystemMessage("Be brief."), HumanMessage("What is the boiling point of water?")]
    reply = model.invoke(messages)
    usage = reply.usage_metadata
    assert usage is not None
    assert usage["input_tokens"] == count_messages(messages)
    assert usage["input_tokens"] == 3 + sum(
        3 + count_text(role) + count_text(m.text)
        for role, m in zip(("system", "user"), messages, strict=True)
    )
    assert usage["output_tokens"] == count_text(reply.text) > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_token_details"] == {"cache_read": 0}
    assert reply.response_metadata == {
        "model_name": "gpt-4.1",
        "finish_reason": "stop",
        "simulated": True,
    }
    assert reply.text.startswith("[simulated gpt-4.1]")
    (entry,) = model.requests
    assert entry.messages == messages
    assert (entry.input_tokens, entry.output_tokens) == (
        usage["input_tokens"],
        usage["output_tokens"],
    )
    assert entry.text == reply.text and entry.fault is None
    assert entry.started <= entry.ended


def test_replay_returns_recorded_answer_verbatim() -> None:
    answer = "Paris.\n\n  (Recorded answer, kept exactly as is.)  "
    model = SimulatedChatModel(
        model_name="gpt-4.1-mini", answers={"What is the capital of France?": answer}
    )
    messages = [
        HumanMessage("Something earlier"),
        AIMessage("ok"),
        HumanMessage("  What is the capital of France?\n"),
    ]
    reply = model.invoke(messages)
    assert reply.text == answer
    assert reply.usage_metadata["output_tokens"] == count_text(answer)
    # Only the last human message is the key.
    other = model.invoke([HumanMessage("What is the capital of France?"), HumanMessage("And?")])
    assert other.text != answer


def test_deterministic_across_instances_and_sensitive_to_the_request() -> None:
    messages = [HumanMessage("Explain how tides work.")]
    first = SimulatedChatModel(model_name="gpt-4.1").invoke(messages)
    second = SimulatedChatModel(model_name="gpt-4.1").invoke(messages)
    assert first.text == second.text
    assert first.usage_metadata == second.usage_metadata
    different = SimulatedChatModel(model_name="gpt-4.1").invoke(
        [HumanMessage("Explain how volcanoes work.")]
    )
    assert different.text != first.text


@pytest.mark.parametrize(
    ("prompt", "category"),
    [
        ("Write a Python function that merges two sorted lists.", "code"),
        ("Please summarize the following report: revenue grew while costs fell.", "summary"),
        ("What is the tallest mountain in Europe?", "factual"),
        ("Calculate the compound interest on 1000 at 5% for 3 years.", "math"),
        ("Tell me about the history of the printing press and its effects.", "default"),
    ],
)
def test_invented_length_fits_the_category(prompt: str, category: str) -> None:
    assert guess_category(prompt) == category
    model = SimulatedChatModel(model_name="gpt-4.1-mini")
    lo, hi = LENGTH_RANGES[category]
    for i in range(5):
        reply = model.invoke([HumanMessage(f"{prompt} (variant {i})")])
        assert lo <= reply.usage_metadata["output_tokens"] <= hi
        assert reply.text.startswith("[simulated gpt-4.1-mini]")
        assert ("```python" in reply.text) == (category == "code")


def test_cache_read_only_for_shared_prefix_of_at_least_1024_tokens() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1")
    system = SystemMessage(LONG_SYSTEM)
    assert shared_counter().count_message(system) > 1100
    turn1 = [system, HumanMessage("First question about units?")]
    r1 = model.invoke(turn1)
    assert r1.usage_metadata["input_token_details"]["cache_read"] == 0

    turn2 = [*turn1, r1, HumanMessage("A follow-up question.")]
    r2 = model.invoke(turn2)
    shared = sum(tokens_of(turn1))
    cached = r2.usage_metadata["input_token_details"]["cache_read"]
    assert cached == expected_cache(shared) > 0
    assert cached % 128 == 0 and shared - 128 < cached <= shared
    assert model.requests[-1].cached_input_tokens == cached

    # A short shared prefix is never cached.
    short = [SystemMessage("Be brief."), HumanMessage("Hi")]
    model.invoke(short)
    r3 = model.invoke([*short, AIMessage("Hello"), HumanMessage("Bye")])
    assert r3.usage_metadata["input_token_details"]["cache_read"] == 0

    # A prefix, not a substring: the long system prompt after another message is not cached.
    r4 = model.invoke([SystemMessage("Other"), system, HumanMessage("x")])
    assert r4.usage_metadata["input_token_details"]["cache_read"] == 0

    # Each instance has its own cache; reset() clears it.
    assert (
        SimulatedChatModel(model_name="gpt-4.1")
        .invoke(turn2)
        .usage_metadata["input_token_details"]["cache_read"]
        == 0
    )
    model.reset()
    assert model.requests == []
    assert model.invoke(turn2).usage_metadata["input_token_details"]["cache_read"] == 0


def test_cache_min_tokens_is_configurable() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", cache_min_tokens=0)
    turn1 = [SystemMessage("Be brief."), HumanMessage("Hi")]
    model.invoke(turn1)
    r2 = model.invoke([*turn1, AIMessage("Hello"), HumanMessage("Bye")])
    shared = sum(tokens_of(turn1))
    assert r2.usage_metadata["input_token_details"]["cache_read"] == shared // 128 * 128


def test_growing_200_message_history_is_cached_turn_by_turn() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", answers={})
    history: list[BaseMessage] = [SystemMessage(LONG_SYSTEM)]
    started = time.perf_counter()
    for turn in range(100):
        history.append(HumanMessage(f"Question number {turn}?"))
        reply = model.invoke(history)
        # Shared with the previous request: its messages, not the reply it produced.
        previous = sum(tokens_of(history[:-2]))
        expected = expected_cache(previous) if turn else 0
        assert reply.usage_metadata["input_token_details"]["cache_read"] == expected
        history.append(reply)
    assert len(history) == 201
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("rate_limit", SimulatedRateLimitError),
        ("server_error", SimulatedServerError),
        ("timeout", SimulatedTimeoutError),
    ],
)
def test_error_faults_raise_typed_exceptions(fault: str, error: type) -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", faults=[fault])
    with pytest.raises(error) as raised:
        model.invoke([HumanMessage("Hi there")])
    assert isinstance(raised.value, SimulatedProviderError)
    assert model.requests[-1].fault == fault
    assert model.requests[-1].output_tokens == 0
    assert model.faults == []
    assert model.invoke([HumanMessage("Hi there")]).response_metadata["finish_reason"] == "stop"


def test_answer_faults_and_queue_order() -> None:
    prompt = [HumanMessage("Tell me about the history of bridges.")]
    full = SimulatedChatModel(model_name="gpt-4.1").invoke(prompt).text
    model = SimulatedChatModel(model_name="gpt-4.1", faults=["truncated", None, "empty", "refusal"])

    truncated = model.invoke(prompt)
    assert truncated.response_metadata["finish_reason"] == "length"
    assert full.startswith(truncated.text)
    assert truncated.usage_metadata["output_tokens"] == count_text(full) // 2

    assert model.invoke(prompt).text == full

    empty = model.invoke(prompt)
    assert empty.text == "" and empty.usage_metadata["output_tokens"] == 0

    refusal = model.invoke(prompt)
    assert refusal.text == REFUSAL_TEXT
    assert refusal.usage_metadata["output_tokens"] == count_text(REFUSAL_TEXT)

    assert [r.fault for r in model.requests] == ["truncated", None, "empty", "refusal"]
    assert model.invoke(prompt).text == full


def test_unknown_fault_is_rejected() -> None:
    with pytest.raises(ValidationError):
        SimulatedChatModel(model_name="gpt-4.1", faults=["meltdown"])


def test_max_tokens_from_field_and_call() -> None:
    prompt = [HumanMessage("Tell me about the history of bridges.")]
    full = SimulatedChatModel(model_name="gpt-4.1").invoke(prompt).text

    by_field = SimulatedChatModel(model_name="gpt-4.1", max_tokens=12).invoke(prompt)
    assert by_field.usage_metadata["output_tokens"] == 12
    assert by_field.response_metadata["finish_reason"] == "length"
    assert full.startswith(by_field.text)

    model = SimulatedChatModel(model_name="gpt-4.1", max_tokens=12)
    by_call = model.invoke(prompt, max_tokens=5)
    assert by_call.usage_metadata["output_tokens"] == 5
    bound = model.bind(max_tokens=7).invoke(prompt)
    assert bound.usage_metadata["output_tokens"] == 7

    roomy = SimulatedChatModel(model_name="gpt-4.1", max_tokens=10_000).invoke(prompt)
    assert roomy.text == full and roomy.response_metadata["finish_reason"] == "stop"


def test_stop_sequence_cuts_the_answer() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", answers={"Count": "one two STOP three"})
    assert model.invoke([HumanMessage("Count")], stop=["STOP"]).text == "one two "


async def test_sync_async_stream_astream_agree() -> None:
    messages = [SystemMessage("Be helpful."), HumanMessage("Write a function to reverse a list.")]

    def fresh() -> SimulatedChatModel:
        return SimulatedChatModel(model_name="gpt-4.1-mini")

    sync = fresh().invoke(messages)
    asynchronous = await fresh().ainvoke(messages)
    chunks = list(fresh().stream(messages))
    achunks = [chunk async for chunk in fresh().astream(messages)]
    assert len(chunks) > 3
    assert all(c.usage_metadata is None for c in chunks[:-1])
    assert chunks[-1].usage_metadata is not None
    for other in (asynchronous, merged(chunks), merged(achunks)):
        assert other.text == sync.text
        assert other.usage_metadata == sync.usage_metadata
        assert other.response_metadata == sync.response_metadata

    limited = merged(list(fresh().stream(messages, max_tokens=9)))
    assert limited.usage_metadata["output_tokens"] == 9
    assert limited.response_metadata["finish_reason"] == "length"


async def test_latency_sync_and_async() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", latency_s=0.05)
    started = time.perf_counter()
    model.invoke([HumanMessage("Hi")])
    await model.ainvoke([HumanMessage("Hi")])
    assert time.perf_counter() - started >= 0.1
    assert all(r.ended - r.started >= 0.04 for r in model.requests)


async def test_async_faults() -> None:
    model = SimulatedChatModel(model_name="gpt-4.1", faults=["rate_limit"])
    with pytest.raises(SimulatedRateLimitError):
        await model.ainvoke([HumanMessage("Hi")])
    with pytest.raises(SimulatedServerError):
        model.faults.append("server_error")
        async for _ in model.astream([HumanMessage("Hi")]):
            pass


def test_thread_safe_log_and_fault_queue() -> None:
    model = SimulatedChatModel(
        model_name="gpt-4.1", latency_s=0.005, faults=["rate_limit"] * 10 + [None] * 5
    )
    prompts = [f"Question {i} about threads?" for i in range(80)]

    def call(prompt: str) -> str:
        try:
            return model.invoke([HumanMessage(prompt)]).text
        except SimulatedRateLimitError:
            return "429"

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(call, prompts))
    assert results.count("429") == 10
    log = model.requests
    assert len(log) == 80
    assert sorted(r.messages[-1].text for r in log) == sorted(prompts)
    assert sum(r.fault == "rate_limit" for r in log) == 10
    for entry in log:
        if entry.fault is None:
            assert entry.input_tokens == count_messages(entry.messages)
            assert entry.output_tokens == count_text(entry.text)


async def test_token_latency_paces_the_stream() -> None:
    """``token_latency_s``: after the first token, each piece arrives at the per-token pace;
    ``invoke`` waits for the whole answer."""
    model = SimulatedChatModel(model_name="gpt-4.1", latency_s=0.02, token_latency_s=0.002)
    question = [HumanMessage("Explain how a hash map handles collisions.")]
    started = time.perf_counter()
    arrivals = []
    async for chunk in model.astream(question):
        if chunk.text:
            arrivals.append(time.perf_counter() - started)
    tokens = model.requests[-1].output_tokens
    assert tokens > 20 and len(arrivals) > 5
    assert arrivals[0] >= 0.02 and arrivals[-1] >= 0.02 + 0.002 * tokens * 0.9
    assert arrivals[-1] - arrivals[0] >= 0.002 * tokens * 0.8  # spread out, not at once
    started = time.perf_counter()
    model.invoke(question)
    assert time.perf_counter() - started >= 0.02 + 0.002 * tokens * 0.9


def test_served_model_pace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestrator_graph.server.chat_models import FIRST_TOKEN_ENV, TOKEN_ENV, served_model

    monkeypatch.setenv(FIRST_TOKEN_ENV, "250")
    monkeypatch.setenv(TOKEN_ENV, "4")
    model = served_model("gpt-4.1-mini", live=False)
    assert isinstance(model, SimulatedChatModel)
    assert (model.latency_s, model.token_latency_s) == (0.25, 0.004)
    monkeypatch.setenv(TOKEN_ENV, "-1")
    with pytest.raises(ValueError, match=TOKEN_ENV):
        served_model("gpt-4.1-mini", live=False)

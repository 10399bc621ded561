"""Context views: turns, digests, the main view and a worker's minimal view."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from orchestrator_graph import (
    InvalidTurnError,
    OrchestratorConfig,
    QualityConfig,
    RoutingConfig,
    SessionConfig,
    create_orchestrator,
)
from orchestrator_graph.accounting.ledger import CostLedger
from orchestrator_graph.conversation.tokens import count_messages, count_text
from orchestrator_graph.conversation.views import (
    fit_view,
    instruction_positions,
    latest_request,
    main_view,
    make_digest,
    model_context_window,
    turns_of,
    worker_positions,
    worker_view,
)
from orchestrator_graph.testing.simulated import SimulatedChatModel

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


def test_the_window_comes_from_the_chat_models_profile_else_the_name_table() -> None:
    assert ChatOpenAI(model="gpt-4o-mini", api_key="sk-test").profile["max_input_tokens"] == 128_000
    assert model_context_window(ChatOpenAI(model="gpt-4o-mini", api_key="sk-test"), "x") == 128_000
    simulated = SimulatedChatModel(model_name="gpt-3.5-turbo")  # no profile: by its name
    assert model_context_window(simulated, "gpt-3.5-turbo") == 16_385
    assert model_context_window(simulated, "gpt-3.5-turbo", configured=4096) == 4096


def test_fit_view_drops_the_oldest_turns_first_and_says_what_it_cut() -> None:
    messages = transcript()
    whole = count_messages(messages)
    assert fit_view(messages, 10_000).note("main view") is None
    fitted = fit_view(messages, whole - 20, reserve=0)  # turn 1 (the long one) must go
    assert [m.id for m in fitted.messages] == ["s", "h2"]
    assert fitted.dropped_messages == 4 and fitted.cut_tokens == 0
    assert fitted.tokens_after == count_messages(fitted.messages) <= whole - 20
    assert fitted.note("main view").startswith(
        f"context: main view trimmed from {whole} to {fitted.tokens_after} tokens"
    )
    huge = [SystemMessage("Be brief.", id="s"), HumanMessage(LONG * 30, id="h")]
    cut = fit_view(huge, 2048)
    assert cut.cut_tokens > 0 and "tokens cut" in cut.messages[-1].text
    assert cut.tokens_after <= 2048 and huge[-1].text == LONG * 30  # the transcript is whole


def test_a_worker_view_is_fitted_to_the_worker_models_window_and_the_ledger_says_so(
    tmp_path: Path,
) -> None:
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        # the cheap worker model, whatever its predicted quality,
        routing=RoutingConfig(force_route="worker_session"),
        quality=QualityConfig(
            strong_categories=frozenset(), strong_worker_complexity=6, min_quality=None
        ),
    )
    main = SimulatedChatModel(model_name="gpt-4.1")  # 1M-token window
    worker = SimulatedChatModel(model_name="gpt-3.5-turbo")  # 16k-token window
    graph = create_orchestrator(main_model=main, worker_model=worker, config=config).compile()
    request = "Summarize this log. " + "error at line 42, retry scheduled. " * 3000  # ~27k
    assert count_text(request) > 20_000
    graph.invoke({"messages": [HumanMessage(request)]}, {"configurable": {"thread_id": "w"}})
    (sent,) = worker.requests
    assert sent.input_tokens <= 16_385 and "tokens cut" in sent.messages[-1].text
    (turn,) = CostLedger(config.ledger_path).turns("w")
    (note,) = turn.trimmed
    assert note.startswith("context: spawn_subgraph view for gpt-3.5-turbo trimmed from")
    assert "16385-token window" in note


def test_a_huge_main_request_is_cut_and_the_cut_is_in_the_ledger(tmp_path: Path) -> None:
    config = OrchestratorConfig(
        ledger_path=tmp_path / "ledger.sqlite",
        routing=RoutingConfig(force_route="main_session"),
        sessions=SessionConfig(context_window=4096),
    )
    main = SimulatedChatModel(model_name="gpt-4.1")
    graph = create_orchestrator(
        main_model=main, worker_model=SimulatedChatModel(model_name="gpt-4.1-mini"), config=config
    ).compile()
    huge = "Summarize the following log. " + "error at line 42, retry scheduled. " * 900
    graph.invoke({"messages": [HumanMessage(huge)]}, {"configurable": {"thread_id": "m"}})
    assert main.requests[-1].input_tokens <= 4096
    (turn,) = CostLedger(config.ledger_path).turns("m")
    (note,) = turn.trimmed
    assert note.startswith("context: main_session view for gpt-4.1 trimmed from")
    assert "tokens cut from the middle" in note
